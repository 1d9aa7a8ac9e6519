// The webhooks of the messaging channels (issue 11): POST /api/v1/webhooks/whatsapp (and its
// GET handshake), /api/v1/webhooks/telegram and /api/v1/webhooks/sms. Unauthenticated routes
// (no session): each checks its provider's signature or secret first and answers 401 without
// reading further. A message is turned into a services::channel_message (the channel's wire
// format in <channel>/wire.hpp), its photo fetched from the provider when the dialogue is at
// the photo step, its location placed, and handed to services::receive_channel_message.
#pragma once

#include "api/handler.hpp"
#include "api/rate_limit.hpp"
#include "channels/http_client.hpp"
#include "channels/reply_senders.hpp"
#include "services/channel_dialogue.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace siaga::channels {

struct messaging_options {
  reply_config providers;               // the channels' settings (secrets, tokens, base urls)
  std::string telegram_webhook_secret;  // X-Telegram-Bot-Api-Secret-Token set with setWebhook
  std::string jurisdiction;             // Kemendagri code whose queue the reports join ("" : the first)
  std::string public_url;               // https://112.example.go.id: tracking links in the receipts ("" : none)
  std::string handover_secret;          // signs the neighbouring centres' handovers (handover/); "" refuses them
  http_client_options http;             // media downloads (body limit: a photo)
  // Abuse limits (issue 11 item 9): reports waiting for triage per reporter (0: no cap); inbound
  // messages a minute per sender (past it a message is dropped, and the sender told once per
  // quarter hour) and per channel (past it the webhook answers 429 with Retry-After, so the
  // provider delivers the batch again later and nothing is lost).
  int max_new_reports = services::default_max_new_reports;
  int sender_messages_per_minute = 12;
  int channel_messages_per_minute = 1200;
};

struct messaging_deps {
  api::api_deps& api;
  messaging_options options;
  boost::asio::ssl::context tls;
  std::function<void()> nudge;  // the delivery worker: a reply is queued
  // The limits of messaging_options, made by add_messaging_routes.
  std::shared_ptr<api::rate_limiter> channel_limit;  // key: the channel
  std::shared_ptr<api::rate_limiter> sender_limit;   // key: channel and sender
  std::shared_ptr<api::rate_limiter> notice_limit;   // one "too many messages" reply per sender a quarter hour
};

// Adds the three webhook routes. deps must outlive r.
void add_messaging_routes(net::router& r, messaging_deps& deps);

namespace detail {

// The route files' shared steps (messaging.cpp).

// 200 with {"messages", "duplicates", "reports", "limited"} counts.
net::response receipt_response(const net::request& req, int messages, int duplicates, int reports, int limited = 0);

// What to do with one inbound message before it is taken: seen before (a duplicate); the
// channel past its minute's budget (channel_wait above 0: the webhook answers channel_busy and
// the provider delivers again later, when the messages already taken are duplicates, so nothing
// is lost or taken twice); its sender past theirs (limited: the message is dropped, and the
// sender told at most once a quarter hour through the outbox); else taken, with wants_photo
// when the sender's dialogue is at the photo step. The sender's budget is checked first, so a
// flooding number does not spend the channel's.
struct screening {
  bool seen = false;
  bool wants_photo = false;
  std::chrono::seconds channel_wait{0};
  bool limited = false;
};
boost::asio::awaitable<core::result<screening>> screen(messaging_deps& d, const services::channel_message& msg);

// 429 too_many_requests with Retry-After and a message naming the wait.
net::response channel_busy(const net::request& req, std::chrono::seconds wait);

// For a post of one message (Telegram, SMS): the answer when the screening says not to take it
// (receipt of a duplicate or of a limited message, or channel_busy), nullopt to take it.
std::optional<net::response> answer_untaken(const net::request& req, const screening& s);

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
boost::asio::awaitable<api::reply> handover_receive(api::call& c, messaging_deps& d);  // handover/routes.cpp

}  // namespace siaga::channels
