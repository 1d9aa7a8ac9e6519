// The guided dialogue of the messaging channels (issue 11: WhatsApp, Telegram, SMS): a reporter
// writes to the centre's number or bot and is asked, in Bahasa Indonesia, what happened, where
// (a shared location, or an address or landmark typed), and for a photo if it is safe to take
// one; then one report is made. Pure: the conversation is a value that the service keeps in
// the store between messages, so that a restart loses no half-built report.
#pragma once

#include "core/time.hpp"
#include "domain/model.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace siaga::domain {

// Where a conversation stands: the question the reporter was last asked.
enum class dialogue_step { what, where, photo };
std::string_view to_string(dialogue_step s);
core::result<dialogue_step> parse_dialogue_step(std::string_view s);

// A reporter's conversation with one channel, keyed by (source, sender).
struct conversation {
  channel source = channel::whatsapp;
  std::string sender;    // E.164 for WhatsApp and SMS, the chat id for Telegram
  std::string jurisdiction_id;
  std::string reply_to;  // where the replies go: the WhatsApp number, the chat id, the SMS number
  dialogue_step step = dialogue_step::what;
  std::string description;
  std::optional<geo_point> location;
  std::string address;
  core::timestamp started_at{};
  core::timestamp updated_at{};
};

// One inbound message, as the channel's wire format gave it.
enum class message_kind { text, location, image, other };
std::string_view to_string(message_kind k);
core::result<message_kind> parse_message_kind(std::string_view s);

struct inbound_content {
  message_kind kind = message_kind::text;
  std::string text;                    // text, or an image's caption
  std::optional<geo_point> location;   // location
  std::string location_label;          // a shared location's name and address, when given
};

// An inbound message once seen: the key of the channel's idempotency (a replayed webhook
// finds it and changes nothing).
struct channel_message_record {
  channel source = channel::whatsapp;
  std::string message_id;  // the provider's id (wamid, update_id, the gateway's id)
  std::string jurisdiction_id;
  std::string sender;
  message_kind kind = message_kind::text;
  core::timestamp received_at{};
  std::optional<std::string> report_id;  // the report this message completed
};

// How a channel's report reaches its reporter again: the channel, the address there, and the
// last public status told (so that each change is told once).
struct channel_contact {
  std::string report_id;
  std::string jurisdiction_id;
  channel source = channel::whatsapp;
  std::string address;
  std::string announced = "received";
};

// A provider's delivery receipt of a message sent to a reporter (WhatsApp's statuses[]).
struct channel_delivery_status {
  channel source = channel::whatsapp;
  std::string message_id;  // the provider's id of the outbound message
  std::string status;      // sent, delivered, read, failed
  std::string recipient;
  core::timestamp at{};
  core::timestamp received_at{};
};

// A conversation idle longer than this starts over (WhatsApp's customer service window).
inline constexpr std::chrono::hours conversation_window{24};

// What the reporter's message does to the conversation.
struct dialogue_turn {
  conversation next;     // the conversation after the message (kept unless submit or cancelled)
  std::string reply;     // the next question or remark, "" when the report is made (the receipt follows)
  bool submit = false;   // the report is complete: make it from next
  bool cancelled = false;  // the reporter wrote BATAL: the conversation is dropped
};

// Advances a conversation by one message. current is the stored conversation (nullopt, or
// one idle for longer than conversation_window, starts a new one, keyed by fresh's source,
// sender, jurisdiction and reply_to). The rules:
// - "BATAL" (cancel) at any step drops the conversation;
// - step what: a text of at least three words is the description (so a first message that
//   says what happened is not asked again), a shorter text on a new conversation gets the
//   greeting; a location or photo first is asked what happened (the location is kept);
// - step where: a location, or a text (the address or a landmark);
// - step photo (only when photos is true; SMS has none): an image submits (the caller fetches
//   it first), "SELESAI"/"TIDAK"/"LEWATI" submits without; anything else asks again.
// Without photos the report is submitted once it has a place.
dialogue_turn advance(const std::optional<conversation>& current, const conversation& fresh,
                      const inbound_content& message, bool photos, core::timestamp now);

// The replies, in Bahasa Indonesia (the reporter's language on these channels).
std::string receipt_text(const std::string& tracking_code, const std::string& track_url);
// The public status of a report told to its reporter: "verified", "in_progress" (with the
// agencies named), "done" (with the agencies' public notes), "answered", "closed", "cancelled";
// "" for a status that is not told.
std::string status_text(const std::string& status, const std::string& tracking_code, const std::string& agencies,
                        const std::string& notes);
// What a reporter is told when their report joins an incident reported before (issue 11 item
// 8): that others reported the same event, and to which agencies it went when it did.
std::string joined_text(const std::string& tracking_code, const std::string& agencies);

}  // namespace siaga::domain
