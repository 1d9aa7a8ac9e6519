// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// personal data by design (issue 12, UU PDP): finding what is held about a phone number and
// erasing it, by a data subject's request or after the retention period.
// A new query of the area touches this header, the SQL both stores share (privacy_sql.ipp) and
// the forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "domain/model.hpp"
#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

// Which rows an erasure reaches: one jurisdiction's rows from before `before`, and when phone
// is set only those of that number (E.164, as stored). `at` is the time of the erasure, written
// where a row keeps when it was erased (media, location fixes); event_kinds, when not empty and
// phone is not set, selects the events erasable_events returns by kind instead of by subject.
// `since` bounds from below the rows that the retention job's search for numbers in free text
// reads (mask_numbers_in_texts, events_writing_numbers: [since, before), so that each run reads
// only what passed its retention since the last); the other queries ignore it.
struct privacy_scope {
  std::string jurisdiction_id;
  std::optional<std::string> phone;
  timestamp before{};
  timestamp at{};
  std::vector<std::string> event_kinds;
  timestamp since{};
};

// Whose free text the retention job searches for numbers (mask_numbers_in_texts): what a
// reporter's retention period covers (reports' descriptions, addresses and resolution notes,
// incidents' summaries, descriptions and addresses, dispatches' notes, decline reasons and
// public notes, half-told channel conversations, Open311 descriptions, SP4N-LAPOR! titles and
// contents) or a caller's (calls' and callbacks' notes).
enum class text_reach { reporter_contacts, caller_numbers };

// What erase_reporter_contacts changed: the reports whose name and number were cleared, and the
// other ways to reach their reporters that were dropped with them.
struct contact_erasure {
  std::int64_t reports = 0;           // reports whose reporter name and number were cleared
  std::int64_t channel_contacts = 0;  // WhatsApp/Telegram/SMS sender ids of the reports dropped
  std::int64_t open311_contacts = 0;  // Open311 requests whose e-mail, device id and account id were cleared
};

// A free-text field that writes a number (domain::find_phone_in_text): staff's and the public's
// text (reports' descriptions and addresses, incidents' summaries, descriptions and addresses,
// dispatches' notes, calls' and callbacks' notes, half-told channel conversations, Open311
// descriptions, SP4N-LAPOR! complaints' titles and contents).
struct text_field {
  std::string table;
  std::string column;
  std::string row_id;  // the row's key in that table
  std::string text;
};

// Where a page of notifications_writing_numbers ended: the last row's creation time and id
// (the outbox's order); the default starts at the beginning.
struct outbox_position {
  timestamp created_at{};
  std::string id;
};

// Reads (see store_reader for the rules every read follows).
class privacy_reader {
 public:
  virtual ~privacy_reader() = default;

  // The reports whose reporter number is phone, oldest first.
  virtual result<std::vector<domain::report>> reports_of_phone(const std::string& jurisdiction_id,
                                                               const std::string& phone) = 0;
  // Version-2 events (migration 18) not yet erased, from before scope.before, in seq order, at
  // most limit: with scope.phone those whose payload or subject id holds the number, without
  // it those of scope.event_kinds, or when that is empty those about calls, callers, callbacks
  // and location fixes (their payloads carry numbers).
  // Events that the statistics replay counts (services/rollup_replay.cpp: report.*, incident.*
  // but notes, dispatch.* but photos) and restatements (privacy.restated) are never among them:
  // they are restated instead (restatable_events).
  virtual result<std::vector<domain::event>> erasable_events(const privacy_scope& scope, int limit) = 0;
  // Version-2 events not yet erased, from before scope.before, in seq order, at most limit, that
  // the statistics replay counts or that restate one (privacy.restated), and whose payload
  // writes scope.phone (as a JSON string, or in a text in any usual form:
  // domain::find_phone_in_text); nothing without scope.phone. An erasure erases each whole and
  // appends its restatement with the number masked (services::erase_phone).
  virtual result<std::vector<domain::event>> restatable_events(const privacy_scope& scope, int limit) = 0;
  // Every jurisdiction's privacy.restated events not erased, after seq after_seq, in seq order,
  // at most limit (none when limit <= 0): what the statistics replay reads before its fold.
  virtual result<std::vector<domain::event>> restatements_after(std::int64_t after_seq, int limit) = 0;
  // The free-text fields of the jurisdiction's rows that write scope.phone in any usual form
  // (domain::find_phone_in_text), table by table; nothing without scope.phone.
  virtual result<std::vector<text_field>> texts_holding_phone(const privacy_scope& scope) = 0;
  // Version-2 events not yet erased, at in [scope.since, scope.before), after seq after_seq, in
  // seq order, at most limit, whose payload writes a phone number in any usual form
  // (domain::find_phones_in_text) and whose subject is not a call, caller, callback or location
  // fix (the caller numbers' retention erases those whole): with counted the events the
  // statistics replay counts and restatements (as for restatable_events), without it the others.
  // scope.phone is ignored. What the retention job masks in old events (services::apply_retention).
  virtual result<std::vector<domain::event>> events_writing_numbers(const privacy_scope& scope,
                                                                    std::int64_t after_seq, bool counted,
                                                                    int limit) = 0;
  // Outbox rows that carry personal data, created before scope.before, oldest first, at most
  // limit: with scope.phone those whose payload or target holds the number, whatever their
  // status (delivered, pending or dead); without it the delivered and dead ones that carry a
  // shared reporter contact or are a reply to a reporter, payload not yet erased.
  virtual result<std::vector<domain::notification>> notifications_holding(const privacy_scope& scope, int limit) = 0;
  // Outbox rows of scope.jurisdiction_id created in [scope.since, scope.before), after `after`
  // in (created_at, id) order, at most limit, whose payload writes a phone number in any usual
  // form (domain::find_phones_in_text: a note or summary copied into a notice), whatever their
  // status; scope.phone is ignored. What the retention job masks in old notices
  // (services::apply_retention).
  virtual result<std::vector<domain::notification>> notifications_writing_numbers(const privacy_scope& scope,
                                                                                  const outbox_position& after,
                                                                                  int limit) = 0;
  // A jurisdiction's latest events of one kind (e.g. report.contact_revealed), newest first, at
  // most limit (clamped to 1..500).
  virtual result<std::vector<domain::event>> latest_events_of_kind(const std::string& jurisdiction_id,
                                                                   const std::string& kind, int limit) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class privacy_writer {
 public:
  virtual ~privacy_writer() = default;

  // Clears the reporter's name and number of the reports in scope (created before
  // scope.before) that hold either, and drops the other ways to reach those reporters: their
  // channel contacts (the messaging channels' sender ids, so no status message follows),
  // the sender of their channel messages and their Open311 e-mail, device id and account id;
  // with scope.phone also the conversations and messages whose sender is that number. Statistics
  // rollups hold no contacts and are untouched.
  virtual result<contact_erasure> erase_reporter_contacts(const privacy_scope& scope) = 0;
  // Erases the bytes of the photos in scope (created before scope.before; with scope.phone only
  // those that came with that number's reports): the row stays with its SHA-256, size 0, no
  // longer public, and erased_at = scope.at, so that views say the photo was erased instead of
  // linking to nothing. Returns how many photos were erased; erased ones are not counted again.
  virtual result<std::int64_t> erase_photos(const privacy_scope& scope) = 0;
  // Coarsens the location fixes in scope to about a village: a report's point (created before
  // scope.before; with scope.phone that number's reports) becomes its village's centre, or the
  // point rounded to 0.01 degree (about 1.1 km) where the village has none; location records
  // (received before) and calls' accepted fixes (rung before; with scope.phone: by that number)
  // are rounded to 0.01 degree with a radius of at least 1 km, their altitude and raw text
  // dropped. District and village ids stay, so statistics by district and village are exact.
  // Marks each row coarsened at scope.at and returns how many rows changed (each once).
  virtual result<std::int64_t> coarsen_locations(const privacy_scope& scope) = 0;
  // Erases the payloads of the outbox rows notifications_holding(scope) names that are
  // delivered or dead, and with scope.phone also the pending replies to that number (a reply
  // to a person who asked to be forgotten is not sent: it becomes dead with a reason); a
  // reply's target (the reporter's chat) is cleared with it. The payload becomes
  // {"erased":true,"erased_at":...}; returns how many rows changed.
  virtual result<std::int64_t> erase_notification_payloads(const privacy_scope& scope) = 0;
  // Replaces the payload of one outbox row (a pending notice whose shared contact was removed,
  // so that it still delivers); not_found when no row matched.
  virtual result<void> write_notification_payload(const std::string& jurisdiction_id, const std::string& id,
                                                  const std::string& payload_json) = 0;
  // Clears the caller's number (as for a withheld number) of the calls in scope (rung before
  // scope.before), of their telephony events, callback tasks and location records (number and
  // raw text), and drops the numbers' caller rows (flags and blocks) once no call holds them;
  // returns how many calls changed.
  virtual result<std::int64_t> erase_caller_numbers(const privacy_scope& scope) = 0;
  // Writes an event that domain::erase_event_payload erased: its payload, subject id and
  // erased_at. The database refuses any other change to an event (migration 18's trigger).
  virtual result<void> write_erased_event(const domain::event& e) = 0;
  // Replaces scope.phone by mask wherever a free-text field writes it (texts_holding_phone);
  // returns how many fields changed. Nothing without scope.phone.
  virtual result<std::int64_t> mask_phone_in_texts(const privacy_scope& scope, const std::string& mask) = 0;
  // Replaces every phone number written in the free-text fields of reach (text_reach) of the
  // jurisdiction's rows created in [scope.since, scope.before) by its mask
  // (domain::mask_phones_in_text); scope.phone is ignored. Returns how many fields changed.
  virtual result<std::int64_t> mask_numbers_in_texts(const privacy_scope& scope, text_reach reach) = 0;
};

}  // namespace siaga::storage
