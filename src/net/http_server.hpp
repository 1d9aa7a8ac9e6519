// A small HTTP/1.1 server on Boost.Beast with C++20 coroutines. It knows nothing of the
// domain: it parses requests, finds a handler in a route table, serves static files, and
// enforces a body limit and timeouts on every connection.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::net {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// Path parameters captured by a pattern such as "/api/v1/incidents/{id}".
using path_params = std::map<std::string, std::string, std::less<>>;

// The remote address and the request, as handlers see them.
struct request_context {
  request& req;
  path_params params;
  // The peer's IP address as text ("127.0.0.1", "::1"), filled by the server from the TCP
  // connection. It is the direct peer: behind a reverse proxy it is the proxy's address.
  std::string remote_address;
};

// A handler answers one request. It must not throw for expected failures; an exception that
// escapes becomes a 500 (the server logs it).
using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

struct route {
  http::verb method;
  std::string pattern;  // literal segments and {name} segments, e.g. "/api/v1/reports/{id}/accept"
  handler fn;
};

// A table of routes matched segment by segment; literal segments win over parameters.
class router {
 public:
  void add(http::verb method, std::string pattern, handler fn);

  struct match_result {
    const route* found = nullptr;  // null: no route for this method and path
    path_params params;
    bool path_known = false;       // some route has this path with another method (-> 405)
    std::vector<http::verb> allowed;  // every method with a route for this path (Allow header)
  };
  // target is the path without the query string.
  match_result match(http::verb method, std::string_view path) const;

  const std::vector<route>& routes() const { return routes_; }

 private:
  std::vector<route> routes_;
};

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8112;                    // 0: pick a free port
  std::size_t body_limit = 1024 * 1024;         // bytes; larger bodies get 413
  std::chrono::seconds read_timeout{30};        // whole request, headers and body
  std::chrono::seconds idle_timeout{60};        // keep-alive wait between requests
  std::string static_root;                      // folder served at "/" for GET; empty: none
  std::string api_prefix = "/api/";             // paths under it never fall back to static files
};

// Builds the JSON error body {"error": code, "message": message} with the given status;
// used by the server for its own 404/405/413/500 answers.
response json_error(http::status status, std::string_view code, std::string_view message,
                    unsigned version = 11, bool keep_alive = true);

class http_server {
 public:
  // The route table is copied, so the caller's may go away. The server must be destroyed
  // before the io_context.
  http_server(boost::asio::io_context& io, server_options options, const router& routes);
  ~http_server();

  // Binds and starts accepting. Fails (returns false with a message in error_out) when the
  // address cannot be bound.
  bool listen(std::string& error_out);

  // The bound port (useful with port 0).
  std::uint16_t port() const;

  // Stops accepting; connections in flight finish their current request and close.
  // Idle keep-alive connections are closed at once. Safe from any thread and more than once;
  // the listening socket is closed on the io_context, so new connections are refused as soon
  // as a thread running the io_context gets to that step.
  void stop();

  // Connections open now (busy or idle); after stop() it falls to zero as they finish.
  std::size_t connections() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// Parses "a=1&b=x%20y" into a map (last value wins); used for query strings.
std::map<std::string, std::string, std::less<>> parse_query(std::string_view query);

// Splits a request target into path and query ("/x?y=1" -> "/x", "y=1").
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

}  // namespace siaga::net
