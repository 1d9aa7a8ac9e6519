// The per-number call counters (issue 14 item 1, migration 21): caller_counts holds, per
// jurisdiction and caller number, what caller_history shows (calls, by outcome, by
// classification, first and last ring), kept by triggers on calls in the same statement as
// the call's change (insert, outcome or classification change, a number erased or changed,
// a delete), so that a ring costs the same whether the number called 3 or 3,000 times before.
// Calls without a number ('' : withheld or erased) are counted nowhere.
// Beside them, directory_versions: a value per jurisdiction that triggers change on every
// change of the jurisdiction's row or its categories, so that caches of directory data
// (services' clock boards) know when to read again, on every node of one database (read by
// model_sql's directory_version, shared with the PostgreSQL store).
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>

namespace siaga::storage::sqlite::caller_counts_sql {

// Migration 21's SQL: caller_counts, its triggers and its fill from the calls, the partial
// index of strikes (prank and ghost calls by number and ring time) that the prank policy's
// window reads, and directory_versions with its triggers.
std::string schema_v21();

// The counters of a number (zeros and no ring times when it has no call).
result<domain::caller_history> history_of(connection& c, const std::string& jurisdiction_id,
                                          const std::string& number);

// Counts caller_counts again from the calls, reports how many rows were wrong, missing or
// extra, and keeps the recount (siaga stats rebuild).
result<rollup_check> rebuild(connection& c);

}  // namespace siaga::storage::sqlite::caller_counts_sql
