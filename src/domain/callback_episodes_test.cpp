#include "domain/callback_episodes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace siaga::domain {
namespace {

using namespace std::chrono_literals;

const timestamp t0 = timestamp{} + std::chrono::hours(24 * 20000);
const std::string number = "+6281234567890";
constexpr std::chrono::minutes day = std::chrono::hours(24);

call_brief call(std::string id, std::chrono::seconds ring, std::chrono::seconds end, call_outcome outcome,
                const std::string& caller = number) {
  call_brief b;
  b.id = std::move(id);
  b.caller = caller;
  b.ring_at = t0 + ring;
  b.ended_at = t0 + end;
  b.outcome = outcome;
  return b;
}

std::vector<std::vector<std::string>> ids_of(const std::vector<callback_episode>& es) {
  std::vector<std::vector<std::string>> out;
  for (const auto& e : es) out.push_back(e.call_ids);
  return out;
}

using groups = std::vector<std::vector<std::string>>;

TEST(callback_episodes, unanswered_calls_of_one_number_share_one_task) {
  std::vector<call_brief> calls{call("a", 0s, 20s, call_outcome::abandoned),
                                call("b", 5min, 5min + 10s, call_outcome::missed),
                                call("c", 3h, 3h + 5s, call_outcome::abandoned)};
  auto es = callback_episodes(calls, {}, day);
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].call_ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(es[0].anchor(), "a");
  EXPECT_EQ(es[0].first_ended_at, t0 + 20s);
  EXPECT_EQ(es[0].last_ended_at, t0 + 3h + 5s);
  EXPECT_EQ(callback_due(es[0].first_ended_at), t0 + 20s + 10min);
}

TEST(callback_episodes, calls_followed_by_an_answered_call_need_no_task) {
  std::vector<call_brief> calls{call("a", 0s, 20s, call_outcome::abandoned),
                                call("answered", 2min, 4min, call_outcome::answered),
                                call("later", 2h, 2h + 9s, call_outcome::missed)};
  EXPECT_EQ(ids_of(callback_episodes(calls, {}, day)), (groups{{"later"}}));
  // Answered calls, calls still ringing and calls from short codes never make a task.
  std::vector<call_brief> none{call("x", 0s, 20s, call_outcome::answered),
                               call("s", 0s, 5s, call_outcome::missed, "112")};
  call_brief ringing;
  ringing.id = "r";
  ringing.caller = number;
  ringing.ring_at = t0;
  none.push_back(ringing);
  EXPECT_TRUE(callback_episodes(none, {}, day).empty());
}

TEST(callback_episodes, a_gap_longer_than_the_expiry_starts_a_new_task) {
  std::vector<call_brief> calls{call("a", 0s, 20s, call_outcome::abandoned),
                                call("b", 24h + 20s, 24h + 30s, call_outcome::abandoned),  // exactly at expiry: joins
                                call("c", 48h + 31s, 48h + 40s, call_outcome::missed)};    // one second past: new
  EXPECT_EQ(ids_of(callback_episodes(calls, {}, day)), (groups{{"a", "b"}, {"c"}}));
  auto es = callback_episodes(calls, {}, std::chrono::hours(72));
  EXPECT_EQ(ids_of(es), (groups{{"a", "b", "c"}}));
}

TEST(callback_episodes, a_task_closed_by_a_call_taker_ends_its_episode) {
  std::vector<call_brief> calls{call("a", 0s, 20s, call_outcome::abandoned),
                                call("b", 30min, 30min + 9s, call_outcome::abandoned),
                                call("c", 2h, 2h + 9s, call_outcome::missed)};
  std::vector<timestamp> closed{t0 + 1h};  // reached after b, before c rang
  EXPECT_EQ(ids_of(callback_episodes(calls, closed, day)), (groups{{"a", "b"}, {"c"}}));
  // A closure before the episode's first call (an older task) changes nothing.
  std::vector<timestamp> older{t0 - 1h};
  EXPECT_EQ(ids_of(callback_episodes(calls, older, day)), (groups{{"a", "b", "c"}}));
}

TEST(callback_episodes, other_numbers_calls_do_not_follow_up) {
  std::vector<call_brief> calls{call("a", 0s, 20s, call_outcome::abandoned),
                                call("other", 1min, 3min, call_outcome::answered, "+6289999999999")};
  EXPECT_EQ(ids_of(callback_episodes(calls, {}, day)), (groups{{"a"}}));
}

TEST(callback_episodes, any_order_of_the_same_calls_gives_the_same_episodes) {
  std::vector<call_brief> calls;
  // Forty calls over four days: bursts of unanswered calls, some answered follow-ups, a gap.
  for (int i = 0; i < 40; ++i) {
    auto ring = std::chrono::seconds(i * 2400 + (i / 10) * 86400);
    auto outcome = i % 7 == 3 ? call_outcome::answered : (i % 2 ? call_outcome::missed : call_outcome::abandoned);
    calls.push_back(call("c" + std::to_string(100 + i), ring, ring + 15s, outcome));
  }
  calls.push_back(call("same-ring-b", 5000s, 5010s, call_outcome::abandoned));
  calls.push_back(call("same-ring-a", 5000s, 5020s, call_outcome::abandoned));
  std::vector<timestamp> closed{t0 + 30h, t0 + 2h};
  const auto expected = callback_episodes(calls, closed, day);
  ASSERT_GE(expected.size(), 3u);
  std::mt19937 rng(112);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(calls.begin(), calls.end(), rng);
    std::shuffle(closed.begin(), closed.end(), rng);
    auto got = callback_episodes(calls, closed, day);
    ASSERT_EQ(ids_of(got), ids_of(expected)) << "round " << round;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first_ended_at, expected[i].first_ended_at);
      EXPECT_EQ(got[i].last_ended_at, expected[i].last_ended_at);
    }
  }
}

TEST(callback_episodes, a_task_expires_after_its_last_call) {
  std::vector<call_brief> calls{call("a", 0s, 20s, call_outcome::abandoned),
                                call("b", 1h, 1h + 10s, call_outcome::missed)};
  auto es = callback_episodes(calls, {}, day);
  ASSERT_EQ(es.size(), 1u);
  EXPECT_FALSE(callback_expired(es[0], t0 + 1h + 10s + day, day));
  EXPECT_TRUE(callback_expired(es[0], t0 + 1h + 11s + day, day));
}

}  // namespace
}  // namespace siaga::domain
