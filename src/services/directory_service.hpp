// The reference data an admin keeps: agencies, categories with run cards, users. Each write
// function is the body of one write command and records an event.
#pragma once

#include "domain/lifecycle.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::services {

// Creates (empty id) or updates an agency; its endpoints replace the stored ones. A webhook
// endpoint given without a secret keeps the secret of the stored webhook with the same url
// (secrets are write-only, so an admin editing other fields need not re-enter them). Fails
// with invalid_input for an empty code or name, more than domain::max_endpoints endpoints or
// one that domain::check_endpoint refuses (the message names its index).
core::result<domain::agency> save_agency(storage::store_txn& tx, const context& ctx, const actor& who,
                                         domain::agency a);

// As save_agency, but an existing agency keeps its stored endpoints whatever a.endpoints
// holds: for updates that do not mention endpoints.
core::result<domain::agency> save_agency_keeping_endpoints(storage::store_txn& tx, const context& ctx,
                                                           const actor& who, domain::agency a);

// Creates (empty id) or updates a category. Fails with invalid_input for an empty code or
// name, a run card naming an unknown agency or one agency twice, or negative SLA targets.
core::result<domain::category> save_category(storage::store_txn& tx, const context& ctx, const actor& who,
                                             domain::category c);

// What an admin changes of the jurisdiction; its code, id and incident prefix never change.
struct jurisdiction_changes {
  std::optional<std::string> name;
  std::optional<std::string> timezone;
  std::optional<std::vector<int>> weekend_days;
  std::optional<std::vector<domain::holiday>> holidays;  // replaces the whole list
  std::optional<std::vector<domain::agency_endpoint>> alert_endpoints;
};

// Changes the actor's jurisdiction, recorded as "jurisdiction.updated". Fails with forbidden
// for anyone but an admin; invalid_input for an empty name, an unknown time zone, a calendar
// domain::check_calendar refuses or an alert endpoint domain::check_endpoint refuses.
core::result<domain::jurisdiction> update_jurisdiction(storage::store_txn& tx, const context& ctx,
                                                      const actor& who, const jurisdiction_changes& in);

// The actor's jurisdiction; not_found when it is gone.
core::result<domain::jurisdiction> jurisdiction_for(storage::store_reader& rd, const actor& who);

struct new_user {
  std::string username;
  std::string display_name;
  domain::role user_role = domain::role::call_taker;
  std::optional<std::string> agency_id;
  std::string password_hash;  // from hash_password(), computed off the writer thread
  std::string pbx_agent;      // the PBX agent id the user answers calls as; empty: none
  bool must_change_password = false;  // the user must change it before anything else
};

// Creates a user. Fails with invalid_input when an agency operator has no agency (or another
// role has one), the agency is unknown or the pbx_agent is malformed; conflict when the
// username or the pbx_agent is taken.
core::result<domain::user> create_user(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const new_user& in);

struct user_changes {
  std::optional<std::string> display_name;
  std::optional<domain::role> user_role;
  std::optional<std::optional<std::string>> agency_id;
  std::optional<bool> active;
  std::optional<std::string> password_hash;
  std::optional<std::string> pbx_agent;  // empty string: the user answers no calls
  std::optional<bool> must_change_password;
};

struct user_update {
  domain::user user;
  bool sessions_ended = false;  // every session of the user was deleted
};

// Changes a user. The same agency rules as create_user apply to the result. When the change
// touches what a session was granted on (the role or the agency changes, the account is
// disabled or enabled, a password is set, or a password change is required) every session of
// the user is deleted in the same transaction and sessions_ended is set: the API then raises
// the user-changed signal (services/user_signal.hpp) so that open streams close at once. A new
// display name or PBX agent, or a field set to its current value, leaves sessions alone.
core::result<user_update> update_user(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const std::string& user_id, const user_changes& changes);

// ---- reads ----

// The directory of the actor's jurisdiction, ordered by code (agencies, categories, districts)
// or username (users). Who may read which is the route table's business.
// Each agency comes with the way it acknowledges a dispatch (domain::acknowledged_by), so that
// consoles know whose silence means something.
struct agency_entry {
  domain::agency agency;
  domain::ack_via acknowledged_by = domain::ack_via::console;
};
core::result<std::vector<agency_entry>> list_agencies_for(storage::store_reader& rd, const actor& who);
core::result<std::vector<domain::category>> list_categories_for(storage::store_reader& rd, const actor& who);
core::result<std::vector<domain::district>> list_districts_for(storage::store_reader& rd, const actor& who);
// The villages of the actor's jurisdiction by code, or of one of its districts; invalid_input
// when district_id is not a district of the jurisdiction.
core::result<std::vector<domain::village>> list_villages_for(storage::store_reader& rd, const actor& who,
                                                             const std::optional<std::string>& district_id);
core::result<std::vector<domain::user>> list_users_for(storage::store_reader& rd, const actor& who);

// The signed-in user with the jurisdiction and, for an agency operator, the agency. not_found
// when the account is gone.
struct me_view {
  domain::user user;
  std::optional<domain::jurisdiction> jurisdiction;
  std::optional<domain::agency> agency;
};
core::result<me_view> read_me(storage::store_reader& rd, const actor& who);

}  // namespace siaga::services
