#include "api/handler.hpp"

namespace siaga::api {

std::string token_of(const net::request& req) {
  auto auth = req[net::http::field::authorization];
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
    return std::string(auth.substr(7));
  }
  std::string_view cookies = req[net::http::field::cookie];
  while (!cookies.empty()) {
    auto end = cookies.find(';');
    auto part = cookies.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > cookie_name.size() && part.substr(0, cookie_name.size()) == cookie_name &&
        part[cookie_name.size()] == '=') {
      return std::string(part.substr(cookie_name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    cookies.remove_prefix(end + 1);
  }
  return {};
}

namespace {

// The actor of a token, from the session cache when it is fresh there, else from the store.
core::result<actor> cached_actor(api_deps& deps, const std::string& token) {
  auto now = deps.clock.now();
  if (auto hit = deps.sessions->find(token, now)) return std::move(*hit);
  auto who = services::authenticate(deps.store.reader(), deps.clock, token);
  if (who) deps.sessions->remember(token, *who, now);
  return who;
}

}  // namespace

net::handler wrap(api_deps& deps, unsigned roles, body_fn fn) {
  return [&deps, roles, fn = std::move(fn)](net::request_context& http) -> boost::asio::awaitable<net::response> {
    call c{http, actor{}, deps};
    if (roles != 0) {
      auto who = cached_actor(deps, token_of(http.req));
      if (!who) co_return error_response(http.req, who.error());
      if ((roles & (1u << static_cast<unsigned>(who->role))) == 0) {
        co_return error_response(http.req, core::forbidden("role " + std::string(to_string(who->role)) +
                                                           " may not use " + std::string(http.req.method_string()) +
                                                           " " + std::string(net::split_target(http.req.target()).first)));
      }
      c.who = std::move(*who);
    }
    auto r = co_await fn(c);
    if (!r) co_return error_response(http.req, r.error());
    co_return std::move(*r);
  };
}

}  // namespace siaga::api
