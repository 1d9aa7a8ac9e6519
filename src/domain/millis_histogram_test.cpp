#include "domain/millis_histogram.hpp"

#include "domain/call.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace siaga::domain {
namespace {

TEST(millis_histogram, buckets_tile_the_range_without_gaps) {
  EXPECT_EQ(millis_histogram::bucket_low(0), 0);
  for (int b = 1; b < millis_histogram::bucket_count(); ++b) {
    ASSERT_EQ(millis_histogram::bucket_low(b), millis_histogram::bucket_high(b - 1) + 1) << b;
    ASSERT_EQ(millis_histogram::bucket_of(millis_histogram::bucket_low(b)), b);
    ASSERT_EQ(millis_histogram::bucket_of(millis_histogram::bucket_high(b)), b);
    auto v = millis_histogram::bucket_value(b);
    ASSERT_GE(v, millis_histogram::bucket_low(b));
    ASSERT_LE(v, millis_histogram::bucket_high(b));
  }
  EXPECT_EQ(millis_histogram::bucket_high(millis_histogram::bucket_count() - 1), millis_histogram::max_millis);
  EXPECT_EQ(millis_histogram::bucket_of(-5), 0);
  EXPECT_EQ(millis_histogram::bucket_of(std::int64_t{1} << 40), millis_histogram::bucket_count() - 1);
  // The widths the header states.
  EXPECT_EQ(millis_histogram::bucket_of(127), 127);
  EXPECT_EQ(millis_histogram::bucket_high(millis_histogram::bucket_of(1024)) - 1024, 15);
  EXPECT_EQ(millis_histogram::bucket_high(millis_histogram::bucket_of(8192)) - 8192, 127);
  EXPECT_EQ(millis_histogram::bucket_high(millis_histogram::bucket_of(16384)) - 16384, 255);
}

TEST(millis_histogram, is_exact_below_128_ms_and_counts_nearest_rank) {
  millis_histogram h;
  for (int ms : {50, 10, 30, 20, 40}) h.add(ms);
  EXPECT_EQ(h.count(), 5);
  EXPECT_EQ(h.percentile(50), 30);
  EXPECT_EQ(h.percentile(20), 10);
  EXPECT_EQ(h.percentile(21), 20);
  EXPECT_EQ(h.percentile(100), 50);
  EXPECT_FALSE(millis_histogram{}.percentile(50));
  EXPECT_FALSE(h.percentile(0));
  // 4000 ms lies in [4000, 4031]: reported as 4016.
  millis_histogram g;
  g.add(4000);
  EXPECT_EQ(g.percentile(50), 4016);
}

TEST(millis_histogram, percentiles_stay_within_the_documented_bound) {
  std::mt19937_64 rng(112);
  for (int round = 0; round < 40; ++round) {
    std::exponential_distribution<double> wait(1.0 / (round % 2 ? 9000.0 : 400.0));
    std::vector<std::int64_t> values;
    millis_histogram whole, a, b;
    int n = 1 + static_cast<int>(rng() % 3000);
    for (int i = 0; i < n; ++i) {
      auto v = static_cast<std::int64_t>(wait(rng));
      values.push_back(v);
      whole.add(v);
      (i % 3 ? a : b).add(v);
    }
    a.merge(b);
    EXPECT_EQ(a, whole);
    for (double p : {1.0, 50.0, 90.0, 95.0, 100.0}) {
      auto want = *percentile(values, p);
      auto got = *whole.percentile(p);
      EXPECT_LE(std::abs(got - want) * 128, std::max<std::int64_t>(want, 0)) << "p" << p << " of " << n;
      if (want < 128) {
        EXPECT_EQ(got, want);
      }
    }
  }
}

TEST(millis_histogram, takes_values_back_and_refuses_to_go_below_zero) {
  millis_histogram h;
  h.add(9000, 3);
  auto b = millis_histogram::bucket_of(9000);
  EXPECT_TRUE(h.add_to_bucket(b, -2));
  EXPECT_EQ(h.count(), 1);
  EXPECT_FALSE(h.add_to_bucket(b, -2));
  EXPECT_EQ(h.count(), 1);
  EXPECT_TRUE(h.add_to_bucket(b, -1));
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.buckets().size(), 0u);
  EXPECT_FALSE(h.add_to_bucket(millis_histogram::bucket_count(), 1));
  EXPECT_FALSE(h.add_to_bucket(-1, 1));
}

TEST(millis_histogram, encodes_and_decodes_and_refuses_bad_bytes) {
  millis_histogram h;
  for (std::int64_t v : std::initializer_list<std::int64_t>{0, 1, 127, 128, 5000, 5001, 70000, millis_histogram::max_millis}) {
    h.add(v, v % 7 + 1);
  }
  auto bytes = h.encode();
  auto back = millis_histogram::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, h);
  EXPECT_EQ(millis_histogram{}.encode(), "");
  EXPECT_TRUE(millis_histogram::decode("")->empty());
  EXPECT_EQ(millis_histogram::decode(std::string("\x00\x01", 2))->percentile(50), 0);  // bucket 0, one value
  EXPECT_FALSE(millis_histogram::decode(std::string("\x00", 1)));                      // no count
  EXPECT_FALSE(millis_histogram::decode(std::string("\x00\x00", 2)));                  // a zero count
  EXPECT_FALSE(millis_histogram::decode(std::string("\xff", 1)));                      // truncated varint
  EXPECT_FALSE(millis_histogram::decode(std::string("\xff\x7f\x01", 3)));              // past the last bucket
}

TEST(millis_histogram, a_dense_sum_equals_merging) {
  millis_histogram a, b, merged;
  for (int i = 0; i < 500; ++i) (i % 2 ? a : b).add(i * 37 % 20000);
  merged = a;
  merged.merge(b);
  millis_histogram_sum sum;
  sum.add(a);
  sum.add(b);
  sum.add(millis_histogram{});
  EXPECT_EQ(sum.histogram(), merged);
  EXPECT_EQ(merged.count(), 500);
}

}  // namespace
}  // namespace siaga::domain
