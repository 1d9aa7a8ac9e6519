// WebSocket routes of the HTTP server: upgrade and refusal, messages both ways, the bounded
// send queue, keep-alive pings, and the close that stop() sends.
#include "net/http_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace siaga::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A blocking WebSocket client on its own io_context. Every operation has a deadline, after
// which the socket is cancelled, so a misbehaving server fails a test instead of hanging it.
class ws_client {
 public:
  // receive_buffer > 0 sets SO_RCVBUF before connecting, to make a client that reads slowly
  // fill up quickly.
  explicit ws_client(std::uint16_t port, int receive_buffer = 0) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    bool done = false;
    beast::get_lowest_layer(ws_).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                               [&](beast::error_code ec) {
                                                 error_ = ec;
                                                 done = true;
                                               });
    wait(done, 5s);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) ++pings_;
    });
  }

  beast::error_code handshake(const std::string& target, websocket::response_type& res) {
    if (error_) return error_;
    bool done = false;
    beast::error_code ec;
    ws_.async_handshake(res, "127.0.0.1", target, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    wait(done, 5s);
    return ec;
  }

  beast::error_code handshake(const std::string& target) {
    websocket::response_type res;
    return handshake(target, res);
  }

  // Reads one message into out; returns the error that ended the read (websocket::error::closed
  // after a close frame, whose reason is then reason()).
  beast::error_code read(std::string& out, std::chrono::milliseconds limit = 5s) {
    bool done = false;
    beast::error_code ec;
    beast::flat_buffer buffer;
    ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    wait(done, limit);
    out = beast::buffers_to_string(buffer.data());
    return ec;
  }

  beast::error_code write(const std::string& text) {
    bool done = false;
    beast::error_code ec;
    ws_.async_write(asio::buffer(text), [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    wait(done, 5s);
    return ec;
  }

  // Reads until the connection ends; returns the error that ended it and counts the messages.
  beast::error_code read_until_closed(std::size_t& messages, std::chrono::milliseconds limit = 10s) {
    for (;;) {
      std::string text;
      auto ec = read(text, limit);
      if (ec) return ec;
      ++messages;
    }
  }

  websocket::close_reason reason() const { return ws_.reason(); }
  std::string reason_text() const { return std::string(ws_.reason().reason.data(), ws_.reason().reason.size()); }
  int pings() const { return pings_; }

 private:
  void wait(bool& done, std::chrono::milliseconds limit) {
    io_.restart();
    io_.run_for(limit);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      io_.restart();
      io_.run();
    }
  }

  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_{io_};
  beast::error_code error_;
  int pings_ = 0;
};

// What the server side of the test route saw, shared with the test thread.
struct route_state {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::shared_ptr<websocket_connection>> open;
  std::string last_target;
  int closed = 0;

  std::shared_ptr<websocket_connection> wait_open(std::size_t n) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, 5s, [&] { return open.size() >= n; });
    return open.size() >= n ? open[n - 1] : nullptr;
  }
  bool wait_closed(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 5s, [&] { return closed >= n; });
  }
};

// "/ws/{room}": refuses without ?token=ok (401), greets with the room name, echoes messages
// in upper case. The test thread sends through the connections in state.open.
websocket_accept accept_or_refuse(request_context& ctx, const std::shared_ptr<route_state>& state) {
  auto query = parse_query(split_target(ctx.req.target()).second);
  websocket_accept out;
  if (query["token"] != "ok") {
    out.refusal = json_error(http::status::unauthorized, "unauthenticated", "log in first", ctx.req.version());
    return out;
  }
  auto room = ctx.params.at("room");
  {
    std::lock_guard lock(state->mutex);
    state->last_target = std::string(ctx.req.target());
  }
  auto weak = std::make_shared<std::weak_ptr<websocket_connection>>();
  out.on_open = [state, room, weak](const std::shared_ptr<websocket_connection>& c) {
    *weak = c;
    c->send(std::make_shared<const std::string>("halo " + room));
    std::lock_guard lock(state->mutex);
    state->open.push_back(c);
    state->changed.notify_all();
  };
  out.on_message = [weak](std::string_view text) {
    std::string upper(text);
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (auto c = weak->lock()) c->send(std::make_shared<const std::string>(std::move(upper)));
  };
  out.on_close = [state] {
    std::lock_guard lock(state->mutex);
    ++state->closed;
    state->changed.notify_all();
  };
  return out;
}

router ws_routes(const std::shared_ptr<route_state>& state) {
  router r;
  r.add_websocket("/ws/{room}", [state](request_context& ctx) -> asio::awaitable<websocket_accept> {
    co_return accept_or_refuse(ctx, state);
  });
  r.add(http::verb::get, "/plain", [](request_context& ctx) -> asio::awaitable<response> {
    response res{http::status::ok, ctx.req.version()};
    res.body() = "plain";
    co_return res;
  });
  return r;
}

class websocket_test : public ::testing::Test {
 protected:
  void start(server_options options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<http_server>(io_, options, ws_routes(state_));
    std::string error;
    ASSERT_TRUE(server_->listen(error)) << error;
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    // Connections must go before the io_context whose services they use.
    std::lock_guard lock(state_->mutex);
    state_->open.clear();
  }

  bool wait_connections(std::size_t n) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
      if (server_->connections() == n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return server_->connections() == n;
  }

  std::uint16_t port() const { return server_->port(); }

  std::shared_ptr<route_state> state_ = std::make_shared<route_state>();
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::unique_ptr<http_server> server_;
  std::vector<std::thread> threads_;
};

TEST(router, websocket_route_is_listed_as_get) {
  router r;
  r.add_websocket("/api/v1/stream", [](request_context&) -> asio::awaitable<websocket_accept> { co_return websocket_accept{}; });
  ASSERT_EQ(r.routes().size(), 1u);
  EXPECT_EQ(r.routes()[0].method, http::verb::get);
  EXPECT_EQ(r.routes()[0].pattern, "/api/v1/stream");
  EXPECT_TRUE(r.routes()[0].upgrade);
  auto m = r.match(http::verb::get, "/api/v1/stream");
  ASSERT_NE(m.found, nullptr);
  EXPECT_TRUE(m.found->upgrade);
}

TEST_F(websocket_test, upgrade_greets_and_echoes) {
  start();
  ws_client client(port());
  websocket::response_type res;
  ASSERT_FALSE(client.handshake("/ws/ambon?token=ok&x=1", res));
  EXPECT_EQ(res.result(), http::status::switching_protocols);
  EXPECT_EQ(res[http::field::server], "siaga");
  {
    std::lock_guard lock(state_->mutex);
    EXPECT_EQ(state_->last_target, "/ws/ambon?token=ok&x=1");
  }
  std::string text;
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, "halo ambon");
  ASSERT_FALSE(client.write("kebakaran"));
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, "KEBAKARAN");
  ASSERT_FALSE(client.write("banjir"));
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, "BANJIR");
}

TEST_F(websocket_test, refused_upgrade_gets_the_http_answer) {
  start();
  ws_client client(port());
  websocket::response_type res;
  auto ec = client.handshake("/ws/ambon", res);
  EXPECT_EQ(ec, websocket::error::upgrade_declined) << ec.message();
  EXPECT_EQ(res.result(), http::status::unauthorized);
  auto body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("error").as_string(), "unauthenticated");
  std::lock_guard lock(state_->mutex);
  EXPECT_TRUE(state_->open.empty());
}

TEST_F(websocket_test, plain_get_on_a_websocket_route_gets_426) {
  start();
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  request req{http::verb::get, "/ws/ambon?token=ok", 11};
  req.set(http::field::host, "127.0.0.1");
  stream.expires_after(5s);
  http::write(stream, req);
  beast::flat_buffer buffer;
  response res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result(), http::status::upgrade_required);
  EXPECT_EQ(res[http::field::upgrade], "websocket");
  EXPECT_EQ(boost::json::parse(res.body()).at("error").as_string(), "upgrade_required");
  // The connection still serves ordinary requests.
  request plain{http::verb::get, "/plain", 11};
  plain.set(http::field::host, "127.0.0.1");
  http::write(stream, plain);
  response res2;
  http::read(stream, buffer, res2);
  EXPECT_EQ(res2.body(), "plain");
}

TEST_F(websocket_test, messages_from_another_thread_arrive_in_order) {
  start();
  ws_client client(port());
  ASSERT_FALSE(client.handshake("/ws/a?token=ok"));
  auto conn = state_->wait_open(1);
  ASSERT_TRUE(conn);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(conn->send(std::make_shared<const std::string>("m" + std::to_string(i))));
  }
  std::string text;
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, "halo a");
  for (int i = 0; i < 200; ++i) {
    ASSERT_FALSE(client.read(text));
    EXPECT_EQ(text, "m" + std::to_string(i));
  }
  EXPECT_TRUE(conn->is_open());
}

TEST_F(websocket_test, full_send_queue_closes_the_slow_client_only) {
  server_options options;
  options.websocket_queue_messages = 4;
  start(options);
  ws_client slow(port(), 4096);
  ASSERT_FALSE(slow.handshake("/ws/slow?token=ok"));
  // on_open runs after the 101 is sent: wait for it, so that the connections come in order.
  auto slow_conn = state_->wait_open(1);
  ws_client fast(port());
  ASSERT_FALSE(fast.handshake("/ws/fast?token=ok"));
  auto fast_conn = state_->wait_open(2);
  ASSERT_TRUE(slow_conn && fast_conn);

  // The slow client reads nothing: kernel buffers fill, then the queue, then send refuses.
  auto chunk = std::make_shared<const std::string>(std::string(64 * 1024, 'x'));
  int accepted = 0;
  while (accepted < 10000 && slow_conn->send(chunk)) ++accepted;
  EXPECT_LT(accepted, 10000);
  EXPECT_FALSE(slow_conn->is_open());
  EXPECT_FALSE(slow_conn->send(chunk));

  // The other client is untouched.
  ASSERT_TRUE(fast_conn->send(std::make_shared<const std::string>("masih di sini")));
  std::string text;
  ASSERT_FALSE(fast.read(text));
  EXPECT_EQ(text, "halo fast");
  ASSERT_FALSE(fast.read(text));
  EXPECT_EQ(text, "masih di sini");

  // What was already on the wire arrives (nothing, when the queue overflowed before the write
  // loop ran: unsent messages are dropped), then the close frame with the reason.
  std::size_t messages = 0;
  EXPECT_EQ(slow.read_until_closed(messages), websocket::error::closed);
  EXPECT_LE(messages, static_cast<std::size_t>(accepted) + 1);
  EXPECT_EQ(slow.reason().code, ws_close_policy);
  EXPECT_EQ(slow.reason_text(), ws_reason_too_slow);
  EXPECT_TRUE(state_->wait_closed(1));
  EXPECT_TRUE(fast_conn->is_open());
}

TEST_F(websocket_test, stop_closes_websockets_with_a_reason_and_counts_them_until_closed) {
  start();
  ws_client client(port());
  ASSERT_FALSE(client.handshake("/ws/a?token=ok"));
  ASSERT_TRUE(state_->wait_open(1));
  EXPECT_EQ(server_->connections(), 1u);

  server_->stop();
  // The client has not answered the close yet, so the connection still counts.
  EXPECT_EQ(server_->connections(), 1u);
  std::size_t messages = 0;
  EXPECT_EQ(client.read_until_closed(messages), websocket::error::closed);
  EXPECT_EQ(messages, 1u);  // the greeting
  EXPECT_EQ(client.reason().code, ws_close_going_away);
  EXPECT_EQ(client.reason_text(), ws_reason_shutdown);
  EXPECT_TRUE(wait_connections(0));
  EXPECT_TRUE(state_->wait_closed(1));
}

TEST_F(websocket_test, close_from_the_server_sends_queued_messages_first) {
  start();
  ws_client client(port());
  ASSERT_FALSE(client.handshake("/ws/a?token=ok"));
  auto conn = state_->wait_open(1);
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->send(std::make_shared<const std::string>("terakhir")));
  conn->close(ws_close_normal, "selesai");
  EXPECT_FALSE(conn->is_open());
  EXPECT_FALSE(conn->send(std::make_shared<const std::string>("too late")));
  std::string text;
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, "halo a");
  ASSERT_FALSE(client.read(text));
  EXPECT_EQ(text, "terakhir");
  EXPECT_EQ(client.read(text), websocket::error::closed);
  EXPECT_EQ(client.reason().code, ws_close_normal);
  EXPECT_EQ(client.reason_text(), "selesai");
  EXPECT_TRUE(state_->wait_closed(1));
  EXPECT_TRUE(wait_connections(0));
}

TEST_F(websocket_test, client_close_ends_the_connection) {
  start();
  {
    ws_client client(port());
    ASSERT_FALSE(client.handshake("/ws/a?token=ok"));
    ASSERT_TRUE(state_->wait_open(1));
  }  // the client goes away without a close frame
  EXPECT_TRUE(state_->wait_closed(1));
  EXPECT_TRUE(wait_connections(0));
  auto conn = state_->wait_open(1);
  EXPECT_FALSE(conn->is_open());
  EXPECT_FALSE(conn->send(std::make_shared<const std::string>("x")));
}

TEST_F(websocket_test, idle_connection_is_kept_alive_with_pings) {
  server_options options;
  options.websocket_idle_timeout = 1000ms;  // a ping after 500 ms of silence
  start(options);
  ws_client client(port());
  ASSERT_FALSE(client.handshake("/ws/a?token=ok"));
  auto conn = state_->wait_open(1);
  ASSERT_TRUE(conn);
  std::string text;
  ASSERT_FALSE(client.read(text));
  // Several idle timeouts pass while the client reads (and so answers pings); a message sent
  // afterwards still arrives.
  std::thread later([conn] {
    std::this_thread::sleep_for(3000ms);
    conn->send(std::make_shared<const std::string>("masih hidup"));
  });
  auto ec = client.read(text, 10s);
  later.join();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(text, "masih hidup");
  EXPECT_GE(client.pings(), 2);
}

TEST_F(websocket_test, when_drained_calls_back_once_the_queue_empties) {
  start();
  ws_client client(port());
  ASSERT_FALSE(client.handshake("/ws/a?token=ok"));
  auto conn = state_->wait_open(1);
  ASSERT_TRUE(conn);
  std::atomic<int> calls{0};
  for (int i = 0; i < 50; ++i) conn->send(std::make_shared<const std::string>(std::string(1000, 'y')));
  conn->when_drained(0, [&] { ++calls; });
  std::size_t got = 0;
  std::string text;
  while (got < 51 && !client.read(text)) ++got;
  EXPECT_EQ(got, 51u);
  for (auto deadline = std::chrono::steady_clock::now() + 5s; calls == 0 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(conn->queued(), 0u);
}

}  // namespace
}  // namespace siaga::net
