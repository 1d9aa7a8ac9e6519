// The state machines of report, dispatch and incident, as pure functions over values.
// Every function here is total: a refused transition is a conflict error naming both states.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"

#include <span>
#include <vector>

namespace siaga::domain {

// new -> accepted | rejected | answered; the three outcomes are final.
core::result<void> check_report_transition(report_status from, report_status to);

// notified -> acknowledged | declined | cancelled
// acknowledged -> en_route | on_scene | completed | declined | cancelled
// en_route -> on_scene | cancelled
// on_scene -> completed | cancelled
// completed, declined, cancelled: final.
core::result<void> check_dispatch_transition(dispatch_status from, dispatch_status to);

// Checks the transition and applies it to d: status, the step's timestamp, updated_at.
// A decline needs a reason that is not blank; the note of a completion is kept.
core::result<void> apply_dispatch_transition(dispatch& d, dispatch_status to, timestamp at,
                                             std::string_view text = {});

// True for completed, declined and cancelled.
bool is_final(dispatch_status s);

// The incident's status after a change to its dispatches:
// - closed and cancelled stay as they are (only an explicit reopen leaves them);
// - some dispatch still active (not final): in_progress when any dispatch is or was en route
//   or on scene (or the incident already was in progress), else dispatched;
// - none active: resolved when at least one completed, else open (everyone declined or was
//   cancelled: the incident waits for a new dispatch).
incident_status derive_incident_status(incident_status current, std::span<const dispatch> dispatches);

// How an agency's acknowledgement of a dispatch reaches the centre: on its console (it has
// operator accounts), by the delivery receipt of its webhook or Telegram notice (no console
// but an active endpoint), or by the call taker who phoned it and confirmed (neither). An
// agency without a console cannot press "acknowledge", so its dispatches must not wait for it.
enum class ack_via { console, phone, delivery_receipt };

std::string_view to_string(ack_via v);
core::result<ack_via> parse_ack_via(std::string_view s);

// The way the agency acknowledges by default: console when it has an active agency operator
// among users, else delivery_receipt when it has an active endpoint, else phone.
ack_via acknowledged_by(const agency& a, std::span<const user> users);

// What a call taker or supervisor does to an incident directly.
enum class incident_action { close, cancel, reopen };

// close: resolved -> closed; cancel: open | dispatched | in_progress -> cancelled;
// reopen: resolved | closed | cancelled -> open. Anything else is a conflict.
core::result<incident_status> apply_incident_action(incident_status from, incident_action action);

// The dispatches to create for an incident: the category's run card, minus the agencies in
// remove, plus those in add (as supporting), without duplicates, in run-card order. Added
// agencies follow in the order given; one named in both add and remove is added; empty ids
// are skipped.
std::vector<run_card_entry> plan_dispatches(const category& cat, std::span<const std::string> add,
                                            std::span<const std::string> remove);

// "AMB-261122-0042": prefix, the local date (yyMMdd) and a daily sequence of 4+ digits.
std::string format_incident_number(std::string_view prefix, timestamp at, int zone_offset_minutes,
                                   std::int64_t daily_seq);

// The local calendar day of an instant, "2026-11-22", used as the key of the daily sequence.
std::string local_day(timestamp at, int zone_offset_minutes);

// A number as someone without the right to it sees it ("+62 ••• •••• 6789"): see
// domain/phone.hpp, which defines it beside the normaliser.
std::string mask_phone(std::string_view phone);

// The hex SHA-256 that chains e to its predecessor: over e.prev_hash and the fields seq, id,
// jurisdiction_id, subject, subject_id, incident_id, agency_id, kind, actor_id, at and
// payload_json, each length-prefixed so that no two events hash alike by shifting text.
// Version 2 (e.payload_digest not empty): the same fields, but the subject id only when it is
// not personal, and the payload digest in place of the payload.
std::string compute_event_hash(const event& e);

// Whether an event's subject id is itself personal data (a caller's subject id is the number).
bool subject_id_is_personal(subject_kind s);

// The version-2 payload digest: hex SHA-256 over the subject id when it is personal (else the
// empty string) and payload_json, each length-prefixed.
std::string compute_payload_digest(const event& e);

// What an erased event holds in place of its payload, and of a personal subject id.
inline constexpr std::string_view erased_payload = R"({"erased":true})";
inline constexpr std::string_view erased_subject_id = "erased";

// The kind of the event that restates an erased one for the statistics replay (its payload:
// {"restates": {"seq", "id", "kind"}, "payload": the erased payload with a number masked}).
inline constexpr std::string_view restated_kind = "privacy.restated";

// Erases e's personal data in place: payload_json and (when personal) subject_id become the
// erased forms and erased_at is set; digest and hash stay. False, and e unchanged, for a
// version-1 event (no digest: erasing it would break the chain) or one already erased.
bool erase_event_payload(event& e, timestamp at);

// The first event (in the given order) whose prev_hash does not equal its predecessor's hash
// or whose hash does not match its fields, or (version 2, not erased) whose payload digest
// does not match its subject id and payload; nullopt when the chain is whole. The first event
// of a jurisdiction has an empty prev_hash. An erased event is checked by its digest alone.
struct chain_break {
  std::int64_t seq = 0;
  std::string reason;
};
std::optional<chain_break> verify_chain(std::span<const event> events_of_one_jurisdiction);

}  // namespace siaga::domain
