// Incidents handed over by a neighbouring 112 centre (issue 13 item 6, docs/scaling.md). A
// centre hands an incident over by dispatching it to the neighbour, registered as one of its
// agencies with a webhook endpoint: its outbox delivers the signed dispatch notice at least
// once, and the neighbour's channels/handover/ route turns the notice into a report with
// channel `handover` in its own call takers' queue, where it is triaged and dispatched like any
// report. Each centre's events stay in its own chain.
#pragma once

#include "services/channel_intake.hpp"

#include <optional>
#include <string>

namespace siaga::services {

// What a neighbour's dispatch notice carries that the report needs (channels/handover/wire.hpp
// reads it from the notice's JSON).
struct handover_notice {
  std::string dispatch_id;        // the sender's dispatch: one report per dispatch, however often delivered
  std::string from_jurisdiction;  // the sender's jurisdiction code (Kemendagri)
  std::string incident_number;    // the sender's incident number, quoted to the call taker
  std::string category_code;      // the sender's category code: ours when it is one of our public ones
  std::string summary;
  std::string text;  // the notice as the sender wrote it for people
  std::string address;
  std::optional<domain::geo_point> location;
  std::string contact_name;   // only when the sender shared the reporter's contact
  std::string contact_phone;  // as the sender wrote it; kept only when it is a callable number
  std::optional<std::string> district_id;  // where location lies here, placed before the write
  std::optional<std::string> village_id;
};

struct handover_outcome {
  bool duplicate = false;  // the dispatch was handed over before: its report, nothing written
  domain::report report;
};

// The report a handover makes: channel handover, the sender and its incident number first in
// the description, the category when the sender's code is one of this jurisdiction's public
// categories (none otherwise: the call taker chooses), the location and address, and the
// contact when the sender shared one that can be called back (a person's life is the lawful
// ground to pass it on, UU PDP 27/2022 art. 20). No cap on waiting reports: a centre is not a
// flooding reporter.
channel_report handover_report(const std::string& jurisdiction_id, const handover_notice& n,
                               const std::vector<domain::category>& categories);

// Records the handover: the report (intake_report, whose events and errors it has) and the
// dispatch id as a seen message of channel handover, so that a redelivery finds the report and
// writes nothing. invalid_input when the notice has no dispatch id, or neither a location nor
// an address.
core::result<handover_outcome> receive_handover(storage::store_txn& tx, const context& ctx,
                                                const std::string& jurisdiction_id, const handover_notice& n);

// A neighbour's later word on a handover it sent: its outbox posts dispatch.cancelled,
// incident.updated and incident.note_added notices for the same dispatch.
struct handover_update {
  std::string notice_id;    // the sender's outbox row: one entry per notice, however often delivered
  std::string event;        // dispatch.cancelled, incident.updated or incident.note_added
  std::string dispatch_id;  // the dispatch whose notice made the report
  std::string from_jurisdiction;
  std::string incident_number;
  std::string detail;  // the reason, the changes or the note, as the sender wrote it
};

enum class handover_update_result {
  on_incident,  // an incident.note_added on the incident the report became
  on_report,    // the report still waits for triage: its description carries the update
  duplicate,    // this notice was recorded before: nothing written
  closed,       // the report was rejected or answered, or its incident is closed: acknowledged only
};

// The line a call taker reads for an update, in Bahasa Indonesia: who sent it, which of their
// incidents, what happened ("membatalkan pelimpahan", "memperbarui data", "menambah catatan")
// and the sender's words.
std::string handover_update_text(const handover_update& u);

// Puts the update where the call takers of this centre look: a note (incident.note_added, by
// the handover channel) on the incident the handover report became; on the report itself while
// it waits for triage (appended to its description, cut to max_intake_description, with a
// report.handover_updated event); nothing on a report already rejected or answered, or an
// incident closed. The notice id is recorded as a seen message of channel handover, so that a
// redelivery writes nothing. invalid_input without notice id or dispatch id, or for another
// event; conflict when no report of that dispatch is here yet (its dispatch notice is still on
// its way: the sender's outbox tries again later).
core::result<handover_update_result> receive_handover_update(storage::store_txn& tx, const context& ctx,
                                                             const std::string& jurisdiction_id,
                                                             const handover_update& u);

}  // namespace siaga::services
