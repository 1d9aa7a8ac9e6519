#include "channels/notification_senders.hpp"

#include <boost/json/parse.hpp>

namespace siaga::channels {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

constexpr std::size_t excerpt_length = 200;

}  // namespace

core::result<void> judge_response(const core::result<outbound_response>& res) {
  if (!res) return res.error();
  if (res->status >= 200 && res->status < 300) return {};
  std::string message = "HTTP " + std::to_string(res->status);
  if (!res->body.empty()) message += ": " + res->body.substr(0, excerpt_length);
  return core::make_error(core::errc::unavailable, std::move(message));
}

core::result<std::string> payload_text(const domain::notification& n) {
  boost::system::error_code ec;
  auto v = boost::json::parse(n.payload_json, ec);
  const boost::json::value* text = ec || !v.is_object() ? nullptr : v.as_object().if_contains("text");
  if (!text || !text->is_string()) return core::make_error(core::errc::internal, "the payload has no text");
  return std::string(text->get_string());
}

awaitable<core::result<void>> send_webhook(asio::ssl::context& tls, const domain::notification& n,
                                           const domain::agency_endpoint& e, std::int64_t unix_seconds,
                                           const http_client_options& options) {
  outbound_request req;
  req.url = e.url;
  req.body = n.payload_json;
  req.headers = domain::webhook_headers(n, e.secret, unix_seconds);
  co_return judge_response(co_await post(tls, req, options));
}

awaitable<core::result<void>> send_telegram(asio::ssl::context& tls, const domain::notification& n,
                                            const domain::agency_endpoint& e, const telegram_config& telegram,
                                            const http_client_options& options) {
  if (telegram.bot_token.empty()) {
    co_return core::make_error(core::errc::unavailable, "telegram_bot_token is not configured on the server");
  }
  auto text = payload_text(n);
  if (!text) co_return text.error();
  outbound_request req;
  req.url = telegram.api_base;
  while (!req.url.empty() && req.url.back() == '/') req.url.pop_back();
  req.url += "/bot" + telegram.bot_token + "/sendMessage";
  req.body = domain::telegram_message_body(e.chat_id, *text);
  req.headers = {{std::string(domain::idempotency_header), n.id}, {std::string(domain::delivery_header), n.id}};
  co_return judge_response(co_await post(tls, req, options));
}

}  // namespace siaga::channels
