#include "net/http_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace siaga::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A small blocking client. Each call runs the client's own io_context until the operation
// completes or its deadline passes, so a misbehaving server fails a test instead of hanging it.
class test_client {
 public:
  explicit test_client(std::uint16_t port) {
    stream_.expires_after(5s);
    stream_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [this](beast::error_code ec) { connect_error_ = ec; });
    run();
  }

  beast::error_code connect_error() const { return connect_error_; }

  // Sends req and reads one answer into res.
  beast::error_code exchange(request req, response& res) {
    req.set(http::field::host, "127.0.0.1");
    req.prepare_payload();
    beast::error_code ec;
    stream_.expires_after(5s);
    http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) return ec;
    http::response_parser<http::string_body> parser;
    // The answer to HEAD announces a length but carries no body.
    parser.skip(req.method() == http::verb::head);
    stream_.expires_after(5s);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (!ec) res = parser.release();
    return ec;
  }

  response send(request req) {
    response res;
    auto ec = exchange(std::move(req), res);
    EXPECT_FALSE(ec) << ec.message();
    return res;
  }

  void write_raw(const std::string& data) {
    beast::error_code ec;
    stream_.expires_after(5s);
    asio::async_write(stream_, asio::buffer(data), [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    ASSERT_FALSE(ec) << ec.message();
  }

  // Reads until the server closes the connection or the limit passes; returns the error that
  // ended the reading (eof when the server closed, timeout when it did not).
  beast::error_code read_until_closed(std::chrono::seconds limit) {
    beast::error_code ec;
    stream_.expires_after(limit);
    for (;;) {
      std::array<char, 1024> scratch;
      std::size_t n = 0;
      stream_.async_read_some(asio::buffer(scratch), [&](beast::error_code e, std::size_t got) {
        ec = e;
        n = got;
      });
      run();
      if (ec) return ec;
      received_.append(scratch.data(), n);
    }
  }

  std::size_t read_some(asio::mutable_buffer into, beast::error_code& ec) {
    std::size_t n = 0;
    stream_.expires_after(5s);
    stream_.async_read_some(into, [&](beast::error_code e, std::size_t got) {
      ec = e;
      n = got;
    });
    run();
    return n;
  }

  const std::string& received() const { return received_; }

  std::uint16_t local_port() const { return stream_.socket().local_endpoint().port(); }

 private:
  void run() {
    io_.restart();
    io_.run();
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
  beast::error_code connect_error_;
  std::string received_;
};

request make_request(http::verb method, std::string target, std::string body = {}, std::string content_type = {}) {
  request req{method, target, 11};
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  return req;
}

boost::json::value parse_json(const response& res) {
  return boost::json::parse(res.body());
}

std::string error_code_of(const response& res) {
  return std::string(parse_json(res).at("error").as_string());
}

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// A server on 127.0.0.1 with a free port, on an io_context run by two threads.
class http_server_test : public ::testing::Test {
 protected:
  void start(const router& routes, server_options options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<http_server>(io_, options, routes);
    std::string error;
    ASSERT_TRUE(server_->listen(error)) << error;
    ASSERT_NE(server_->port(), 0);
    for (int i = 0; i < 2; ++i) {
      threads_.emplace_back([this] {
        io_.run();
        ++runs_finished_;
      });
    }
  }

  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    if (!temp_.empty()) fs::remove_all(temp_);
  }

  // A web build: root/ holds the app, outside/ a file that must never be served.
  fs::path make_static_tree() {
    temp_ = fs::temp_directory_path() / ("siaga_net_test_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(temp_);
    auto root = temp_ / "root";
    write_file(root / "index.html", "<!doctype html><title>Siaga 112</title>");
    write_file(root / "assets" / "app-1a2b.js", "console.log('siaga')");
    write_file(root / "assets" / "app-1a2b.css", "body{margin:0}");
    write_file(root / "manifest.webmanifest", "{}");
    write_file(root / "docs" / "index.html", "<p>docs</p>");
    write_file(temp_ / "outside" / "secret.txt", "secret");
    fs::create_symlink(temp_ / "outside" / "secret.txt", root / "escape.txt");
    return root;
  }

  std::uint16_t port() const { return server_->port(); }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::unique_ptr<http_server> server_;
  std::vector<std::thread> threads_;
  std::atomic<int> runs_finished_{0};
  fs::path temp_;
};

router api_routes() {
  router r;
  r.add(http::verb::get, "/api/v1/hello", [](request_context& ctx) -> asio::awaitable<response> {
    response res{http::status::ok, ctx.req.version()};
    res.set(http::field::content_type, "text/plain");
    res.body() = "halo";
    co_return res;
  });
  r.add(http::verb::post, "/api/v1/echo", [](request_context& ctx) -> asio::awaitable<response> {
    response res{http::status::created, ctx.req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = ctx.req.body();
    co_return res;
  });
  r.add(http::verb::get, "/api/v1/whoami", [](request_context& ctx) -> asio::awaitable<response> {
    response res{http::status::ok, ctx.req.version()};
    res.body() = ctx.remote_address;
    co_return res;
  });
  r.add(http::verb::get, "/api/v1/incidents/{id}", [](request_context& ctx) -> asio::awaitable<response> {
    auto query = parse_query(split_target(ctx.req.target()).second);
    response res{http::status::ok, ctx.req.version()};
    res.body() = ctx.params.at("id") + "|" + query["lang"];
    co_return res;
  });
  r.add(http::verb::get, "/api/v1/boom", [](request_context&) -> asio::awaitable<response> {
    throw std::runtime_error("handler bug");
    co_return response{};
  });
  return r;
}

TEST_F(http_server_test, get_handler_returns_body_with_standard_headers) {
  start(api_routes());
  test_client client(port());
  ASSERT_FALSE(client.connect_error());
  auto res = client.send(make_request(http::verb::get, "/api/v1/hello"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "halo");
  EXPECT_EQ(res[http::field::server], "siaga");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res[http::field::content_length], "4");
  EXPECT_EQ(res.version(), 11u);
}

TEST_F(http_server_test, handler_sees_client_address_params_and_query) {
  start(api_routes());
  test_client client(port());
  EXPECT_EQ(client.send(make_request(http::verb::get, "/api/v1/whoami")).body(), "127.0.0.1");
  auto res = client.send(make_request(http::verb::get, "/api/v1/incidents/AMB%2D1?lang=id&x=1"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "AMB-1|id");
}

TEST_F(http_server_test, post_json_body_is_echoed) {
  start(api_routes());
  test_client client(port());
  std::string json = R"({"text":"kebakaran di Jalan Pattimura","lat":-3.69})";
  auto res = client.send(make_request(http::verb::post, "/api/v1/echo", json, "application/json"));
  EXPECT_EQ(res.result(), http::status::created);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res.body(), json);
}

TEST_F(http_server_test, keep_alive_serves_two_requests_on_one_connection) {
  start(api_routes());
  test_client client(port());
  auto first = client.send(make_request(http::verb::get, "/api/v1/hello"));
  EXPECT_TRUE(first.keep_alive());
  auto second = client.send(make_request(http::verb::post, "/api/v1/echo", "{}", "application/json"));
  EXPECT_EQ(second.result(), http::status::created);
  EXPECT_EQ(second.body(), "{}");
}

// The server runs in this process, so its end of a connection is one of this process's
// descriptors: the socket whose peer is the client's port. -1 when there is none.
int server_side_of(std::uint16_t client_port) {
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    int fd = std::stoi(entry.path().filename().string());
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sin_family != AF_INET) continue;
    if (ntohs(peer.sin_port) == client_port) return fd;
  }
  return -1;
}

// Nagle's algorithm would hold an answer written right after another until the client's
// delayed ACK (up to 40 ms): pipelined requests would crawl.
TEST_F(http_server_test, accepted_sockets_send_without_delay) {
  start(api_routes());
  test_client client(port());
  auto res = client.send(make_request(http::verb::get, "/api/v1/hello"));
  EXPECT_EQ(res.result(), http::status::ok);
  int fd = server_side_of(client.local_port());
  ASSERT_GE(fd, 0) << "the server's socket of this connection was not found";
  int flag = 0;
  socklen_t len = sizeof flag;
  ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flag, &len), 0);
  EXPECT_NE(flag, 0);
}

TEST_F(http_server_test, connection_close_is_honoured) {
  start(api_routes());
  test_client client(port());
  auto req = make_request(http::verb::get, "/api/v1/hello");
  req.keep_alive(false);
  auto res = client.send(std::move(req));
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(client.read_until_closed(2s), beast::error_code(asio::error::eof));
}

TEST_F(http_server_test, body_over_the_limit_gets_413_and_close) {
  server_options options;
  options.body_limit = 1024;
  start(api_routes(), options);
  test_client client(port());
  auto res = client.send(make_request(http::verb::post, "/api/v1/echo", std::string(4096, 'x'), "application/json"));
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_FALSE(res.keep_alive());
  auto body = parse_json(res);
  EXPECT_EQ(body.at("error").as_string(), "payload_too_large");
  EXPECT_EQ(body.at("message").as_string(), "request body is larger than 1024 bytes");
  EXPECT_EQ(client.read_until_closed(3s), beast::error_code(asio::error::eof));

  test_client again(port());
  EXPECT_EQ(again.send(make_request(http::verb::post, "/api/v1/echo", "{}")).body(), "{}");
}

TEST_F(http_server_test, a_route_with_its_own_body_limit_takes_larger_bodies_and_only_it) {
  server_options options;
  options.body_limit = 1024;
  auto routes = api_routes();
  routes.add(
      http::verb::post, "/api/v1/upload/{id}",
      [](request_context& ctx) -> asio::awaitable<response> {
        response res{http::status::created, ctx.req.version()};
        res.body() = std::to_string(ctx.req.body().size());
        co_return res;
      },
      8192);
  start(routes, options);

  test_client client(port());
  auto res = client.send(make_request(http::verb::post, "/api/v1/upload/1", std::string(8192, 'x'), "image/png"));
  EXPECT_EQ(res.result(), http::status::created);
  EXPECT_EQ(res.body(), "8192");
  // The other routes keep the server's limit, on the same connection.
  res = client.send(make_request(http::verb::post, "/api/v1/echo", std::string(4096, 'x'), "application/json"));
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_EQ(parse_json(res).at("message").as_string(), "request body is larger than 1024 bytes");

  // Over the route's limit: refused with its number, announced or chunked.
  test_client over(port());
  res = over.send(make_request(http::verb::post, "/api/v1/upload/1", std::string(8193, 'x'), "image/png"));
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_EQ(parse_json(res).at("message").as_string(), "request body is larger than 8192 bytes");
  test_client far_over(port());
  res = far_over.send(make_request(http::verb::post, "/api/v1/upload/1", std::string(20000, 'x'), "image/png"));
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  EXPECT_EQ(parse_json(res).at("message").as_string(), "request body is larger than 8192 bytes");
  test_client chunked(port());
  chunked.write_raw("POST /api/v1/upload/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n" +
                    std::string(0x2000, 'x') + "\r\n10\r\n" + std::string(16, 'x') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.read_until_closed(5s), beast::error_code(asio::error::eof));
  EXPECT_TRUE(chunked.received().starts_with("HTTP/1.1 413")) << chunked.received();
}

TEST_F(http_server_test, expect_100_continue_gets_a_go_ahead) {
  start(api_routes());
  test_client client(port());
  client.write_raw(
      "POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
      "Connection: close\r\nExpect: 100-continue\r\n\r\n");
  beast::error_code ec;
  std::array<char, 64> interim{};
  auto n = client.read_some(asio::buffer(interim), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(std::string_view(interim.data(), n).starts_with("HTTP/1.1 100 Continue\r\n"));
  client.write_raw("{}");
  EXPECT_EQ(client.read_until_closed(3s), beast::error_code(asio::error::eof));
  EXPECT_TRUE(client.received().starts_with("HTTP/1.1 201")) << client.received();
  EXPECT_TRUE(client.received().ends_with("\r\n\r\n{}")) << client.received();
}

TEST_F(http_server_test, expect_100_continue_over_the_limit_gets_413_without_go_ahead) {
  server_options options;
  options.body_limit = 1024;
  start(api_routes(), options);
  test_client client(port());
  client.write_raw(
      "POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.read_until_closed(5s), beast::error_code(asio::error::eof));
  EXPECT_TRUE(client.received().starts_with("HTTP/1.1 413")) << client.received();
}

TEST_F(http_server_test, unknown_route_gets_404_json) {
  start(api_routes());
  test_client client(port());
  auto res = client.send(make_request(http::verb::get, "/api/v1/nothing?x=1"));
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  auto body = parse_json(res);
  EXPECT_EQ(body.at("error").as_string(), "not_found");
  EXPECT_EQ(body.at("message").as_string(), "no route for GET /api/v1/nothing");
  EXPECT_TRUE(res.keep_alive());
}

TEST_F(http_server_test, wrong_method_gets_405_with_allow) {
  start(api_routes());
  test_client client(port());
  auto res = client.send(make_request(http::verb::delete_, "/api/v1/incidents/42"));
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "GET, HEAD");
  EXPECT_EQ(error_code_of(res), "method_not_allowed");

  auto post_only = client.send(make_request(http::verb::get, "/api/v1/echo"));
  EXPECT_EQ(post_only.result(), http::status::method_not_allowed);
  EXPECT_EQ(post_only[http::field::allow], "POST");
}

TEST_F(http_server_test, head_is_answered_by_the_get_handler_without_body) {
  start(api_routes());
  test_client client(port());
  auto res = client.send(make_request(http::verb::head, "/api/v1/hello"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_length], "4");
  EXPECT_TRUE(res.body().empty());
  // The connection is still in step: the next answer is read cleanly.
  EXPECT_EQ(client.send(make_request(http::verb::get, "/api/v1/hello")).body(), "halo");
}

TEST_F(http_server_test, throwing_handler_gets_500_and_server_keeps_serving) {
  start(api_routes());
  test_client client(port());
  auto res = client.send(make_request(http::verb::get, "/api/v1/boom"));
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_EQ(error_code_of(res), "internal");
  EXPECT_EQ(client.send(make_request(http::verb::get, "/api/v1/hello")).body(), "halo");
  test_client other(port());
  EXPECT_EQ(other.send(make_request(http::verb::get, "/api/v1/hello")).body(), "halo");
}

TEST_F(http_server_test, malformed_request_gets_400_and_close) {
  start(api_routes());
  test_client client(port());
  client.write_raw("GET /api/v1/hello HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n");
  EXPECT_EQ(client.read_until_closed(3s), beast::error_code(asio::error::eof));
  EXPECT_TRUE(client.received().starts_with("HTTP/1.1 400")) << client.received();
  EXPECT_NE(client.received().find("\"bad_request\""), std::string::npos);
}

TEST_F(http_server_test, static_files_are_served_with_content_type) {
  server_options options;
  options.static_root = make_static_tree().string();
  start(api_routes(), options);
  test_client client(port());

  auto index = client.send(make_request(http::verb::get, "/"));
  EXPECT_EQ(index.result(), http::status::ok);
  EXPECT_EQ(index.body(), "<!doctype html><title>Siaga 112</title>");
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index[http::field::cache_control], "no-cache");
  EXPECT_EQ(index["X-Content-Type-Options"], "nosniff");

  auto js = client.send(make_request(http::verb::get, "/assets/app-1a2b.js"));
  EXPECT_EQ(js.result(), http::status::ok);
  EXPECT_EQ(js.body(), "console.log('siaga')");
  EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.count(http::field::cache_control), 0u);

  auto css = client.send(make_request(http::verb::get, "/assets/app-1a2b.css?v=2"));
  EXPECT_EQ(css[http::field::content_type], "text/css; charset=utf-8");

  auto manifest = client.send(make_request(http::verb::get, "/manifest.webmanifest"));
  EXPECT_EQ(manifest[http::field::content_type], "application/manifest+json");

  auto docs = client.send(make_request(http::verb::get, "/docs"));
  EXPECT_EQ(docs.body(), "<p>docs</p>");

  auto head = client.send(make_request(http::verb::head, "/assets/app-1a2b.js"));
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(head[http::field::content_length], "20");
  EXPECT_TRUE(head.body().empty());

  auto missing = client.send(make_request(http::verb::get, "/assets/missing.js"));
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_EQ(error_code_of(missing), "not_found");
}

TEST_F(http_server_test, path_traversal_is_refused) {
  server_options options;
  options.static_root = make_static_tree().string();
  start(api_routes(), options);
  test_client client(port());
  for (std::string target :
       {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/assets/../../outside/secret.txt",
        "/%2E%2E/outside/secret.txt", "/escape.txt", "/assets/..%5c..%5coutside%5csecret.txt", "/index.html%00.js"}) {
    auto res = client.send(make_request(http::verb::get, target));
    EXPECT_EQ(res.result(), http::status::not_found) << target;
    EXPECT_EQ(res[http::field::content_type], "application/json") << target;
    EXPECT_EQ(error_code_of(res), "not_found") << target;
  }
}

TEST_F(http_server_test, unknown_path_without_extension_falls_back_to_index) {
  server_options options;
  options.static_root = make_static_tree().string();
  start(api_routes(), options);
  test_client client(port());
  for (std::string target : {"/incidents/AMB-261122-0042", "/supervisor", "/track/K7PX3MQA?x=1"}) {
    auto res = client.send(make_request(http::verb::get, target));
    EXPECT_EQ(res.result(), http::status::ok) << target;
    EXPECT_EQ(res.body(), "<!doctype html><title>Siaga 112</title>") << target;
    EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8") << target;
  }
  // The API prefix never falls back to the app, and POST never reaches static files.
  auto api = client.send(make_request(http::verb::get, "/api/v1/unknown"));
  EXPECT_EQ(api.result(), http::status::not_found);
  EXPECT_EQ(error_code_of(api), "not_found");
  auto post = client.send(make_request(http::verb::post, "/supervisor", "{}"));
  EXPECT_EQ(post.result(), http::status::not_found);
}

TEST_F(http_server_test, stalled_request_is_disconnected_after_read_timeout) {
  server_options options;
  options.read_timeout = 1s;
  start(api_routes(), options);
  test_client client(port());
  client.write_raw("POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n");
  auto started = std::chrono::steady_clock::now();
  auto ec = client.read_until_closed(5s);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(ec, beast::error_code(asio::error::eof)) << ec.message();
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 3s);
}

TEST_F(http_server_test, stop_refuses_new_connections_and_closes_idle_ones) {
  start(api_routes());
  test_client idle(port());
  EXPECT_EQ(idle.send(make_request(http::verb::get, "/api/v1/hello")).body(), "halo");

  server_->stop();

  // The idle keep-alive connection is closed at once, not after idle_timeout (60 s).
  EXPECT_EQ(idle.read_until_closed(3s), beast::error_code(asio::error::eof));

  bool refused = false;
  for (auto deadline = std::chrono::steady_clock::now() + 3s;
       !refused && std::chrono::steady_clock::now() < deadline;) {
    test_client late(port());
    refused = late.connect_error() == asio::error::connection_refused;
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(refused);

  // With the acceptor and every session gone, the io_context runs out of work by itself.
  work_.reset();
  for (auto deadline = std::chrono::steady_clock::now() + 3s;
       runs_finished_ < 2 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(runs_finished_, 2);
}

TEST(json_error, body_is_escaped_json) {
  auto res = json_error(http::status::bad_request, "invalid_input", "field \"lat\" is\nmissing");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  auto body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("error").as_string(), "invalid_input");
  EXPECT_EQ(body.at("message").as_string(), "field \"lat\" is\nmissing");
  EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
  EXPECT_TRUE(res.keep_alive());
  EXPECT_FALSE(json_error(http::status::not_found, "not_found", "x", 11, false).keep_alive());
}

TEST(parse_query, decodes_percent_and_plus) {
  auto q = parse_query("a=1&b=x%20y&q=banjir+rob&plus=%2B62&amp=k%26v");
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y");
  EXPECT_EQ(q["q"], "banjir rob");
  EXPECT_EQ(q["plus"], "+62");
  EXPECT_EQ(q["amp"], "k&v");
}

TEST(parse_query, edge_cases) {
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_TRUE(parse_query("&&").empty());
  EXPECT_TRUE(parse_query("=orphan").empty());

  auto last_wins = parse_query("status=open&status=closed");
  EXPECT_EQ(last_wins.at("status"), "closed");

  auto flag = parse_query("flag&x=");
  EXPECT_EQ(flag.at("flag"), "");
  EXPECT_EQ(flag.at("x"), "");

  auto equals_in_value = parse_query("expr=a=b");
  EXPECT_EQ(equals_in_value.at("expr"), "a=b");

  auto encoded_key = parse_query("k%3D=v");
  EXPECT_EQ(encoded_key.at("k="), "v");

  // A malformed escape is kept as written.
  auto malformed = parse_query("x=100%&y=%zz+1");
  EXPECT_EQ(malformed.at("x"), "100%");
  EXPECT_EQ(malformed.at("y"), "%zz 1");
}

std::string piece_of(int i) {
  char head[32];
  std::snprintf(head, sizeof head, "piece %04d ", i);
  std::string piece(head);
  piece.resize(1024, static_cast<char>('a' + i % 26));
  return piece;
}

// A streamed body of `pieces` pieces of 1 KiB ("piece 0007 ..."), counting the pieces asked
// for in *produced; with fail_after set, the producer throws after that many pieces.
body_stream counted_stream(std::shared_ptr<std::atomic<int>> produced, int pieces, int fail_after) {
  auto next = [produced, pieces, fail_after]() -> asio::awaitable<std::optional<std::string>> {
    int i = produced->fetch_add(1);
    if (i == fail_after) throw std::runtime_error("the store went away");
    if (i >= pieces) co_return std::nullopt;
    co_return piece_of(i);
  };
  return body_stream{std::move(next)};
}

std::string expected_stream(int pieces) {
  std::string out;
  for (int i = 0; i < pieces; ++i) out += piece_of(i);
  return out;
}

router streamed_routes(std::shared_ptr<std::atomic<int>> produced, int pieces, int fail_after) {
  router r;
  r.add(http::verb::get, "/api/v1/export",
        [produced, pieces, fail_after](request_context& ctx) -> asio::awaitable<response> {
          response res{http::status::ok, ctx.req.version()};
          res.set(http::field::content_type, "text/csv; charset=utf-8");
          res.body() = "ignored";
          ctx.streamed = counted_stream(produced, pieces, fail_after);
          co_return res;
        });
  r.add(http::verb::get, "/api/v1/hello", [](request_context& ctx) -> asio::awaitable<response> {
    response res{http::status::ok, ctx.req.version()};
    res.body() = "halo";
    co_return res;
  });
  return r;
}

TEST_F(http_server_test, streamed_body_is_sent_chunked_and_the_connection_stays_usable) {
  auto produced = std::make_shared<std::atomic<int>>(0);
  start(streamed_routes(produced, 3000, -1));
  test_client client(port());
  auto res = client.send(make_request(http::verb::get, "/api/v1/export"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::transfer_encoding], "chunked");
  EXPECT_EQ(res[http::field::content_length], "");
  EXPECT_EQ(res[http::field::content_type], "text/csv; charset=utf-8");
  EXPECT_EQ(res.body().size(), 3000u * 1024u);
  EXPECT_EQ(res.body(), expected_stream(3000));
  EXPECT_EQ(produced->load(), 3001);  // every piece, then the end
  // Keep-alive: the same connection answers the next request.
  auto next = client.send(make_request(http::verb::get, "/api/v1/hello"));
  EXPECT_EQ(next.body(), "halo");
}

TEST_F(http_server_test, streamed_body_is_paced_by_a_client_that_does_not_read) {
  // 64 MiB that the client never reads: the producer must stop at what the socket buffers
  // hold, instead of building the whole body in memory.
  auto produced = std::make_shared<std::atomic<int>>(0);
  start(streamed_routes(produced, 64 * 1024, -1));
  test_client client(port());
  client.write_raw("GET /api/v1/export HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(500ms);
  int asked = produced->load();
  EXPECT_GT(asked, 0);
  EXPECT_LT(asked, 16 * 1024) << "the producer ran ahead of the client";
}

TEST_F(http_server_test, failing_producer_cuts_the_connection_without_the_last_chunk) {
  auto produced = std::make_shared<std::atomic<int>>(0);
  start(streamed_routes(produced, 100, 5));
  test_client client(port());
  response res;
  auto ec = client.exchange(make_request(http::verb::get, "/api/v1/export"), res);
  EXPECT_TRUE(ec) << "a cut download must not look complete";
}

TEST_F(http_server_test, streamed_body_to_http_1_0_is_raw_and_closes) {
  auto produced = std::make_shared<std::atomic<int>>(0);
  start(streamed_routes(produced, 10, -1));
  test_client client(port());
  client.write_raw("GET /api/v1/export HTTP/1.0\r\n\r\n");
  EXPECT_EQ(client.read_until_closed(5s), asio::error::eof);
  const auto& text = client.received();
  auto split = text.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  EXPECT_EQ(text.find("chunked"), std::string::npos);
  EXPECT_EQ(text.substr(split + 4), expected_stream(10));
}

TEST_F(http_server_test, head_of_a_streamed_route_never_runs_the_producer) {
  auto produced = std::make_shared<std::atomic<int>>(0);
  start(streamed_routes(produced, 10, -1));
  test_client client(port());
  auto res = client.send(make_request(http::verb::head, "/api/v1/export"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(produced->load(), 0);
}

TEST(split_target, separates_path_and_query) {
  EXPECT_EQ(split_target("/x?y=1"), std::make_pair(std::string_view("/x"), std::string_view("y=1")));
  EXPECT_EQ(split_target("/x"), std::make_pair(std::string_view("/x"), std::string_view()));
  EXPECT_EQ(split_target("/x?"), std::make_pair(std::string_view("/x"), std::string_view()));
  EXPECT_EQ(split_target("/x?a=1?b"), std::make_pair(std::string_view("/x"), std::string_view("a=1?b")));
}

}  // namespace
}  // namespace siaga::net
