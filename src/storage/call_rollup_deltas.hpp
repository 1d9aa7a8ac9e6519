// What a write changes in the call rollups (issue 10): the calls counterpart of
// rollup_deltas.hpp, kept apart so that the call rollups build, flush and rebuild on their own.
// Pure: no I/O.
//
// Per local hour of the ring time (jurisdiction's zone):
//   calls  (day, hour, agent who answered, line, outcome, classification)
//          -> n, follow_ups, within_10, within_15, within_20
//   answers (day, hour, agent, line) -> n, and the answer times of those n calls as a
//          domain::millis_histogram (migration 15; before it, roll_call_waits kept every exact
//          millisecond per answer second, and a year's percentiles merged them all)
// follow_ups counts the calls whose report joined an incident dispatched to the field (the
// incident's first_dispatched_at is set): the writer adds and takes away a call's whole row
// whenever the call, its report's incident link or that incident's first dispatch changes.
// Absent values count as "" (live calls have no outcome; unanswered ones no agent).
//
// Per local hour and per local day, without agent and line (migration 13, "periods"):
//   periods (grain 0: day, hour; grain 1: day, -1) -> every figure of a call_stats bucket
//          (calls_store.hpp, call_period_columns) and the answer times' histogram
// so that a year grouped by day or by hour reads one row a group instead of every
// hour × agent × line × outcome × classification row.
#pragma once

#include "domain/millis_histogram.hpp"
#include "storage/calls_store.hpp"

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace siaga::storage {

struct call_roll_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  int hour = 0;  // local hour 0..23; -1 in the month rows
  std::string agent, line, outcome, classification;
  auto operator<=>(const call_roll_key&) const = default;
};

struct call_roll_counts {
  std::int64_t n = 0, follow_ups = 0, within_10 = 0, within_15 = 0, within_20 = 0;
  bool zero() const { return n == 0 && follow_ups == 0 && within_10 == 0 && within_15 == 0 && within_20 == 0; }
  void add(const call_roll_counts& o);
};

struct call_answer_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  int hour = 0;
  std::string agent, line;
  auto operator<=>(const call_answer_key&) const = default;
};

struct call_period_key {
  std::string jurisdiction_id;
  int grain = 0;  // 0: an hour, 1: a day (hour -1)
  std::int64_t day = 0;
  int hour = 0;
  auto operator<=>(const call_period_key&) const = default;
};

// The change of a row's answer-time histogram: bucket (domain::millis_histogram) -> calls added
// (taken away when negative).
using bucket_changes = std::map<int, std::int64_t>;

// Sparse counts of exact values (milliseconds): "v:n,v:n", values ascending, counts positive:
// the answer times as migrations 10 and 13 kept them (migration 15 turns them into histograms).
using value_counts = std::map<std::int64_t, std::int64_t>;
std::string encode_value_counts(const value_counts& m);
// nullopt for text that is not encode_value_counts' (a count of zero or below, not ascending).
std::optional<value_counts> decode_value_counts(std::string_view text);

// A stored answer-time histogram of table, decoded; storage_failure (naming the table and
// siaga stats rebuild) for bytes that are not one.
result<domain::millis_histogram> decoded_histogram(std::string_view bytes, std::string_view table);
// Applies a row's bucket changes to its histogram; storage_failure, the histogram left part-way,
// when a count would go below zero (the rollup no longer matches its calls).
result<void> apply_changes(domain::millis_histogram& hist, const bucket_changes& changes, std::string_view table);

// The answer time of a call in milliseconds (truncated toward zero), as the row-based
// statistics count it.
std::int64_t answer_ms(const call_stat_row& r);

struct call_period_change {
  call_period_figures figures{};
  bucket_changes buckets;
  bool zero() const;
};

// What one call adds to a call period row's figures (call_period_columns), as
// compute_call_stats counts it.
call_period_figures period_figures_of(const call_stat_row& r);

// The local day and hour of t at a fixed offset.
std::int64_t local_hour_number(core::timestamp t, int offset_minutes);

class call_rollup_deltas {
 public:
  // Adds (sign +1) or takes away (sign -1) a call's contribution (its dispatched flag
  // included); offset_minutes is its jurisdiction's zone.
  void add_call(const std::string& jurisdiction_id, const call_stat_row& r, int offset_minutes, int sign);

  void merge(call_rollup_deltas&& other);
  bool empty() const;
  void clear();

  const std::map<call_roll_key, call_roll_counts>& calls() const { return calls_; }
  // Per answer row: the change of its histogram.
  const std::map<call_answer_key, bucket_changes>& answers() const { return answers_; }
  // Per period row (its hour and its day): the change of its figures and of its histogram.
  const std::map<call_period_key, call_period_change>& periods() const { return periods_; }

 private:
  std::map<call_roll_key, call_roll_counts> calls_;
  std::map<call_answer_key, bucket_changes> answers_;
  std::map<call_period_key, call_period_change> periods_;
};

}  // namespace siaga::storage
