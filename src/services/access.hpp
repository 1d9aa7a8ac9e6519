// Who may do what. One place for the role rules so the API and the services agree.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"
#include "services/context.hpp"

namespace siaga::services {

// Roles that take and manage reports and incidents: admin, supervisor, call_taker.
bool is_dispatcher(domain::role r);

// Fails with forbidden unless the actor's role is one of the dispatcher roles.
core::result<void> require_dispatcher(const actor& a);

// Fails with forbidden unless the actor is an admin.
core::result<void> require_admin(const actor& a);

// May the actor see or act on this dispatch? Dispatchers: any; agency operators: only their
// agency's; leaders: see only. Fails with not_found for an operator of another agency, so
// that the existence of other agencies' work is not disclosed.
core::result<void> check_dispatch_access(const actor& a, const domain::dispatch& d, bool write);

// How an event shows to an actor, on incident timelines and on the realtime stream.
enum class event_visibility {
  hidden,
  visible,
  if_incident_dispatched,  // visible when the event's incident has a dispatch to the actor's agency
};

// True for the actor of an integration's api key (services::integration_actor).
bool is_integration(const actor& a);

// Which events an actor may see. Nobody sees another jurisdiction's. An integration (the PBX
// bridge on /api/v1/telephony/stream) sees only callback.dial_requested. Only dispatchers see the
// events of calls, callers, callbacks, location fixes and api keys (phone numbers). Otherwise
// dispatchers and leaders see all of their jurisdiction's. An agency operator sees the events of its agency's
// dispatches, and the incident-level events (no agency) of incidents dispatched to its agency,
// which only the caller can tell (hence if_incident_dispatched); never report, user, agency or
// category events, and nothing at all when the account has no agency (fail closed).
event_visibility event_visibility_for(const actor& a, const domain::event& e);

// May the actor see a caller's number while it is live (domain::caller_number_live,
// domain::callback_number_live)? Dispatchers, and an integration (the PBX bridge dials an open
// callback's number); never an agency operator or a leader.
bool may_see_caller_number(const actor& a);

// May the actor reveal the reporter's name and number (services::reveal_report_contact; every
// view masks them)? Dispatchers yes; an agency operator only when one of its dispatches shares
// the contact; leaders never.
bool may_see_contact(const actor& a, bool shared_with_actor_agency);

}  // namespace siaga::services
