// The per-number call counters (issue 14 item 1, migrations 21 and 22): caller_counts holds,
// per jurisdiction and caller number, what caller_history shows (calls, by outcome, by
// classification, first and last ring), so that a ring costs the same whether the number called
// 3 or 3,000 times before. The writer keeps them in the same transaction as the call's change
// (call_written after an insert or update of a call, erasing before and after_erasure around an
// erasure of numbers); migration 21 kept them by triggers on calls, which made every write of a
// call three times as costly (docs/benchmarks.md), and migration 23 drops those triggers.
// Calls without a number ('' : withheld or erased) are counted nowhere; a call deleted by hand
// is left counted until `siaga stats rebuild` recounts.
// Beside them, directory_versions: a value per jurisdiction that triggers change on every
// change of the jurisdiction's row or its categories, so that caches of directory data
// (services' clock boards) know when to read again, on every node of one database (read by
// model_sql's directory_version, shared with the PostgreSQL store).
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::storage::sqlite::caller_counts_sql {

// Migration 21's SQL as it was applied: caller_counts, its triggers and its fill from the
// calls, the partial index of strikes (prank and ghost calls by number and ring time) that the
// prank policy's window reads, and directory_versions with its triggers.
std::string schema_v21();

// Migration 23's SQL: the three counting triggers of migration 21 dropped (the writer counts).
std::string schema_v23();

// Moves the counters after a call was written: old is the row as it was (nullopt for an
// insert), now the row as written. A call whose number, jurisdiction or ring time changed is
// taken from its old number (whose ring span is read again from its calls: two seeks, and its
// row dropped when no call is left) and added to its new one; otherwise only the figures that
// moved are written. Fails only when the store cannot be written.
result<void> call_written(connection& c, const std::optional<domain::call_record>& old,
                          const domain::call_record& now);

// call_written for each of a batch of calls just inserted (the bulk facet's insert_calls), with
// one row per number however many of its calls the batch holds, written by multi-row upserts.
// Fails only when the store cannot be written.
result<void> calls_inserted(connection& c, const std::vector<domain::call_record>& calls);

// An erasure of numbers (privacy_sql::erase_caller_numbers): erasing, before the calls lose
// their numbers, takes the calls of the scope (?1 jurisdiction, ?2 before, ?3 number or NULL
// for all) from their numbers' counters; after_erasure, once they have, reads the ring span of
// the numbers that had calls before ?2 again and drops those left without calls.
result<void> erasing(connection& c, const privacy_scope& scope);
result<void> after_erasure(connection& c, const privacy_scope& scope);

// The counters of a number (zeros and no ring times when it has no call).
result<domain::caller_history> history_of(connection& c, const std::string& jurisdiction_id,
                                          const std::string& number);

// Counts caller_counts again from the calls, reports how many rows were wrong, missing or
// extra, and keeps the recount (siaga stats rebuild).
result<rollup_check> rebuild(connection& c);

}  // namespace siaga::storage::sqlite::caller_counts_sql
