#include "domain/caller_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace siaga::domain {
namespace {

using namespace std::chrono_literals;

const timestamp t0 = core::from_micros(1'795'000'000'000'000);

TEST(caller_policy, three_strikes_within_24_hours_flag_and_block_for_24_hours) {
  caller_policy p;
  std::vector<timestamp> strikes{t0, t0 + 5h, t0 + 23h};
  auto now = t0 + 23h + 1min;
  auto r = apply_strikes(p, {}, strikes, now);
  EXPECT_TRUE(r.newly_flagged);
  EXPECT_TRUE(r.block_extended);
  EXPECT_EQ(r.flags.flagged_at, t0 + 23h);
  EXPECT_EQ(r.flags.blocked_until, t0 + 47h);
  auto d = decide(p, r.flags, 3, now);
  EXPECT_EQ(d.kind, decision_kind::block);
  EXPECT_EQ(d.reason_code, "blocked");
  EXPECT_EQ(d.until, t0 + 47h);
  EXPECT_FALSE(d.reason.empty());
}

TEST(caller_policy, two_strikes_or_strikes_spread_over_more_than_24_hours_only_warn) {
  caller_policy p;
  auto two = apply_strikes(p, {}, std::vector{t0, t0 + 1h}, t0 + 2h);
  EXPECT_FALSE(two.newly_flagged);
  EXPECT_FALSE(two.flags.blocked_until);
  auto spread = apply_strikes(p, {}, std::vector{t0, t0 + 13h, t0 + 24h + 1s}, t0 + 25h);
  EXPECT_FALSE(spread.newly_flagged);
  EXPECT_FALSE(spread.flags.flagged_at);
  auto d = decide(p, spread.flags, 2, t0 + 25h);
  EXPECT_EQ(d.kind, decision_kind::warn);
  EXPECT_EQ(d.reason_code, "prank_history");
  EXPECT_EQ(d.recent_strikes, 2);
  EXPECT_EQ(decide(p, {}, 0, t0).kind, decision_kind::allow);
}

TEST(caller_policy, the_strike_order_does_not_matter) {
  caller_policy p;
  auto a = apply_strikes(p, {}, std::vector{t0 + 23h, t0, t0 + 5h}, t0 + 24h);
  auto b = apply_strikes(p, {}, std::vector{t0, t0 + 5h, t0 + 23h}, t0 + 24h);
  EXPECT_EQ(a.flags.blocked_until, b.flags.blocked_until);
  EXPECT_EQ(a.flags.flagged_at, b.flags.flagged_at);
}

TEST(caller_policy, without_blocking_a_flagged_number_is_warned_not_blocked) {
  caller_policy p;
  p.block_enabled = false;
  auto r = apply_strikes(p, {}, std::vector{t0, t0 + 1h, t0 + 2h}, t0 + 3h);
  EXPECT_TRUE(r.newly_flagged);
  EXPECT_FALSE(r.flags.blocked_until);
  EXPECT_EQ(decide(p, r.flags, 3, t0 + 3h).kind, decision_kind::warn);
  // Flagged but the strikes have left the window: still warned while the flag is recent.
  auto d = decide(p, r.flags, 0, t0 + 20h);
  EXPECT_EQ(d.kind, decision_kind::warn);
  EXPECT_EQ(d.reason_code, "flagged");
  EXPECT_EQ(decide(p, r.flags, 0, t0 + 27h).kind, decision_kind::allow);
}

TEST(caller_policy, an_unblock_forgives_the_earlier_strikes) {
  caller_policy p;
  auto r = apply_strikes(p, {}, std::vector{t0, t0 + 1h, t0 + 2h}, t0 + 2h);
  ASSERT_TRUE(r.flags.blocked_until);
  caller_flags unblocked = r.flags;
  unblocked.blocked_until.reset();
  unblocked.strikes_since = t0 + 3h;
  EXPECT_NE(decide(p, unblocked, 0, t0 + 4h).kind, decision_kind::block);
  // One more prank after the unblock does not block again: the old three no longer count.
  auto again = apply_strikes(p, unblocked, std::vector{t0, t0 + 1h, t0 + 2h, t0 + 4h}, t0 + 4h);
  EXPECT_FALSE(again.flags.blocked_until);
  EXPECT_FALSE(again.block_extended);
  // Three new ones do.
  auto three = apply_strikes(p, unblocked, std::vector{t0, t0 + 4h, t0 + 5h, t0 + 6h}, t0 + 6h);
  EXPECT_TRUE(three.block_extended);
  EXPECT_EQ(three.flags.blocked_until, t0 + 30h);
}

TEST(caller_policy, a_block_only_grows_and_an_expired_block_allows_again) {
  caller_policy p;
  caller_flags f;
  f.blocked_until = t0 + 50h;
  auto r = apply_strikes(p, f, std::vector{t0, t0 + 1h, t0 + 2h}, t0 + 3h);
  EXPECT_EQ(r.flags.blocked_until, t0 + 50h);
  EXPECT_FALSE(r.block_extended);
  EXPECT_EQ(decide(p, r.flags, 0, t0 + 50h - 1s).kind, decision_kind::block);
  EXPECT_EQ(decide(p, r.flags, 0, t0 + 50h).kind, decision_kind::allow);
}

TEST(caller_policy, old_strikes_replayed_later_do_not_block_in_the_past) {
  caller_policy p;
  auto r = apply_strikes(p, {}, std::vector{t0, t0 + 1h, t0 + 2h}, t0 + 30 * 24h);
  EXPECT_TRUE(r.newly_flagged);
  EXPECT_FALSE(r.flags.blocked_until);
  EXPECT_FALSE(r.block_extended);
}

}  // namespace
}  // namespace siaga::domain
