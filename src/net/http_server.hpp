// A small HTTP/1.1 server on Boost.Beast with C++20 coroutines. It knows nothing of the
// domain: it parses requests, finds a handler in a route table, serves static files, and
// enforces a body limit and timeouts on every connection. Routes may also upgrade to
// WebSocket (router::add_websocket), with a bounded send queue per connection.
#pragma once

#include <boost/asio/any_io_executor.hpp>
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

// A body sent in pieces, for answers too large to hold in memory (exports). next() is awaited
// on the connection's strand, again after each piece is on the wire (so a slow client paces the
// producer and memory stays at one piece); it returns the next piece, or nullopt at the end
// (an empty piece is skipped). HTTP/1.1 clients get chunked transfer encoding and the
// connection may be kept alive; HTTP/1.0 clients get the raw bytes and a close. An exception
// from next() cuts the connection without the last chunk, so that the client sees an
// unfinished download rather than a silently short one. A HEAD request never calls next().
struct body_stream {
  std::function<boost::asio::awaitable<std::optional<std::string>>()> next;
};

// The remote address and the request, as handlers see them.
struct request_context {
  request& req;
  path_params params;
  // The peer's IP address as text ("127.0.0.1", "::1"), filled by the server from the TCP
  // connection. It is the direct peer: behind a reverse proxy it is the proxy's address.
  std::string remote_address;
  // Set by a handler that streams its answer: the response it returns gives the status and
  // the headers, its body is ignored and this one is sent instead.
  std::optional<body_stream> streamed = std::nullopt;
};

// A handler answers one request. It must not throw for expected failures; an exception that
// escapes becomes a 500 (the server logs it).
using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

// WebSocket close codes the server uses (RFC 6455 section 7.4.1).
inline constexpr std::uint16_t ws_close_normal = 1000;
inline constexpr std::uint16_t ws_close_going_away = 1001;     // the server stops
inline constexpr std::uint16_t ws_close_policy = 1008;         // e.g. the send queue overflowed
inline constexpr std::uint16_t ws_close_internal_error = 1011;
// Close reasons, Bahasa Indonesia first like the rest of the interface (at most 123 bytes).
inline constexpr std::string_view ws_reason_too_slow = "terlalu lambat / client too slow";
inline constexpr std::string_view ws_reason_shutdown = "server berhenti / shutting down";

// One open WebSocket connection as a route's handler holds it. Every member is safe to call
// from any thread. Messages are sent in the order send() accepted them.
class websocket_connection {
 public:
  virtual ~websocket_connection() = default;

  // Queues one text message. Returns false when the connection is closing or closed, or when
  // the message would overflow the send queue (websocket_queue_messages or _bytes of
  // server_options): then the messages not yet on the wire are dropped and the connection is
  // closed with ws_close_policy and ws_reason_too_slow, so that a slow reader neither holds
  // others up nor grows memory. The text is shared, so one serialization can go to many.
  virtual bool send(std::shared_ptr<const std::string> text) = 0;

  // Starts the close handshake with code and reason once the messages queued before this call
  // are written. Does nothing when a close is already under way. The connection is cut
  // without a handshake if the peer does not finish it within websocket_close_timeout.
  virtual void close(std::uint16_t code, std::string reason) = 0;

  // False from the moment a close is requested, by either side, or the connection fails.
  virtual bool is_open() const = 0;

  // Messages accepted by send() and not yet completely written.
  virtual std::size_t queued() const = 0;

  // Calls fn on the connection's executor once queued() <= at_most (at once, posted, when it
  // already is). One waiter at a time: a second call replaces the first. fn is dropped without
  // a call if the connection closes first. For producers that pace themselves (a backlog).
  virtual void when_drained(std::size_t at_most, std::function<void()> fn) = 0;

  // The connection's strand: handlers posted here never run concurrently with its callbacks.
  virtual boost::asio::any_io_executor get_executor() const = 0;
};

// What a WebSocket route decides about an upgrade request. With refusal set the client gets
// that HTTP response (e.g. 401) and no upgrade; otherwise the server completes the handshake
// and calls on_open, then on_message for each message from the client, then on_close once
// when the connection has ended. All three run on the connection's strand; each may be empty.
// on_close is called only if on_open was, and not if the io_context is destroyed first.
struct websocket_accept {
  std::optional<response> refusal;
  std::function<void(const std::shared_ptr<websocket_connection>&)> on_open;
  std::function<void(std::string_view)> on_message;
  std::function<void()> on_close;
};

// The first half of a WebSocket route: sees the upgrade request (to authenticate it, read its
// query) and decides. Like handler, it must not throw for expected failures.
using websocket_handler = std::function<boost::asio::awaitable<websocket_accept>(request_context&)>;

struct route {
  http::verb method;
  std::string pattern;  // literal segments and {name} segments, e.g. "/api/v1/reports/{id}/accept"
  handler fn;
  // Set for WebSocket routes (method GET): an upgrade request goes here instead of fn, and fn
  // answers a plain GET with 426 Upgrade Required.
  websocket_handler upgrade;
  // This route's own body limit in bytes (e.g. an upload), instead of server_options::body_limit.
  std::optional<std::size_t> body_limit;
};

// A table of routes matched segment by segment; literal segments win over parameters.
class router {
 public:
  void add(http::verb method, std::string pattern, handler fn);

  // Adds a route whose requests may carry bodies up to body_limit bytes, larger or smaller
  // than the server's body_limit, which every other route keeps.
  void add(http::verb method, std::string pattern, handler fn, std::size_t body_limit);

  // Adds a WebSocket endpoint. It appears in routes() as a GET route, so that route tables
  // and documentation checks see it like any other.
  void add_websocket(std::string pattern, websocket_handler fn);

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
  // A pattern's segment, split once by add: where it lies in the pattern and whether it names
  // a parameter. Matching a request then walks the routes without allocating (it ran on every
  // request, twice with body limits, splitting every pattern anew: an eighth of an HTTP
  // thread's time creating incidents).
  struct pattern_segment {
    std::uint32_t at = 0;
    std::uint32_t size = 0;
    bool param = false;
  };
  std::vector<route> routes_;
  std::vector<std::vector<pattern_segment>> segments_;  // routes_' patterns, in their order
};

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8112;                    // 0: pick a free port
  std::size_t body_limit = 1024 * 1024;         // bytes; larger bodies get 413 (routes may set their own)
  std::chrono::seconds read_timeout{30};        // whole request, headers and body
  std::chrono::seconds idle_timeout{60};        // keep-alive wait between requests
  std::string static_root;                      // folder served at "/" for GET; empty: none
  std::string api_prefix = "/api/";             // paths under it never fall back to static files
  // WebSocket connections: the server pings a peer silent for half the idle timeout and drops
  // it after the whole (proxies commonly cut connections idle for 60 s, hence the default).
  std::chrono::milliseconds websocket_idle_timeout{60'000};
  std::chrono::milliseconds websocket_close_timeout{5'000};  // close handshake, then the socket is cut
  std::size_t websocket_queue_messages = 1000;              // per connection; more closes it as too slow
  std::size_t websocket_queue_bytes = 16 * 1024 * 1024;     // likewise, in bytes
  std::size_t websocket_message_limit = 64 * 1024;          // largest message accepted from a client
  // Origins besides the request's own Host whose pages may write and open WebSockets
  // (browser_policy.hpp origin_allowed), e.g. "https://112.kota.go.id" behind a proxy that
  // rewrites Host; exact scheme://host[:port].
  std::vector<std::string> trusted_origins;

  // Connections, so that no address and no flood can take every file descriptor. Beyond
  // max_connections a new connection is closed at once. Once fewer than reserved_connections
  // places are left, the rest is kept for signed-in clients: a request that signed_in does not
  // vouch for gets 503 and a close, and an anonymous connection waiting for its next request
  // waits first_byte_timeout at most. An address may hold max_connections_per_address
  // anonymous connections (not yet vouched for); more from it are closed at accept. A
  // connection vouched for once no longer counts against its address (a centre behind one NAT
  // address keeps all its consoles). A new connection must send its first byte within
  // first_byte_timeout. Keep max_connections under the process's open-file limit.
  std::size_t max_connections = 10'000;
  std::size_t reserved_connections = 1'000;
  std::size_t max_connections_per_address = 256;
  std::chrono::milliseconds first_byte_timeout{5'000};
  // Whether a request comes from a signed-in client (a valid session cookie or bearer token):
  // the domain's decision, injected by the composition root. Called on the connection's strand
  // for each request of a connection until it answers true; must be quick. Empty: nobody is.
  std::function<bool(const request&)> signed_in;
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
  // Idle keep-alive connections are closed at once; WebSocket connections get a close with
  // ws_close_going_away and ws_reason_shutdown. Safe from any thread and more than once;
  // the listening socket is closed on the io_context, so new connections are refused as soon
  // as a thread running the io_context gets to that step.
  void stop();

  // Connections open now (busy, idle or WebSocket); after stop() it falls to zero as they
  // finish. A WebSocket counts until its close handshake is done or cut.
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
