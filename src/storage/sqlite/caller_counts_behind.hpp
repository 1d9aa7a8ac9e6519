// The numbers' counters (caller_counts) written behind (issue 14): the writer keeps what each
// command adds to a number's counters in memory and writes them every flush_numbers numbers or
// flush_every, rather than with each call. Numbers are scattered, so every call touched a page of
// its own in caller_counts in every commit (a quarter of a bridge's commit, docs/benchmarks.md
// session 15); written behind, a number's page is written once per flush.
//
// What readers see is the table plus the counters committed but not yet written (committed_),
// under a shared lock that the writer takes exclusively while a COMMIT changes the table's share,
// so that a reader never counts a call twice or not at all. The writer sees its transaction's
// counters too.
//
// A crash loses the counters held in memory, never the calls: writer_state's flag says the table
// is behind (set in the commit that first leaves counters in memory, cleared in the one that
// writes them all), and the next writer that finds it set counts every number again from the
// calls before anything else. Only one writer process at a time writes behind (an exclusive lock
// on the file PATH-counters): a second (an import beside the server, `siaga stats rebuild`)
// writes its counters with each call as before, and its table changes add to the first's.
#pragma once

#include "storage/sqlite/caller_counts_sql.hpp"
#include "storage/sqlite/connection.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>

namespace siaga::storage::sqlite {

class caller_counts_behind {
 public:
  struct options {
    std::size_t flush_numbers = 20'000;  // 0: the counters written with each call (never behind)
    std::chrono::milliseconds flush_every{5000};
  };

  // Takes the exclusive lock of path's counters when flush_numbers > 0; without it the
  // counters are written with each call.
  caller_counts_behind(const std::string& path, options o);
  ~caller_counts_behind();
  caller_counts_behind(const caller_counts_behind&) = delete;
  caller_counts_behind& operator=(const caller_counts_behind&) = delete;

  // True when this writer keeps counters in memory (it holds the lock).
  bool behind() const { return lock_fd_.load(std::memory_order_acquire) >= 0; }
  // True when another writer of the file (a process, or a store of this one) holds the lock:
  // the table lacks what that writer holds, so it can neither be compared with the calls nor
  // have numbers erased from it. Tries to take the lock first (the other may have closed).
  bool held_elsewhere();

  // --- The writer's side, inside its transaction.

  // A call written: old is its row before (nullopt for an insert), now as written.
  result<void> call_written(connection& c, const std::optional<domain::call_record>& old,
                            const domain::call_record& now);
  // Calls inserted together (the bulk facet).
  result<void> calls_inserted(connection& c, const std::vector<domain::call_record>& calls);
  // Writes every counter held into the table within the running command, before something
  // reads or rewrites the table as a whole (an erasure of numbers, a recount). If the command
  // fails, its savepoint undoes the writes and command_failed keeps the counters held.
  result<void> settle(connection& c);
  void command_succeeded();
  void command_failed();
  // Before COMMIT: on the first batch, the flag of a previous writer's crash (then every number
  // is counted again); the counters written when a flush is due (closing: always); the numbers
  // whose calls moved recounted; the flag set or cleared.
  result<void> before_commit(connection& c, bool closing = false);
  // Runs COMMIT (commit_fn) and, when it succeeded, makes the batch's counters what readers
  // see, atomically for them when the COMMIT changed the table.
  template <class Commit>
  result<void> commit(Commit&& commit_fn) {
    if (!behind()) return commit_fn();
    if (table_changed_in_txn()) {
      std::unique_lock lock(mutex_);
      auto r = commit_fn();
      if (r) publish();
      return r;
    }
    auto r = commit_fn();
    if (r) {
      std::unique_lock lock(mutex_);
      publish();
    }
    return r;
  }
  // The batch's transaction rolled back: its counters are forgotten.
  void batch_lost();
  // Lets the lock go as the writer stops, after its last commit (held counters that could not
  // be written leave the flag set for the next writer). The counters are written with each
  // call from then on.
  void release();

  // --- Reads: the table's row plus the counters held. in_txn: the writer's own transaction,
  // whose counters it sees too.
  result<domain::caller_history> history(connection& c, const std::string& jurisdiction_id,
                                         const std::string& number, bool in_txn) const;

 private:
  using key = caller_counts_sql::number_key;
  using counts = std::map<key, caller_counts_sql::counted>;

  bool table_changed_in_txn() const { return committed_written_ || replaced_all_ || !recount_.empty(); }
  result<void> write(connection& c, bool with_committed);
  void try_lock();
  void publish();

  std::atomic<int> lock_fd_{-1};  // read by the readers' threads, changed by the writer's
  bool held_elsewhere_ = false;
  bool off_ = false;  // a database before migration 26: never behind
  std::chrono::steady_clock::time_point last_try_;
  std::string lock_path_;
  const options options_;

  mutable std::shared_mutex mutex_;
  counts committed_;  // committed calls' counters the table lacks; changed under mutex_ only

  // The writer's transaction.
  counts batch_;                // of the commands that succeeded
  counts command_;              // of the running command
  std::set<key> recount_;       // numbers to count again from their calls before COMMIT
  bool committed_written_ = false;  // committed_ written into the table in this transaction
  bool replaced_all_ = false;       // every number counted again in this transaction
  // settle's state before the running command, restored when the command fails.
  std::optional<std::pair<counts, bool>> before_settle_;
  bool checked_ = false;     // the previous writer's flag read (the first batch)
  bool flag_ = false;        // the flag as committed
  bool flag_in_txn_ = false;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

}  // namespace siaga::storage::sqlite
