// The machinery every route file shares: role bits, the per-request call, the wrapper that
// authenticates and checks roles, and the early-return macros for result values.
#pragma once

#include "api/api.hpp"
#include "api/http_util.hpp"
#include "services/async_write.hpp"
#include "services/auth_service.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>

namespace siaga::api {

using boost::asio::awaitable;
using domain::role;
using services::actor;
using services::run_large_service;
using services::run_service;
using services::run_write;
using net::http::verb;

inline constexpr std::string_view cookie_name = "siaga_session";

// Who may call a route: a bit per role; 0 is a public route (no login).
enum class access : unsigned {
  open = 0,
  admin = 1u << static_cast<unsigned>(role::admin),
  supervisor = 1u << static_cast<unsigned>(role::supervisor),
  call_taker = 1u << static_cast<unsigned>(role::call_taker),
  agency = 1u << static_cast<unsigned>(role::agency_operator),
  leader = 1u << static_cast<unsigned>(role::leader),
};
constexpr unsigned operator|(access a, access b) {
  return static_cast<unsigned>(a) | static_cast<unsigned>(b);
}
constexpr unsigned operator|(unsigned a, access b) {
  return a | static_cast<unsigned>(b);
}
constexpr unsigned dispatchers = access::admin | access::supervisor | access::call_taker;
constexpr unsigned signed_in = dispatchers | access::agency | access::leader;
constexpr unsigned readers = dispatchers | access::leader;
constexpr unsigned admins = static_cast<unsigned>(access::admin);
// Added to a route's roles: a user who must change their password may still use it (sign out,
// read /me, change the password). Every other route answers them 403 password_change_required.
constexpr unsigned before_password_change = 1u << 16;

// What a handler gets: the HTTP request, the authenticated actor (empty on open routes) and
// the dependencies.
struct call {
  net::request_context& http;
  actor who;
  api_deps& deps;
  const net::request& req() const { return http.req; }
  const std::string& param(std::string_view name) const { return http.params.find(name)->second; }
  services::context ctx() const { return {deps.clock, deps.ids, deps.random, deps.options.callback_expiry}; }
};

using reply = core::result<net::response>;
using body_fn = std::function<awaitable<reply>(call&)>;

// Runs fn() on the blocking pool (Argon2id's ~100 ms, SHA-256 of megabytes) and resumes the
// caller on its own executor with the result. The work is a coroutine spawned on the pool, so it
// really runs there: co_await post(pool) alone would resume on the caller's executor and hash on
// the threads that serve every request. Fails with unavailable (503) without running fn when
// limit jobs already wait or run (counted in jobs), so that a flood cannot queue without bound.
template <class F>
awaitable<core::result<std::invoke_result_t<F>>> off_loop(boost::asio::thread_pool& pool, std::atomic<int>& jobs,
                                                          int limit, F fn) {
  using value = std::invoke_result_t<F>;
  if (jobs.fetch_add(1) >= limit) {
    jobs.fetch_sub(1);
    co_return core::result<value>(
        boost::system::in_place_error,
        core::make_error(core::errc::unavailable, "server busy: too much waiting work at once, try again shortly"));
  }
  struct release {
    std::atomic<int>& n;
    ~release() { n.fetch_sub(1); }
  } guard{jobs};
  // Plain handlers, no coroutine lambda: GCC 12 mishandles the captures of those. The work is
  // posted to the pool, and its result posted back to the awaiting coroutine's executor.
  auto out = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(value)>(
      [&pool, fn = std::move(fn)](auto handler) mutable {
        boost::asio::post(pool, [fn = std::move(fn), handler = std::move(handler)]() mutable {
          auto v = fn();
          auto home = boost::asio::get_associated_executor(handler);
          boost::asio::post(home, [handler = std::move(handler), v = std::move(v)]() mutable {
            std::move(handler)(std::move(v));
          });
        });
      },
      boost::asio::use_awaitable);
  co_return core::result<value>(boost::system::in_place_value, std::move(out));
}

// The same with the server's pool and gate. fn should capture by reference what the awaiting
// coroutine keeps alive: GCC 12 can destroy a closure's owning captures twice when the closure
// is a temporary in a co_await expression.
template <class F>
awaitable<core::result<std::invoke_result_t<F>>> off_loop(api_deps& deps, F fn) {
  return off_loop(deps.blocking, *deps.blocking_jobs, deps.blocking_job_limit, std::move(fn));
}

// The session token of a request: the bearer token, else the session cookie; "" when neither.
std::string token_of(const net::request& req);

// Wraps a handler body with authentication and the role check of roles (0: open route), and
// turns an error result into its JSON error response. On a GET it first refuses, with 400
// naming it, a query parameter that the OpenAPI document does not list for the route (a
// mistyped filter must not silently return everything); for a user who must change their
// password, every route without before_password_change in roles answers 403
// password_change_required.
net::handler wrap(api_deps& deps, unsigned roles, body_fn fn);

// One row of a route table.
struct route_row {
  net::http::verb method;
  const char* path;
  unsigned roles;
  body_fn fn;
};

// Each route file adds its table; add_routes (routes.cpp) calls them all.
void add_core_routes(net::router& r, api_deps& deps);                 // api/routes.cpp: auth, health
void add_report_routes(net::router& r, api_deps& deps);               // api/report_routes.cpp
void add_incident_routes(net::router& r, api_deps& deps);             // api/incident_routes.cpp
void add_directory_routes(net::router& r, api_deps& deps);            // api/directory_routes.cpp
void add_telephony_routes(net::router& r, api_deps& deps);            // api/telephony_routes.cpp
void add_notification_routes(net::router& r, api_deps& deps);  // api/notification_routes.cpp
void add_stream_routes(net::router& r, api_deps& deps);        // api/stream.cpp
void add_call_routes(net::router& r, api_deps& deps);          // api/call_routes.cpp
void add_media_routes(net::router& r, api_deps& deps);         // api/media_routes.cpp
void add_places_routes(net::router& r, api_deps& deps);        // api/places_routes.cpp
void add_stats_routes(net::router& r, api_deps& deps);         // api/stats_routes.cpp
void add_sla_routes(net::router& r, api_deps& deps);           // api/sla_routes.cpp
void add_public_routes(net::router& r, api_deps& deps);        // api/public_routes.cpp
void add_public_report_routes(net::router& r, api_deps& deps);  // api/public_report_routes.cpp

}  // namespace siaga::api

// Early returns inside handler coroutines: SIAGA_CO_TRY binds var to the value of a result or
// co_returns its error; SIAGA_AWAIT_TRY does the same for an awaitable of a result;
// SIAGA_CO_CHECK co_returns the error of a result<void>. Plain functions use SIAGA_TRY and
// SIAGA_CHECK from core/error.hpp.
#define SIAGA_CO_TRY(var, expr)            \
  auto var##_r = (expr);                   \
  if (!var##_r) co_return var##_r.error(); \
  auto var = std::move(*var##_r)

// Awaits an awaitable of result<T> into var, or returns its error.
#define SIAGA_AWAIT_TRY(var, expr)         \
  auto var##_r = co_await (expr);          \
  if (!var##_r) co_return var##_r.error(); \
  auto var = std::move(*var##_r)

#define SIAGA_CO_CHECK(expr) \
  if (auto check_r = (expr); !check_r) co_return check_r.error()
