// Login, logout and turning a token into an actor.
#pragma once

#include "core/error.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <string>

namespace siaga::services {

struct login_result {
  std::string token;  // the secret the client keeps (cookie value or bearer token)
  domain::user user;
  core::timestamp expires_at{};
};

// Checks a username and password against the store (read side). Runs Argon2id verification,
// so call it off the event loop. Fails with unauthenticated, with one message for an unknown
// user, a wrong password and a disabled account alike.
core::result<domain::user> check_credentials(storage::store_reader& reader, std::string_view username,
                                             std::string_view password);

// Write command body: creates a session for a user whose credentials were checked, and records
// a user.logged_in event.
core::result<login_result> open_session(storage::store_txn& tx, const context& ctx, const domain::user& user,
                                        std::chrono::seconds lifetime);

// Write command body: deletes the session of this token (no error when it is already gone).
core::result<void> close_session(storage::store_txn& tx, const context& ctx, const actor& who,
                                 std::string_view token);

// Checks the signed-in user's own password (before a change). Runs Argon2id, so call it off
// the event loop. Fails with forbidden (kata sandi lama salah) when it does not match.
core::result<void> check_own_password(storage::store_reader& reader, const actor& who, std::string_view password);

// Write command body: sets the user's new password (an Argon2id string), clears the
// obligation to change it, deletes every other session of the user (the one of token stays),
// and records user.password_changed. Returns how many sessions ended.
core::result<std::int64_t> change_password(storage::store_txn& tx, const context& ctx, const actor& who,
                                           std::string_view token, const std::string& new_hash);

// Write command body: deletes the sessions that expired by now; returns how many.
core::result<std::int64_t> purge_expired_sessions(storage::store_txn& tx, const context& ctx);

// Resolves a token to its actor. Fails with unauthenticated when the token is unknown,
// expired, or its user is disabled.
core::result<actor> authenticate(storage::store_reader& reader, const core::clock& clock, std::string_view token);

}  // namespace siaga::services
