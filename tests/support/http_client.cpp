#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace siaga::testing {
namespace asio = boost::asio;
namespace http = boost::beast::http;

struct http_client::impl {
  std::string host;
  std::uint16_t port;
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  boost::beast::flat_buffer buffer;

  void connect() {
    socket = asio::ip::tcp::socket{io};
    asio::ip::tcp::resolver resolver{io};
    asio::connect(socket, resolver.resolve(host, std::to_string(port)));
    buffer.clear();
  }
};

http_client::http_client(std::string host, std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->connect();
}

http_client::~http_client() = default;

http_reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                const std::string& token, const std::string& content_type,
                                const std::map<std::string, std::string>& extra_headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));  // as browsers send it (RFC 9110 7.2)
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty() && !content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [k, v] : extra_headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(true);

  // The server may have closed an idle keep-alive connection: reconnect once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    boost::system::error_code ec;
    http::write(impl_->socket, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) http::read(impl_->socket, impl_->buffer, parser, ec);
    if (ec) {
      impl_->connect();
      continue;
    }
    auto res = parser.release();
    http_reply out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    boost::system::error_code jec;
    out.parsed = boost::json::parse(out.body, jec);
    if (jec) out.parsed = nullptr;
    for (const auto& f : res) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      out.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive()) impl_->connect();
    return out;
  }
  ADD_FAILURE() << method << " " << target << ": the server did not answer";
  return {};
}

http_reply http_client::post(const std::string& target, const boost::json::value& body, const std::string& token) {
  return request("POST", target, boost::json::serialize(body), token);
}

std::string http_client::login(const std::string& username, const std::string& password) {
  auto r = post("/api/v1/auth/login", boost::json::object{{"username", username}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("token")) return {};
  return std::string(v.as_object().at("token").as_string());
}

}  // namespace siaga::testing
