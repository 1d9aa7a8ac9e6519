// The life of a report: intake, triage into an incident, dispatch to agencies, follow-up to
// close. Each function is the body of one write command: it runs inside a store_txn, checks
// the actor's rights and the state machines, writes the rows and their events, and either
// succeeds whole or fails without leaving a trace (the store rolls the command back).
#pragma once

#include "domain/lifecycle.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

struct new_report {
  domain::channel source = domain::channel::call;
  std::string reporter_name;
  std::string reporter_phone;
  std::string description;
  std::optional<std::string> category_id;
  std::optional<domain::geo_point> location;
  std::string address;
  std::optional<std::string> district_id;
  std::optional<std::string> village_id;
};

// Records a report from any channel with a fresh tracking code. A village brings its district;
// without either but with a location, both are where the location lies (locate_in_txn: the API
// places the record before the command, services/area_index.hpp). Fails with invalid_input
// when it has neither description nor category, or names an unknown category, district or
// village, a village outside the district given, or a location outside the globe.
core::result<domain::report> create_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const new_report& in);

// create_report without its role check, for services/channel_intake, whose actor is a channel
// rather than a user. The tracking code has code_length characters and no other report has it
// (a taken code is drawn again). Fails like create_report.
core::result<domain::report> record_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const new_report& in, std::size_t code_length);

struct new_incident {
  std::string category_id;
  std::string summary;
  std::string description;
  std::optional<domain::geo_point> location;
  std::string address;
  std::optional<std::string> district_id;
  std::optional<std::string> village_id;
  std::vector<std::string> report_ids;  // new reports to link as accepted
  // The agencies to dispatch: exactly these when set; otherwise the category's run card
  // without remove_agency_ids and with add_agency_ids.
  std::optional<std::vector<std::string>> agency_ids;
  std::vector<std::string> add_agency_ids;
  std::vector<std::string> remove_agency_ids;
  bool dispatch_now = true;   // false: create the incident open, dispatch later
  bool share_contact = false; // let the dispatched agencies see the reporter's contact
};

// Creates an incident with its daily number, links the given reports (which must be new) and,
// when dispatch_now, dispatches the planned agencies; the district and village are filled from
// the location as for a report. Fails with invalid_input for an unknown
// category, district, village or agency, a village outside the district given, or one agency named twice; not_found for an unknown report;
// conflict for a report that is not new.
core::result<domain::incident> create_incident(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const new_incident& in);

// Accepts a new report: into an existing incident when incident_id is set (repeat callers
// about the same event), else into a new incident built from `fresh`, whose empty fields are
// taken from the report (category, location, address, district, description).
core::result<domain::incident> accept_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& report_id,
                                             const std::optional<std::string>& incident_id, new_incident fresh);

// Rejects a new report as prank, ghost, misdirected, duplicate or test, with an optional note.
core::result<domain::report> reject_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const std::string& report_id, domain::reject_reason reason,
                                           const std::string& note);

// Closes a new report as answered with information (no incident); the note says what was said.
core::result<domain::report> answer_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const std::string& report_id, const std::string& note);

// Dispatches more agencies to an incident that is not closed or cancelled. Fails with conflict
// when an agency already has an active dispatch on it.
core::result<std::vector<domain::dispatch>> add_dispatches(storage::store_txn& tx, const context& ctx,
                                                           const actor& who, const std::string& incident_id,
                                                           const std::vector<std::string>& agency_ids,
                                                           bool share_contact);

// Moves a dispatch along its state machine (acknowledge, en route, on scene, complete with a
// note, decline with a reason, cancel with a reason) and the incident's status with it.
// Agency operators act only on their own agency's dispatches; cancel is for dispatchers.
core::result<domain::dispatch> move_dispatch(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& dispatch_id, domain::dispatch_status to,
                                             const std::string& text);

// Completes a dispatch like move_dispatch(..., completed, note) and keeps public_note, the
// agency's closing words for the reporter, which the public tracking page shows (the note stays
// inside). Fails like move_dispatch; invalid_input for a public_note over 2000 characters.
core::result<domain::dispatch> complete_dispatch(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::string& dispatch_id, const std::string& note,
                                                 const std::string& public_note);

// Acknowledges a notified dispatch and records how ("via" on the dispatch.acknowledged
// event): console (the agency's operator, or a dispatcher, as move_dispatch), phone (a
// dispatcher who phoned the agency and heard it confirm; forbidden for others) or
// delivery_receipt (only the system actor, when the notice to an agency without a console was
// delivered). Fails like move_dispatch, with conflict when the dispatch is past notified.
core::result<domain::dispatch> acknowledge_dispatch(storage::store_txn& tx, const context& ctx, const actor& who,
                                                    const std::string& dispatch_id, domain::ack_via via);

// Closes (after the call taker confirmed), cancels (with its active dispatches) or reopens an
// incident. reason is required for cancel and reopen.
core::result<domain::incident> act_on_incident(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const std::string& incident_id, domain::incident_action action,
                                               const std::string& reason);

}  // namespace siaga::services
