#include "domain/duration_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace siaga::domain {
namespace {

TEST(duration_histogram, buckets_tile_the_range_without_gaps) {
  EXPECT_EQ(duration_histogram::bucket_low(0), 0);
  for (int b = 1; b < duration_histogram::bucket_count(); ++b) {
    ASSERT_EQ(duration_histogram::bucket_low(b), duration_histogram::bucket_high(b - 1) + 1) << b;
    ASSERT_EQ(duration_histogram::bucket_of(duration_histogram::bucket_low(b)), b);
    ASSERT_EQ(duration_histogram::bucket_of(duration_histogram::bucket_high(b)), b);
  }
  EXPECT_EQ(duration_histogram::bucket_high(duration_histogram::bucket_count() - 1), duration_histogram::max_seconds);
  EXPECT_EQ(duration_histogram::bucket_of(-5), 0);
  EXPECT_EQ(duration_histogram::bucket_of(std::int64_t{1} << 40), duration_histogram::bucket_count() - 1);
}

TEST(duration_histogram, is_exact_below_a_minute_and_nearest_rank) {
  duration_histogram h;
  for (int s : {5, 1, 3, 2, 4}) h.add(s);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.quantile(0.5), 3);
  EXPECT_EQ(h.quantile(0.2), 1);
  EXPECT_EQ(h.quantile(0.21), 2);
  EXPECT_EQ(h.quantile(1.0), 5);
  EXPECT_DOUBLE_EQ(h.share_within(3), 0.6);
  EXPECT_DOUBLE_EQ(h.share_within(0), 0.0);
  EXPECT_EQ(duration_histogram{}.quantile(0.5), -1);
  EXPECT_DOUBLE_EQ(duration_histogram{}.share_within(60), 0.0);
}

TEST(duration_histogram, percentiles_stay_within_the_documented_bound) {
  std::mt19937_64 rng(112);
  std::lognormal_distribution<double> minutes(2.0, 1.2);  // response times from seconds to hours
  std::vector<std::int64_t> values;
  duration_histogram h;
  for (int i = 0; i < 20000; ++i) {
    auto v = static_cast<std::int64_t>(minutes(rng) * 60);
    values.push_back(v);
    h.add(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    auto truth = values[static_cast<std::size_t>(std::ceil(q * values.size())) - 1];
    auto got = h.quantile(q);
    EXPECT_LE(std::abs(static_cast<double>(got - truth)), std::max(1.0, truth / 64.0)) << "q " << q << " truth " << truth;
  }
}

TEST(duration_histogram, merged_days_equal_one_histogram_of_all_values) {
  duration_histogram a, b, all;
  for (int i = 0; i < 500; ++i) {
    (i % 3 ? a : b).add(i * 7);
    all.add(i * 7);
  }
  a.merge(b);
  EXPECT_EQ(a, all);
  EXPECT_EQ(a.quantile(0.9), all.quantile(0.9));
}

TEST(duration_histogram, encodes_and_refuses_what_it_did_not_write) {
  duration_histogram h;
  h.add(12, 3);
  h.add(900);
  h.add(86400, 2);
  auto back = duration_histogram::decode(h.encode());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, h);
  EXPECT_EQ(duration_histogram::decode("").value().count(), 0u);
  for (const char* bad : {"12", "12:", ":3", "12:0", "5:1,5:1", "9:1,3:1", "99999:1", "-1:2", "1:x", "1:2,"}) {
    EXPECT_FALSE(duration_histogram::decode(bad)) << bad;
  }
}

}  // namespace
}  // namespace siaga::domain

namespace siaga::domain {
namespace {

TEST(duration_histogram, a_bucket_takes_values_back_but_never_below_zero) {
  duration_histogram h;
  h.add(100, 3);
  auto b = duration_histogram::bucket_of(100);
  EXPECT_TRUE(h.add_to_bucket(b, -2));
  EXPECT_EQ(h.count(), 1u);
  EXPECT_FALSE(h.add_to_bucket(b, -2));
  EXPECT_EQ(h.count(), 1u);
  EXPECT_TRUE(h.add_to_bucket(b, -1));
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.encode(), "");
  EXPECT_FALSE(h.add_to_bucket(duration_histogram::bucket_count(), 1));
  EXPECT_FALSE(h.add_to_bucket(-1, 1));
  EXPECT_TRUE(h.add_to_bucket(5, 2));
  EXPECT_EQ(h.encode(), "5:2");
}

}  // namespace
}  // namespace siaga::domain

namespace siaga::domain {
namespace {

TEST(duration_histogram, merging_encoded_text_equals_merging_the_decoded_histogram) {
  duration_histogram day1, day2;
  day1.add(30, 4);
  day1.add(4000);
  day2.add(30);
  day2.add(200000, 7);
  duration_histogram by_text = day1, by_object = day1;
  ASSERT_TRUE(by_text.merge_encoded(day2.encode()));
  by_object.merge(day2);
  EXPECT_EQ(by_text, by_object);
  EXPECT_EQ(by_text.count(), 13u);
  EXPECT_EQ(by_text.encode(), by_object.encode());
  // Bad text adds nothing, not even the items before the bad one.
  EXPECT_FALSE(by_text.merge_encoded("30:1,31:0"));
  EXPECT_EQ(by_text, by_object);
  EXPECT_TRUE(by_text.merge_encoded(""));
  EXPECT_EQ(by_text, by_object);
}

TEST(duration_histogram, packs_to_varints_and_back_smaller_than_text) {
  duration_histogram h;
  for (std::int64_t s : {0, 1, 63, 64, 65, 300, 4000, 86400, 2000000000}) h.add(s, static_cast<std::uint64_t>(s % 7 + 1));
  h.add(300, 500);
  auto packed = h.pack();
  auto back = duration_histogram::unpack(packed);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h);
  EXPECT_EQ(back->pack(), packed);  // one packing per histogram
  EXPECT_LT(packed.size(), h.encode().size() / 2);
  EXPECT_TRUE(duration_histogram().pack().empty());
  // Bucket 0 count 2, then a gap of 2 to bucket 3 count 1: 00 02 02 01.
  duration_histogram small;
  small.add(0, 2);
  small.add(3);
  EXPECT_EQ(small.pack(), std::string("\x00\x02\x02\x01", 4));
}

TEST(duration_histogram, merging_packed_bytes_equals_merging_and_refuses_bad_bytes_whole) {
  duration_histogram a, b;
  a.add(10, 3);
  a.add(5000);
  b.add(10);
  b.add(777777, 2);
  duration_histogram by_bytes = a, by_object = a;
  ASSERT_TRUE(by_bytes.merge_packed(b.pack()));
  by_object.merge(b);
  EXPECT_EQ(by_bytes, by_object);
  // Truncated (a varint's high bit set at the end), a zero count, a bucket past the last:
  // refused, and the valid pairs before the bad one are not added.
  for (const auto& bad : {std::string("\x00\x01\x80", 3), std::string("\x00\x01\x01\x00", 4),
                          std::string("\x00\x01\xe0\x06\x01", 5)}) {
    EXPECT_FALSE(by_bytes.merge_packed(bad)) << bad.size();
    EXPECT_EQ(by_bytes, by_object);
    EXPECT_FALSE(duration_histogram::unpack(bad));
  }
  EXPECT_TRUE(by_bytes.merge_packed(""));
  EXPECT_EQ(by_bytes, by_object);
}

TEST(duration_histogram, one_emptied_by_taking_values_back_equals_a_new_one) {
  duration_histogram emptied, fresh;
  emptied.add(90, 2);
  ASSERT_TRUE(emptied.add_to_bucket(duration_histogram::bucket_of(90), -2));
  EXPECT_EQ(emptied, fresh);
  EXPECT_EQ(emptied.quantile(0.5), -1);
  fresh.add(90);
  EXPECT_FALSE(emptied == fresh);
}

}  // namespace
}  // namespace siaga::domain
