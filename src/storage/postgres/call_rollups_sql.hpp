// The call rollups (issue 10) in PostgreSQL (issue 13): the calls as the rollups count them
// (../call_rollup_rows.ipp, shared with SQLite), the writer's flush of a batch's changes and
// the reads behind call statistics.
#pragma once

#include "storage/call_rollup_deltas.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace siaga::storage::postgres::call_rollups_sql {

// A call as the rollups count it, with its dispatched flag as the rows stand now.
result<call_stat_row> stat_row_of(connection& c, const domain::call_record& r);
// The calls of a report, and of the reports of an incident, as the rollups count them, each
// with its jurisdiction.
result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_report(connection& c, const std::string& report_id);
result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_incident(connection& c,
                                                                            const std::string& incident_id);
// Whether an incident has been dispatched to the field; false for none.
result<bool> incident_dispatched(connection& c, const std::optional<std::string>& incident_id);

// Migration 15: roll_calls, roll_call_answers and roll_call_periods (SQLite's 10, 13 and 15),
// empty, and the index that finds a report's calls. The recount is C++ (rebuild): a database
// with calls written before it needs `siaga stats rebuild` once.
std::string_view schema_v15();

// Adds a batch's changes (hour and month rows, the period rows), in the caller's transaction
// (../call_rollups_flush.ipp, shared with SQLite).
result<void> flush(connection& c, const call_rollup_deltas& d);

// Counts the call rollups again from the calls (every jurisdiction's, through
// call_rollup_deltas and flush: the writer's own arithmetic), compares them with the kept ones
// (a row of zero counts as no row) and keeps the recount. Runs in the caller's transaction.
result<std::vector<rollup_check>> rebuild(connection& c);

// The reads behind the call statistics (calls_store.hpp).
result<std::vector<call_rollup_row>> counts(connection& c, const call_rollup_range& range);
result<std::vector<call_answer_row>> answer_histograms(connection& c, const call_rollup_range& range);
result<std::vector<call_period_row>> period_rows(connection& c, const call_rollup_range& range);

}  // namespace siaga::storage::postgres::call_rollups_sql
