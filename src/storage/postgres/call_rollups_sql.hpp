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

// Adds a batch's changes, in the caller's transaction.
result<void> flush(connection& c, const call_rollup_deltas& d);

}  // namespace siaga::storage::postgres::call_rollups_sql
