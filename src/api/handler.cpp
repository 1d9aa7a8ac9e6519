#include "api/handler.hpp"
#include "api/signed_in.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <set>

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

bool is_signed_in(api_deps& deps, const net::request& req) {
  auto token = token_of(req);
  return !token.empty() && cached_actor(deps, token).has_value();
}

namespace {

// The query parameters the OpenAPI document lists for each GET route, read once from the
// compiled-in document (components/parameters references resolved). A router of the
// document's paths finds the route's pattern for a concrete path.
class documented_queries {
 public:
  documented_queries() {
    boost::system::error_code ec;
    auto doc = boost::json::parse(openapi_document(), ec);
    if (ec || !doc.is_object()) return;
    const auto* paths = doc.as_object().if_contains("paths");
    const auto* components = doc.as_object().if_contains("components");
    const boost::json::object* shared = nullptr;
    if (components && components->is_object()) {
      if (const auto* p = components->as_object().if_contains("parameters"); p && p->is_object()) shared = &p->as_object();
    }
    if (!paths || !paths->is_object()) return;
    for (const auto& entry : paths->as_object()) {
      const auto* ops = entry.value().if_object();
      const auto* get = ops ? ops->if_contains("get") : nullptr;
      if (!get || !get->is_object()) continue;
      std::set<std::string, std::less<>> names;
      auto add = [&](const boost::json::value* params) {
        if (!params || !params->is_array()) return;
        for (const auto& p : params->as_array()) {
          const auto* o = p.if_object();
          if (!o) continue;
          if (const auto* ref = o->if_contains("$ref"); ref && ref->is_string() && shared) {
            std::string r(ref->as_string().data(), ref->as_string().size());
            if (const auto* target = shared->if_contains(r.substr(r.rfind('/') + 1))) o = target->if_object();
          }
          if (!o) continue;
          const auto* in = o->if_contains("in");
          const auto* name = o->if_contains("name");
          if (in && name && in->is_string() && name->is_string() && in->as_string() == "query") {
            names.emplace(name->as_string().data(), name->as_string().size());
          }
        }
      };
      add(get->as_object().if_contains("parameters"));
      add(ops->if_contains("parameters"));
      std::string pattern(entry.key().data(), entry.key().size());
      router_.add(verb::get, pattern, net::handler{});
      allowed_.emplace(std::move(pattern), std::move(names));
    }
  }

  // invalid_input naming the first query parameter the document does not list for this GET
  // path; nothing for an undocumented path (the OpenAPI test keeps those from existing).
  core::result<void> check(const net::request& req) const {
    auto [path, query] = net::split_target(req.target());
    if (query.empty()) return {};
    auto m = router_.match(verb::get, path);
    if (!m.found) return {};
    const auto& names = allowed_.at(m.found->pattern);
    for (const auto& kv : query_of(req)) {
      const auto& name = kv.first;
      if (names.contains(name)) continue;
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      return core::invalid("parameter kueri '" + name + "' tidak dikenal di rute ini (unknown query parameter '" +
                           name + "'); yang diterima / accepted: " + (known.empty() ? "(tidak ada / none)" : known));
    }
    return {};
  }

 private:
  net::router router_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> allowed_;
};

const documented_queries& queries() {
  static const documented_queries q;
  return q;
}

}  // namespace

net::handler wrap(api_deps& deps, unsigned roles, body_fn fn) {
  return [&deps, roles, fn = std::move(fn)](net::request_context& http) -> boost::asio::awaitable<net::response> {
    call c{http, actor{}, deps};
    if (http.req.method() == verb::get) {
      if (auto ok = queries().check(http.req); !ok) co_return error_response(http.req, ok.error());
    }
    if (roles != 0) {
      auto who = cached_actor(deps, token_of(http.req));
      if (!who) co_return error_response(http.req, who.error());
      if (who->must_change_password && (roles & before_password_change) == 0) {
        co_return error_response(
            http.req, core::make_error(core::errc::password_change_required,
                                       "ganti kata sandi Anda dulu (POST /api/v1/me/password) sebelum memakai "
                                       "layanan lain (change your password first)"));
      }
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
