#include "services/session_cache.hpp"
#include "services/user_signal.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

using namespace std::chrono_literals;

TEST(session_cache, remembers_until_the_time_to_live) {
  session_cache cache{5s};
  core::manual_clock clock{core::from_micros(1'000'000)};
  actor a{"u1", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
  EXPECT_FALSE(cache.find("t", clock.now()));
  cache.remember("t", a, clock.now());
  ASSERT_TRUE(cache.find("t", clock.now()));
  EXPECT_EQ(cache.find("t", clock.now())->user_id, "u1");
  clock.advance(4s);
  EXPECT_TRUE(cache.find("t", clock.now()));
  clock.advance(1s);
  EXPECT_FALSE(cache.find("t", clock.now()));
}

TEST(session_cache, forget_and_clear_revoke_at_once) {
  session_cache cache{60s};
  auto now = core::from_micros(1'000'000);
  actor a{"u1", "j1", domain::role::call_taker, std::nullopt, "A"};
  actor b{"u2", "j1", domain::role::leader, std::nullopt, "B"};
  cache.remember("ta", a, now);
  cache.remember("tb", b, now);
  cache.forget("ta");
  EXPECT_FALSE(cache.find("ta", now));
  EXPECT_TRUE(cache.find("tb", now));
  cache.clear();
  EXPECT_FALSE(cache.find("tb", now));
}

TEST(session_cache, the_user_changed_signal_forgets_every_token_of_that_user) {
  session_cache cache{60s};
  auto now = core::from_micros(1'000'000);
  actor a{"u1", "j1", domain::role::call_taker, std::nullopt, "A"};
  actor b{"u2", "j1", domain::role::leader, std::nullopt, "B"};
  cache.remember("ta1", a, now);
  cache.remember("ta2", a, now);
  cache.remember("tb", b, now);
  local_user_signal signal;
  signal.subscribe([&](const sessions_ended& e) { cache.forget_user(e.user_id); });
  signal.raise({"u1", std::nullopt, std::nullopt, reason_user_changed});
  EXPECT_FALSE(cache.find("ta1", now));
  EXPECT_FALSE(cache.find("ta2", now));
  EXPECT_TRUE(cache.find("tb", now));
}

TEST(session_cache, a_full_cache_starts_over_instead_of_growing) {
  session_cache cache{60s, 3};
  auto now = core::from_micros(1'000'000);
  actor a{"u1", "j1", domain::role::call_taker, std::nullopt, "A"};
  for (int i = 0; i < 3; ++i) cache.remember("t" + std::to_string(i), a, now);
  EXPECT_TRUE(cache.find("t0", now));
  cache.remember("t3", a, now);
  EXPECT_FALSE(cache.find("t0", now));
  EXPECT_TRUE(cache.find("t3", now));
}

}  // namespace
}  // namespace siaga::services
