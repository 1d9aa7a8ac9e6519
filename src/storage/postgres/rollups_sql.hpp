// The statistics rollups (issue 10) in PostgreSQL (issue 13): the tables of
// storage/rollup_deltas.hpp (migration 6), the writer's flush of a batch's changes before its
// commit (storage/rollups_flush.ipp, shared with SQLite), and the recounts done in C++ through
// the same rollup_deltas as the writer (a category whose limits changed, a calendar that
// changed, siaga stats rebuild), so that local days, working-day deadlines and histogram
// buckets have one implementation. stats_sql reads them.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/rollup_deltas.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage::postgres::rollups_sql {

// Migration 14: the five rollup tables (rollup_table_names), empty. The recount is C++ (the
// keeper's own arithmetic), not SQL, so the migration cannot fill them: a database with rows
// written before it needs `siaga stats rebuild` once (README: left).
std::string_view schema_v14();

// Adds a batch's changes to the rollups (one upsert per changed row), in the caller's
// transaction.
result<void> flush(connection& c, const rollup_deltas& d);

// The category of an incident; nullopt when there is no such incident.
result<std::optional<std::string>> category_of_incident(connection& c, const std::string& incident_id);

// Counts the step rows of a category's dispatches again, against its limits and its
// jurisdiction's calendar as they are now. Call after flush: it replaces what the flushed
// changes wrote for that category.
result<void> recount_category_steps(connection& c, const std::string& jurisdiction_id, const std::string& category_id);

// Counts the step rows of the jurisdiction's categories with a limit in working days again
// (its calendar changed). Call after flush.
result<void> recount_working_day_steps(connection& c, const std::string& jurisdiction_id);

// Counts every rollup of every jurisdiction again from the rows, compares the recount with the
// kept rows (a row of zero counts as no row) and keeps the recount. Runs in the caller's
// transaction.
result<std::vector<rollup_check>> rebuild(connection& c);

}  // namespace siaga::storage::postgres::rollups_sql
