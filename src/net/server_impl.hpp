// Internal to net/: the server's state shared by http_server.cpp (accept, route, stop),
// http_session.cpp (the request loop of one connection) and websocket_session.cpp (a
// connection after an upgrade). Nothing outside net/ includes it.
#pragma once

#include "net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace siaga::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

inline std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

// One connection. The stream, `idle` and `websocket` are touched only on the connection's
// strand: by the session coroutine and by the handler that stop() posts there.
// `address` is set before the session runs and never changes; `signed_in` is written under
// the server's sessions_mutex_ (it moves the connection out of its address's anonymous count).
struct session {
  session(tcp::socket socket, std::string address) : stream(std::move(socket)), address(std::move(address)) {}
  beast::tcp_stream stream;  // moved into the WebSocket on an upgrade
  asio::any_io_executor executor = stream.get_executor();  // stays valid after that move
  bool idle = false;  // waiting for the first byte of the next request
  std::shared_ptr<websocket_connection> websocket;  // set while the connection is a WebSocket
  const std::string address;  // the peer's IP address as text
  bool signed_in = false;     // some request on it was vouched for by server_options::signed_in
  bool fresh = true;          // no byte received yet: the first wait is first_byte_timeout
};

struct http_server::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, server_options options, const router& routes)
      : io_(io), options_(std::move(options)), routes_(routes), acceptor_(asio::make_strand(io)) {
    largest_body_limit_ = options_.body_limit;
    for (const auto& r : routes_.routes()) {
      if (!r.body_limit) continue;
      route_limits_ = true;
      largest_body_limit_ = std::max(largest_body_limit_, *r.body_limit);
    }
  }

  // The body limit of the route a request header goes to: its own, else the server's.
  std::size_t body_limit_for(const http::request_header<>& header) const {
    if (!route_limits_) return options_.body_limit;
    auto m = routes_.match(header.method(), split_target(to_std(header.target())).first);
    if (m.found && m.found->body_limit) return *m.found->body_limit;
    return options_.body_limit;
  }

  // http_server.cpp: accepting connections, routing one request, stopping.
  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
  // Registers a new connection from address, or returns 0 when the limits refuse it (the
  // server's max_connections, the address's anonymous connections); ids start at 1.
  std::uint64_t admit(const std::shared_ptr<session>& s);
  // Forgets a finished connection (and its place in its address's anonymous count).
  void release(std::uint64_t id, const session& s);
  // Asks server_options::signed_in about req unless the connection was vouched for already;
  // a vouched-for connection leaves its address's anonymous count.
  bool vouch(session& s, const request& req);
  // Fewer than reserved_connections places are left.
  bool crowded() const;
  // A handler that streams its body hands it back in `streamed`.
  asio::awaitable<response> dispatch(request& req, const std::string& remote_address,
                                     std::optional<body_stream>& streamed);
  void stop();

  // http_session.cpp: one connection's request loop and its steps.
  static asio::awaitable<void> run_session(std::shared_ptr<impl> self, std::shared_ptr<session> s, std::uint64_t id);
  // Waits idle (idle_timeout) for the first byte of the next request unless buffer already
  // holds one; false when the connection ended or the server stops.
  asio::awaitable<bool> await_request(session& s, beast::flat_buffer& buffer);
  // Reads a whole request (read_timeout) under its route's body limit, which it returns.
  asio::awaitable<std::pair<beast::error_code, std::size_t>> read_request(session& s, beast::flat_buffer& buffer,
                                                                          http::request_parser<http::string_body>& p);
  // Answers a request that will not be read to the end (413 or 400), before the close.
  asio::awaitable<void> answer_unread(session& s, const http::request_header<>& header, beast::error_code ec,
                                      std::size_t body_limit);
  // Hands an upgrade request to its WebSocket route: true when the connection became a
  // WebSocket (and has ended since); false with `refused` set when the route refused it, or
  // unset when the request is no upgrade to a WebSocket route.
  static asio::awaitable<bool> try_upgrade(std::shared_ptr<impl> self, std::shared_ptr<session> s, request& req,
                                           const std::string& remote_address, std::optional<response>& refused);
  // Writes the answer; false when the connection is to be closed after it.
  asio::awaitable<bool> answer(session& s, const request& req, response& res,
                               std::chrono::steady_clock::time_point started);
  // Writes the headers of res and then the pieces of body (see body_stream); false when the
  // connection is to be closed after it (HTTP/1.0, a failed producer or write).
  asio::awaitable<bool> answer_streamed(session& s, const request& req, response& res, body_stream& body,
                                        std::chrono::steady_clock::time_point started);
  // Shuts the connection down, draining what the client still sends first when linger is set.
  static asio::awaitable<void> close_connection(session& s, bool linger);

  // websocket_session.cpp: the connection after an accepted upgrade.
  static asio::awaitable<void> run_websocket(std::shared_ptr<impl> self, std::shared_ptr<session> s, request req,
                                             websocket_accept accept);

  asio::io_context& io_;
  server_options options_;
  // A copy, so that the table outlives the caller's and sessions never see it change.
  router routes_;
  // Some route has a body limit of its own; the header is read under the largest of them all,
  // and the body under the limit of the request's route.
  bool route_limits_ = false;
  std::size_t largest_body_limit_ = 0;
  fs::path static_root_;    // canonical; empty when static files are not served
  tcp::acceptor acceptor_;  // used only on its strand once the accept loop runs
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint16_t> port_{0};

  // Weak, so that tracking does not keep a finished connection alive; stop() uses it to
  // cancel connections that wait idle for their next request.
  mutable std::mutex sessions_mutex_;
  std::uint64_t next_session_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<session>> sessions_;
  // Connections not vouched for, per peer address (entries at zero are erased).
  std::unordered_map<std::string, std::size_t> anonymous_by_address_;
};


}  // namespace siaga::net
