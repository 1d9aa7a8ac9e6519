// Outbound notifications to agencies, as pure values and functions: checking an endpoint, the
// retry schedule, signing a webhook delivery and the Indonesian text of a dispatch notice.
// The outbox rows themselves are domain::notification (model.hpp); sending is in src/channels/.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siaga::domain {

// Headers of a webhook delivery. The signature covers the timestamp and the body, so a
// receiver that refuses old timestamps also refuses a captured delivery replayed later; the
// delivery id (also sent as Idempotency-Key) is the outbox row id, the same on every attempt.
inline constexpr std::string_view signature_header = "X-Siaga-Signature";
inline constexpr std::string_view timestamp_header = "X-Siaga-Timestamp";
inline constexpr std::string_view delivery_header = "X-Siaga-Delivery";
inline constexpr std::string_view event_header = "X-Siaga-Event";
inline constexpr std::string_view idempotency_header = "Idempotency-Key";

// At most this many endpoints per agency.
inline constexpr std::size_t max_endpoints = 10;

// Checks one endpoint as an admin gave it. A webhook needs an http:// or https:// url (no
// user info, no spaces, at most 2000 characters) and a secret of 16 to 256 characters, and no
// chat_id; a Telegram endpoint needs a chat_id (a number, or @ and a channel name) and no url
// or secret. Fails with invalid_input saying what is wrong.
core::result<void> check_endpoint(const agency_endpoint& e);

// When to try again. Attempt n (1-based) that failed is followed by a wait drawn uniformly
// from [0, min(cap, base * 2^(n-1))) ("full jitter"), so that many rows failing together do
// not retry together; after max_attempts failed attempts the row is dead.
struct retry_policy {
  std::chrono::milliseconds base{2000};
  std::chrono::milliseconds cap{600000};
  int max_attempts = 8;
};

// The wait after `failed_attempts` failed attempts (at least 1), with jitter in [0, 1) from
// the caller's random source (values outside are clamped into it).
std::chrono::milliseconds retry_delay(const retry_policy& p, int failed_attempts, double jitter);

// A uniform value in [0, 1) from 64 random bits.
double unit_interval(std::uint64_t bits);

// Lower-case hex HMAC-SHA256 of message under key.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The X-Siaga-Signature value of a delivery: "sha256=" and the hex HMAC-SHA256 under the
// endpoint's secret of the decimal Unix timestamp, ".", and the exact body bytes.
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

// What a receiver does: true when signature matches webhook_signature(secret, timestamp,
// body) (compared in constant time) and timestamp is within tolerance_s of now_s.
bool verify_webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body,
                              std::string_view signature, std::int64_t now_s, std::int64_t tolerance_s = 300);

// Every header of one webhook delivery attempt of row n, signed at unix_seconds.
std::vector<std::pair<std::string, std::string>> webhook_headers(const notification& n, std::string_view secret,
                                                                 std::int64_t unix_seconds);

// What an agency is told about one of its dispatches. Contact fields are filled only when
// the dispatch shares the reporter's contact.
struct dispatch_notice {
  std::string event_kind;  // "dispatch.notified", "dispatch.cancelled", "incident.updated", "incident.note_added"
  std::string jurisdiction_code;
  std::string dispatch_id;
  dispatch_role role = dispatch_role::primary;
  bool share_contact = false;
  std::string agency_id;
  std::string agency_code;
  std::string agency_name;
  std::string incident_id;
  std::string incident_number;
  std::string category_code;
  std::string category_name;  // Indonesian
  urgency urgency_class = urgency::emergency;
  std::string summary;
  std::string address;
  std::optional<geo_point> location;
  std::string contact_name;
  std::string contact_phone;
  std::string reason;  // why it was cancelled; what changed (updated); the note (note_added)
  timestamp at{};
  int utc_offset_minutes = 0;  // the jurisdiction's zone, for the time in the text
};

// A map link for a point (Google Maps search URL, six decimals).
std::string maps_link(const geo_point& p);

// "WIB", "WITA", "WIT" for the Indonesian offsets, else "UTC+hh:mm".
std::string zone_abbreviation(int offset_minutes);

// The message text in Bahasa Indonesia: heading with the incident number, category and
// urgency, agency and role, summary, address, map link when located, reporter contact when
// shared, the cancel reason, what changed or the note of an update, and the local time. Lines
// without a value are left out.
std::string notice_text(const dispatch_notice& n);

// The webhook body (compact JSON) for row id delivery_id: id, event, occurred_at, agency,
// dispatch, incident (with location and maps_url, or null), contact (only when shared),
// reason (cancellations), changes (updates), note (notes) and text (notice_text).
std::string notice_payload(const dispatch_notice& n, std::string_view delivery_id);

// The body of a Telegram Bot API sendMessage call: {"chat_id", "text",
// "disable_web_page_preview": true}.
std::string telegram_message_body(std::string_view chat_id, std::string_view text);

// Personal data in the outbox (issue 12, UU PDP). What a delivered notification's payload
// becomes when it is erased: {"erased":true,"erased_at":"<UTC time>"}.
std::string erased_notification_payload(timestamp at);
// Whether a payload is such an erased one (a requeue of it would deliver nothing).
bool is_erased_notification_payload(std::string_view payload_json);
// A pending dispatch notice without the reporter's contact, so that it still delivers what the
// agency needs: contact's name and phone emptied, "contact_erased": true, and the text's
// "Pelapor:" line saying the contact was erased. A payload without a contact, or that is not a
// JSON object, is returned unchanged.
std::string without_contact(std::string_view payload_json);

}  // namespace siaga::domain
