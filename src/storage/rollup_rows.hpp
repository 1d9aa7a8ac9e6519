// The statistics rollups as rows, the way a store keeps them (the keys of
// storage/rollup_deltas.hpp): per grain (0 a local day; 1 a local month, whose day is its
// first day) one row per key, and a step row's histogram encoded whole. `siaga stats rebuild`
// compares the rows a replay of the event log gives (services/rollup_replay.hpp) with the rows
// kept, names each that differs, and keeps the replayed ones. Pure: no I/O.
#pragma once

#include "storage/rollup_deltas.hpp"

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace siaga::storage {

// A step row: step_roll_key without the bucket (the buckets are its histogram).
struct step_row_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::string agency_id, category_id, step, status;
  auto operator<=>(const step_row_key&) const = default;
};

struct step_row {
  std::int64_t n = 0, limited = 0, within = 0;
  std::string histogram;  // domain::duration_histogram::encode
  bool operator==(const step_row&) const = default;
};

// Keyed by (grain, key); a row of zero counts is no row.
struct rollup_rows {
  std::map<std::pair<int, incident_roll_key>, std::int64_t> incidents;
  std::map<std::pair<int, incident_grain_key>, std::int64_t> incident_grains;
  std::map<std::pair<int, report_roll_key>, std::int64_t> reports;
  std::map<std::pair<int, dispatch_roll_key>, std::int64_t> dispatches;
  std::map<std::pair<int, step_row_key>, step_row> steps;
  bool operator==(const rollup_rows&) const = default;
};

// The local day number of the first day of a local day's month.
std::int64_t month_first_day(std::int64_t day);

// The rows of counts d: its day rows and the month rows summed from them, rows of zero left
// out, as the writer's flush would leave them on empty tables. Fails with invalid_input when a
// count would be below zero (d took away more than it added).
core::result<rollup_rows> rows_of(const rollup_deltas& d);

// One row that differs between the kept rollups and the replayed ones.
struct rollup_mismatch {
  std::string table;     // a name of rollup_table_names
  std::string key;       // "day 2025-06-03 category_id=... status=closed" (no jurisdiction)
  std::string kept;      // "n=3"; "-" when the store has no such row
  std::string replayed;  // likewise for the replay
};

// Every row that kept and replayed do not hold alike (missing, extra or other counts), by
// table, then grain, then key. Empty when they match.
std::vector<rollup_mismatch> compare_rows(const rollup_rows& kept, const rollup_rows& replayed);

// The rollup tables, in the order compare_rows reports them.
inline constexpr const char* rollup_table_names[] = {"roll_incidents", "roll_reports", "roll_dispatches",
                                                     "roll_dispatch_steps", "roll_incident_grains"};

// How many rows a table of rows holds (a name of rollup_table_names; 0 for another).
std::int64_t rows_in(const rollup_rows& rows, std::string_view table);

}  // namespace siaga::storage
