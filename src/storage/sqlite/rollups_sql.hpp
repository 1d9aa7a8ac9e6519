// The statistics rollups (issue 10) in SQLite: the tables of storage/rollup_deltas.hpp, the
// writer's flush of a batch's changes before its commit, and the recount in SQL (first fill,
// rebuild, a category whose limits changed). stats_sql reads them.
#pragma once

#include "storage/rollup_deltas.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <optional>

#include <string>
#include <vector>

namespace siaga::storage::sqlite::rollups_sql {

// The tables and their first fill from the rows already there, as migration 7 made them
// (frozen: rollups_v7_sql.cpp).
std::string_view schema_v7();
// Migration 16: roll_incidents again with dispatched, roll_dispatch_steps again with the
// dispatch's status and limits in working days, and roll_incident_grains, each filled from the
// rows already there.
std::string schema_v16();
// Migration 22: roll_dispatch_steps again with its histograms packed (BLOB of varints,
// domain::duration_histogram::pack) instead of text, a third of the size, converted row by row.
std::string pack_step_histograms();

// Adds a batch's changes to the rollups (one upsert per changed row), in the caller's
// transaction.
result<void> flush(connection& c, const rollup_deltas& d);

// The category of an incident; nullopt when there is no such incident.
result<std::optional<std::string>> category_of_incident(connection& c, const std::string& incident_id);

// Counts the step rows of a category's dispatches again, against its limits as they are now.
// Call after flush: it replaces what the flushed changes wrote for that category.
result<void> recount_category_steps(connection& c, const std::string& jurisdiction_id, const std::string& category_id);

// Counts the step rows of the jurisdiction's categories with a limit in working days again
// (its calendar changed: weekend days, holidays or zone). Call after flush.
result<void> recount_working_day_steps(connection& c, const std::string& jurisdiction_id);

// Counts every rollup again from the rows into temporary tables, compares them with the kept
// ones (a row of zero counts as no row), then replaces the kept ones with the recount. Runs in
// the caller's transaction.
result<std::vector<rollup_check>> rebuild(connection& c);

}  // namespace siaga::storage::sqlite::rollups_sql
