// Route matching: a path and a pattern are compared segment by segment. Among the routes that
// match, the most specific wins: at the first segment where two candidates differ in kind, the
// literal beats the parameter, so "/incidents/open" wins over "/incidents/{id}" whatever the
// order in which they were added.
#include "net/http_server.hpp"

#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <stdexcept>

namespace siaga::net {

namespace {

// The segments of an absolute path: "/a/b" -> {"a", "b"}, "/" -> {""}, "/a/" -> {"a", ""}.
// Empty segments are kept so that matching is exact (no trailing-slash tolerance).
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches one pattern against the path's segments. On success fills params (decoded) and
// kinds (true where the pattern had a parameter), which ranks the candidates.
bool match_pattern(std::string_view pattern, const std::vector<std::string_view>& segments, path_params& params,
                   std::vector<bool>& kinds) {
  auto pattern_segments = split_segments(pattern);
  if (pattern_segments.size() != segments.size()) return false;
  params.clear();
  kinds.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    auto p = pattern_segments[i];
    auto s = segments[i];
    if (!is_param(p)) {
      if (p != s) return false;
      kinds.push_back(false);
      continue;
    }
    if (s.empty()) return false;
    // A malformed escape ("%zz") cannot name anything a handler looks up, so the route does
    // not match rather than handing the handler undecodable text.
    auto encoded = boost::urls::make_pct_string_view(s);
    if (!encoded) return false;
    params.insert_or_assign(std::string(p.substr(1, p.size() - 2)), encoded->decode());
    kinds.push_back(true);
  }
  return true;
}

}  // namespace

void router::add(http::verb method, std::string pattern, handler fn) {
  // A bad pattern is a programming error found at start-up, hence the exception.
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  for (auto segment : split_segments(pattern)) {
    if (segment == "{}") throw std::invalid_argument("route parameter without a name: " + pattern);
  }
  routes_.push_back(route{method, std::move(pattern), std::move(fn), {}, std::nullopt});
}

void router::add(http::verb method, std::string pattern, handler fn, std::size_t body_limit) {
  add(method, std::move(pattern), std::move(fn));
  routes_.back().body_limit = body_limit;
}

void router::add_websocket(std::string pattern, websocket_handler fn) {
  // A plain GET cannot be answered with a stream; RFC 7231 says 426 with an Upgrade header.
  add(http::verb::get, std::move(pattern), [](request_context& ctx) -> boost::asio::awaitable<response> {
    auto res = json_error(http::status::upgrade_required, "upgrade_required",
                          "this endpoint speaks WebSocket: send GET with Upgrade: websocket", ctx.req.version(),
                          ctx.req.keep_alive());
    res.set(http::field::upgrade, "websocket");
    co_return res;
  });
  routes_.back().upgrade = std::move(fn);
}

router::match_result router::match(http::verb method, std::string_view path) const {
  match_result result;
  if (path.empty() || path.front() != '/') return result;
  auto segments = split_segments(path);

  path_params params;
  std::vector<bool> kinds;
  std::vector<bool> best_kinds;
  for (const auto& r : routes_) {
    if (!match_pattern(r.pattern, segments, params, kinds)) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end()) {
      result.allowed.push_back(r.method);
    }
    if (r.method != method) {
      result.path_known = true;
      continue;
    }
    // Lexicographic order on kinds puts literals (false) before parameters (true) at the
    // first segment where the candidates differ; on a tie the route added first stays.
    if (result.found == nullptr || kinds < best_kinds) {
      result.found = &r;
      result.params = params;
      best_kinds = kinds;
    }
  }
  return result;
}

}  // namespace siaga::net
