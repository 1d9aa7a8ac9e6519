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

// May the actor see the reporter's name and number? Dispatchers yes; an agency operator only
// when one of its dispatches shares the contact; leaders never.
bool may_see_contact(const actor& a, bool shared_with_actor_agency);

}  // namespace siaga::services
