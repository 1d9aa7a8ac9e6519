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

#include <array>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace siaga::storage::sqlite::caller_counts_sql {

// What one call adds to its number's counters: calls, by outcome, by classification, in the
// table's column order.
using call_figures = std::array<std::int64_t, 10>;
call_figures figures_of(const domain::call_record& r);

// calls.ring_at as the store writes it: the ring, or the creation before one came.
timestamp stored_ring(const domain::call_record& r);

// Figures to add to a number's counters (negative ones take away) and the ring span to widen
// its row to (none: the span is left as it is).
struct counted {
  call_figures figures{};
  std::optional<timestamp> first;
  std::optional<timestamp> last;

  // Adds other's figures and widens the span to hold other's.
  void merge(const counted& other);
  bool empty() const;
};
using number_key = std::pair<std::string, std::string>;  // jurisdiction id, number

// What a call's change does to its numbers' counters: its old number's figures taken away
// (respan: that number's ring span read again from its calls, which alone know it) when the
// number, jurisdiction or ring time changed, and its figures added to its number; or, when only
// the outcome or classification changed, the difference. Empty when nothing counted moved.
struct counter_move {
  number_key number;
  counted by;
  bool respan = false;
};
std::vector<counter_move> moves_of(const std::optional<domain::call_record>& old, const domain::call_record& now);

// A history (caller_history_of's) with what is added to it.
void add_to(domain::caller_history& h, const counted& c);

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

// Adds each number's figures to its row (made when missing) and widens its span, with
// multi-row upserts: the counters written behind (caller_counts_behind.hpp). Fails only when
// the store cannot be written.
result<void> add_counted(connection& c, const std::vector<std::pair<const number_key*, const counted*>>& rows);

// The rows of these numbers counted again from their calls (dropped when none is left): after a
// call moved between numbers or changed its ring time, whose old span only the calls know.
result<void> recount(connection& c, const std::set<number_key>& numbers);

// Migration 26's SQL: writer_state, a row per name, and its caller_counts_behind flag (1 while a
// writer holds counters in memory that the table lacks).
std::string schema_v26();
// The flag; "no such table" (a database before migration 26) reads as nullopt.
result<std::optional<bool>> behind_flag(connection& c);
result<void> set_behind_flag(connection& c, bool behind);

// The counters of a number (zeros and no ring times when it has no call).
result<domain::caller_history> history_of(connection& c, const std::string& jurisdiction_id,
                                          const std::string& number);

// Counts caller_counts again from the calls, reports how many rows were wrong, missing or
// extra, and keeps the recount (siaga stats rebuild).
result<rollup_check> rebuild(connection& c);

}  // namespace siaga::storage::sqlite::caller_counts_sql
