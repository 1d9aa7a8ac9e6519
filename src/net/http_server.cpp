// The HTTP/1.1 server: one acceptor coroutine and one coroutine per connection, in the style of
// Boost.Beast's C++20 coroutine examples. Each connection runs on its own strand, so the
// io_context may be run by several threads without locks inside a session.
#include "net/http_server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <tuple>
#include <unordered_map>

namespace siaga::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// How long a connection that is closed after an error keeps draining what the client still
// sends, so that the close does not reset the connection before the client read our answer.
constexpr std::chrono::seconds linger_timeout{2};

// Pause after an accept failure such as "too many open files", so that the acceptor does not
// spin while the condition lasts.
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

// One WebSocket connection after the upgrade. Two coroutines share the stream on the
// connection's strand: the session's read loop (which also answers pings and close frames, as
// Beast needs a read pending for that) and the write loop, which drains the send queue. The
// queue and the flags under `mutex_` are shared with send() and close(), which may run on any
// thread; everything else is touched on the strand only.
struct ws_connection final : websocket_connection, std::enable_shared_from_this<ws_connection> {
  ws_connection(beast::tcp_stream&& stream, const server_options& options, std::string peer)
      : ws_(std::move(stream)),
        wake_(ws_.get_executor()),
        write_done_(ws_.get_executor()),
        close_guard_(ws_.get_executor()),
        max_messages_(std::max<std::size_t>(1, options.websocket_queue_messages)),
        max_bytes_(options.websocket_queue_bytes),
        close_timeout_(options.websocket_close_timeout),
        peer_(std::move(peer)) {}

  bool send(std::shared_ptr<const std::string> text) override;
  void close(std::uint16_t code, std::string reason) override;
  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return open_;
  }
  std::size_t queued() const override {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }
  void when_drained(std::size_t at_most, std::function<void()> fn) override;
  asio::any_io_executor get_executor() const override { return executor_; }

  // Wakes the write loop (and arms the close guard when closing), from any thread.
  void poke(bool closing);
  void arm_close_guard();
  // The read side has ended: nothing more will be sent or called back.
  void end();
  static asio::awaitable<void> write_loop(std::shared_ptr<ws_connection> self);

  websocket::stream<beast::tcp_stream> ws_;
  asio::any_io_executor executor_ = ws_.get_executor();
  asio::steady_timer wake_;         // the write loop parks on it while there is nothing to do
  asio::steady_timer write_done_;   // the read side waits on it for the write loop to finish
  asio::steady_timer close_guard_;  // cuts the socket when a close handshake stalls
  bool write_loop_running_ = false;
  bool close_guard_armed_ = false;
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  const std::chrono::milliseconds close_timeout_;
  const std::string peer_;  // "address:port" of the client, for the log

  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // while `writing_`, front() is on the wire
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool parked_ = false;  // the write loop waits on `wake_`
  bool open_ = true;
  bool ended_ = false;
  std::optional<websocket::close_reason> close_request_;
  std::size_t drain_at_most_ = 0;
  std::function<void()> drain_fn_;
};

bool ws_connection::send(std::shared_ptr<const std::string> text) {
  std::unique_lock lock(mutex_);
  if (!open_) return false;
  bool full = queue_.size() >= max_messages_ || (!queue_.empty() && queued_bytes_ + text->size() > max_bytes_);
  if (!full) {
    queued_bytes_ += text->size();
    queue_.push_back(std::move(text));
    bool wake_writer = std::exchange(parked_, false);
    lock.unlock();
    if (wake_writer) poke(false);
    return true;
  }
  // Only the message already on the wire stays: cutting it would break the framing.
  auto keep = writing_ ? std::next(queue_.begin()) : queue_.begin();
  for (auto it = keep; it != queue_.end(); ++it) queued_bytes_ -= (*it)->size();
  queue_.erase(keep, queue_.end());
  open_ = false;
  close_request_ = websocket::close_reason(static_cast<websocket::close_code>(ws_close_policy), ws_reason_too_slow);
  drain_fn_ = nullptr;
  lock.unlock();
  spdlog::warn("websocket: closing the connection of {}, whose send queue is full ({} messages): {}", peer_,
               max_messages_, ws_reason_too_slow);
  poke(true);
  return false;
}

void ws_connection::close(std::uint16_t code, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (!open_) return;
    open_ = false;
    close_request_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    drain_fn_ = nullptr;
  }
  poke(true);
}

void ws_connection::when_drained(std::size_t at_most, std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  if (!open_) return;
  if (queue_.size() > at_most) {
    drain_at_most_ = at_most;
    drain_fn_ = std::move(fn);
    return;
  }
  lock.unlock();
  asio::post(executor_, std::move(fn));
}

void ws_connection::poke(bool closing) {
  asio::post(executor_, [self = shared_from_this(), closing] {
    self->wake_.cancel();
    if (closing) self->arm_close_guard();
  });
}

void ws_connection::arm_close_guard() {
  if (close_guard_armed_) return;
  close_guard_armed_ = true;
  close_guard_.expires_after(close_timeout_);
  close_guard_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    // The peer did not finish the handshake (or does not read at all): cutting the socket
    // ends both loops.
    beast::get_lowest_layer(self->ws_).close();
  });
}

void ws_connection::end() {
  {
    std::lock_guard lock(mutex_);
    open_ = false;
    ended_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    drain_fn_ = nullptr;
  }
  wake_.cancel();
  // A write that waits for a peer that is gone would otherwise never finish.
  beast::get_lowest_layer(ws_).cancel();
}

asio::awaitable<void> ws_connection::write_loop(std::shared_ptr<ws_connection> self) {
  for (;;) {
    std::shared_ptr<const std::string> next;
    std::optional<websocket::close_reason> closing;
    {
      std::lock_guard lock(self->mutex_);
      if (self->ended_) break;
      if (!self->queue_.empty()) {
        next = self->queue_.front();
        self->writing_ = true;
      } else if (self->close_request_) {
        closing = self->close_request_;
      } else {
        self->parked_ = true;
      }
    }
    if (next) {
      auto [ec, n] = co_await self->ws_.async_write(asio::buffer(*next), use_tuple);
      std::function<void()> drained;
      {
        std::lock_guard lock(self->mutex_);
        self->writing_ = false;
        if (!self->queue_.empty()) {
          self->queued_bytes_ -= self->queue_.front()->size();
          self->queue_.pop_front();
        }
        if (ec) {
          self->open_ = false;
          self->drain_fn_ = nullptr;
        } else if (self->drain_fn_ && self->queue_.size() <= self->drain_at_most_) {
          drained = std::exchange(self->drain_fn_, nullptr);
        }
      }
      if (ec) break;
      if (drained) drained();
      continue;
    }
    if (closing) {
      // The peer's answer to the close frame arrives through the read loop, which then ends.
      co_await self->ws_.async_close(*closing, use_tuple);
      break;
    }
    self->wake_.expires_at(asio::steady_timer::time_point::max());
    co_await self->wake_.async_wait(use_tuple);
  }
  self->write_loop_running_ = false;
  self->write_done_.cancel();
}

void decorate_upgrade_response(websocket::response_type& res) {
  res.set(http::field::server, "siaga");
}

// Runs a handler's callback, logging instead of letting an exception end the session. Plain
// functions rather than lambdas in the session coroutine (see api/async_write.hpp on GCC 12).
template <class F, class... Args>
void guarded(const char* what, const F& f, Args&&... args) {
  if (!f) return;
  try {
    f(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    spdlog::error("websocket: {} threw: {}", what, e.what());
  } catch (...) {
    spdlog::error("websocket: {} threw a non-standard exception", what);
  }
}

// One connection. The stream, `idle` and `websocket` are touched only on the connection's
// strand: by the session coroutine and by the handler that stop() posts there.
struct session {
  explicit session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;  // moved into the WebSocket on an upgrade
  asio::any_io_executor executor = stream.get_executor();  // stays valid after that move
  bool idle = false;  // waiting for the first byte of the next request
  std::shared_ptr<ws_connection> websocket;  // set while the connection is a WebSocket
};

// "application/json" style type for a file extension (lower case, without the dot).
std::string_view mime_type(std::string_view ext) {
  static const std::unordered_map<std::string_view, std::string_view> types = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
  };
  auto it = types.find(ext);
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

std::string lower_extension(const fs::path& file) {
  auto ext = file.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// Decodes one query component; '+' is a space there (HTML forms). A malformed escape is kept
// as written rather than dropping the parameter, since a lenient reading serves users better
// than a silent loss.
std::string decode_query_component(std::string_view text) {
  if (auto encoded = boost::urls::make_pct_string_view(text)) {
    return encoded->decode(boost::urls::encoding_opts(true));
  }
  std::string out(text);
  std::replace(out.begin(), out.end(), '+', ' ');
  return out;
}

bool is_within(const fs::path& file, const fs::path& root) {
  auto rel = file.lexically_relative(root);
  return !rel.empty() && *rel.begin() != ".." && *rel.begin() != ".";
}

std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

std::string join_methods(const std::vector<http::verb>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += to_std(http::to_string(m));
  }
  return out;
}

// Read failures the client should hear about before the close: a body over the limit and a
// malformed request. The others (the client left, a timeout, stop()) end the connection
// without an answer, since nobody is there to read one or the request is merely unfinished.
bool deserves_answer(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return true;
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// The headers every answer carries, whoever built it.
void finish(response& res, unsigned version, bool keep_alive, bool head_request) {
  res.version(version);
  res.keep_alive(keep_alive);
  res.set(http::field::server, "siaga");
  res.set("X-Content-Type-Options", "nosniff");
  res.prepare_payload();
  // A HEAD answer carries the GET answer's headers, Content-Length included, without a body.
  if (head_request) res.body().clear();
}

}  // namespace

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

  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
  static asio::awaitable<void> run_session(std::shared_ptr<impl> self, std::shared_ptr<session> s, std::uint64_t id);
  asio::awaitable<response> dispatch(request& req, const std::string& remote_address);
  static asio::awaitable<void> run_websocket(std::shared_ptr<impl> self, std::shared_ptr<session> s, request req,
                                             websocket_accept accept);
  response serve_static(const request& req, std::string_view path) const;
  void stop();

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
  std::mutex sessions_mutex_;
  std::uint64_t next_session_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<session>> sessions_;
};

asio::awaitable<void> http_server::impl::accept_loop(std::shared_ptr<impl> self) {
  for (;;) {
    auto [ec, socket] = co_await self->acceptor_.async_accept(asio::make_strand(self->io_), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || self->stopping_ || !self->acceptor_.is_open()) {
        break;
      }
      spdlog::warn("http: accept failed: {}", ec.message());
      asio::steady_timer pause(self->acceptor_.get_executor(), accept_retry_delay);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto s = std::make_shared<session>(std::move(socket));
    std::uint64_t id = 0;
    {
      std::lock_guard lock(self->sessions_mutex_);
      id = self->next_session_id_++;
      self->sessions_.emplace(id, s);
    }
    auto executor = s->stream.get_executor();
    asio::co_spawn(executor, run_session(self, std::move(s), id), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("http: session ended by exception: {}", ex.what());
      }
    });
  }
}

asio::awaitable<void> http_server::impl::run_session(std::shared_ptr<impl> self, std::shared_ptr<session> s,
                                                     std::uint64_t id) {
  struct unregister {
    impl& server;
    std::uint64_t id;
    ~unregister() {
      std::lock_guard lock(server.sessions_mutex_);
      server.sessions_.erase(id);
    }
  } unregister_on_exit{*self, id};

  const auto& options = self->options_;
  beast::error_code endpoint_ec;
  auto remote = s->stream.socket().remote_endpoint(endpoint_ec);
  std::string remote_address = endpoint_ec ? std::string() : remote.address().to_string();

  beast::flat_buffer buffer;
  bool linger = false;  // the client may still be sending: drain before closing
  for (;;) {
    // stop() sets the flag before it cancels idle sessions on this strand, so a session either
    // sees the flag here or is already waiting and gets cancelled.
    if (self->stopping_) break;

    // Between requests the connection is idle and gets idle_timeout; leftover bytes of a
    // pipelined request skip the wait.
    if (buffer.size() == 0) {
      s->idle = true;
      s->stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await s->stream.async_read_some(buffer.prepare(4096), use_tuple);
      s->idle = false;
      if (ec) break;
      buffer.commit(n);
    }

    // From the first byte on, the whole request must arrive within read_timeout, which also
    // disconnects a client that sends half a request and stalls.
    s->stream.expires_after(options.read_timeout);
    http::request_parser<http::string_body> parser;
    parser.body_limit(self->largest_body_limit_);
    beast::error_code ec;
    std::tie(ec, std::ignore) = co_await http::async_read_header(s->stream, buffer, parser, use_tuple);
    // The header is whole (also when its Content-Length broke the largest limit): now the
    // route's own limit applies, to the announced length at once and to the body as it comes.
    std::size_t body_limit = options.body_limit;
    if (!ec || ec == http::error::body_limit) body_limit = self->body_limit_for(parser.get());
    if (!ec) {
      auto length = parser.content_length();
      if (length && *length > body_limit) {
        ec = http::error::body_limit;
      } else {
        parser.body_limit(body_limit);
      }
    }
    // Clients such as curl announce larger bodies with "Expect: 100-continue" and wait for a
    // go-ahead; a body over the limit has already failed above and gets its 413 instead.
    if (!ec && parser.get().version() == 11 && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_ahead{http::status::continue_, 11};
      std::tie(ec, std::ignore) = co_await http::async_write(s->stream, go_ahead, use_tuple);
    }
    if (!ec) {
      std::tie(ec, std::ignore) = co_await http::async_read(s->stream, buffer, parser, use_tuple);
    }
    if (deserves_answer(ec)) {
      // Answer what we can about a request we will not read to the end, then close.
      response res =
          ec == http::error::body_limit
              ? json_error(http::status::payload_too_large, "payload_too_large",
                           "request body is larger than " + std::to_string(body_limit) + " bytes")
              : json_error(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
      const auto& header = parser.get();
      finish(res, header.version() == 10 ? 10 : 11, false, false);
      spdlog::debug("http: {} {} {} (unread request: {})", to_std(header.method_string()),
                    to_std(split_target(to_std(header.target())).first), res.result_int(), ec.message());
      s->stream.expires_after(options.read_timeout);
      co_await http::async_write(s->stream, res, use_tuple);
      linger = true;
      break;
    }
    if (ec) break;  // closed by the client, timed out or cancelled

    request req = parser.release();
    auto started = std::chrono::steady_clock::now();

    // Upgrade hand-off: an upgrade request to a WebSocket route leaves this loop, taking
    // s->stream to the WebSocket. Bytes left in buffer are dropped: a client must wait for
    // the 101 before it sends frames (RFC 6455 section 4.1). Every other request, and an
    // upgrade the route refuses, goes through an ordinary answer below.
    std::optional<response> refused;
    if (websocket::is_upgrade(req)) {
      auto m = self->routes_.match(http::verb::get, split_target(to_std(req.target())).first);
      if (m.found && m.found->upgrade) {
        websocket_accept accept;
        bool failed = false;
        request_context ctx{req, std::move(m.params), remote_address};
        try {
          accept = co_await m.found->upgrade(ctx);
        } catch (const std::exception& e) {
          spdlog::error("http: upgrade handler for {} threw: {}", m.found->pattern, e.what());
          failed = true;
        } catch (...) {
          spdlog::error("http: upgrade handler for {} threw a non-standard exception", m.found->pattern);
          failed = true;
        }
        if (failed) {
          refused = json_error(http::status::internal_server_error, "internal", "internal error");
        } else if (accept.refusal) {
          refused = std::move(accept.refusal);
        } else {
          co_await run_websocket(self, s, std::move(req), std::move(accept));
          co_return;
        }
      }
    }
    response res;
    if (refused) {
      res = std::move(*refused);
    } else {
      res = co_await self->dispatch(req, remote_address);
    }

    bool keep_alive = req.keep_alive() && res.keep_alive() && !self->stopping_;
    finish(res, req.version(), keep_alive, req.method() == http::verb::head);
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::debug("http: {} {} {} {}us", to_std(req.method_string()), to_std(split_target(to_std(req.target())).first),
                  res.result_int(), micros);

    // A client that does not read its answer gets the same bound as one that does not send.
    s->stream.expires_after(options.read_timeout);
    auto [write_ec, written] = co_await http::async_write(s->stream, res, use_tuple);
    if (write_ec || !keep_alive) break;
  }

  beast::error_code ignored;
  s->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    std::array<char, 4096> scratch;
    s->stream.expires_after(linger_timeout);
    for (;;) {
      auto [ec, n] = co_await s->stream.async_read_some(asio::buffer(scratch), use_tuple);
      if (ec) break;
    }
  }
  s->stream.socket().close(ignored);
}

asio::awaitable<void> http_server::impl::run_websocket(std::shared_ptr<impl> self, std::shared_ptr<session> s,
                                                       request req, websocket_accept accept) {
  // From here Beast's WebSocket timeouts govern the connection, not the HTTP ones.
  s->stream.expires_never();
  beast::error_code endpoint_ec;
  auto remote = s->stream.socket().remote_endpoint(endpoint_ec);
  std::string peer = endpoint_ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
  auto conn = std::make_shared<ws_connection>(std::move(s->stream), self->options_, std::move(peer));
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = self->options_.websocket_idle_timeout;
  timeouts.handshake_timeout = self->options_.websocket_close_timeout;
  conn->ws_.set_option(timeouts);
  conn->ws_.set_option(websocket::stream_base::decorator(&decorate_upgrade_response));
  conn->ws_.read_message_max(self->options_.websocket_message_limit);
  conn->ws_.text(true);

  auto [accept_ec] = co_await conn->ws_.async_accept(req, use_tuple);
  if (accept_ec) {
    spdlog::debug("websocket: handshake failed: {}", accept_ec.message());
    beast::get_lowest_layer(conn->ws_).close();
    co_return;
  }
  s->websocket = conn;
  // stop() sets the flag before it posts its close here, so a connection upgraded while the
  // server stops is closed either way.
  if (self->stopping_) conn->close(ws_close_going_away, std::string(ws_reason_shutdown));
  guarded("on_open", accept.on_open, std::shared_ptr<websocket_connection>(conn));

  conn->write_loop_running_ = true;
  asio::co_spawn(conn->executor_, ws_connection::write_loop(conn), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("websocket: write loop ended by exception: {}", ex.what());
    }
  });

  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await conn->ws_.async_read(buffer, use_tuple);
    if (ec) {
      if (ec != websocket::error::closed) spdlog::debug("websocket: connection ended: {}", ec.message());
      break;
    }
    auto data = buffer.cdata();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    guarded("on_message", accept.on_message, text);
    buffer.consume(buffer.size());
  }

  conn->end();
  if (conn->write_loop_running_) {
    conn->write_done_.expires_at(asio::steady_timer::time_point::max());
    co_await conn->write_done_.async_wait(use_tuple);
  }
  conn->close_guard_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(conn->ws_).socket().close(ignored);
  s->websocket.reset();
  guarded("on_close", accept.on_close);
}

asio::awaitable<response> http_server::impl::dispatch(request& req, const std::string& remote_address) {
  auto path = split_target(to_std(req.target())).first;
  auto method = req.method();
  auto m = routes_.match(method, path);
  // HEAD is answered by the GET handler (the body is dropped in finish()), as HTTP expects.
  if (!m.found && method == http::verb::head) {
    auto as_get = routes_.match(http::verb::get, path);
    if (as_get.found) m = std::move(as_get);
  }

  if (m.found) {
    request_context ctx{req, std::move(m.params), remote_address};
    try {
      co_return co_await m.found->fn(ctx);
    } catch (const std::exception& e) {
      spdlog::error("http: handler for {} {} threw: {}", to_std(req.method_string()), path, e.what());
    } catch (...) {
      spdlog::error("http: handler for {} {} threw a non-standard exception", to_std(req.method_string()), path);
    }
    co_return json_error(http::status::internal_server_error, "internal", "internal error");
  }

  if (m.path_known) {
    auto allowed = m.allowed;
    bool has_get = std::find(allowed.begin(), allowed.end(), http::verb::get) != allowed.end();
    bool has_head = std::find(allowed.begin(), allowed.end(), http::verb::head) != allowed.end();
    if (has_get && !has_head) allowed.push_back(http::verb::head);
    auto res = json_error(http::status::method_not_allowed, "method_not_allowed",
                          std::string(to_std(req.method_string())) + " is not allowed on " + std::string(path));
    res.set(http::field::allow, join_methods(allowed));
    co_return res;
  }

  if ((method == http::verb::get || method == http::verb::head) && !static_root_.empty() &&
      !path.starts_with(options_.api_prefix)) {
    co_return serve_static(req, path);
  }

  co_return json_error(http::status::not_found, "not_found",
                       "no route for " + std::string(to_std(req.method_string())) + " " + std::string(path));
}

response http_server::impl::serve_static(const request& req, std::string_view path) const {
  auto not_found = [&] { return json_error(http::status::not_found, "not_found", "no file for " + std::string(path)); };

  // Decode first, so that "%2e%2e" and "%2f" are judged as the file system will see them.
  auto encoded = boost::urls::make_pct_string_view(path);
  if (!encoded) return not_found();
  std::string decoded = encoded->decode();
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
    return not_found();
  }

  fs::path relative;
  std::string_view last;
  std::string_view rest = decoded;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment == "..") return not_found();  // never walk up, even when it would stay inside
    if (segment.empty() || segment == ".") continue;
    relative /= fs::path(std::string(segment));
    last = segment;
  }

  std::error_code ec;
  fs::path file = static_root_ / relative;
  if (relative.empty() || fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) {
    // Client-side routes such as /incidents/42 have no file; the single-page app's
    // index.html handles them. A name with an extension is a missing asset, not a route.
    if (last.find('.') != std::string_view::npos) return not_found();
    file = static_root_ / "index.html";
  }

  // Symbolic links may point anywhere; only files that really live under the root are served.
  auto real = fs::canonical(file, ec);
  if (ec || !is_within(real, static_root_) || !fs::is_regular_file(real, ec)) return not_found();
  auto body = read_file(real);
  if (!body) return not_found();

  response res{http::status::ok, req.version()};
  auto ext = lower_extension(file);
  res.set(http::field::content_type, mime_type(ext));
  // index.html names the hashed bundles of the current build, so it must be revalidated.
  if (ext == "html") res.set(http::field::cache_control, "no-cache");
  res.body() = std::move(*body);
  return res;
}

void http_server::impl::stop() {
  if (stopping_.exchange(true)) return;
  asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
  std::vector<std::shared_ptr<session>> live;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  // A session busy with a request finishes it (and answers with Connection: close); one that
  // waits for the next request would otherwise hold stop up for idle_timeout. A WebSocket is
  // told why it is closed.
  for (auto& s : live) {
    asio::post(s->executor, [s] {
      if (s->websocket) {
        s->websocket->close(ws_close_going_away, std::string(ws_reason_shutdown));
      } else if (s->idle) {
        s->stream.cancel();
      }
    });
  }
}

http_server::http_server(asio::io_context& io, server_options options, const router& routes)
    : impl_(std::make_shared<impl>(io, std::move(options), routes)) {}

std::size_t http_server::connections() const {
  std::lock_guard lock(impl_->sessions_mutex_);
  return impl_->sessions_.size();
}

http_server::~http_server() {
  impl_->stop();
}

bool http_server::listen(std::string& error_out) {
  auto& acceptor = impl_->acceptor_;
  const auto& options = impl_->options_;
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) {
    error_out = "invalid listen address '" + options.address + "': " + ec.message();
    return false;
  }
  tcp::endpoint endpoint(address, options.port);
  auto fail = [&](std::string_view step) {
    error_out = std::string(step) + " " + options.address + ":" + std::to_string(options.port) + ": " + ec.message();
    beast::error_code ignored;
    acceptor.close(ignored);
    return false;
  };
  if (acceptor.is_open()) {
    error_out = "already listening";
    return false;
  }
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("cannot bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  impl_->port_ = acceptor.local_endpoint(ec).port();

  if (!options.static_root.empty()) {
    // A missing web build should not keep the API from starting; it is reported instead.
    std::error_code fs_ec;
    auto root = fs::canonical(options.static_root, fs_ec);
    if (fs_ec || !fs::is_directory(root, fs_ec)) {
      spdlog::warn("http: static root '{}' is not a directory; static files are not served", options.static_root);
    } else {
      impl_->static_root_ = root;
    }
  }

  asio::co_spawn(acceptor.get_executor(), impl::accept_loop(impl_), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("http: accept loop ended by exception: {}", ex.what());
    }
  });
  spdlog::info("http: listening on {}:{}", options.address, port());
  return true;
}

std::uint16_t http_server::port() const {
  return impl_->port_;
}

void http_server::stop() {
  impl_->stop();
}

response json_error(http::status status, std::string_view code, std::string_view message, unsigned version,
                    bool keep_alive) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  boost::json::object body;
  body["error"] = code;
  body["message"] = message;
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

std::map<std::string, std::string, std::less<>> parse_query(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = decode_query_component(pair.substr(0, eq));
    if (key.empty()) continue;
    auto value = eq == std::string_view::npos ? std::string() : decode_query_component(pair.substr(eq + 1));
    out.insert_or_assign(std::move(key), std::move(value));
  }
  return out;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace siaga::net
