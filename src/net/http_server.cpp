// The HTTP/1.1 server: one acceptor coroutine and one coroutine per connection, in the style of
// Boost.Beast's C++20 coroutine examples. Each connection runs on its own strand, so the
// io_context may be run by several threads without locks inside a session. This file accepts,
// routes and stops; http_session.cpp runs a connection's requests, websocket_session.cpp a
// connection after an upgrade, static_files.cpp the web root.
#include "net/server_impl.hpp"
#include "net/static_files.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <exception>

namespace siaga::net {
namespace {

// Pause after an accept failure such as "too many open files", so that the acceptor does not
// spin while the condition lasts.
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::string join_methods(const std::vector<http::verb>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += to_std(http::to_string(m));
  }
  return out;
}

}  // namespace

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
    beast::error_code endpoint_ec;
    auto remote = socket.remote_endpoint(endpoint_ec);
    if (endpoint_ec) continue;  // the peer is already gone; the socket closes here
    // Nagle's algorithm holds a small answer back until the previous one is acknowledged, and
    // the peer's delayed ACK holds that for up to 40 ms: pipelined or back-to-back requests on
    // one connection would wait 40 ms each. Every answer is written whole, so nothing is gained.
    socket.set_option(asio::ip::tcp::no_delay(true), endpoint_ec);
    auto s = std::make_shared<session>(std::move(socket), remote.address().to_string());
    // A refused connection is closed at once, before it costs more than its accept: a flood
    // from one address, or past the server's limit, cannot hold descriptors.
    std::uint64_t id = self->admit(s);
    if (id == 0) continue;
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

std::uint64_t http_server::impl::admit(const std::shared_ptr<session>& s) {
  std::lock_guard lock(sessions_mutex_);
  if (sessions_.size() >= options_.max_connections) return 0;
  auto& anonymous = anonymous_by_address_[s->address];
  if (anonymous >= options_.max_connections_per_address) {
    if (anonymous == 0) anonymous_by_address_.erase(s->address);
    return 0;
  }
  ++anonymous;
  auto id = next_session_id_++;
  sessions_.emplace(id, s);
  return id;
}

void http_server::impl::release(std::uint64_t id, const session& s) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(id);
  if (s.signed_in) return;
  auto it = anonymous_by_address_.find(s.address);
  if (it != anonymous_by_address_.end() && --it->second == 0) anonymous_by_address_.erase(it);
}

bool http_server::impl::vouch(session& s, const request& req) {
  if (s.signed_in) return true;
  if (!options_.signed_in || !options_.signed_in(req)) return false;
  std::lock_guard lock(sessions_mutex_);
  s.signed_in = true;
  auto it = anonymous_by_address_.find(s.address);
  if (it != anonymous_by_address_.end() && --it->second == 0) anonymous_by_address_.erase(it);
  return true;
}

bool http_server::impl::crowded() const {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size() + options_.reserved_connections >= options_.max_connections;
}

asio::awaitable<response> http_server::impl::dispatch(request& req, const std::string& remote_address,
                                                      std::optional<body_stream>& streamed) {
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
      auto res = co_await m.found->fn(ctx);
      streamed = std::move(ctx.streamed);
      co_return res;
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
    co_return serve_static_file(static_root_, req, path);
  }

  co_return json_error(http::status::not_found, "not_found",
                       "no route for " + std::string(to_std(req.method_string())) + " " + std::string(path));
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

}  // namespace siaga::net
