// WebSocket connections after an accepted upgrade: the send queue with its bounds, the write
// loop, the close handshake and its guard, and the read loop that runs the route's callbacks.
#include "net/server_impl.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <exception>

namespace siaga::net {
namespace websocket = beast::websocket;
namespace {

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
// functions rather than lambdas in the session coroutine (see services/async_write.hpp on GCC 12).
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

}  // namespace

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

}  // namespace siaga::net
