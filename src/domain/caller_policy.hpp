// The prank and ghost policy of Indonesian 112 and 110 centres: a number with 3 prank or ghost
// calls within 24 hours is flagged and, where the policy enables it, blocked for 24 hours. A
// blocked number is still answered when it reaches a call taker: the decision is advice for a
// PBX deciding whether to queue the call, and a supervisor lifts a block with one click.
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace siaga::domain {

using core::timestamp;

struct caller_policy {
  int threshold = 3;                          // prank or ghost calls ...
  std::chrono::seconds window{24 * 3600};     // ... within this long flag the number
  bool block_enabled = true;                  // and block it, when enabled,
  std::chrono::seconds block_for{24 * 3600};  // for this long after the last of them
};

// The policy state of one number.
struct caller_flags {
  std::optional<timestamp> flagged_at;     // when the number last reached the threshold
  std::optional<timestamp> blocked_until;  // the block, if any, ends here
  std::optional<timestamp> strikes_since;  // a supervisor's unblock: earlier strikes no longer count
};

// What the policy does after the strikes of a number changed. strike_times are the ring times
// of its prank and ghost calls, in any order. Strikes at or before flags.strikes_since do not
// count. When some window of policy.window ending at a strike holds threshold strikes, the
// number is flagged (flagged_at = now unless already flagged at or after that window's first
// strike) and, if blocking is enabled, blocked until the latest such strike plus block_for (a
// block only ever grows).
struct policy_change {
  caller_flags flags;
  bool newly_flagged = false;
  bool block_extended = false;
};
policy_change apply_strikes(const caller_policy& policy, caller_flags flags, std::span<const timestamp> strike_times,
                            timestamp now);

// A PBX's answer before queueing a call.
enum class decision_kind { allow, warn, block };
std::string_view to_string(decision_kind v);

struct caller_decision {
  decision_kind kind = decision_kind::allow;
  std::string reason_code;         // "ok", "blocked", "prank_history", "flagged"
  std::string reason;              // for people, Bahasa Indonesia first
  std::optional<timestamp> until;  // block: when it ends
  int recent_strikes = 0;          // prank/ghost calls within the window (after any unblock)
};

// block while blocked_until is in the future; warn when the number has prank or ghost calls
// within the window (counted after any unblock), or was flagged within the window; else allow.
caller_decision decide(const caller_policy& policy, const caller_flags& flags, int recent_strikes, timestamp now);

}  // namespace siaga::domain
