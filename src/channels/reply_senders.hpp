// One delivery attempt of a reply to a reporter (an outbox row whose event_kind starts with
// "reply."): a WhatsApp Cloud API text message, a Telegram sendMessage, a post to the SMS
// gateway, or a follow-up on an SP4N-LAPOR! complaint. The settings are the server's (the rows carry only the address and the text).
#pragma once

#include "channels/http_client.hpp"
#include "channels/lapor/adapter.hpp"
#include "channels/notification_senders.hpp"
#include "domain/notification.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace siaga::channels {

struct whatsapp_config {
  std::string verify_token;     // the webhook handshake's hub.verify_token
  std::string app_secret;       // signs the webhook posts (X-Hub-Signature-256)
  std::string access_token;     // the bearer token of the Graph API calls
  std::string phone_number_id;  // the business number that sends the replies
  std::string graph_base = "https://graph.facebook.com/v21.0";  // a local stand-in in tests
  bool enabled() const { return !app_secret.empty(); }
};

struct sms_config {
  std::string secret;    // X-Siaga-SMS-Secret of the gateway's posts and of the replies
  std::string send_url;  // where replies go ("" : SMS replies fail until set)
  bool enabled() const { return !secret.empty(); }
};

struct reply_config {
  whatsapp_config whatsapp;
  telegram_config telegram;
  sms_config sms;
  std::shared_ptr<lapor::adapter> lapor_api;  // SP4N-LAPOR!'s adapter; null when lapor_token is not set
};

// Whether a row is a reply to a reporter rather than a notice to an agency or supervisors.
bool is_reply(const domain::notification& n);

// Sends the row's text to its target on its channel (n.endpoint: whatsapp, telegram or sms; lapor:
// the status and text posted as a follow-up on the LAPOR! tracking id through the adapter).
// Success is a 2xx answer; a channel without its settings fails with the setting's name.
boost::asio::awaitable<core::result<void>> send_reply(boost::asio::ssl::context& tls, const domain::notification& n,
                                                      const reply_config& config, const http_client_options& options);

}  // namespace siaga::channels
