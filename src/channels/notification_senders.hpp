// One delivery attempt of an outbox row to one endpoint: a signed webhook POST or a Telegram
// Bot API sendMessage. Success is a 2xx answer; anything else is a failure whose message
// says why, for the row's last_error.
#pragma once

#include "channels/http_client.hpp"
#include "domain/notification.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <string>

namespace siaga::channels {

struct telegram_config {
  std::string bot_token;                            // empty: Telegram endpoints fail until set
  std::string api_base = "https://api.telegram.org";  // a local stand-in in tests
};

// Success for a 2xx answer; otherwise unavailable with "HTTP <status>: <the body's start>", or
// the transport's error.
core::result<void> judge_response(const core::result<outbound_response>& res);

// The "text" of a row's JSON payload; internal when there is none.
core::result<std::string> payload_text(const domain::notification& n);

// POSTs the row's payload to the endpoint's url with the headers of domain::webhook_headers
// (signature over unix_seconds and the body; the row id as Idempotency-Key).
boost::asio::awaitable<core::result<void>> send_webhook(boost::asio::ssl::context& tls, const domain::notification& n,
                                                        const domain::agency_endpoint& e, std::int64_t unix_seconds,
                                                        const http_client_options& options);

// POSTs {api_base}/bot{token}/sendMessage with the endpoint's chat_id and the payload's text.
// The row id travels as Idempotency-Key too, which Telegram ignores but a stand-in can check.
boost::asio::awaitable<core::result<void>> send_telegram(boost::asio::ssl::context& tls, const domain::notification& n,
                                                         const domain::agency_endpoint& e,
                                                         const telegram_config& telegram,
                                                         const http_client_options& options);

}  // namespace siaga::channels
