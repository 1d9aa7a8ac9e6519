// The WhatsApp Cloud API's wire format (Meta's webhooks and messages endpoint), pure: the
// webhook payload {object, entry[].changes[].value: {metadata, contacts[], messages[],
// statuses[]}} parsed into messages and delivery receipts, the X-Hub-Signature-256 check, the
// media lookup's answer, and the text message a reply sends.
#pragma once

#include "core/error.hpp"
#include "domain/conversation.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::channels::whatsapp {

// One message of messages[] that the dialogue understands (text, location, image); other types
// (audio, sticker, ...) come as message_kind::other, so that they get the question again.
struct inbound_message {
  std::string id;               // wamid...
  std::string from;             // the sender's WhatsApp id: the number in international form without "+"
  std::string phone_number_id;  // the business number it was sent to (metadata)
  std::int64_t timestamp = 0;   // Unix seconds
  domain::inbound_content content;
  std::string media_id;         // an image's id, to fetch through the Graph API
  std::string mime_type;        // an image's declared type
};

struct webhook_batch {
  std::vector<inbound_message> messages;
  std::vector<domain::channel_delivery_status> statuses;  // source whatsapp, received_at unset
};

// Parses a webhook body. Fails with invalid_input, naming what is wrong, for a body that is
// not JSON, an object other than "whatsapp_business_account", or a message or status without
// its id, sender or type (the whole body is refused: nothing of it is taken).
core::result<webhook_batch> parse_webhook(std::string_view body);

// "sha256=" and the lower-case hex HMAC-SHA256 of the raw body under the app secret.
std::string signature_of(std::string_view body, std::string_view app_secret);

// Whether header (the X-Hub-Signature-256 value) is signature_of(body, app_secret), compared in
// constant time; false for an empty secret.
bool signature_valid(std::string_view header, std::string_view body, std::string_view app_secret);

// The download url of GET {graph}/{media-id}'s answer {"url", "mime_type", ...}; invalid_input
// when there is none.
core::result<std::string> media_url_of(std::string_view body);

// The body of POST {graph}/{phone-number-id}/messages sending text to a WhatsApp id.
std::string text_message_body(std::string_view to, std::string_view text);

// The E.164 form of a WhatsApp id ("6281234567890" -> "+6281234567890").
std::string e164_of(std::string_view wa_id);

}  // namespace siaga::channels::whatsapp
