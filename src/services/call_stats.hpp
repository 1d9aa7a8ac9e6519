// Call statistics for supervisors and the wallboard: counts by outcome and classification,
// answer-time percentiles and the share answered within 10, 15 and 20 seconds, per hour, day,
// month (in the jurisdiction's zone), agent or line; and the live state of the queue.
#pragma once

#include "storage/store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

enum class stats_group { hour, day, month, agent, line };
std::string_view to_string(stats_group g);
core::result<stats_group> parse_stats_group(std::string_view s);

// The answer-time targets the shares are reported for, in seconds.
inline constexpr int answer_targets_s[] = {10, 15, 20};

struct call_stats_bucket {
  std::string key;  // "2026-11-22T10" (hour), "2026-11-22" (day), "2026-11" (month), agent, line
  std::int64_t total = 0;
  std::int64_t answered = 0;
  std::int64_t abandoned = 0;
  std::int64_t missed = 0;
  std::int64_t live = 0;  // not ended yet
  // valid, prank, ghost, information, misdirected, test, and unclassified (answered calls
  // nobody classified yet).
  std::map<std::string, std::int64_t> by_classification;
  // Answer time (ring to answer) of the answered calls, nearest-rank percentiles in seconds.
  std::optional<double> answer_p50_s;
  std::optional<double> answer_p90_s;
  std::optional<double> answer_p95_s;
  // Answered within 10, 15, 20 s (inclusive), and that count over answered + missed calls:
  // abandoned calls (the caller hung up first) are left out of the share, as NENA counts.
  std::map<int, std::int64_t> answered_within;
  std::map<int, std::optional<double>> share_within;
  std::int64_t follow_ups = 0;  // calls whose report joined an incident dispatched to the field
};

struct call_stats_report {
  stats_group group = stats_group::day;
  std::vector<call_stats_bucket> groups;  // by key
  call_stats_bucket total;                // key "total"
};

// Sets a bucket's share_within from its answered_within, answered and missed counts (and the
// targets' answered_within to 0 where absent).
void add_shares(call_stats_bucket& b);

// Pure: folds the rows into buckets; zone_offset_minutes places hours, days and months.
call_stats_report compute_call_stats(const std::vector<storage::call_stat_row>& rows, stats_group group,
                                     int zone_offset_minutes);

// The statistics of the calls that rang in [from, to) in a jurisdiction: the same figures as
// compute_call_stats over those rows, read from the call rollups (whole local hours and months)
// and the rows of the partial hours at either end, so a year costs about as much as a day.
core::result<call_stats_report> call_stats(storage::store_reader& reader, const std::string& jurisdiction_id,
                                           core::timestamp from, core::timestamp to, stats_group group);

// call_stats' reading of the rollups (call_stats_rollup.cpp), the period already checked;
// offset_minutes is the jurisdiction's zone.
core::result<call_stats_report> rolled_up_call_stats(storage::store_reader& reader, const std::string& jurisdiction_id,
                                                     core::timestamp from, core::timestamp to, stats_group group,
                                                     int offset_minutes);

// The key of a local day and hour as compute_call_stats names a ring time of it: "2026-11-22T10"
// (hour), "2026-11-22" (day), "2026-11" (month and the rest).
std::string rollup_date_key(std::int64_t day, int hour, stats_group g);

// call_stats' reading of the call period rollups for the day and hour groupings
// (call_stats_periods.cpp), the period already checked: one rollup row a group.
core::result<call_stats_report> period_call_stats(storage::store_reader& reader, const std::string& jurisdiction_id,
                                                  core::timestamp from, core::timestamp to, stats_group group,
                                                  int offset_minutes);

struct live_call_stats {
  core::timestamp now{};
  std::int64_t waiting = 0;                // ringing or queued, not answered (rang within the hour)
  std::optional<double> longest_wait_s;    // of those
  std::int64_t on_call = 0;                // answered and not ended
  core::timestamp day_start{};             // local midnight
  call_stats_bucket today;                 // the calls that rang since day_start
  std::int64_t callbacks_open = 0;         // open or in progress
  std::int64_t callbacks_overdue = 0;      // open and due
  std::optional<double> oldest_overdue_s;  // how long the most overdue one is past due
};

core::result<live_call_stats> live_stats(storage::store_reader& reader, const core::clock& clock,
                                         const std::string& jurisdiction_id);

}  // namespace siaga::services
