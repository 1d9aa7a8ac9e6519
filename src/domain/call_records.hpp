// The stored records of calls, callers, callbacks, location fixes and integration keys: plain
// values that the store reads and writes and the services build. The logic over them is in
// call.hpp, caller_policy.hpp and aml.hpp.
#pragma once

#include "domain/aml.hpp"
#include "domain/call.hpp"
#include "domain/caller_policy.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace siaga::domain {

// The latest accepted location fix of a call, as the call taker's map shows it.
struct call_location {
  double lat = 0;
  double lon = 0;
  std::optional<double> radius_m;
  std::optional<timestamp> at;  // when the handset took the fix (else when it was received)
  std::string method;           // gnss, wifi, cell, fused, unknown
  std::string format;           // aml_sms_v1, aml_sms_v2, els_https
};

// One call: its folded telephony state and what the call taker added.
struct call_record {
  std::string id;
  std::string jurisdiction_id;
  std::string external_id;  // the PBX's call id, unique in the jurisdiction
  call_state state;
  std::optional<call_class> classification;
  std::optional<classification_source> classified_source;
  std::string classified_by;  // user id, or "system" for the automatic rule
  std::optional<timestamp> classified_at;
  std::string note;
  std::optional<std::string> report_id;  // the report a valid call created or joined
  std::optional<call_location> location;
  timestamp created_at{};
  timestamp updated_at{};
};

// What the callback rules need of a stored call.
inline call_brief brief_of(const call_record& c) {
  return {c.id, c.state.caller, c.state.ring_at, c.state.ended_at, c.state.outcome, c.state.reason};
}

// Personal data by design (UU PDP): how long after its end a call that nobody has classified
// yet still shows its caller's number in full, the call taker's wrap-up (classify, type the
// report, look up the caller's card).
inline constexpr std::chrono::minutes caller_wrap_up{15};

// Whether a call is live for the privacy rule: its number shows in full while it rings, waits or
// is talked, and in the wrap-up after its end while it is unclassified. Any other view masks the
// number; the full number then comes only from the audited reveal (call.caller_revealed).
inline bool caller_number_live(const call_record& c, timestamp now) {
  if (!c.state.ended_at) return true;
  return !c.classification && now - *c.state.ended_at < caller_wrap_up;
}

// One telephony event as received, kept so that the call can be folded again from all of them.
struct stored_call_event {
  std::string jurisdiction_id;
  std::string call_record_id;
  call_event event;
  timestamp received_at{};
};

// A number's policy state (flags); the counts come from its calls (caller_history).
struct caller_record {
  std::string jurisdiction_id;
  std::string number;
  caller_flags flags;
  timestamp updated_at{};
};

// What the call taker sees of a caller when the call rings.
struct caller_history {
  std::string number;
  std::int64_t calls = 0;
  std::int64_t answered = 0;
  std::int64_t abandoned = 0;
  std::int64_t missed = 0;
  std::int64_t valid = 0;
  std::int64_t prank = 0;
  std::int64_t ghost = 0;
  std::int64_t information = 0;
  std::int64_t misdirected = 0;
  std::int64_t test = 0;
  std::optional<timestamp> first_call_at;
  std::optional<timestamp> last_call_at;
};

// A callback task for an abandoned or missed call (one per call).
struct callback_task {
  std::string id;
  std::string jurisdiction_id;
  std::string call_id;  // the call_record id of the unanswered call
  std::string caller;
  callback_status status = callback_status::open;
  timestamp due_at{};
  int attempts = 0;
  std::optional<std::string> assigned_to;  // user id of the call taker who took it
  std::optional<callback_result> last_result;
  std::string note;
  std::optional<std::string> report_id;      // reached_valid: the report made
  std::optional<std::string> superseded_by;  // the answered call that made it unnecessary
  std::optional<std::string> merged_into;    // merged: the callback that carries this call
  int calls = 1;                             // the task's unanswered calls (itself and those merged into it)
  std::optional<timestamp> last_call_at;     // when the task's latest unanswered call ended
  std::string dialed_call;                   // the PBX's id of the call it placed for this callback
  std::optional<timestamp> dialed_at;        // when the PBX reported placing it
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> closed_at;
};

// An open callback (open, in_progress) is live work: the call taker calls the number back, so
// it shows in full; a closed one is masked like its call.
inline bool callback_number_live(const callback_task& t) {
  return t.status == callback_status::open || t.status == callback_status::in_progress;
}

// A location message as received: accepted (with its fix) or rejected (with the reason),
// attached to the live or most recent call of its number when there is one.
struct location_record {
  std::string id;
  std::string jurisdiction_id;
  std::optional<std::string> call_id;
  std::string number;  // normalised sender, "" when unknown
  bool accepted = false;
  std::string rejection;  // why it was refused; empty when accepted
  std::string format;     // aml_sms_v1, aml_sms_v2, els_https; "aml_sms" / "els_https" when unreadable
  std::optional<location_fix> fix;
  std::string raw;  // the message as received (truncated), for the audit of refusals
  timestamp received_at{};
};

// A credential for an integration (PBX bridge, SMS gateway, ELS endpoint): only the SHA-256
// of the secret is kept.
struct api_key {
  std::string id;
  std::string jurisdiction_id;
  std::string name;
  std::string key_hash;
  std::string prefix;  // the first characters of the secret, so that people can tell keys apart
  std::string created_by;
  timestamp created_at{};
  std::optional<timestamp> revoked_at;
};

}  // namespace siaga::domain
