// A mergeable histogram of durations in milliseconds: the answer times (ring to answer) that the
// call rollups keep per row (issue 10), so that a year's percentiles add up row histograms
// instead of merging every call's exact time.
//
// Buckets: 0..127 ms one millisecond each (exact); above, every power-of-two range
// [2^k, 2^(k+1)) ms is cut into 64 equal buckets (2 ms wide from 128 ms, 16 ms from 1.024 s,
// 128 ms from 8.192 s, 256 ms from 16.384 s), up to 2^31 ms (24.8 days; longer counts as that).
// A value is reported as the middle of its bucket, so a percentile read from the histogram is
// within 1/128 (0.8 %) of the true value of that rank, and exact below 128 ms: within 4 ms
// below 1 s, 32 ms below 8 s, 64 ms at 10 s, 128 ms at 20 s. The rank itself is exact (nearest
// rank over the exact count). Merging is adding counts, so the percentile of merged rows is the
// percentile of all their calls with the same bound.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siaga::domain {

class millis_histogram {
 public:
  static constexpr std::int64_t max_millis = (std::int64_t{1} << 31) - 1;

  // The bucket of a value (negative counts as 0, past max_millis as max_millis), the smallest
  // and largest value of a bucket, the value a bucket reports (its middle), how many there are.
  static int bucket_of(std::int64_t ms);
  static std::int64_t bucket_low(int bucket);
  static std::int64_t bucket_high(int bucket);
  static std::int64_t bucket_value(int bucket);
  static int bucket_count();

  // Counts n values of ms.
  void add(std::int64_t ms, std::int64_t n = 1);
  // Adds n (negative: a rollup taking values back) to a bucket; false, changing nothing, when
  // the bucket is out of range or its count would go below zero.
  bool add_to_bucket(int bucket, std::int64_t n);
  // Adds every count of other.
  void merge(const millis_histogram& other);

  std::int64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The highest bucket holding a value; -1 when empty.
  int top_bucket() const { return counts_.empty() ? -1 : counts_.back().first; }
  // (bucket, count) pairs, buckets ascending, counts positive.
  const std::vector<std::pair<int, std::int64_t>>& buckets() const { return counts_; }

  // The p-th percentile (0 < p <= 100) by nearest rank (rank ceil(p/100 * count), as
  // domain::percentile counts it), as its bucket's value; nullopt when empty.
  std::optional<std::int64_t> percentile(double p) const;

  // The stored form: a BLOB of varints, per bucket ascending the gap from the previous bucket
  // (minus one; the first from -1) and the count. Empty for an empty histogram. One histogram
  // has one encoding, so stored rows compare byte by byte.
  std::string encode() const;
  // The histogram of encode()'s bytes; invalid_input for anything else (truncated, a bucket
  // past the last, a zero count).
  static core::result<millis_histogram> decode(std::string_view bytes);

  friend bool operator==(const millis_histogram&, const millis_histogram&) = default;

 private:
  std::vector<std::pair<int, std::int64_t>> counts_;  // sparse: an hour's row holds a few hundred
  std::int64_t count_ = 0;
};

// The sum of many histograms (a dense count per bucket): a year's total over thousands of rows
// without merging sparse lists one into another.
class millis_histogram_sum {
 public:
  void add(const millis_histogram& h);
  // Counts n (> 0) values of ms.
  void add_value(std::int64_t ms, std::int64_t n = 1);
  millis_histogram histogram() const;

 private:
  std::vector<std::int64_t> counts_;  // grown to the highest bucket seen
};

}  // namespace siaga::domain
