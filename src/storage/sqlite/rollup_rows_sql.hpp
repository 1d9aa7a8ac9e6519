// The rollup tables of incidents, reports and dispatches (rollups_sql) read and written as
// whole rows of one jurisdiction (storage/rollup_rows.hpp), for `siaga stats rebuild` to
// compare them with a replay of the event log and keep the replayed ones.
#pragma once

#include "storage/rollup_rows.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>

namespace siaga::storage::sqlite::rollup_rows_sql {

// Every row of the jurisdiction in the rollup tables (rollup_table_names), both grains; rows of zero counts are left
// out (they are the same as no row).
result<rollup_rows> read(connection& c, const std::string& jurisdiction_id);

// How many reports, incidents and dispatches the jurisdiction has.
result<record_counts> count_records(connection& c, const std::string& jurisdiction_id);

// Replaces every row of the jurisdiction in the rollup tables (rollup_table_names) with rows, in the caller's
// transaction.
result<void> replace(connection& c, const std::string& jurisdiction_id, const rollup_rows& rows);

}  // namespace siaga::storage::sqlite::rollup_rows_sql
