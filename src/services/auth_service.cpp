#include "services/auth_service.hpp"

#include "services/events.hpp"
#include "services/passwords.hpp"

namespace siaga::services {
namespace {
core::error bad_login() {
  return core::make_error(core::errc::unauthenticated, "username or password is wrong, or the account is disabled");
}
}  // namespace

core::result<domain::user> check_credentials(storage::store_reader& reader, std::string_view username,
                                             std::string_view password) {
  auto found = reader.find_user_by_username(std::string(username));
  if (!found) return found.error();
  if (!*found || !(*found)->active) {
    // Spend the same time as a real check so that response times do not reveal usernames.
    static const std::string dummy = hash_password("not-a-real-password").value();
    verify_password(dummy, password);
    return bad_login();
  }
  if (!verify_password((*found)->password_hash, password)) return bad_login();
  return std::move(**found);
}

core::result<login_result> open_session(storage::store_txn& tx, const context& ctx, const domain::user& user,
                                        std::chrono::seconds lifetime) {
  login_result out;
  out.token = make_token(ctx.random);
  out.user = user;
  auto now = ctx.clock.now();
  out.expires_at = now + lifetime;
  domain::session s{token_hash(out.token), user.id, now, out.expires_at};
  if (auto r = tx.insert_session(s); !r) return r.error();
  actor who{user.id, user.jurisdiction_id, user.user_role, user.agency_id, user.display_name};
  if (auto e = record(tx, ctx, who, domain::subject_kind::user, user.id, "user.logged_in", {}); !e) return e.error();
  return out;
}

core::result<void> close_session(storage::store_txn& tx, const context& ctx, const actor& who,
                                 std::string_view token) {
  if (auto r = tx.delete_session(token_hash(token)); !r && r.error().code != core::errc::not_found) {
    return r.error();
  }
  auto e = record(tx, ctx, who, domain::subject_kind::user, who.user_id, "user.logged_out", {});
  if (!e) return e.error();
  return {};
}

core::result<actor> authenticate(storage::store_reader& reader, const core::clock& clock, std::string_view token) {
  auto unauth = [] {
    return core::make_error(core::errc::unauthenticated, "sign in first: the session is missing, expired or revoked");
  };
  if (token.empty()) return unauth();
  auto s = reader.find_session(token_hash(token));
  if (!s) return s.error();
  if (!*s || (*s)->expires_at <= clock.now()) return unauth();
  auto u = reader.find_user((*s)->user_id);
  if (!u) return u.error();
  if (!*u || !(*u)->active) return unauth();
  const auto& user = **u;
  return actor{user.id, user.jurisdiction_id, user.user_role, user.agency_id, user.display_name,
               user.must_change_password};
}

core::result<void> check_own_password(storage::store_reader& reader, const actor& who, std::string_view password) {
  SIAGA_TRY(found, reader.find_user(who.user_id));
  if (!found || !found->active) return core::make_error(core::errc::unauthenticated, "the account is gone or disabled");
  if (!verify_password(found->password_hash, password)) {
    return core::forbidden("kata sandi lama salah (the current password is wrong)");
  }
  return {};
}

core::result<std::int64_t> change_password(storage::store_txn& tx, const context& ctx, const actor& who,
                                           std::string_view token, const std::string& new_hash) {
  SIAGA_TRY(found, tx.find_user(who.user_id));
  if (!found) return core::not_found("user not found");
  auto u = std::move(*found);
  u.password_hash = new_hash;
  u.must_change_password = false;
  SIAGA_CHECK(tx.update_user(u));
  SIAGA_TRY(ended, tx.delete_sessions_of_user(u.id, token_hash(token)));
  SIAGA_CHECK(record(tx, ctx, who, domain::subject_kind::user, u.id, "user.password_changed",
                     {{"username", u.username}, {"sessions_ended", ended}}));
  return ended;
}

core::result<std::int64_t> purge_expired_sessions(storage::store_txn& tx, const context& ctx) {
  return tx.delete_expired_sessions(ctx.clock.now());
}

}  // namespace siaga::services
