// The rollup tables of incidents, reports and dispatches (rollups_sql) read and written as
// whole rows of one jurisdiction (storage/rollup_rows.hpp): ../rollup_rows_sql.ipp, shared with
// SQLite, on this store's connection.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/rollup_rows.hpp"
#include "storage/store.hpp"

#include <string>

namespace siaga::storage::postgres::rollup_rows_sql {

// Every row of the jurisdiction in the rollup tables, both grains; rows of zero counts left out.
result<rollup_rows> read(connection& c, const std::string& jurisdiction_id);

// How many reports, incidents and dispatches the jurisdiction has.
result<record_counts> count_records(connection& c, const std::string& jurisdiction_id);

// Replaces every row of the jurisdiction in the rollup tables with rows, in the caller's
// transaction.
result<void> replace(connection& c, const std::string& jurisdiction_id, const rollup_rows& rows);

}  // namespace siaga::storage::postgres::rollup_rows_sql
