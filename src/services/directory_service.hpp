// The reference data an admin keeps: agencies, categories with run cards, users. Each write
// function is the body of one write command and records an event.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::services {

// Creates (empty id) or updates an agency. Fails with invalid_input for an empty code or name.
core::result<domain::agency> save_agency(storage::store_txn& tx, const context& ctx, const actor& who,
                                         domain::agency a);

// Creates (empty id) or updates a category. Fails with invalid_input for an empty code or
// name, a run card naming an unknown agency or one agency twice, or negative SLA targets.
core::result<domain::category> save_category(storage::store_txn& tx, const context& ctx, const actor& who,
                                             domain::category c);

struct new_user {
  std::string username;
  std::string display_name;
  domain::role user_role = domain::role::call_taker;
  std::optional<std::string> agency_id;
  std::string password_hash;  // from hash_password(), computed off the writer thread
};

// Creates a user. Fails with invalid_input when an agency operator has no agency (or another
// role has one), or the agency is unknown; conflict when the username is taken.
core::result<domain::user> create_user(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const new_user& in);

struct user_changes {
  std::optional<std::string> display_name;
  std::optional<domain::role> user_role;
  std::optional<std::optional<std::string>> agency_id;
  std::optional<bool> active;
  std::optional<std::string> password_hash;
};

// Changes a user. The same agency rules as create_user apply to the result.
core::result<domain::user> update_user(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const std::string& user_id, const user_changes& changes);

}  // namespace siaga::services
