#include "api/rate_limit.hpp"

#include <gtest/gtest.h>

namespace siaga::api {
namespace {

using namespace std::chrono_literals;

const core::timestamp t0 = core::timestamp{} + std::chrono::hours{24 * 365 * 55};

TEST(rate_limiter, allows_a_burst_then_one_per_interval) {
  rate_limiter limit(3, 1000ms);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limit.take("10.0.0.1", t0).count(), 0) << i;
  EXPECT_EQ(limit.take("10.0.0.1", t0).count(), 1);
  EXPECT_EQ(limit.take("10.0.0.1", t0 + 999ms).count(), 1);
  EXPECT_EQ(limit.take("10.0.0.1", t0 + 1000ms).count(), 0);
  EXPECT_GT(limit.take("10.0.0.1", t0 + 1000ms).count(), 0);
}

TEST(rate_limiter, tells_how_long_to_wait) {
  rate_limiter limit(1, 360'000ms);  // 10 an hour
  EXPECT_EQ(limit.take("a", t0).count(), 0);
  EXPECT_EQ(limit.take("a", t0).count(), 360);
  EXPECT_EQ(limit.take("a", t0 + 60s).count(), 300);
}

TEST(rate_limiter, keeps_addresses_apart_and_refills_only_to_the_burst) {
  rate_limiter limit(2, 1000ms);
  EXPECT_EQ(limit.take("a", t0).count(), 0);
  EXPECT_EQ(limit.take("a", t0).count(), 0);
  EXPECT_GT(limit.take("a", t0).count(), 0);
  EXPECT_EQ(limit.take("b", t0).count(), 0);
  // A long pause gives back the burst, not more.
  auto later = t0 + 1h;
  EXPECT_EQ(limit.take("a", later).count(), 0);
  EXPECT_EQ(limit.take("a", later).count(), 0);
  EXPECT_GT(limit.take("a", later).count(), 0);
}

TEST(rate_limiter, a_burst_of_zero_is_no_limit) {
  rate_limiter limit(0, 1000ms);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limit.take("a", t0).count(), 0);
}

TEST(rate_limiter, forgets_full_buckets_when_many_addresses_come) {
  rate_limiter limit(1, 10ms);
  for (int i = 0; i < 10'050; ++i) limit.take("10.0." + std::to_string(i), t0);
  // Later, every old bucket is full again and may be dropped; the limit still holds for a new one.
  auto later = t0 + 1s;
  EXPECT_EQ(limit.take("new", later).count(), 0);
  EXPECT_GT(limit.take("new", later).count(), 0);
  EXPECT_EQ(limit.take("10.0.1", later).count(), 0);
}

}  // namespace
}  // namespace siaga::api
