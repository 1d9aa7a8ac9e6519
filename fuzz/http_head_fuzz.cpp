// The HTTP request head as the server reads it (net/http_session.cpp): Beast's request parser
// under the server's limits, then what the server does with the head before a handler runs:
// the target split into path and query, the query decoded, the route matched segment by
// segment, the origin rule and the upgrade test.
#include "fuzz_support.hpp"
#include "net/browser_policy.hpp"
#include "net/http_server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

namespace http = boost::beast::http;

const siaga::net::router& routes() {
  static const siaga::net::router r = [] {
    siaga::net::router t;
    t.add(http::verb::get, "/api/v1/health", {});
    t.add(http::verb::get, "/api/v1/incidents/{id}", {});
    t.add(http::verb::post, "/api/v1/reports/{id}/accept", {});
    t.add(http::verb::get, "/api/v1/callers/{number}", {});
    t.add(http::verb::post, "/api/v1/media", {}, 8 * 1024 * 1024);
    t.add_websocket("/api/v1/stream", {});
    return t;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siaga::net;
  http::request_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();
  std::string_view target(req.target().data(), req.target().size());
  auto [path, query] = split_target(target);
  SIAGA_FUZZ_ASSERT(path.size() + query.size() <= target.size());
  (void)parse_query(query);
  auto m = routes().match(req.method(), path);
  if (m.found) SIAGA_FUZZ_ASSERT(!m.found->pattern.empty());
  std::string_view origin(req[http::field::origin].data(), req[http::field::origin].size());
  std::string_view host(req[http::field::host].data(), req[http::field::host].size());
  (void)origin_allowed(origin, host, {"https://112.kota.go.id"});
  (void)is_unsafe_method(req.method());
  if (parser.is_done()) (void)boost::beast::websocket::is_upgrade(parser.get());
  return 0;
}
