// The webhooks of the messaging channels (issue 11): POST /api/v1/webhooks/whatsapp (and its
// GET handshake), /api/v1/webhooks/telegram and /api/v1/webhooks/sms. Unauthenticated routes
// (no session): each checks its provider's signature or secret first and answers 401 without
// reading further. A message is turned into a services::channel_message (the channel's wire
// format in <channel>/wire.hpp), its photo fetched from the provider when the dialogue is at
// the photo step, its location placed, and handed to services::receive_channel_message.
#pragma once

#include "api/handler.hpp"
#include "channels/http_client.hpp"
#include "channels/reply_senders.hpp"
#include "services/channel_dialogue.hpp"

#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <string>

namespace siaga::channels {

struct messaging_options {
  reply_config providers;               // the channels' settings (secrets, tokens, base urls)
  std::string telegram_webhook_secret;  // X-Telegram-Bot-Api-Secret-Token set with setWebhook
  std::string jurisdiction;             // Kemendagri code whose queue the reports join ("" : the first)
  std::string public_url;               // https://112.example.go.id: tracking links in the receipts ("" : none)
  http_client_options http;             // media downloads (body limit: a photo)
};

struct messaging_deps {
  api::api_deps& api;
  messaging_options options;
  boost::asio::ssl::context tls;
  std::function<void()> nudge;  // the delivery worker: a reply is queued
};

// Adds the three webhook routes. deps must outlive r.
void add_messaging_routes(net::router& r, messaging_deps& deps);

namespace detail {

// The route files' shared steps (messaging.cpp).

// 200 with {"messages", "duplicates", "reports"} counts.
net::response receipt_response(const net::request& req, int messages, int duplicates, int reports);

// Whether the sender's dialogue is at the photo step (so that an image is worth fetching), or
// the message was seen before (nothing to fetch or do).
struct message_state {
  bool seen = false;
  bool wants_photo = false;
};
core::result<message_state> state_of(messaging_deps& d, domain::channel source, const std::string& sender,
                                     const std::string& message_id);

// Downloads an image (GET with the given headers); the answer must be 2xx, at most the photo
// limit, and a JPEG, PNG or WebP by its first bytes. unavailable when the provider cannot be
// reached (the webhook answers 503 so that the provider retries), unsupported_media or
// payload_too_large for a file that is no acceptable photo.
boost::asio::awaitable<core::result<services::intake_photo>> download_photo(messaging_deps& d, outbound_request req);

// Resolves the jurisdiction, places the location the report would have, runs the write and
// nudges the delivery worker.
boost::asio::awaitable<core::result<services::message_outcome>> take_message(messaging_deps& d,
                                                                             services::channel_message msg);

}  // namespace detail

// The route bodies, one file per channel.
boost::asio::awaitable<api::reply> whatsapp_verify(api::call& c, messaging_deps& d);   // whatsapp/routes.cpp
boost::asio::awaitable<api::reply> whatsapp_receive(api::call& c, messaging_deps& d);  // whatsapp/routes.cpp
boost::asio::awaitable<api::reply> telegram_receive(api::call& c, messaging_deps& d);  // telegram/routes.cpp
boost::asio::awaitable<api::reply> sms_receive(api::call& c, messaging_deps& d);       // sms/routes.cpp

}  // namespace siaga::channels
