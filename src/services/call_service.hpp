// Calls and callers: telephony events in, the call record folded from them, the call taker's
// classification, the prank and ghost policy, callbacks of unanswered calls, handset location
// fixes, and the api keys integrations authenticate with. Each write function is the body of
// one write command (it runs inside a store_txn and records an event for every change); the
// read functions take a store_reader.
#pragma once

#include "domain/call_records.hpp"
#include "services/context.hpp"
#include "services/incident_service.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// ---- api keys ----

// The actor that integration messages run as: user id "api_key:<id>", read-only role, the
// key's jurisdiction. Services that take integration input do not check its role.
actor integration_actor(const domain::api_key& key);

// Resolves a presented secret to its key. Fails with unauthenticated when the secret is empty,
// unknown or revoked (one message for all three).
core::result<domain::api_key> authenticate_api_key(storage::store_reader& reader, std::string_view secret);

struct created_api_key {
  domain::api_key key;
  std::string secret;  // shown once; only its hash is stored
};

// Admin: creates a key named for its integration ("PBX Asterisk Balai Kota"); invalid_input for
// an empty or over-long name.
core::result<created_api_key> create_api_key(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& name);

// Admin: revokes a key; not_found for an unknown one, conflict when already revoked.
core::result<domain::api_key> revoke_api_key(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& id);

// ---- telephony events ----

// The caller's standing when a call rings: the policy decision and the history.
struct caller_view {
  std::string number;
  domain::caller_decision decision;
  domain::caller_history history;
  domain::caller_flags flags;
};

struct ingested_event {
  domain::call_record call;           // under ingest_answer::minimal, its id alone
  bool duplicate = false;             // this event id was seen before (with the same content): nothing changed
  std::optional<caller_view> caller;  // for a ringing event with a number
};

// What ingest_call_events answers for each event.
enum class ingest_answer {
  full,     // the call after the event, and each new ringing event's caller view (the policy
            // decision and the number's history as the batch leaves them, a read per number)
  call,     // the call after the event, without caller views (an import)
  minimal,  // the call's id alone (ingested_event::call holds nothing else): the short answer a
            // bridge catching up asks for, without a copy of the call per event
};

// Ingests telephony events (already validated; caller numbers normalised), each idempotent by
// event id: an event id seen before (in the store or earlier in the batch) with the same content
// is a duplicate and changes nothing; with different content it is a conflict. The call is
// folded again from all its known events, so order and repetition do not matter. Also keeps the
// automatic ghost classification, the caller policy and the callback tasks of the number in
// step with the call, and records one "call.<type>" event per new telephony event (and
// "call.classified" when the automatic verdict comes or goes). The batch is folded per call: each
// event in turn, as alone, gives its answer (the call after it, or as it stands for a
// duplicate); a call is read once with its stored events and written once (the new calls, the
// call events and the events through the bulk facet), and each number's callbacks and prank
// policy are brought in step once, from its earliest call that moved them (both are
// order-independent: the tasks and flags are those of the events one per request).
// Whether an event id was seen before is asked of the store once for the whole batch.
// answer: what each event's answer holds (ingest_answer). Fails with invalid_input for an event
// time refused, conflict for an event id reused, naming the event in a batch; nothing written.
core::result<std::vector<ingested_event>> ingest_call_events(storage::store_txn& tx, const context& ctx,
                                                             const actor& who,
                                                             const std::vector<domain::call_event>& events,
                                                             ingest_answer answer = ingest_answer::full);

// A call whose events are all known at once (a PBX's call detail record), with the verdict the
// records give it.
struct whole_call {
  std::vector<domain::call_event> events;  // one call's, distinct ids, in the order a bridge sends them
  std::optional<domain::call_class> classification;  // set: as import_classification
};

struct whole_calls_ingested {
  std::int64_t new_events = 0;
  std::int64_t known_events = 0;  // seen before (a file imported again): nothing changed
  std::int64_t classified = 0;    // classifications set or changed
};

// ingest_call_events, then import_classification, for calls known whole (siaga import calls),
// with what the live API writes: the call record, its telephony events, the "call.<type>" and
// "call.classified" events with the same payloads, the rollups, the caller policy and the
// callback tasks. A call not seen before is folded once in memory and written once (one insert,
// no update, no read of its events); its number's callbacks and prank policy are brought in step
// once per number for the whole batch, from its earliest call in it (both are order-independent,
// so the tasks and flags are those of the calls one by one; a flag reached by several windows is
// recorded once). A call already known (its external id seen) goes through ingest_call_events.
// Fails as those do (invalid_input for an event time refused, conflict for an event id seen with
// other content or a verdict for a call that was not answered), changing nothing.
core::result<whole_calls_ingested> ingest_whole_calls(storage::store_txn& tx, const context& ctx, const actor& who,
                                                      const std::vector<whole_call>& calls);

// ---- classification ----

struct classification_input {
  domain::call_class classification = domain::call_class::valid;
  std::string note;
  std::optional<std::string> report_id;  // valid: join this existing report instead of creating one
  new_report report;                     // valid without report_id: the report to create
};

// A call taker classifies an answered call (live or ended). valid creates a report (channel
// call, the caller's number as reporter_phone) or links report_id, and links the call to it.
// A classification by a person replaces an automatic one. Fails with forbidden for roles other
// than dispatchers, not_found for an unknown call or report, conflict for a call that was not
// answered, invalid_input for a valid call without report details (description or category).
core::result<domain::call_record> classify_call(storage::store_txn& tx, const context& ctx, const actor& who,
                                                const std::string& call_id, const classification_input& in);

// One verdict of a batch: the call's record id and what classify_call takes for it.
struct call_verdict {
  std::string call_id;
  classification_input in;
};

// The most verdicts one classify_calls command takes.
inline constexpr std::size_t max_verdicts_per_batch = 500;

// A call taker's verdicts on several calls at once (a backlog cleared after a surge, a
// history replayed through the API): classify_call for each in order, in one command, all or
// none. Fails with invalid_input for no verdict, more than max_verdicts_per_batch, or a call
// named twice, before anything is written; else with the first failing verdict's error, its
// message prefixed with its place ("items[3] (call X): ..."), and nothing is kept.
core::result<std::vector<domain::call_record>> classify_calls(storage::store_txn& tx, const context& ctx,
                                                              const actor& who,
                                                              const std::vector<call_verdict>& verdicts);

// A verdict from a PBX's records (siaga import calls): as classify_call, recorded with source
// "import", without the role check and without a report for a valid call (the report of a
// past call lives where it was taken). Nothing changes when the call already has this
// classification. conflict for a call that was not answered, not_found for an unknown call.
core::result<domain::call_record> import_classification(storage::store_txn& tx, const context& ctx, const actor& who,
                                                        const std::string& call_id, domain::call_class classification);

// ---- callers ----

// The default policy, unless the jurisdiction set its own.
domain::caller_policy policy_of(storage::store_reader& reader, const std::string& jurisdiction_id);

// The decision and, with_history, the history of a number (normalised). Without the history it
// is three indexed lookups: what a PBX asks before queueing a call.
core::result<caller_view> view_caller(storage::store_reader& reader, const core::clock& clock,
                                      const std::string& jurisdiction_id, const std::string& number,
                                      bool with_history = true);

// Supervisor or admin: lifts a block (and the flag); earlier strikes stop counting. conflict
// when the number is neither blocked nor flagged.
core::result<caller_view> unblock_caller(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& number, const std::string& note);

// Admin: sets the jurisdiction's policy. invalid_input for a threshold outside 1..100 or a
// window or block length outside 1 minute..30 days.
core::result<domain::caller_policy> set_caller_policy(storage::store_txn& tx, const context& ctx, const actor& who,
                                                      const domain::caller_policy& policy);

// ---- callbacks ----

// A call taker takes an open callback (or one they already hold). dial also records a
// "callback.dial_requested" event, which a PBX bridge turns into an outbound call. conflict
// when another call taker holds it or it is closed.
core::result<domain::callback_task> take_callback(storage::store_txn& tx, const context& ctx, const actor& who,
                                                  const std::string& id, bool dial);

struct callback_attempt_input {
  domain::callback_result result = domain::callback_result::no_answer;
  std::string note;
  new_report report;  // reached_valid: the report to create
};

// Records what a callback found (see domain::apply_callback_attempt). reached_valid creates a
// report; a reached result also closes the other open callbacks of the same number.
core::result<domain::callback_task> record_callback_attempt(storage::store_txn& tx, const context& ctx,
                                                            const actor& who, const std::string& id,
                                                            const callback_attempt_input& in);

// record_callback_attempt on a loaded task without the role and holder checks: for results
// that the system learns by itself (the PBX reporting that the callback was not answered).
core::result<domain::callback_task> apply_callback_attempt_to(storage::store_txn& tx, const context& ctx,
                                                              const actor& who, domain::callback_task task,
                                                              const callback_attempt_input& in);

// ---- location ----

struct location_input {
  std::optional<domain::location_fix> fix;  // set when the message was read
  std::string rejection;                    // why not, when it was not
  std::string format;                       // the fix's format, or the transport for a refusal
  std::string number;                       // normalised sender, "" when unknown
  std::string raw;                          // the message as received
};

// Records a location message, accepted or refused, and attaches it to the most recent call of
// its number; an accepted fix newer than the call's becomes the call's location.
core::result<domain::location_record> record_location(storage::store_txn& tx, const context& ctx, const actor& who,
                                                      const location_input& in);

}  // namespace siaga::services
