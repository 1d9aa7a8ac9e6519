// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// counts of reports, incidents and dispatches grouped by local time and their dimensions (issue
// 10). Counts come from rollups kept per local day (and month) in the same transaction as the
// rows (exact, and a year reads a few thousand rows): incidents by hour, call taker or village
// from their grains (with category, urgency and status beside); a grouping no rollup keeps
// (reports by hour, call taker or village; incidents by hour with district, or call taker with
// village) from the rows themselves.
#pragma once

#include "storage/rollup_rows.hpp"
#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

// The columns a count may be grouped by (a closed list: never SQL from input).
// dispatched (incidents only): "yes" when the incident has been dispatched to the field
// (first_dispatched_at, set with its first dispatch; a later decline or cancellation leaves it).
enum class stats_dim { category, urgency, district, status, channel, reject_reason, agency, call_taker, dispatched, village };

// The time buckets of a count: local hours since 1970-01-01 local time (hour), or the local day
// number (days since 1970-01-01 local) of the first day of the bucket: the day, the ISO week's
// Monday, the month's or the year's first day; all is one bucket, 0.
enum class stats_bucket { hour, day, week, month, year, all };

struct stats_count_query {
  std::string jurisdiction_id;
  timestamp from{};  // [from, to) by created_at
  timestamp to{};
  int offset_minutes = 0;                 // the jurisdiction's zone, for the time buckets
  stats_bucket bucket = stats_bucket::day;  // what a row's bucket is
  std::vector<stats_dim> dims;             // grouped by these too, in this order
};

struct stats_count_row {
  std::int64_t bucket = 0;         // see stats_bucket
  std::vector<std::string> dims;   // the dims' values, "" for none
  std::int64_t count = 0;
};

// One dispatch as response-time statistics need it: seconds from notified to each step it
// reached (nullopt when it did not), with its agency, its incident's category and its status.
struct dispatch_time_row {
  std::int64_t bucket = 0;  // of notified_at, as stats_count_row
  std::string agency_id;
  std::string category_id;
  std::string status;
  std::optional<std::int64_t> acknowledged_s, en_route_s, on_scene_s, completed_s;
  // The times themselves where a limit may be in working days.
  timestamp notified_at{};
  std::optional<timestamp> acknowledged_at, on_scene_at;
};

// Dispatches counted per bucket, agency, category and status.
struct dispatch_count_row {
  std::int64_t bucket = 0;
  std::string agency_id, category_id, status;
  std::int64_t count = 0;
};

// How many dispatches of a bucket, agency, category and status now reached a step
// (acknowledged, en_route, on_scene, completed), how many of those had a limit for it in their
// category (seconds or working days), how many of those were within it, and the seconds it took
// them (domain::duration_histogram::encode).
struct dispatch_step_row {
  std::int64_t bucket = 0;
  std::string agency_id, category_id, status, step;
  std::int64_t count = 0, limited = 0, within = 0;
  std::string histogram;
};

struct dispatch_rollup {
  std::vector<dispatch_count_row> counts;  // by bucket, agency, category, status
  std::vector<dispatch_step_row> steps;    // by bucket, agency, category, step
};

struct record_counts {
  std::int64_t reports = 0, incidents = 0, dispatches = 0;
};

// A rollup table compared with its recount by rebuild_rollups.
struct rollup_check {
  std::string table;
  std::int64_t rows = 0;       // rows of the recount
  std::int64_t differing = 0;  // rows kept wrong, missing or extra before the rebuild
};

class stats_reader {
 public:
  virtual ~stats_reader() = default;

  // Rows per time bucket and dims value, by bucket then dims. Incidents know category,
  // urgency, district, village, status, call_taker (who created it); reports know category,
  // district, village, status, channel, reject_reason, call_taker (who took it); another dim is
  // invalid_input.
  virtual result<std::vector<stats_count_row>> count_incidents(const stats_count_query& q) = 0;
  virtual result<std::vector<stats_count_row>> count_reports(const stats_count_query& q) = 0;
  // The dispatches notified in [q.from, q.to) of the jurisdiction (q.dims is ignored), by
  // notified_at.
  virtual result<std::vector<dispatch_time_row>> dispatch_times(const stats_count_query& q) = 0;
  // The same dispatches from the rollups, grouped by agency, category and status only when
  // q.dims names them ("" otherwise; other dims are ignored); q.bucket must not be hour
  // (invalid_input). The step limits are the categories' as they stand now, and the
  // jurisdiction's calendar for those in working days.
  virtual result<dispatch_rollup> dispatch_rollups(const stats_count_query& q) = 0;
  // Every row the rollups of incidents, reports and dispatches keep for the jurisdiction, both
  // grains, rows of zero left out (siaga stats rebuild compares them with a replay).
  virtual result<rollup_rows> kept_rollups(const std::string& jurisdiction_id) = 0;
  // How many reports, incidents and dispatches the jurisdiction has (a replay of the log must
  // account for each).
  virtual result<record_counts> count_records(const std::string& jurisdiction_id) = 0;
};

// Writes inside one command of a write batch.
class stats_writer {
 public:
  virtual ~stats_writer() = default;

  // Counts every rollup again from the rows, reports how the kept rollups differed, and keeps
  // the recount (siaga stats rebuild). Takes as long as reading every incident, report and
  // dispatch.
  virtual result<std::vector<rollup_check>> rebuild_rollups() = 0;
  // Replaces the jurisdiction's rows of the rollups of incidents, reports and dispatches with
  // rows (a replay of the event log). Must run alone in its batch (conflict otherwise), like
  // rebuild_rollups.
  virtual result<void> replace_rollups(const std::string& jurisdiction_id, const rollup_rows& rows) = 0;
  // The call rollups' part of rebuild_rollups alone: recounted from the calls, which are folded
  // from their stored telephony events (the calls' own log), compared and kept; with them the
  // callers' counters behind caller_history (table caller_counts).
  virtual result<std::vector<rollup_check>> rebuild_call_rollups() = 0;
};

}  // namespace siaga::storage
