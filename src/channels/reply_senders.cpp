#include "channels/reply_senders.hpp"

#include "channels/lapor/wire.hpp"
#include "channels/sms/wire.hpp"
#include "channels/telegram/wire.hpp"
#include "channels/whatsapp/wire.hpp"

#include <boost/json/parse.hpp>

namespace siaga::channels {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

core::error unavailable(std::string message) { return core::make_error(core::errc::unavailable, std::move(message)); }

std::string trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

core::result<outbound_request> request_of(const domain::notification& n, const reply_config& config) {
  SIAGA_TRY(text, payload_text(n));
  outbound_request req;
  req.headers = {{std::string(domain::idempotency_header), n.id}};
  switch (n.endpoint) {
    case domain::endpoint_kind::whatsapp: {
      const auto& wa = config.whatsapp;
      if (wa.access_token.empty() || wa.phone_number_id.empty()) {
        return unavailable("whatsapp_access_token and whatsapp_phone_number_id are not configured on the server");
      }
      req.url = trimmed(wa.graph_base) + "/" + wa.phone_number_id + "/messages";
      req.body = whatsapp::text_message_body(n.target, text);
      req.headers.emplace_back("Authorization", "Bearer " + wa.access_token);
      return req;
    }
    case domain::endpoint_kind::telegram:
      if (config.telegram.bot_token.empty()) {
        return unavailable("telegram_bot_token is not configured on the server");
      }
      req.url = telegram::method_url(config.telegram.api_base, config.telegram.bot_token, "sendMessage");
      req.body = domain::telegram_message_body(n.target, text);
      return req;
    case domain::endpoint_kind::sms:
      if (config.sms.send_url.empty()) return unavailable("sms_send_url is not configured on the server");
      req.url = config.sms.send_url;
      req.body = sms::reply_body(n.id, n.target, text);
      req.headers.emplace_back(std::string(sms::secret_header), config.sms.secret);
      return req;
    case domain::endpoint_kind::lapor:
    case domain::endpoint_kind::webhook: break;
  }
  return core::make_error(core::errc::internal, "a webhook row is no reply");
}

// A status row of a LAPOR! complaint: its public status as LAPOR!'s, with the text.
awaitable<core::result<void>> send_follow_up(const domain::notification& n, const reply_config& config) {
  if (!config.lapor_api) co_return unavailable("lapor_token is not configured on the server");
  auto text = payload_text(n);
  if (!text) co_return text.error();
  boost::system::error_code ec;
  auto payload = boost::json::parse(n.payload_json, ec);
  const auto* status = !ec && payload.is_object() ? payload.as_object().if_contains("status") : nullptr;
  auto lapor_status = status && status->is_string() ? lapor::status_of(status->as_string()) : std::string_view();
  if (lapor_status.empty()) co_return core::make_error(core::errc::internal, "the row names no status LAPOR! takes");
  co_return co_await config.lapor_api->post_follow_up(n.target, n.id, std::string(lapor_status), *text, n.created_at);
}

}  // namespace

bool is_reply(const domain::notification& n) { return n.agency_id.empty() && n.event_kind.starts_with("reply."); }

awaitable<core::result<void>> send_reply(asio::ssl::context& tls, const domain::notification& n,
                                         const reply_config& config, const http_client_options& options) {
  if (n.endpoint == domain::endpoint_kind::lapor) co_return co_await send_follow_up(n, config);
  auto req = request_of(n, config);
  if (!req) co_return req.error();
  co_return judge_response(co_await post(tls, *req, options));
}

}  // namespace siaga::channels
