// What a write changes in the call rollups (issue 10): the calls counterpart of
// rollup_deltas.hpp, kept apart so that the call rollups build, flush and rebuild on their own.
// Pure: no I/O.
//
// Per local hour of the ring time (jurisdiction's zone):
//   calls  (day, hour, agent who answered, line, outcome, classification)
//          -> n, follow_ups, within_10, within_15, within_20
//   waits  (day, second, hour, agent, line) -> n, and the exact answer times in milliseconds
//          of those n calls ("ms:n" ascending)
// "second" is the answer time in whole seconds (truncated, as SQL's integer division): a
// percentile first finds its second from the counts, then reads only that second's
// milliseconds, so every percentile is exact (the nearest rank of the rows) and cheap.
// follow_ups counts the calls whose report joined an incident dispatched to the field (the
// incident's first_dispatched_at is set): the writer adds and takes away a call's whole row
// whenever the call, its report's incident link or that incident's first dispatch changes.
// Absent values count as "" (live calls have no outcome; unanswered ones no agent).
//
// Per local hour and per local day, without agent and line (migration 13, "periods"):
//   periods (grain 0: day, hour; grain 1: day, -1) -> every figure of a call_stats bucket
//          (calls_store.hpp, call_period_columns) and the exact answer times ("ms:n")
// so that a year grouped by day or by hour reads one row a group instead of every
// hour × agent × line × outcome × classification row.
#pragma once

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

struct call_wait_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::int64_t second = 0;
  int hour = 0;
  std::string agent, line;
  auto operator<=>(const call_wait_key&) const = default;
};

struct call_period_key {
  std::string jurisdiction_id;
  int grain = 0;  // 0: an hour, 1: a day (hour -1)
  std::int64_t day = 0;
  int hour = 0;
  auto operator<=>(const call_period_key&) const = default;
};

// Sparse counts of exact values (milliseconds): "v:n,v:n", values ascending, counts positive.
using value_counts = std::map<std::int64_t, std::int64_t>;
std::string encode_value_counts(const value_counts& m);
// nullopt for text that is not encode_value_counts' (a count of zero or below, not ascending).
std::optional<value_counts> decode_value_counts(std::string_view text);

// The answer time of a call in milliseconds (truncated toward zero), its second, and whether
// it is within a target (inclusive), as the row-based statistics count them.
std::int64_t answer_ms(const call_stat_row& r);
inline std::int64_t second_of_ms(std::int64_t ms) { return ms / 1000; }

struct call_period_change {
  call_period_figures figures{};
  value_counts millis;
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
  // Per wait row: the change of each millisecond value's count.
  const std::map<call_wait_key, value_counts>& waits() const { return waits_; }
  // Per period row (its hour and its day): the change of its figures and of its milliseconds.
  const std::map<call_period_key, call_period_change>& periods() const { return periods_; }

 private:
  std::map<call_roll_key, call_roll_counts> calls_;
  std::map<call_wait_key, value_counts> waits_;
  std::map<call_period_key, call_period_change> periods_;
};

}  // namespace siaga::storage
