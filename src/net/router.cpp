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

// A path's segment matches a parameter when it is not empty and its escapes are well formed: a
// malformed escape ("%zz") cannot name anything a handler looks up, so the route does not match
// rather than handing the handler undecodable text.
bool fits_param(std::string_view segment) {
  return !segment.empty() && boost::urls::make_pct_string_view(segment).has_value();
}

}  // namespace

void router::add(http::verb method, std::string pattern, handler fn) {
  // A bad pattern is a programming error found at start-up, hence the exception.
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  std::vector<pattern_segment> compiled;
  for (auto segment : split_segments(pattern)) {
    if (segment == "{}") throw std::invalid_argument("route parameter without a name: " + pattern);
    compiled.push_back({static_cast<std::uint32_t>(segment.data() - pattern.data()),
                        static_cast<std::uint32_t>(segment.size()), is_param(segment)});
  }
  routes_.push_back(route{method, std::move(pattern), std::move(fn), {}, std::nullopt});
  segments_.push_back(std::move(compiled));
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
  const auto segments = split_segments(path);
  auto matches = [&](std::size_t i) {
    const auto& compiled = segments_[i];
    if (compiled.size() != segments.size()) return false;
    const std::string_view pattern = routes_[i].pattern;
    for (std::size_t k = 0; k < compiled.size(); ++k) {
      const auto& p = compiled[k];
      if (p.param ? !fits_param(segments[k]) : pattern.substr(p.at, p.size) != segments[k]) return false;
    }
    return true;
  };
  // Lexicographic order on the segments' kinds puts literals before parameters at the first
  // segment where two candidates differ; on a tie the route added first stays.
  auto more_specific = [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < segments_[a].size(); ++k) {
      if (segments_[a][k].param != segments_[b][k].param) return !segments_[a][k].param;
    }
    return false;
  };
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!matches(i)) continue;
    const auto& r = routes_[i];
    if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end()) {
      result.allowed.push_back(r.method);
    }
    if (r.method != method) {
      result.path_known = true;
      continue;
    }
    if (!best || more_specific(i, *best)) best = i;
  }
  if (!best) return result;
  result.found = &routes_[*best];
  const std::string_view pattern = result.found->pattern;
  for (std::size_t k = 0; k < segments.size(); ++k) {
    const auto& p = segments_[*best][k];
    if (!p.param) continue;
    result.params.insert_or_assign(std::string(pattern.substr(p.at + 1, p.size - 2)),
                                   boost::urls::make_pct_string_view(segments[k])->decode());
  }
  return result;
}

}  // namespace siaga::net
