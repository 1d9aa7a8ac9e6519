// /api/v1 auth, health and the OpenAPI document, and add_routes, which adds every route file's
// table: report_routes.cpp, incident_routes.cpp, directory_routes.cpp, call_routes.cpp,
// telephony_routes.cpp, notification_routes.cpp, media_routes.cpp and the stream (stream.cpp).
#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/auth_service.hpp"
#include "services/directory_service.hpp"

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

awaitable<reply> login(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"username", "password"}));
  SIAGA_CO_TRY(username, required_string(body, "username", 64));
  SIAGA_CO_TRY(password, required_string(body, "password", 1024));
  // Argon2id takes ~100 ms: verify on the blocking pool, not on the event loop.
  auto& store = c.deps.store;
  SIAGA_AWAIT_TRY(user, off_loop(c.deps, [&store, &username, &password] {
                    return services::check_credentials(store.reader(), username, password);
                  }));
  if (!user) co_return user.error();
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
      {verb::post, "/api/v1/auth/logout", signed_in, logout},
      {verb::get, "/api/v1/me", signed_in, me},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

void add_routes(net::router& r, api_deps& deps) {
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
