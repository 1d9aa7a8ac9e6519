// Personal data by design (issue 12, UU PDP 27/2022): revealing a reporter's contact is an
// audited event; a data subject's request exports or erases what is held about a number; the
// retention job erases contacts and caller numbers older than the configured periods. Erasing
// an event keeps its digest and hash (domain::erase_event_payload), so the chain still verifies.
#pragma once

#include "services/context.hpp"
#include "storage/store.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace siaga::services {

// A reporter's name and number, as a reveal returns them.
struct revealed_contact {
  std::string report_id;
  std::string name;
  std::string phone;
};

// Returns the reporter's contact of a report and records report.contact_revealed (actor, time,
// report) in the same command. Dispatchers may reveal; an agency operator only a report of an
// incident with a dispatch to its agency that shares the contact. Fails with forbidden for
// anyone else (nothing recorded), not_found for an unknown report (or one an operator may not
// see).
core::result<revealed_contact> reveal_report_contact(storage::store_txn& tx, const context& ctx, const actor& who,
                                                     const std::string& report_id);

// A caller's number, as the reveal of a call returns it ("" for a withheld or erased number).
struct revealed_caller {
  std::string call_id;
  std::string number;
};

// Returns the caller's number of a call and records call.caller_revealed (actor, time, call;
// never the number) in the same command: the way to a number once the call is no longer live
// (domain::caller_number_live), for a call record, a closed callback or a location fix.
// Dispatchers only; fails with forbidden for anyone else (nothing recorded), not_found for an
// unknown call or another jurisdiction's.
core::result<revealed_caller> reveal_call_caller(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::string& call_id);

// Whether an event names a caller's phone number: the caller events (their subject id is the
// number) and the callback and location-message events (payload "number"). Views that send
// events (the realtime stream) mask it unless event_number_live says it may show.
bool event_names_number(const domain::event& e);

// Whether the number an event names may show in full now, by the rule of the REST views: a
// callback event's while its task is open (domain::callback_number_live); a location event's
// while its call is live (domain::caller_number_live; a message with no call, never); a caller
// event's while the number has a live call or an open callback. Reads the store once or twice.
// Fails with storage_failure (the caller then masks: fail closed).
core::result<bool> event_number_live(storage::store_reader& rd, const domain::event& e, core::timestamp now);

// What an erasure changed.
struct erasure_counts {
  std::int64_t reporter_contacts = 0;  // reports whose reporter name and number were cleared
  std::int64_t caller_numbers = 0;     // calls whose caller number was cleared
  std::int64_t events = 0;             // event payloads erased (digest and hash kept)
  std::int64_t photos = 0;             // photos whose bytes were erased (row and SHA-256 kept)
  std::int64_t location_fixes = 0;     // reports' points, location records and calls' fixes coarsened
  std::int64_t notifications = 0;      // outbox payloads erased, or stripped of the contact
  std::int64_t channel_contacts = 0;   // messaging channels' sender ids of reports dropped
  std::int64_t open311_contacts = 0;   // Open311 requests whose e-mail and device ids were cleared
  std::int64_t texts = 0;              // free-text fields where the number was written, now masked
  std::int64_t restated_events = 0;    // of events: counted by the statistics replay, so restated
  bool any() const {
    return reporter_contacts + caller_numbers + events + photos + location_fixes + notifications + channel_contacts +
               open311_contacts + texts >
           0;
  }
};

// Erases everything held about one number in the actor's jurisdiction now (a data subject's
// request): the photos that came with its reports (bytes; row and SHA-256 kept), the points of
// its reports, location records and calls coarsened to about a village, the outbox rows that
// hold it (delivered and dead ones and pending replies to it: payload erased; a pending notice
// to an agency still delivers, without the contact), the channel contacts, channel messages'
// senders and Open311 e-mail/device/account ids of its reports, reporters' contacts, callers'
// numbers, the number written in free text in any usual form (descriptions, notes, SP4N-LAPOR!
// complaints: storage::text_field; replaced by its mask), and the version-2 events that hold it
// (those the statistics replay counts, whose text writes it, erased and restated with the mask:
// privacy.restated, see restate_events in privacy.cpp); then records privacy.erased with the counts
// (never the number). Statistics rollups are untouched. Only an admin may; fails with
// forbidden otherwise and invalid_input, saying what to type, for a text that is not a phone
// number.
core::result<erasure_counts> erase_phone(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& phone_text);

// Everything held about one number in the actor's jurisdiction, as JSON: its reports (with the
// contact, point, photos, channel contact, Open311 contact and SP4N-LAPOR! complaint), calls,
// location records, the caller row, the outbox rows, the free-text fields that write it and the
// events that hold it; records privacy.exported. Only
// an admin may; fails like erase_phone.
core::result<boost::json::object> export_phone(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const std::string& phone_text);

// Retention periods in days; 0 keeps for ever.
struct retention_policy {
  int reporter_contacts_days = 0;
  int caller_numbers_days = 0;
  int photos_days = 0;
  int location_fixes_days = 0;
  bool enabled() const {
    return reporter_contacts_days > 0 || caller_numbers_days > 0 || photos_days > 0 || location_fixes_days > 0;
  }
};

// One run of the retention job over one jurisdiction, each kind by its own period:
// - reporter contacts: reporters' names and numbers of reports created before it, their channel
//   contacts, channel messages' senders and Open311 contact fields, and the payloads of
//   delivered or dead outbox rows that carry a shared contact or are a reply to a reporter
//   (pending ones still deliver and are erased by a later run);
// - caller numbers: callers' numbers of calls rung before it, with the events about calls,
//   callers, callbacks and location fixes from before then;
// - photos: the bytes of photos (reports', incidents' and dispatches') created before it;
// - location fixes: reports' points, location records and calls' fixes coarsened to about a
//   village (storage::privacy_writer::coarsen_locations), and the events that carried the
//   exact point (call.located, location.received, location.rejected) erased.
// With the reporter contacts' and the caller numbers' periods it also masks every phone number
// written in free text (domain::mask_phones_in_text) of the rows that passed the period
// (storage::text_reach says which fields each covers), and with the reporter contacts' the
// events other than those about calls, callers, callbacks and location fixes that write one:
// those the statistics replay counts restated with the numbers masked, the others erased, as
// erase_phone does for one number, and the outbox rows' payloads that write one (a note copied
// into a notice; storage::privacy_reader::notifications_writing_numbers). That search goes by whole UTC days from where the last run's
// ended (texts_swept_before in privacy.retention_applied), so each row is read once.
// Records privacy.retention_applied with the counts and the search's marks when anything
// changed or the search moved on (at most once a day then). Statistics rollups hold none of
// these and are untouched; district and village ids stay.
core::result<erasure_counts> apply_retention(storage::store_txn& tx, const context& ctx,
                                             const std::string& jurisdiction_id, const retention_policy& policy);

}  // namespace siaga::services
