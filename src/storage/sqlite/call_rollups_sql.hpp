// The call rollups (issue 10) in SQLite: the tables of storage/call_rollup_deltas.hpp, the
// writer's flush of a batch's changes before its commit, the recount in SQL (first fill at
// migration 10, rebuild) and the reads behind call statistics. Kept apart from rollups_sql so
// that the call rollups are built and rebuilt on their own.
#pragma once

#include "storage/call_rollup_deltas.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::storage::sqlite::call_rollups_sql {

// Migration 10: the tables (roll_calls, and roll_call_waits of exact answer times per second),
// the index that finds a report's calls, and their first fill; its text as it was applied.
std::string schema_v10();

// Migration 13: the call period rollups' table (call_periods_sql) and its first fill from the
// calls; its text as it was applied.
std::string schema_v13();

// Migration 15: roll_call_answers (per local hour or month × agent × line, the answer times as
// a domain::millis_histogram) made from roll_call_waits' exact milliseconds, which it drops, and
// roll_call_periods' exact milliseconds turned into histograms; no call is read again. Its text
// must stay as it is once applied: a later change of these tables is a new migration.
std::string schema_v15();

// Adds a batch's changes (day rows and month rows, and the period rows), in the caller's
// transaction (../call_rollups_flush.ipp, shared with PostgreSQL).
result<void> flush(connection& c, const call_rollup_deltas& d);

// A call as the rollups count it, with its dispatched flag as the rows stand now.
result<call_stat_row> stat_row_of(connection& c, const domain::call_record& r);
// The calls of a report, and of the reports of an incident, as the rollups count them (their
// dispatched flag as the rows stand now), each with its jurisdiction.
result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_report(connection& c, const std::string& report_id);
result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_incident(connection& c,
                                                                            const std::string& incident_id);
// Whether an incident has been dispatched to the field (first_dispatched_at set); false for
// none.
result<bool> incident_dispatched(connection& c, const std::optional<std::string>& incident_id);

// Counts the call rollups (the period rollups too) again from the calls, compares them with the kept ones (a row of
// zero counts as no row), then keeps the recount. Runs in the caller's transaction.
result<std::vector<rollup_check>> rebuild(connection& c);

result<std::vector<call_rollup_row>> counts(connection& c, const call_rollup_range& range);
result<std::vector<call_answer_row>> answer_histograms(connection& c, const call_rollup_range& range);
// The call period rollups' rows of a range, by day and hour (calls_store.hpp, call_period_rollups).
result<std::vector<call_period_row>> period_rows(connection& c, const call_rollup_range& range);

}  // namespace siaga::storage::sqlite::call_rollups_sql
