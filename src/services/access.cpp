#include "services/access.hpp"

namespace siaga::services {

using domain::role;

actor system_actor(std::string jurisdiction_id) {
  return actor{"system", std::move(jurisdiction_id), role::admin, std::nullopt, "Sistem"};
}

bool is_dispatcher(role r) { return r == role::admin || r == role::supervisor || r == role::call_taker; }

core::result<void> require_dispatcher(const actor& a) {
  if (is_dispatcher(a.role)) return {};
  return core::forbidden("role " + std::string(to_string(a.role)) + " may not do this; a call taker or supervisor can");
}

core::result<void> require_admin(const actor& a) {
  if (a.role == role::admin) return {};
  return core::forbidden("only an admin may do this");
}

core::result<void> check_dispatch_access(const actor& a, const domain::dispatch& d, bool write) {
  if (is_dispatcher(a.role)) return {};
  if (a.role == role::agency_operator) {
    if (a.agency_id && *a.agency_id == d.agency_id) return {};
    return core::not_found("dispatch " + d.id + " not found");
  }
  if (!write) return {};
  return core::forbidden("role " + std::string(to_string(a.role)) + " is read-only");
}

bool is_integration(const actor& a) { return a.user_id.starts_with("api_key:"); }

event_visibility event_visibility_for(const actor& a, const domain::event& e) {
  if (e.jurisdiction_id != a.jurisdiction_id) return event_visibility::hidden;
  if (is_integration(a)) {
    return e.kind == "callback.dial_requested" ? event_visibility::visible : event_visibility::hidden;
  }
  // Events about calls, callers, callbacks, location fixes and api keys carry phone numbers
  // (the caller's subject id is the number): dispatchers' business, like a reporter's contact.
  using domain::subject_kind;
  if (!is_dispatcher(a.role) && (e.subject == subject_kind::call || e.subject == subject_kind::caller ||
                                 e.subject == subject_kind::callback || e.subject == subject_kind::location ||
                                 e.subject == subject_kind::api_key)) {
    return event_visibility::hidden;
  }
  if (a.role != role::agency_operator) return event_visibility::visible;
  if (!a.agency_id) return event_visibility::hidden;
  // An operator follows its dispatches and their incidents, nothing else: agency.* events
  // (directory configuration, even of its own agency), notification deliveries, users and the
  // rest carry an agency id at times but are the admins' and dispatchers' business.
  if (e.subject != subject_kind::dispatch && e.subject != subject_kind::incident) return event_visibility::hidden;
  if (e.agency_id) return *e.agency_id == *a.agency_id ? event_visibility::visible : event_visibility::hidden;
  // Report events may carry an incident id (report.accepted) but describe the reporter's
  // account, which is the dispatchers' business.
  if (e.subject == domain::subject_kind::incident && e.incident_id) return event_visibility::if_incident_dispatched;
  return event_visibility::hidden;
}

bool may_see_caller_number(const actor& a) {
  return is_dispatcher(a.role) || is_integration(a);
}

bool may_see_contact(const actor& a, bool shared_with_actor_agency) {
  if (is_dispatcher(a.role)) return true;
  if (a.role == role::agency_operator) return shared_with_actor_agency;
  return false;
}

}  // namespace siaga::services
