// /api/v1 auth, health and the OpenAPI document, and add_routes, which adds every route file's
// table: report_routes.cpp, incident_routes.cpp, directory_routes.cpp, call_routes.cpp,
// telephony_routes.cpp, notification_routes.cpp, media_routes.cpp and the stream (stream.cpp).
#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/auth_service.hpp"
#include "services/directory_service.hpp"
#include "services/password_policy.hpp"
#include "services/passwords.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace siaga::api {
namespace {

namespace asio = boost::asio;

// ---------- auth ----------

core::result<bool> close_session_command(storage::store_txn& tx, const services::context& ctx, const actor& who,
                                         const std::string& token) {
  if (auto r = services::close_session(tx, ctx, who, token); !r) return r.error();
  return true;
}

// Records the locks a failed login started, for supervisors (GET /api/v1/security/events).
core::result<bool> record_locks(storage::store_txn& tx, const services::context& ctx,
                                const std::vector<services::login_lock>& locks) {
  for (const auto& l : locks) {
    domain::security_event e;
    e.id = ctx.ids.next(ctx.clock.now());
    if (!l.username.empty()) {
      SIAGA_TRY(user, tx.find_user_by_username(l.username));
      if (user) e.jurisdiction_id = user->jurisdiction_id;
    }
    e.kind = l.kind;
    e.username = l.username;
    e.address = l.address;
    e.at = ctx.clock.now();
    e.until = l.until;
    e.failures = l.failures;
    SIAGA_CHECK(tx.insert_security_event(e));
  }
  return true;
}

net::response too_many(const net::request& req, std::chrono::seconds wait) {
  auto res = error_response(
      req, core::make_error(core::errc::too_many_requests,
                            "terlalu banyak percobaan masuk yang gagal, coba lagi dalam " +
                                std::to_string(wait.count()) + " detik (too many failed sign-ins, retry in " +
                                std::to_string(wait.count()) + " s)"));
  res.set(net::http::field::retry_after, std::to_string(wait.count()));
  return res;
}

awaitable<reply> login(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"username", "password"}));
  SIAGA_CO_TRY(username, required_string(body, "username", 64));
  SIAGA_CO_TRY(password, required_string(body, "password", 1024));
  // A locked address or account is refused before any hashing, so a guesser costs no CPU.
  auto& limits = *c.deps.login_limits;
  const auto& address = c.http.remote_address;
  if (auto wait = limits.wait(username, address, c.deps.clock.now())) co_return too_many(c.req(), *wait);
  // Argon2id takes ~100 ms: verify on the blocking pool, not on the event loop.
  auto& store = c.deps.store;
  SIAGA_AWAIT_TRY(user, off_loop(c.deps, [&store, &username, &password] {
                    return services::check_credentials(store.reader(), username, password);
                  }));
  if (!user) {
    if (user.error().code == core::errc::unauthenticated) {
      auto locks = limits.failed(username, address, c.deps.clock.now());
      if (!locks.empty()) {
        auto ctx = c.ctx();
        SIAGA_AWAIT_TRY(recorded, run_service<bool>(c.deps.store, &record_locks, ctx, locks));
        (void)recorded;
      }
    }
    co_return user.error();
  }
  limits.succeeded(username, address);
  auto ctx = c.ctx();
  auto lifetime = c.deps.options.session_lifetime;
  SIAGA_AWAIT_TRY(session,
                  run_service<services::login_result>(c.deps.store, &services::open_session, ctx, *user, lifetime));
  auto res = json_response(
      c.req(), net::http::status::ok,
      json::object{
          {"token", session.token}, {"expires_at", time_json(session.expires_at)}, {"user", user_json(session.user)}});
  std::string cookie = std::string(cookie_name) + "=" + session.token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(lifetime.count());
  if (c.deps.options.secure_cookie) cookie += "; Secure";
  res.set(net::http::field::set_cookie, cookie);
  co_return res;
}

awaitable<reply> logout(call& c) {
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(done, run_service<bool>(c.deps.store, &close_session_command, ctx, c.who, token_of(c.req())));
  (void)done;
  c.deps.sessions->forget(token_of(c.req()));
  c.deps.user_changes->raise({c.who.user_id, services::token_hash(token_of(c.req())), std::nullopt,
                              services::reason_logged_out});
  auto res = no_content(c.req());
  res.set(net::http::field::set_cookie, std::string(cookie_name) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  co_return res;
}

awaitable<reply> me(call& c) {
  SIAGA_CO_TRY(m, services::read_me(c.deps.store.reader(), c.who));
  auto out = user_json(m.user);
  out["jurisdiction"] = m.jurisdiction ? json::value(jurisdiction_json(*m.jurisdiction)) : json::value(nullptr);
  if (m.user.agency_id) out["agency"] = m.agency ? json::value(agency_json(*m.agency)) : json::value(nullptr);
  co_return json_response(c.req(), net::http::status::ok, out);
}

// The signed-in user's own password change: the current password, then the new one under the
// password policy. Every other session of the user ends (their streams close); this one stays.
awaitable<reply> change_own_password(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"current_password", "new_password"}));
  SIAGA_CO_TRY(current, required_string(body, "current_password", 1024));
  SIAGA_CO_TRY(fresh, required_string(body, "new_password", 1024));
  SIAGA_CO_TRY(me, services::read_me(c.deps.store.reader(), c.who));
  SIAGA_CO_CHECK(services::check_password_strength(fresh, me.user.username, me.user.display_name));
  if (fresh == current) co_return core::invalid("kata sandi baru harus berbeda dari yang lama (the new password must differ)");
  auto& store = c.deps.store;
  const auto& who = c.who;
  SIAGA_AWAIT_TRY(checked, off_loop(c.deps, [&store, &who, &current] {
                    return services::check_own_password(store.reader(), who, current);
                  }));
  SIAGA_CO_CHECK(checked);
  SIAGA_AWAIT_TRY(hash, off_loop(c.deps, [&fresh] { return services::hash_password(fresh); }));
  SIAGA_CO_CHECK(hash);
  auto ctx = c.ctx();
  auto token = token_of(c.req());
  SIAGA_AWAIT_TRY(ended, run_service<std::int64_t>(c.deps.store, &services::change_password, ctx, c.who, token, *hash));
  c.deps.user_changes->raise({c.who.user_id, std::nullopt, services::token_hash(token),
                              services::reason_password_changed});
  co_return json_response(c.req(), net::http::status::ok, json::object{{"sessions_ended", ended}});
}

awaitable<reply> list_security_events(call& c) {
  SIAGA_CO_TRY(pg, paging_of(query_of(c.req())));
  SIAGA_CO_TRY(events, c.deps.store.reader().list_security_events(c.who.jurisdiction_id, pg.limit));
  json::array items;
  for (const auto& e : events) {
    items.push_back(json::object{{"id", e.id},
                                 {"kind", e.kind},
                                 {"username", e.username},
                                 {"address", e.address},
                                 {"at", time_json(e.at)},
                                 {"until", time_json(e.until)},
                                 {"failures", e.failures}});
  }
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> health(call& c) {
  co_return json_response(c.req(), net::http::status::ok, json::object{{"status", "ok"}});
}

awaitable<reply> openapi(call& c) {
  net::response res{net::http::status::ok, c.req().version()};
  res.set(net::http::field::content_type, "application/json; charset=utf-8");
  res.keep_alive(c.req().keep_alive());
  res.body() = std::string(openapi_document());
  res.prepare_payload();
  co_return res;
}

}  // namespace

void add_core_routes(net::router& r, api_deps& deps) {
  const route_row table[] = {
      {verb::get, "/api/v1/health", 0, health},
      {verb::get, "/api/v1/openapi.json", 0, openapi},
      {verb::post, "/api/v1/auth/login", 0, login},
      {verb::post, "/api/v1/auth/logout", signed_in | before_password_change, logout},
      {verb::get, "/api/v1/me", signed_in | before_password_change, me},
      {verb::post, "/api/v1/me/password", signed_in | before_password_change, change_own_password},
      {verb::get, "/api/v1/security/events", admins | access::supervisor, list_security_events},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

void add_routes(net::router& r, api_deps& deps) {
  // A user whose sessions ended has no token left in this node's cache.
  deps.user_changes->subscribe(
      [cache = deps.sessions](const services::sessions_ended& e) { cache->forget_user(e.user_id); });
  add_core_routes(r, deps);
  add_report_routes(r, deps);
  add_incident_routes(r, deps);
  add_directory_routes(r, deps);
  add_notification_routes(r, deps);
  add_stream_routes(r, deps);
  add_call_routes(r, deps);
  add_telephony_routes(r, deps);
  add_media_routes(r, deps);
  add_places_routes(r, deps);
  add_stats_routes(r, deps);
  add_sla_routes(r, deps);
  add_public_routes(r, deps);
  add_public_report_routes(r, deps);
}

}  // namespace siaga::api
