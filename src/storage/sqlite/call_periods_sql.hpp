// The call period rollups (issue 10, migration 13) in SQLite: per local hour and per local day
// of a jurisdiction's calls, without agent and line, every figure of a call_stats bucket and
// the answer times' histogram (migration 15; migration 13 kept the exact milliseconds) in one row (storage/call_rollup_deltas.hpp, "periods"), so that a year
// grouped by day or by hour reads 365 or 8,760 rows. Flushed and read with the other call
// rollups (../call_rollups_flush.ipp), recounted with them by their rebuild (call_rollups_sql::rebuild).
#pragma once

#include "storage/call_rollup_deltas.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage::sqlite::call_periods_sql {

inline constexpr std::string_view table_name = "roll_call_periods";
// The key and value columns, as the rebuild compares them.
std::string_view keys();
std::string values();

// The table under a prefix ("" or "temp.rebuilt_").
std::string table(std::string_view prefix);
// Its fill from the calls: the hour rows, then the day rows from them. calls_inner is the
// recount's query of every call as the rollups key it (call_rollups_sql).
std::string fill(std::string_view prefix, std::string_view calls_inner);

// Migration 13's table (answer times in a "millis" TEXT of exact "ms:n") and fill, their text
// as it was applied; and migration 15's conversion of that table to today's (each row's exact
// milliseconds become its histogram, the figures copied).
std::string table_v13(std::string_view prefix);
std::string fill_v13(std::string_view prefix, std::string_view calls_inner);
std::string convert_v15();

}  // namespace siaga::storage::sqlite::call_periods_sql
