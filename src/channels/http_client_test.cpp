// The outbound HTTP client against servers in the test process: answers of any status come
// back, and every failure (bad url, refused, silent peer, oversized answer, TLS to a server
// that does not speak it) is an error value whose message does not repeat the url.
#include "channels/http_client.hpp"

#include "net/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <optional>

namespace siaga::channels {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class http_client_test : public ::testing::Test {
 protected:
  void SetUp() override {
    net::router routes;
    routes.add(net::http::verb::post, "/echo/{status}", [this](net::request_context& ctx) -> asio::awaitable<net::response> {
      seen_ = std::string(ctx.req[net::http::field::content_type]) + "|" + std::string(ctx.req["X-Test"]) + "|" +
              std::string(ctx.req.target()) + "|" + ctx.req.body();
      auto status = std::stoi(ctx.params.at("status"));
      net::response res{static_cast<net::http::status>(status), ctx.req.version()};
      res.body() = status == 299 ? std::string(5000, 'x') : "answer " + std::to_string(status);
      res.prepare_payload();
      co_return res;
    });
    net::server_options opts;
    opts.port = 0;
    opts.api_prefix = "/";
    server_ = std::make_unique<net::http_server>(io_, opts, routes);
    std::string err;
    ASSERT_TRUE(server_->listen(err)) << err;
  }

  void TearDown() override {
    server_->stop();
    io_.restart();
    io_.run_for(200ms);
    server_.reset();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  core::result<outbound_response> send(const outbound_request& req, http_client_options options = {}) {
    std::optional<core::result<outbound_response>> out;
    asio::co_spawn(io_, post(tls_, req, options),
                   [&](std::exception_ptr e, core::result<outbound_response> r) {
                     if (e) std::rethrow_exception(e);
                     out = std::move(r);
                   });
    io_.restart();
    while (!out && io_.run_one_for(10s)) {
    }
    if (!out) return core::make_error(core::errc::internal, "the test's io loop ran dry");
    return std::move(*out);
  }

  asio::io_context io_;
  asio::ssl::context tls_ = make_tls_client_context();
  std::unique_ptr<net::http_server> server_;
  std::string seen_;
};

TEST_F(http_client_test, posts_the_body_and_headers_and_returns_any_status) {
  outbound_request req;
  req.url = base() + "/echo/201?x=1";
  req.body = R"({"a":1})";
  req.headers = {{"X-Test", "yes"}};
  auto r = send(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "answer 201");
  EXPECT_EQ(seen_, R"(application/json|yes|/echo/201?x=1|{"a":1})");

  req.url = base() + "/echo/503";
  r = send(req);
  ASSERT_TRUE(r) << "a failure status is still an answer";
  EXPECT_EQ(r->status, 503);
}

TEST_F(http_client_test, a_bad_url_is_invalid_input) {
  for (auto url : {"ftp://127.0.0.1/x", "not a url", "http://", "https://user:pw@example.org/"}) {
    auto r = send({url, "{}"});
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, core::errc::invalid_input) << url;
  }
}

TEST_F(http_client_test, an_oversized_answer_is_a_failure) {
  http_client_options small;
  small.body_limit = 1000;
  auto r = send({base() + "/echo/299", "{}"}, small);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_NE(r.error().message.find("larger than 1000"), std::string::npos) << r.error().message;
}

TEST_F(http_client_test, a_refused_connection_fails_without_repeating_the_url) {
  asio::ip::tcp::acceptor probe(io_, {asio::ip::make_address("127.0.0.1"), 0});
  auto port = probe.local_endpoint().port();
  probe.close();
  auto r = send({"http://127.0.0.1:" + std::to_string(port) + "/bot123:SECRET/sendMessage", "{}"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
}

TEST_F(http_client_test, a_silent_peer_times_out) {
  asio::ip::tcp::acceptor silent(io_, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket held(io_);
  silent.async_accept(held, [](const boost::system::error_code&) {});
  http_client_options quick;
  quick.timeout = 300ms;
  auto r = send({"http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/", "{}"}, quick);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
}

TEST_F(http_client_test, https_to_a_server_without_tls_fails_the_handshake) {
  auto r = send({"https://127.0.0.1:" + std::to_string(server_->port()) + "/echo/200", "{}"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_NE(r.error().message.find("tls handshake"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace siaga::channels
