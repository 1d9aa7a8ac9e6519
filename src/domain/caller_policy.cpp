#include "domain/caller_policy.hpp"

#include "core/enum_names.hpp"
#include "core/time.hpp"

#include <algorithm>
#include <vector>

namespace siaga::domain {

std::string_view to_string(decision_kind v) {
  static constexpr auto names = core::make_enum_names<decision_kind>("decision", {"allow", "warn", "block"});
  return names.name(v);
}

policy_change apply_strikes(const caller_policy& policy, caller_flags flags, std::span<const timestamp> strike_times,
                            timestamp now) {
  policy_change out{flags, false, false};
  std::vector<timestamp> strikes;
  for (auto t : strike_times) {
    if (!flags.strikes_since || t > *flags.strikes_since) strikes.push_back(t);
  }
  std::sort(strikes.begin(), strikes.end());
  const auto need = static_cast<std::size_t>(std::max(policy.threshold, 1));
  std::optional<timestamp> trigger;       // the latest strike that completes a full window
  std::optional<timestamp> window_first;  // the first strike of that window
  for (std::size_t i = need - 1; i < strikes.size(); ++i) {
    auto first = strikes[i + 1 - need];
    if (strikes[i] - first <= policy.window) {
      trigger = strikes[i];
      window_first = first;
    }
  }
  if (!trigger) return out;
  if (!flags.flagged_at || *flags.flagged_at < *window_first) out.newly_flagged = true;
  if (!flags.flagged_at || *flags.flagged_at < *trigger) out.flags.flagged_at = *trigger;
  if (policy.block_enabled) {
    auto until = *trigger + policy.block_for;
    if (until > now && (!flags.blocked_until || *flags.blocked_until < until)) {
      out.flags.blocked_until = until;
      out.block_extended = true;
    }
  }
  return out;
}

caller_decision decide(const caller_policy& policy, const caller_flags& flags, int recent_strikes, timestamp now) {
  caller_decision d;
  d.recent_strikes = recent_strikes;
  if (flags.blocked_until && *flags.blocked_until > now) {
    d.kind = decision_kind::block;
    d.reason_code = "blocked";
    d.until = flags.blocked_until;
    d.reason = "Nomor diblokir sampai " + core::format_utc(*flags.blocked_until) +
               " karena panggilan iseng/hening berulang (number blocked after repeated prank or silent calls)";
    return d;
  }
  if (recent_strikes > 0) {
    d.kind = decision_kind::warn;
    d.reason_code = "prank_history";
    d.reason = std::to_string(recent_strikes) + " panggilan iseng/hening baru-baru ini (" +
               std::to_string(recent_strikes) + " recent prank or silent calls)";
    return d;
  }
  if (flags.flagged_at && *flags.flagged_at + policy.window > now) {
    d.kind = decision_kind::warn;
    d.reason_code = "flagged";
    d.reason = "Nomor ditandai karena panggilan iseng berulang (number flagged for repeated prank calls)";
    return d;
  }
  d.kind = decision_kind::allow;
  d.reason_code = "ok";
  d.reason = "Tidak ada catatan panggilan iseng (no prank history)";
  return d;
}

}  // namespace siaga::domain
