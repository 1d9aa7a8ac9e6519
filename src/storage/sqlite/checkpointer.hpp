// The WAL checkpoint off the writer thread (issue 14 item 3). SQLite's auto-checkpoint copies the
// write-ahead log back into the database file inside the COMMIT that passes 1,000 pages, on the
// writer thread (7 % of the replay's ingestion, 9 % of `siaga import calls`). With a checkpointer
// the writer's auto-checkpoint is off; a hook on the writer's commits (sqlite3_wal_hook) tells a
// thread of its own, with a connection of its own, when to run wal_checkpoint(PASSIVE): it copies
// what no reader still needs, never waits, never blocks the writer. SQLite starts the WAL again
// from its beginning only when a write transaction begins with every frame copied back, which
// under steady writes never follows the thread's copy (the writer committed more meanwhile): so
// the commit after each of the thread's checkpoints runs a passive one on the writer itself,
// right after it (finish: only the frames committed during the thread's copy), and the next
// transaction starts the WAL again. Under a bridge's large batches the frames committed during
// the copy are a whole commit (10 MB of a telephony batch of 2,048 events): the writer copied
// every other commit itself. So when more than half a threshold came during the copy, it
// finishes only once the WAL holds a quarter of its limit (64 MiB by default); until then the
// thread copies each threshold of new frames. Small commits keep the WAL short (a long one
// slowed creation with 64 consoles by 8 %). Without that the WAL grew to its limit under steady
// writes and its truncation stalled the writer for up to 100 ms (docs/benchmarks.md, session 13).
// When readers kept the WAL from starting again all the same, the file would grow without bound:
// at the limit the hook runs wal_checkpoint(TRUNCATE) on the writer itself, right after its
// commit, as SQLite's auto-checkpoint would (rare, mostly copied already by the passive ones; it
// waits at most truncate_wait_ms for the readers, then tries again a threshold later). On the checkpointer's thread it would contend for the write lock with a
// writer that is never idle for long, and lose (measured in sqlite_store_test). Should the
// checkpointer fall a whole limit behind (its fsyncs slower than the writer's commits), the
// commit that reaches the limit waits for it: the WAL stays bounded. Internal to sqlite_store.cpp.
#pragma once

#include "storage/sqlite/connection.hpp"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace siaga::storage::sqlite {

// What a commit asks for: nothing, a passive checkpoint (on the checkpointer's thread), the
// passive one that finishes it (on the writer, after the thread's ended), a truncating one (on
// the writer), or, at the limit while a passive one is still running, that the writer wait for
// it and ask again.
enum class checkpoint_kind { none, passive, finish, truncate, wait };

// When to checkpoint, from the number of frames in the WAL after each commit (pure; the
// checkpointer calls it under its lock). A passive checkpoint each time passive_pages new frames
// were written since the last one (a WAL that restarted from its beginning starts the count
// again); after a passive one that ended, a finish at the next commit when at most half of
// passive_pages frames came since it was asked for, or when the WAL holds at least
// restart_pages frames (a quarter of truncate_pages, at least passive_pages); a truncating one when
// the WAL holds truncate_pages frames (at least twice passive_pages), tried again after another
// passive_pages frames when the readers kept it from finishing. At most one checkpoint is asked
// for until the last one is reported; a commit that reaches the limit meanwhile gets wait.
class checkpoint_policy {
 public:
  // passive_pages >= 1; truncate_pages is raised to 2 * passive_pages when below.
  checkpoint_policy(std::int64_t passive_pages, std::int64_t truncate_pages);

  // A commit left wal_frames frames in the WAL: the checkpoint to run now, if any.
  checkpoint_kind committed(std::int64_t wal_frames);
  // The checkpoint last asked for ended: finished is false when it could not complete (SQLITE_BUSY:
  // a reader still used the WAL, or another checkpoint ran).
  void checkpointed(checkpoint_kind kind, bool finished);
  // Changes the passive threshold (siaga import calls raises it for its run); keeps the rest.
  void set_passive_pages(std::int64_t pages);

  std::int64_t passive_pages() const { return passive_; }
  bool in_flight() const { return in_flight_; }
  std::int64_t truncate_pages() const { return std::max(truncate_, 2 * passive_); }
  // The WAL's frames from which the writer finishes a passive checkpoint that ended (and the WAL
  // starts again at the next transaction).
  std::int64_t restart_pages() const { return std::max(truncate_pages() / 4, passive_); }

 private:
  std::int64_t passive_;
  std::int64_t truncate_;
  std::int64_t frames_ = 0;        // the WAL's frames at the last commit
  std::int64_t mark_ = 0;          // the WAL's frames when the last passive checkpoint was asked for
  std::int64_t asked_at_ = 0;      // the WAL's frames when the checkpoint in flight was asked for
  std::int64_t retry_truncate_ = 0;  // a failed truncation is tried again from this many frames
  bool in_flight_ = false;
  bool finish_next_ = false;       // the thread's passive checkpoint ended and none was asked since
};

// What the checkpointer has done since it started; for tests and monitoring.
struct checkpoint_counts {
  std::int64_t passive = 0;         // passive checkpoints run
  std::int64_t finished = 0;        // passive checkpoints on the writer that finished a passive one
  std::int64_t truncated = 0;       // truncating checkpoints (on the writer) that emptied the WAL
  std::int64_t truncate_busy = 0;   // truncating checkpoints the readers (or the writer's own
                                    // statement still running) kept from finishing
  std::int64_t failed = 0;          // checkpoints that failed otherwise (logged)
  std::int64_t writer_waits = 0;    // commits that reached the limit and waited for a passive one
};

class checkpointer {
 public:
  // Opens a connection of its own to path, turns the writer's auto-checkpoint off, hooks its
  // commits and starts the thread. synchronous_full as the writer's (the checkpoint syncs the
  // WAL before it copies and the database after). Fails with storage_failure when the
  // connection cannot be opened.
  // writer_busy_ms: the writer's busy timeout, set back after a truncation.
  static result<std::unique_ptr<checkpointer>> start(const std::string& path, connection& writer,
                                                     checkpoint_policy policy, bool synchronous_full,
                                                     int writer_busy_ms);

  // How long a truncation on the writer waits for the readers before it gives up.
  static constexpr int truncate_wait_ms = 100;

  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;
  // stop().
  ~checkpointer();

  // Unhooks the writer (which must not be committing: call after its thread stopped), lets a
  // checkpoint in progress end and joins the thread. Idempotent.
  void stop();

  // As checkpoint_policy::set_passive_pages; nullopt sets back the threshold it started with.
  // Safe from any thread.
  void set_passive_pages(std::optional<std::int64_t> pages);
  // The policy's passive threshold; safe from any thread.
  std::int64_t passive_pages() const;
  checkpoint_counts counts() const;

 private:
  checkpointer(std::unique_ptr<connection> conn, connection& writer, checkpoint_policy policy, int writer_busy_ms);
  static int on_commit(void* self, sqlite3* db, const char* name, int frames);
  void truncate_on_writer(sqlite3* db);
  void finish_on_writer(sqlite3* db);
  void run();

  std::unique_ptr<connection> conn_;  // used by the thread only
  connection& writer_;
  const int writer_busy_ms_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;      // the thread: a passive checkpoint is asked for, or stop
  std::condition_variable reported_;  // the writer at the limit: the passive one in flight ended
  checkpoint_policy policy_;        // guarded by mutex_
  const std::int64_t configured_passive_;
  checkpoint_kind asked_ = checkpoint_kind::none;  // guarded by mutex_
  checkpoint_counts counts_;        // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  bool hooked_ = false;
  std::thread thread_;
};

}  // namespace siaga::storage::sqlite
