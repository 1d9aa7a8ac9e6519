// The messaging channels' use cases (issue 11: WhatsApp, Telegram, SMS): an inbound message
// advances its sender's guided dialogue (domain/conversation.hpp), kept in the store, and the
// last answer makes ONE report through channel_intake; every reply to the reporter (the next
// question, the tracking code, later the public status of the report) is an outbox row, so it
// commits with the change it tells of and is delivered with retries (channels/delivery_worker).
#pragma once

#include "domain/conversation.hpp"
#include "services/channel_intake.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// One inbound message as a channel's transport hands it over.
struct channel_message {
  domain::channel source = domain::channel::whatsapp;
  std::string jurisdiction_id;
  std::string message_id;      // the provider's id: the idempotency key per channel
  std::string sender;          // the conversation's key: E.164 (WhatsApp, SMS) or the chat id (Telegram)
  std::string reply_to;        // where replies go (the provider's form of the number, or the chat id)
  std::string reporter_phone;  // E.164 for WhatsApp and SMS (the report's contact), "" for Telegram
  domain::inbound_content content;
  std::optional<intake_photo> photo;  // an image's bytes, fetched by the transport before the write
  // Where the conversation's location lies, placed by the transport before the write (the
  // writer tests no polygon); used when placed_at is the location the report ends up with.
  std::optional<domain::geo_point> placed_at;
  std::optional<std::string> district_id;
  std::optional<std::string> village_id;
  std::string track_url_base;  // "https://112.example.go.id/lacak/" or "" (the receipt names the code only)
  int max_new_reports = default_max_new_reports;  // channel_report::max_new_reports
};

struct message_outcome {
  bool duplicate = false;                 // the message id was seen before: nothing changed
  std::optional<intake_receipt> report;   // the report this message completed
  std::string reply;                      // the text queued for the reporter ("" for a duplicate)
};

// Whether a channel's dialogue asks for a photo (not SMS).
bool channel_takes_photos(domain::channel source);

// Records the message (idempotent on (source, message_id): a message seen before returns
// duplicate and writes nothing), advances the sender's conversation, and queues the reply; when
// the dialogue is complete, makes the report through intake_report (channel source, reporter
// phone with consent: the greeting says the number is used to follow the report up), keeps
// the channel contact for later status replies, drops the conversation and queues the receipt
// with the tracking code. When the reporter already has max_new_reports reports waiting for
// triage, no report is made: the conversation is dropped, the message recorded and the reply
// says so (a webhook must not fail on it, or the provider would redeliver it for ever). Fails
// with the other errors of intake_report (nothing written) and with invalid_input for a message
// without id or sender.
core::result<message_outcome> receive_channel_message(storage::store_txn& tx, const context& ctx,
                                                      const channel_message& msg);

// The conversation a message would continue, for the transport to place its location before the
// write: the stored one, unless it is older than the window.
core::result<std::optional<domain::conversation>> current_conversation(storage::store_reader& rd,
                                                                       domain::channel source,
                                                                       const std::string& sender,
                                                                       core::timestamp now);

// Records the provider's delivery receipts of the replies (a receipt seen before is kept once);
// returns how many were given.
core::result<int> record_channel_statuses(storage::store_txn& tx, const context& ctx,
                                           const std::vector<domain::channel_delivery_status>& statuses);

// Queues one reply to a reporter on a channel: an outbox row without agency, endpoint kind of
// the channel, target the address, payload {id, channel, to, text} (and "status", the public
// status told, when given: SP4N-LAPOR! takes a status besides the text), event_kind
// "reply.<what>".
core::result<void> queue_reply(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                               domain::channel source, const std::string& to, const std::string& what,
                               const std::string& text, std::optional<std::string> incident_id = std::nullopt,
                               const std::string& public_status = {});

// Whether an event kind can change a report's public status (events.cpp calls
// announce_public_status after recording one).
bool changes_public_status(std::string_view event_kind);

// Tells the channel reporters of the incident (or of the report, when incident_id is empty and
// the subject is a report) their report's public status when it differs from the last one told:
// one queued reply each, the status remembered. Hidden reports (prank, silent, test) are told
// nothing. joined: the subject report was just linked to an incident that existed before; its
// reporter is told that it joined a report of the same event (domain::joined_text).
core::result<void> announce_public_status(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                                          domain::subject_kind subject, const std::string& subject_id,
                                          const std::optional<std::string>& incident_id, bool joined = false);

}  // namespace siaga::services
