// The generic SMS gateway format (docs/channels.md): one inbound SMS is a JSON POST
// {"message_id", "sender", "text", "time"} with the shared secret in X-Siaga-SMS-Secret; a
// reply is a JSON POST {"id", "to", "text"} to the gateway's send url with the same header.
// scripts/gammu-siaga-receive.sh speaks it for Debian's gammu-smsd. Pure.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace siaga::channels::sms {

inline constexpr std::string_view secret_header = "X-Siaga-SMS-Secret";
inline constexpr std::size_t max_text = 1600;  // ten concatenated parts

struct inbound_sms {
  std::string message_id;  // the gateway's id, the idempotency key
  std::string sender;      // as the gateway gave it (+62..., 0812...)
  std::string text;
  std::optional<core::timestamp> time;  // when the modem received it, ISO 8601 with zone
};

// Parses a gateway post. invalid_input, naming the field, for a body that is not a JSON
// object, an unknown field, a missing or empty message_id (at most 200 characters), sender
// or text (at most max_text bytes), or a time that is not ISO 8601 with a zone.
core::result<inbound_sms> parse_inbound(std::string_view body);

// The body of a reply to the gateway's send url.
std::string reply_body(std::string_view id, std::string_view to, std::string_view text);

// Whether the header is the configured secret, compared in constant time; false for an empty secret.
bool secret_valid(std::string_view header, std::string_view secret);

}  // namespace siaga::channels::sms
