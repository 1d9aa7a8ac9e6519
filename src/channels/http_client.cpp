#include "channels/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

namespace siaga::channels {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using clock_type = asio::steady_timer::clock_type;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

core::error unavailable(std::string message) { return core::make_error(core::errc::unavailable, std::move(message)); }

struct url_parts {
  bool tls = false;
  std::string host;         // name or address, IPv6 without brackets
  std::string port;
  std::string host_header;  // as written, with the port when one was given
  std::string target;       // path and query
};

core::result<url_parts> split_url(std::string_view text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return core::invalid("the endpoint url is not an absolute http(s) URL");
  std::string scheme(u->scheme());
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "http" && scheme != "https") return core::invalid("the endpoint url must be http:// or https://");
  if (!u->has_authority() || u->encoded_host().empty() || u->has_userinfo()) {
    return core::invalid("the endpoint url needs a host and no user info");
  }
  url_parts p;
  p.tls = scheme == "https";
  p.host = u->host_address();
  p.port = u->has_port() ? std::string(u->port()) : std::string(p.tls ? "443" : "80");
  p.host_header = std::string(u->encoded_host());
  if (u->has_port()) p.host_header += ":" + p.port;
  p.target = std::string(u->encoded_path());
  if (p.target.empty()) p.target = "/";
  if (u->has_query()) p.target += "?" + std::string(u->encoded_query());
  return p;
}

std::string describe(std::string_view step, const boost::system::error_code& ec,
                     const http_client_options& options) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return std::string(step) + ": timed out after " + std::to_string(options.timeout.count()) + " ms";
  }
  if (ec == http::error::body_limit) {
    return "the response is larger than " + std::to_string(options.body_limit) + " bytes";
  }
  return std::string(step) + ": " + ec.message();
}

// Cancels the resolver at the deadline. A plain function, so that the completion handler is
// not a lambda built inside a coroutine (see api/async_write.hpp on GCC 12).
void cancel_at_deadline(const std::shared_ptr<asio::steady_timer>& timer,
                        const std::shared_ptr<tcp::resolver>& resolver) {
  timer->async_wait([resolver](const boost::system::error_code& ec) {
    if (!ec) resolver->cancel();
  });
}

awaitable<core::result<tcp::resolver::results_type>> resolve(const url_parts& url, clock_type::time_point deadline,
                                                              const http_client_options& options) {
  auto ex = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(ex);
  auto timer = std::make_shared<asio::steady_timer>(ex);
  timer->expires_at(deadline);
  cancel_at_deadline(timer, resolver);
  auto [ec, results] = co_await resolver->async_resolve(url.host, url.port, use_tuple);
  timer->cancel();
  if (ec) co_return unavailable(describe("resolve " + url.host, ec, options));
  co_return results;
}

http::request<http::string_body> make_request(const url_parts& url, const outbound_request& in,
                                              const http_client_options& options) {
  http::request<http::string_body> req{in.get ? http::verb::get : http::verb::post, url.target, 11};
  req.set(http::field::host, url.host_header);
  req.set(http::field::user_agent, options.user_agent);
  if (!in.get) req.set(http::field::content_type, in.content_type);
  for (const auto& [name, value] : in.headers) req.set(name, value);
  if (!in.get) req.body() = in.body;
  req.keep_alive(false);
  req.prepare_payload();
  return req;
}

template <class Stream>
awaitable<core::result<outbound_response>> exchange(Stream& stream, const http::request<http::string_body>& req,
                                                    const http_client_options& options) {
  auto [wec, written] = co_await http::async_write(stream, req, use_tuple);
  if (wec) co_return unavailable(describe("send", wec, options));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.body_limit);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (rec) co_return unavailable(describe("receive", rec, options));
  auto res = parser.release();
  co_return outbound_response{static_cast<int>(res.result_int()), std::move(res.body()),
                              std::string(res[http::field::content_type])};
}

}  // namespace

asio::ssl::context make_tls_client_context() {
  asio::ssl::context tls{asio::ssl::context::tls_client};
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  return tls;
}

awaitable<core::result<outbound_response>> post(asio::ssl::context& tls, const outbound_request& request,
                                                const http_client_options& options) {
  auto url = split_url(request.url);
  if (!url) co_return url.error();
  auto deadline = clock_type::now() + options.timeout;
  auto endpoints = co_await resolve(*url, deadline, options);
  if (!endpoints) co_return endpoints.error();
  auto req = make_request(*url, request, options);
  auto ex = co_await asio::this_coro::executor;

  if (!url->tls) {
    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);
    auto [cec, peer] = co_await stream.async_connect(*endpoints, use_tuple);
    if (cec) co_return unavailable(describe("connect", cec, options));
    auto res = co_await exchange(stream, req, options);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return res;
  }

  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  // SNI, so that a server with several names presents the right certificate, and the name
  // check on that certificate (the context already demands a chain to a trusted root).
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str())) {
    co_return unavailable("tls: cannot set the server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_at(deadline);
  auto [cec, peer] = co_await lowest.async_connect(*endpoints, use_tuple);
  if (cec) co_return unavailable(describe("connect", cec, options));
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
  if (hec) co_return unavailable(describe("tls handshake", hec, options));
  auto res = co_await exchange(stream, req, options);
  // The answer is in hand; a peer that does not finish the TLS close politely changes nothing.
  lowest.expires_after(std::chrono::seconds{2});
  co_await stream.async_shutdown(use_tuple);
  co_return res;
}

}  // namespace siaga::channels
