// A mergeable histogram of durations in whole seconds, for response-time percentiles that
// rollups can keep per day and add up over any period (issue 10).
//
// Buckets: 0..63 s one second each (exact); above, every power-of-two range [2^k, 2^(k+1)) is
// cut into 32 equal buckets, up to 2^31 s. A value is reported as the middle of its bucket, so
// a percentile read from the histogram is within 1/64 (1.6 %) of the true value of that rank,
// and exact below 64 s. Merging is adding counts: the percentile of merged days is the
// percentile of all their values, with the same bound.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

class duration_histogram {
 public:
  static constexpr std::int64_t max_seconds = (std::int64_t{1} << 31) - 1;

  // Counts n values of seconds; negative values count as 0, values past max_seconds as
  // max_seconds (a clock set wrong must not lose the row).
  void add(std::int64_t seconds, std::uint64_t n = 1);
  // Adds every count of other.
  void merge(const duration_histogram& other);
  // Adds n (which may be negative: a rollup taking a value back) to a bucket's count; false,
  // changing nothing, when the bucket is out of range or its count would go below zero.
  bool add_to_bucket(int bucket, std::int64_t n);

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }

  // The value of nearest rank ceil(q * count) (q in (0, 1]), as its bucket's middle; -1 when
  // empty.
  std::int64_t quantile(double q) const;
  // The share of values of at most limit seconds, in [0, 1]; exact when limit is below 64 s or
  // on a bucket's upper edge, else counting the limit's bucket in whole (an upper bound); 0
  // when empty.
  double share_within(std::int64_t limit_seconds) const;

  // "b:n,b:n" (bucket index and count, ascending): the form rollups store.
  std::string encode() const;
  // The histogram of encode()'s text; invalid_input for anything else (an index out of range,
  // a zero or malformed count, indices not ascending).
  static core::result<duration_histogram> decode(std::string_view text);
  // Adds the counts of encode()'s text, as merge(decode(text)) would without building the
  // histogram between (a year's statistics merge thousands of rollup rows); invalid_input as
  // decode, and then nothing is added.
  core::result<void> merge_encoded(std::string_view text);

  // The packed form SQLite keeps in its rollup rows (a third of the text's size, so a year's
  // rows read from a cold disk in a third of the pages): per bucket ascending, the varint gap
  // from the previous bucket (minus one; the first from -1) and the varint count. Empty when
  // empty; one histogram has one packing, so rows compare byte by byte.
  std::string pack() const;
  // The histogram of pack()'s bytes; invalid_input for anything else (truncated, a bucket past
  // the last, a zero count).
  static core::result<duration_histogram> unpack(std::string_view bytes);
  // Adds the counts of pack()'s bytes without building the histogram between; invalid_input as
  // unpack, and then nothing is added.
  core::result<void> merge_packed(std::string_view bytes);

  // The bucket of a value, and the smallest and largest value of a bucket.
  static int bucket_of(std::int64_t seconds);
  static std::int64_t bucket_low(int bucket);
  static std::int64_t bucket_high(int bucket);
  static int bucket_count();

  // Equal when every bucket holds the same count.
  friend bool operator==(const duration_histogram& a, const duration_histogram& b);

 private:
  // Dense, one count per bucket (bucket_count() of them, 7 KB), or empty while nothing is
  // counted: merging is then adding two arrays, which is what statistics over a year do
  // thousands of times per answer (a sparse map spent most of that time allocating).
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;

  void make_room();
};

}  // namespace siaga::domain
