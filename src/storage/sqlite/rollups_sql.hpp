// The statistics rollups (issue 10): per local day, the counts of incidents, reports and
// dispatches under their dimensions, and the dispatches' step durations as histogram buckets
// (domain::duration_histogram), kept exact by triggers in the same transaction as the change
// they count. stats_sql reads them; this file owns their schema and their rebuild.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::storage::sqlite::rollups_sql {

// The tables, their triggers, and their first fill from the rows already there (migration 7).
std::string schema();

// Counts every rollup again from the rows into temporary tables, compares them with the kept
// ones (a row of zero counts as no row), then replaces the kept ones with the recount. Runs in
// the caller's transaction.
result<std::vector<rollup_check>> rebuild(connection& c);

}  // namespace siaga::storage::sqlite::rollups_sql
