// Calls as values: the canonical telephony events a PBX bridge sends, the call record folded
// from them, the call taker's classification, and the callback rules. Pure: no I/O.
//
// A call record is a fold over the set of its events, not over their arrival: the events are
// de-duplicated by event id and put in a canonical order (time, then kind, then id) before
// folding, so the same set gives the same record whatever order or how often it arrived.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

using core::timestamp;

// What a PBX reports about a call. The order of the values is the canonical order of events
// that share one timestamp (a call rings before it is queued, answered, ... and ended).
enum class call_event_kind { ringing, queued, answered, transferred, dtmf, ended };

// Why a call ended, as the bridge saw it.
enum class end_reason { caller_hangup, no_agent, completed };

// answered: an agent took it; abandoned: the caller hung up before an answer; missed: no agent
// took it (the queue timed out or the PBX gave up).
enum class call_outcome { answered, abandoned, missed };

// The call taker's verdict on an answered call.
enum class call_class { valid, prank, ghost, information, misdirected, test };

// Who classified a call: a person, or the system's automatic rule (silent calls as ghost).
enum class classification_source { manual, automatic };

std::string_view to_string(call_event_kind v);
std::string_view to_string(end_reason v);
std::string_view to_string(call_outcome v);
std::string_view to_string(call_class v);
std::string_view to_string(classification_source v);
core::result<call_event_kind> parse_call_event_kind(std::string_view s);
core::result<end_reason> parse_end_reason(std::string_view s);
core::result<call_outcome> parse_call_outcome(std::string_view s);
core::result<call_class> parse_call_class(std::string_view s);
core::result<classification_source> parse_classification_source(std::string_view s);

// One canonical telephony event. Fields that do not apply to the kind are empty.
struct call_event {
  std::string event_id;  // unique per event at the bridge: the idempotency key
  std::string call_id;   // the PBX's id of the call
  call_event_kind kind = call_event_kind::ringing;
  timestamp at{};
  std::string caller;                // normalised number ("" when withheld); set on ringing, may repeat later
  std::string line;                  // the trunk or DID the call came in on ("112", "112-2")
  std::string agent;                 // answered / transferred: the agent (extension or username) now on the call
  std::optional<end_reason> reason;  // ended
  std::string digits;                // dtmf: the digits pressed, in order
  bool silent = false;               // ended: the bridge's voice detection heard nothing from the caller
};

// The call record as folded from its events.
struct call_state {
  std::string caller;
  std::string line;
  std::optional<timestamp> ring_at;  // the first ringing event; without one, the first event
  std::optional<timestamp> queued_at;
  std::optional<timestamp> answered_at;  // the first answered event
  std::optional<timestamp> ended_at;     // the first ended event
  std::string answered_by;               // the agent of the first answered event
  std::string agent;                     // the agent at the end: the last answer or transfer
  int transfers = 0;
  std::optional<end_reason> reason;
  std::optional<call_outcome> outcome;  // answered once answered; abandoned / missed once ended
  std::string digits;                   // every DTMF digit in order
  bool silent_caller = false;           // pressed 5 5: cannot speak, must not be taken for a ghost
  bool silent = false;                  // the bridge reported silence at the end

  // Waiting time: ring to answer, or ring to end for a call never answered; nullopt while live.
  std::optional<std::chrono::milliseconds> wait() const;
  // Talk time: answer to end; nullopt unless answered and ended.
  std::optional<std::chrono::milliseconds> talk() const;
  bool live() const { return !ended_at.has_value(); }
};

// Folds a call's events (any order, duplicates allowed) into its record. An ended event
// without an answered event makes the call abandoned when the caller hung up, else missed
// ("completed" without an answer is missed until the answered event arrives, if it does).
// The first ringing event with a number gives caller and line; without one, the first event
// with a number does.
call_state fold_call(std::span<const call_event> events);

// The oldest event a bridge may still send: up to ten years of history can be imported;
// anything older is a wrong clock (a PBX that lost its date starts in 1970, or in year 1).
inline constexpr std::chrono::days max_event_age{3653};

// Whether e may join a call whose stored events are known (empty for a new call). Fails with
// invalid_input, naming the times, when e is older than max_event_age before now, when e (not
// a ringing) is dated before the call rang, or when e is a ringing dated after one of the
// call's other events: each would give a negative or absurd wait that the statistics would
// count. Times in the future are accepted: a bridge whose clock runs ahead must not lose calls.
core::result<void> check_event_time(std::span<const call_event> known, const call_event& e, timestamp now);

// Sorts into the canonical order and drops repeated event ids (keeping the first in that
// order): what fold_call folds.
std::vector<call_event> canonical_events(std::span<const call_event> events);

// Two events with the same id must be the same event: same call, kind, time and fields.
bool same_event(const call_event& a, const call_event& b);

// The automatic classification of a call, if any: an answered, ended call in which the bridge
// heard silence is a ghost call, unless the caller pressed 5 5 (the silent-caller convention:
// someone who cannot speak, never a ghost).
std::optional<call_class> auto_classification(const call_state& s);

// True when the digits contain "55", the silent-caller signal.
bool signals_silent_caller(std::string_view digits);

// ---------------------------------------------------------------------------------------
// Callbacks.

// An unanswered call is called back unless the same number got through within this time.
inline constexpr std::chrono::minutes callback_grace{10};
// A callback that found no answer is tried again after this long, at most max attempts in all.
inline constexpr std::chrono::minutes callback_retry_after{15};
inline constexpr int callback_max_attempts = 3;

// open: waiting for a call taker (due at due_at); in_progress: taken by one; done: reached;
// failed: no answer after the last attempt; superseded: the caller got through by themselves;
// merged: another unanswered call of the same number carries the task (merged_into); expired:
// nobody took it within the expiry after the number's last unanswered call (it left the queue).
enum class callback_status { open, in_progress, done, failed, superseded, merged, expired };

// What a callback attempt found.
enum class callback_result { reached_valid, reached_no_emergency, no_answer };

std::string_view to_string(callback_status v);
std::string_view to_string(callback_result v);
core::result<callback_status> parse_callback_status(std::string_view s);
core::result<callback_result> parse_callback_result(std::string_view s);

// What the callback rules need to know about a call.
struct call_brief {
  std::string id;
  std::string caller;
  std::optional<timestamp> ring_at;
  std::optional<timestamp> ended_at;
  std::optional<call_outcome> outcome;
  std::optional<end_reason> reason;
};

// May this call be called back at all: ended unanswered (abandoned, or missed because no agent
// took it), from a number that can be dialled (not withheld, not a short code). A call the
// bridge ended as completed without an answered event is waiting for that event, not for a
// callback.
bool is_callback_candidate(const call_brief& c);

// Does `answered` follow `unanswered`: another call from the same number, answered, that rang
// no earlier than the unanswered call and no later than callback_grace after it ended.
bool follows_up(const call_brief& answered, const call_brief& unanswered);

// Does a candidate need a callback, given the other calls of its number (any order)?
bool needs_callback(const call_brief& unanswered, std::span<const call_brief> same_number);

// When a new callback task is due: callback_grace after the call ended.
timestamp callback_due(timestamp ended_at);

// The task after an attempt: reached (valid or not) is done; no answer is open again, due
// callback_retry_after from now, or failed once callback_max_attempts attempts were made.
struct callback_step {
  callback_status status = callback_status::open;
  int attempts = 0;
  timestamp due_at{};
};
core::result<callback_step> apply_callback_attempt(callback_status current, int attempts_before, timestamp due_before,
                                                   callback_result result, timestamp now);

// ---------------------------------------------------------------------------------------
// Statistics.

// The p-th percentile (0 < p <= 100) of values by the nearest-rank method: the smallest value
// such that at least p % of the values are less than or equal to it. Sorts its argument.
// nullopt for no values.
std::optional<std::int64_t> percentile(std::vector<std::int64_t>& values, double p);

}  // namespace siaga::domain
