// What is particular to the SQLite backend; the shared contract is in storage/store_test.cpp.
#include "storage/sqlite/sqlite_store.hpp"

#include "storage/sqlite/migrations.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace siaga::storage::sqlite {
namespace {

template <class T>
std::string code_of(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code));
}

// Rows of a query on a raw connection, each row's columns joined by '|'.
std::vector<std::string> query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int n, char** values, char**) {
          std::string row;
          for (int i = 0; i < n; ++i) row += (i ? "|" : "") + std::string(values[i] ? values[i] : "NULL");
          static_cast<std::vector<std::string>*>(out)->push_back(row);
          return 0;
        },
        &rows, nullptr);
  }
  sqlite3_close(db);
  return rows;
}

class sqlite_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    static int serial = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("siaga-sqlite-test-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".db"))
                .string();
    remove_files();
  }
  void TearDown() override { remove_files(); }
  void remove_files() {
    for (auto suffix : {"", "-wal", "-shm", "-counters"}) std::filesystem::remove(path_ + suffix);
  }

  std::string path_;
};

TEST_F(sqlite_store_test, open_refuses_databases_that_readers_cannot_share) {
  for (std::string path : {":memory:", "", "file::memory:?cache=shared"}) {
    auto opened = open({.path = path});
    ASSERT_FALSE(opened) << path;
    EXPECT_EQ(opened.error().code, core::errc::invalid_input) << path;
  }
  EXPECT_EQ(code_of(open({.path = path_, .max_batch = 0})), "invalid_input");
  EXPECT_EQ(code_of(open({.path = "/nonexistent-dir/x/siaga.db"})), "storage_failure");
  for (std::string uri : {"postgresql://siaga@db1,db2/siaga", "postgres://localhost/siaga"}) {
    auto opened = open({.path = uri});
    ASSERT_FALSE(opened) << uri;
    EXPECT_EQ(opened.error().code, core::errc::invalid_input) << uri;
    EXPECT_NE(opened.error().message.find("PostgreSQL"), std::string::npos) << opened.error().message;
    EXPECT_FALSE(std::filesystem::exists(uri)) << "no file is made of a connection string";
  }
  EXPECT_EQ(code_of(open({.path = path_, .cache_mib = 0})), "invalid_input");
  EXPECT_EQ(code_of(open({.path = path_, .mmap_mib = -1})), "invalid_input");
}

TEST_F(sqlite_store_test, the_writer_gets_the_page_cache_and_memory_mapping_asked_for) {
  auto s = open({.path = path_, .cache_mib = 48, .mmap_mib = 16}).value();
  EXPECT_EQ(s->applied_tuning().cache_kib, 48 * 1024);
  EXPECT_EQ(s->applied_tuning().mmap_bytes, 16 * 1024 * 1024);
  s->close();
  auto off = open({.path = path_, .cache_mib = 1, .mmap_mib = 0}).value();
  EXPECT_EQ(off->applied_tuning().cache_kib, 1024);
  EXPECT_EQ(off->applied_tuning().mmap_bytes, 0);
  off->close();
}

TEST_F(sqlite_store_test, the_database_is_in_wal_mode_and_migrations_are_recorded) {
  auto s = open({.path = path_}).value();
  ASSERT_EQ(s->migrate().value(), static_cast<int>(all_migrations().size()));
  EXPECT_EQ(query(path_, "PRAGMA journal_mode"), (std::vector<std::string>{"wal"}));
  std::vector<std::string> expected;
  for (const auto& m : all_migrations()) expected.push_back(std::to_string(m.version) + "|" + std::string(m.name));
  EXPECT_EQ(query(path_, "SELECT version, name FROM schema_migrations ORDER BY version"), expected);
  EXPECT_EQ(query(path_, "SELECT COUNT(*) FROM schema_migrations WHERE applied_at > 1700000000000000"),
            (std::vector<std::string>{std::to_string(all_migrations().size())}));
  s->close();
}

TEST_F(sqlite_store_test, migration_21_counts_the_calls_already_there_and_the_strike_window_reads_an_index) {
  auto s = open({.path = path_}).value();
  ASSERT_EQ(code_of(s->migrate()), "ok");
  s->close();
  // A database as migration 20 left it, with calls: migration 21's objects dropped (its
  // counting triggers are gone since migration 23), the calls written without counters.
  query(path_,
        "DROP TABLE caller_counts; DROP INDEX calls_strikes; DROP TABLE directory_versions; "
        "DROP TRIGGER jurisdictions_directory_insert; DROP TRIGGER jurisdictions_directory_update; "
        "DROP TRIGGER jurisdictions_directory_delete; DROP TRIGGER categories_directory_insert; "
        "DROP TRIGGER categories_directory_update; DROP TRIGGER categories_directory_delete; "
        "DROP TABLE idempotency_keys; DROP TABLE writer_state; "
        "DROP INDEX callbacks_waiting_by_caller; CREATE INDEX callbacks_by_caller ON callbacks (jurisdiction_id, caller); "
        "DELETE FROM schema_migrations WHERE version >= 21; "
        "INSERT INTO jurisdictions (id, code, name, timezone, incident_prefix) VALUES ('j1', '81.71', 'Ambon', "
        "'Asia/Jayapura', 'AMB'); "
        "INSERT INTO calls (id, jurisdiction_id, external_id, caller, ring_at, outcome, classification, created_at, "
        "updated_at) VALUES ('c1', 'j1', 'p1', '+62811', 100, 'answered', 'prank', 0, 0), "
        "('c2', 'j1', 'p2', '+62811', 50, 'abandoned', NULL, 0, 0), "
        "('c3', 'j1', 'p3', '+62811', 300, 'answered', 'valid', 0, 0), "
        "('c4', 'j1', 'p4', '+62822', 200, 'missed', NULL, 0, 0), "
        "('c5', 'j1', 'p5', '', 400, 'answered', 'ghost', 0, 0)");
  ASSERT_EQ(query(path_, "SELECT count(*) FROM schema_migrations WHERE version = 21"), (std::vector<std::string>{"0"}));
  s = open({.path = path_}).value();
  // 21 counts the calls there, 22 packs the (here empty) step histograms, 23 drops 21's triggers,
  // 24 adds the Idempotency-Keys, 25 indexes the waiting callbacks by number, 26 the writer's
  // state.
  ASSERT_EQ(s->migrate().value(), 6);
  EXPECT_EQ(query(path_, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'calls_count_%'"),
            (std::vector<std::string>{"0"}));
  EXPECT_EQ(query(path_, "SELECT * FROM caller_counts ORDER BY number"),
            (std::vector<std::string>{"j1|+62811|3|2|1|0|1|1|0|0|0|0|50|300", "j1|+62822|1|0|0|1|0|0|0|0|0|0|200|200"}));
  auto h = s->reader().caller_history_of("j1", "+62811");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->calls, 3);
  EXPECT_EQ(h->prank, 1);
  EXPECT_EQ(h->first_call_at, core::from_micros(50));
  EXPECT_EQ(h->last_call_at, core::from_micros(300));
  // The jurisdiction already there has a directory version.
  EXPECT_NE(s->reader().directory_version("j1").value(), 0);
  s->close();

  // The strike window is read from the strikes' own index, bounded by the window; a number's
  // counters are one row; its ring span after a change two seeks.
  auto plan = [&](const std::string& sql) {
    std::string out;
    for (const auto& row : query(path_, "EXPLAIN QUERY PLAN " + sql)) out += row + "\n";
    return out;
  };
  auto strikes = plan(
      "SELECT ring_at FROM calls WHERE jurisdiction_id = 'j1' AND caller = '+62811' AND ring_at > 0 "
      "AND classification IN ('prank', 'ghost') ORDER BY ring_at");
  EXPECT_NE(strikes.find("COVERING INDEX calls_strikes (jurisdiction_id=? AND caller=? AND ring_at>?)"),
            std::string::npos)
      << strikes;
  auto counters = plan("SELECT * FROM caller_counts WHERE jurisdiction_id = 'j1' AND number = '+62811'");
  EXPECT_NE(counters.find("USING PRIMARY KEY (jurisdiction_id=? AND number=?)"), std::string::npos) << counters;
  auto span = plan("SELECT MIN(ring_at) FROM calls WHERE jurisdiction_id = 'j1' AND caller = '+62811'");
  EXPECT_NE(span.find("COVERING INDEX calls_by_caller (jurisdiction_id=? AND caller=?)"), std::string::npos) << span;
  // Whether a bulk's calls are all a number has (reconcile_callbacks): the index's entries, not
  // the table's rows.
  auto capped = plan(
      "SELECT COUNT(*) FROM (SELECT 1 FROM calls WHERE jurisdiction_id = 'j1' AND caller = '+62811' LIMIT 3) AS "
      "capped");
  EXPECT_NE(capped.find("COVERING INDEX calls_by_caller (jurisdiction_id=? AND caller=?)"), std::string::npos)
      << capped;
  // A number's waiting callbacks (the caller's card) from migration 25's partial index, as
  // list_callbacks asks for them; its tasks in any status through its calls.
  auto waiting = plan(
      "SELECT id FROM callbacks WHERE jurisdiction_id = 'j1' AND status IN ('open', 'in_progress') AND "
      "status IN ('open', 'in_progress') AND caller = '+62811' ORDER BY due_at, id");
  EXPECT_NE(waiting.find("INDEX callbacks_waiting_by_caller (jurisdiction_id=? AND caller=?)"), std::string::npos)
      << waiting;
  auto any = plan(
      "SELECT id FROM callbacks WHERE jurisdiction_id || '' = 'j1' AND call_id IN (SELECT id FROM calls WHERE "
      "jurisdiction_id = 'j1' AND caller = '+62811') ORDER BY due_at, id");
  EXPECT_NE(any.find("calls_by_caller (jurisdiction_id=? AND caller=?)"), std::string::npos) << any;
  EXPECT_NE(any.find("(call_id=?)"), std::string::npos) << any;
}

TEST_F(sqlite_store_test, migrate_refuses_a_database_from_a_newer_program) {
  auto s = open({.path = path_}).value();
  ASSERT_EQ(code_of(s->migrate()), "ok");
  query(path_, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
  auto again = s->migrate();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::errc::storage_failure);
  EXPECT_NE(again.error().message.find("999"), std::string::npos) << again.error().message;
  s->close();
}

TEST_F(sqlite_store_test, a_batch_holds_at_most_max_batch_commands) {
  auto s = open({.path = path_, .max_batch = 4}).value();
  ASSERT_EQ(code_of(s->migrate()), "ok");
  constexpr int commands = 200;
  std::latch finished(commands);
  // The first command holds the writer until everything else is queued, so that every
  // later batch could be as large as the queue.
  std::latch queued(1);
  s->submit(
      [&](store_txn&) -> result<void> {
        queued.wait();
        return {};
      },
      [&](result<void>) { finished.count_down(); });
  for (int n = 1; n < commands; ++n) {
    s->submit([](store_txn&) -> result<void> { return {}; }, [&](result<void>) { finished.count_down(); });
  }
  queued.count_down();
  finished.wait();
  auto stats = s->stats();
  EXPECT_EQ(stats.commands, commands);
  EXPECT_GE(stats.batches, commands / 4);
  EXPECT_LT(stats.batches, commands / 2) << "the queue was drained in full batches";
  s->close();
}

TEST_F(sqlite_store_test, commands_before_migrate_fail_without_harming_the_store) {
  auto s = open({.path = path_}).value();
  auto early = s->write([](store_txn& t) {
    return t.insert_jurisdiction({"j1", "81.71", "Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
  });
  EXPECT_EQ(code_of(early), "storage_failure");
  ASSERT_EQ(code_of(s->migrate()), "ok");
  EXPECT_EQ(code_of(s->write([](store_txn& t) {
              return t.insert_jurisdiction({"j1", "81.71", "Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
            })),
            "ok");
  EXPECT_TRUE(s->reader().find_jurisdiction("j1").value());
  s->close();
}

TEST(checkpoint_policy, asks_for_a_passive_checkpoint_each_threshold_of_new_frames) {
  checkpoint_policy p(100, 1000);
  EXPECT_EQ(p.committed(40), checkpoint_kind::none);
  EXPECT_EQ(p.committed(99), checkpoint_kind::none);
  EXPECT_EQ(p.committed(130), checkpoint_kind::passive);
  // One at a time: nothing more is asked for until it is reported.
  EXPECT_EQ(p.committed(200), checkpoint_kind::none);
  p.checkpointed(checkpoint_kind::passive, true);
  // 80 frames came since it was asked for (more than half a threshold: a bridge's large
  // commit), and the WAL is short of restart_pages (a quarter of the limit): no finish on the
  // writer; the thread goes on copying each threshold.
  EXPECT_EQ(p.restart_pages(), 250);
  EXPECT_EQ(p.committed(210), checkpoint_kind::none);
  EXPECT_EQ(p.committed(230), checkpoint_kind::passive);
  p.checkpointed(checkpoint_kind::passive, true);
  // 30 frames since: the commit finishes it on the writer (the frames committed while the
  // thread copied), once: the WAL starts again at the next transaction.
  EXPECT_EQ(p.committed(260), checkpoint_kind::finish);
  EXPECT_EQ(p.committed(265), checkpoint_kind::none);
  p.checkpointed(checkpoint_kind::finish, true);
  // Readers kept the WAL from starting again: counted from where the last passive one was asked
  // for (230), not from zero, and no finish before another passive one ended.
  EXPECT_EQ(p.committed(329), checkpoint_kind::none);
  EXPECT_EQ(p.committed(330), checkpoint_kind::passive);
  // A passive one that could not run (another checkpoint held the lock) is not finished.
  p.checkpointed(checkpoint_kind::passive, false);
  EXPECT_EQ(p.committed(331), checkpoint_kind::none);
  EXPECT_EQ(p.committed(430), checkpoint_kind::passive);
  p.checkpointed(checkpoint_kind::passive, true);
  // 70 frames since it was asked for, but the WAL holds restart_pages: finished all the same.
  EXPECT_EQ(p.committed(500), checkpoint_kind::finish);
  p.checkpointed(checkpoint_kind::finish, true);
  // The writer started the WAL again from its beginning: counted from zero again.
  EXPECT_EQ(p.committed(20), checkpoint_kind::none);
  EXPECT_EQ(p.committed(99), checkpoint_kind::none);
  EXPECT_EQ(p.committed(100), checkpoint_kind::passive);
}

TEST(checkpoint_policy, empties_the_wal_at_its_limit_and_after_readers_kept_it_only_later) {
  checkpoint_policy p(100, 1000);
  EXPECT_EQ(p.committed(100), checkpoint_kind::passive);
  p.checkpointed(checkpoint_kind::passive, true);
  // Readers kept the WAL from starting again: it grew to the limit.
  EXPECT_EQ(p.committed(1000), checkpoint_kind::truncate);
  p.checkpointed(checkpoint_kind::truncate, false);
  // Not again at every commit: a passive threshold later, and passive ones stop meanwhile.
  EXPECT_EQ(p.committed(1050), checkpoint_kind::none);
  EXPECT_EQ(p.committed(1099), checkpoint_kind::none);
  EXPECT_EQ(p.committed(1100), checkpoint_kind::truncate);
  p.checkpointed(checkpoint_kind::truncate, true);
  // Emptied: the next frames count from zero.
  EXPECT_EQ(p.committed(60), checkpoint_kind::none);
  EXPECT_EQ(p.committed(100), checkpoint_kind::passive);
  // The passive one still runs when the WAL reaches the limit: that commit waits for it.
  EXPECT_EQ(p.committed(999), checkpoint_kind::none);
  EXPECT_EQ(p.committed(1000), checkpoint_kind::wait);
  EXPECT_TRUE(p.in_flight());
  p.checkpointed(checkpoint_kind::passive, true);
  EXPECT_EQ(p.committed(1000), checkpoint_kind::truncate);
  p.checkpointed(checkpoint_kind::truncate, true);
  EXPECT_EQ(p.committed(60), checkpoint_kind::none);
  EXPECT_EQ(p.committed(100), checkpoint_kind::passive);
}

TEST(checkpoint_policy, the_limit_stays_twice_the_threshold_when_the_threshold_is_raised) {
  checkpoint_policy p(100, 300);
  EXPECT_EQ(p.truncate_pages(), 300);
  p.set_passive_pages(1000);
  EXPECT_EQ(p.truncate_pages(), 2000);
  EXPECT_EQ(p.committed(999), checkpoint_kind::none);
  EXPECT_EQ(p.committed(1000), checkpoint_kind::passive);
  p.checkpointed(checkpoint_kind::passive, true);
  EXPECT_EQ(p.committed(1500), checkpoint_kind::finish);
  p.checkpointed(checkpoint_kind::finish, true);
  EXPECT_EQ(p.committed(1999), checkpoint_kind::none);
  EXPECT_EQ(p.committed(2000), checkpoint_kind::truncate);
  checkpoint_policy at_least_one(0, 10);
  EXPECT_EQ(at_least_one.passive_pages(), 1);
}

TEST_F(sqlite_store_test, open_refuses_a_wal_limit_below_twice_the_checkpoint) {
  EXPECT_EQ(code_of(open({.path = path_, .checkpoint_mib = -1})), "invalid_input");
  EXPECT_EQ(code_of(open({.path = path_, .wal_limit_mib = 0})), "invalid_input");
  EXPECT_EQ(code_of(open({.path = path_, .checkpoint_mib = 8, .wal_limit_mib = 15})), "invalid_input");
  auto in_writer = open({.path = path_, .checkpoint_mib = 0, .wal_limit_mib = 1});
  ASSERT_EQ(code_of(in_writer), "ok");
  EXPECT_EQ((*in_writer)->checkpoints().passive, 0);
  (*in_writer)->close();
}

// Many writes with the checkpointer on and a reader always reading (which keeps the writer from
// starting the WAL again after a passive checkpoint), and for the first commands a reader holding
// one snapshot (which keeps the WAL from being copied past it and from starting
// again): the WAL is checkpointed off the writer and emptied once that reader is gone, its file
// stays bounded, and every committed write is there after the store is opened again.
// Command n of the WAL tests: per_command jurisdictions of about half a page each.
result<void> write_jurisdictions(store& s, int n, int per_command) {
  static const std::string name(2000, 'n');
  return s.write([&](store_txn& t) -> result<void> {
    for (int i = 0; i < per_command; ++i) {
      auto id = "j-" + std::to_string(n) + "-" + std::to_string(i);
      SIAGA_CHECK(t.insert_jurisdiction({id, id, name, "Asia/Jakarta", "JKT", {0, 6}, {}, {}}));
    }
    return {};
  });
}

TEST_F(sqlite_store_test, the_checkpointer_bounds_the_wal_and_keeps_every_committed_write) {
  constexpr int commands = 150;
  constexpr int per_command = 20;  // about 110 KB of WAL a command
  constexpr int held_for = 20;
  constexpr std::int64_t limit_bytes = 2 * 1024 * 1024;
  {
    auto s = open({.path = path_, .synchronous_full = false, .checkpoint_mib = 1, .wal_limit_mib = 2}).value();
    ASSERT_EQ(code_of(s->migrate()), "ok");
    std::atomic<bool> writing{true};
    std::thread reader([&] {
      while (writing) (void)s->reader().find_jurisdiction("j-0-0");
    });
    sqlite3* held = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &held, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(held, "BEGIN; SELECT count(*) FROM jurisdictions;", nullptr, nullptr, nullptr), SQLITE_OK);
    std::uintmax_t largest_wal = 0;
    for (int n = 0; n < commands; ++n) {
      if (n == held_for) {
        sqlite3_exec(held, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_close(held);
      }
      ASSERT_EQ(code_of(write_jurisdictions(*s, n, per_command)), "ok") << n;
      std::error_code ec;
      // While the snapshot is held the WAL must keep every frame since it; ten commands after, the
      // truncation asked for once it went has run.
      if (n >= held_for + 10) largest_wal = std::max(largest_wal, std::filesystem::file_size(path_ + "-wal", ec));
    }
    writing = false;
    reader.join();
    // The checkpoints run on their own thread, asked for by the commits: wait for them to be seen.
    for (int i = 0; i < 300 && (s->checkpoints().passive == 0 || s->checkpoints().truncated == 0); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto done = s->checkpoints();
    EXPECT_GT(done.passive, 0);
    EXPECT_GT(done.truncated, 0) << "busy " << done.truncate_busy;
    EXPECT_EQ(done.failed, 0);
    // About 16 MiB went through the WAL, which never starts again from its beginning while a reader
    // is always reading: without the truncations it grows to all of it. Once the held snapshot
    // was gone its file stayed near the limit (measured 2.5 to 4 MiB: a truncation the readers
    // keep from finishing is tried again a threshold later).
    EXPECT_LE(largest_wal, static_cast<std::uintmax_t>(4 * limit_bytes));
    s->close();
  }
  auto again = open({.path = path_}).value();
  ASSERT_EQ(code_of(again->migrate()), "ok");
  auto all = again->reader().list_jurisdictions();
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), static_cast<std::size_t>(commands * per_command));
  again->close();
}

// PRAGMA optimize (the store runs it when it closes) analyses inside a statement of its own, and
// the commit of that analysis calls the hook while the statement still runs: a truncation due
// then cannot run (SQLITE_LOCKED) and is tried again at a later commit, as one the readers kept
// from finishing is. It is no failure to log: every `siaga import calls` warned "WAL truncation
// failed: database table is locked" as it closed.
TEST_F(sqlite_store_test, a_truncation_due_while_optimize_analyses_is_tried_again_not_failed) {
  auto writer = connection::open(path_, false).value();
  ASSERT_TRUE(writer->exec_script("PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL);"
                                  "CREATE INDEX t_by_v ON t (v);",
                                  "schema"));
  // Every commit of more than one page is due a truncation.
  auto ckpt = checkpointer::start(path_, *writer, checkpoint_policy(1, 2), false, 5000).value();
  for (int n = 0; n < 50; ++n) {
    ASSERT_TRUE(writer->exec_script("WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 40) "
                                    "INSERT INTO t (v) SELECT hex(randomblob(16)) FROM s", "rows"));
  }
  ASSERT_TRUE(writer->exec_script("SELECT count(*) FROM t WHERE v = 'x'", "a query by the index"));
  const auto before = ckpt->counts();
  EXPECT_GT(before.truncated, 0);
  ASSERT_TRUE(writer->exec_script("PRAGMA optimize", "optimize"));
  auto analysed = [&] {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(writer->native(), "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 't'", -1, &st, nullptr);
    const bool found = st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return found;
  };
  ASSERT_TRUE(analysed()) << "optimize did not analyse: the case is not reached";
  auto after = ckpt->counts();
  EXPECT_EQ(after.failed, 0);
  EXPECT_EQ(after.truncated, before.truncated);
  // The next commit truncates.
  ASSERT_TRUE(writer->exec_script("INSERT INTO t (v) VALUES ('after')", "a row after"));
  EXPECT_EQ(ckpt->counts().truncated, before.truncated + 1);
  ckpt->stop();
}

// Steady writes with the checkpointer on and no reader in the way: after each of the thread's
// checkpoints the writer finishes it (the commits are small), and the WAL starts again from its
// beginning. Without the
// finish the writer always began with frames not yet copied, the WAL never started again and
// grew to its limit, where the truncation stalled the writer (docs/benchmarks.md, session 13).
TEST_F(sqlite_store_test, under_steady_writes_the_checkpointer_lets_the_wal_start_again) {
  constexpr int commands = 300;
  constexpr int per_command = 20;  // about 110 KB of WAL a command: about 32 MB in all
  // The limit is above all the test writes: without the finish the WAL would hold all of it.
  auto s = open({.path = path_, .synchronous_full = false, .checkpoint_mib = 1, .wal_limit_mib = 34}).value();
  ASSERT_EQ(code_of(s->migrate()), "ok");
  std::uintmax_t largest_wal = 0;
  for (int n = 0; n < commands; ++n) {
    ASSERT_EQ(code_of(write_jurisdictions(*s, n, per_command)), "ok") << n;
    std::error_code ec;
    largest_wal = std::max(largest_wal, std::filesystem::file_size(path_ + "-wal", ec));
  }
  auto done = s->checkpoints();
  EXPECT_GT(done.passive, 0);
  EXPECT_GT(done.finished, 0);
  EXPECT_EQ(done.failed, 0);
  // Small commits: it starts again about every MiB (2 to 3 MiB measured); half the writes
  // leaves room for a checkpointer thread that a loaded machine schedules late (a clean-clone
  // run beside the PostgreSQL tests once reached 10.5 MB when the writes were 16 MB in all and
  // the bound 8 MiB).
  EXPECT_LT(largest_wal, static_cast<std::uintmax_t>(16 * 1024 * 1024)) << largest_wal;
  s->close();
}

// A console's command submitted while a bridge's large batch runs is committed after the large
// command under way, before the large ones behind it (group_writer.hpp: the batch is cut and
// its commands not run go back to the head of their queue); every command is kept once.
// The callers' counters written behind (caller_counts_behind.hpp): calls of two numbers in j1.
domain::call_record ringing(std::string id, std::string number, int second) {
  domain::call_record c;
  c.id = id;
  c.jurisdiction_id = "j1";
  c.external_id = "pbx-" + id;
  c.state.caller = std::move(number);
  c.state.line = "112";
  c.state.ring_at = core::from_micros(1'000'000LL * (1'700'000'000 + second));
  c.created_at = *c.state.ring_at;
  c.updated_at = c.created_at;
  return c;
}

result<void> insert_calls(store& s, const std::vector<domain::call_record>& calls) {
  return s.write([&](store_txn& t) -> result<void> {
    for (const auto& c : calls) SIAGA_CHECK(t.insert_call(c));
    return {};
  });
}

void add_jurisdiction(store& s) {
  ASSERT_EQ(code_of(s.write([](store_txn& t) {
              return t.insert_jurisdiction({"j1", "81.71", "Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
            })),
            "ok");
}

std::int64_t calls_of(store& s, const std::string& number) { return s.reader().caller_history_of("j1", number)->calls; }

// A migrated store of j1 with two calls of +62811 and one of +62822.
std::unique_ptr<sqlite_store> open_with_three_calls(const std::string& path) {
  auto s = open({.path = path}).value();
  EXPECT_EQ(code_of(s->migrate()), "ok");
  add_jurisdiction(*s);
  EXPECT_EQ(code_of(insert_calls(*s, {ringing("c1", "+62811", 0), ringing("c2", "+62811", 60),
                                      ringing("c3", "+62822", 120)})),
            "ok");
  return s;
}

TEST_F(sqlite_store_test, callers_counters_are_held_by_the_writer_read_with_the_table_and_written_at_close) {
  {
    auto s = open_with_three_calls(path_);
    // Read as if written, though the table has none of them yet, and the database says so.
    EXPECT_EQ(calls_of(*s, "+62811"), 2);
    EXPECT_EQ(calls_of(*s, "+62822"), 1);
    EXPECT_EQ(s->reader().caller_history_of("j1", "+62811")->last_call_at, core::from_micros(1'700'000'060'000'000LL));
    EXPECT_EQ(query(path_, "SELECT count(*) FROM caller_counts"), (std::vector<std::string>{"0"}));
    EXPECT_EQ(query(path_, "SELECT value FROM writer_state WHERE name = 'caller_counts_behind'"),
              (std::vector<std::string>{"1"}));
    // A command that fails counts nothing.
    EXPECT_EQ(code_of(s->write([](store_txn& t) -> result<void> {
                SIAGA_CHECK(t.insert_call(ringing("c4", "+62811", 180)));
                return core::invalid("refused after its call");
              })),
              "invalid_input");
    EXPECT_EQ(calls_of(*s, "+62811"), 2);
    s->close();
  }
  EXPECT_EQ(query(path_, "SELECT number, calls FROM caller_counts ORDER BY number"),
            (std::vector<std::string>{"+62811|2", "+62822|1"}));
  EXPECT_EQ(query(path_, "SELECT value FROM writer_state WHERE name = 'caller_counts_behind'"),
            (std::vector<std::string>{"0"}));
}

TEST_F(sqlite_store_test, callers_counters_are_written_once_as_many_numbers_as_the_flush_takes_are_held) {
  auto s = open({.path = path_, .counters_flush_numbers = 3}).value();
  ASSERT_EQ(code_of(s->migrate()), "ok");
  add_jurisdiction(*s);
  ASSERT_EQ(code_of(insert_calls(*s, {ringing("c1", "+62811", 0), ringing("c2", "+62822", 60)})), "ok");
  EXPECT_EQ(query(path_, "SELECT count(*) FROM caller_counts"), (std::vector<std::string>{"0"}));
  ASSERT_EQ(code_of(insert_calls(*s, {ringing("c3", "+62833", 120)})), "ok");
  EXPECT_EQ(query(path_, "SELECT number, calls FROM caller_counts ORDER BY number"),
            (std::vector<std::string>{"+62811|1", "+62822|1", "+62833|1"}));
  EXPECT_EQ(query(path_, "SELECT value FROM writer_state WHERE name = 'caller_counts_behind'"),
            (std::vector<std::string>{"0"}));
  EXPECT_EQ(calls_of(*s, "+62811"), 1) << "the written counters are not counted twice";
  s->close();
}

// A writer that stopped without writing what it held (a crash: here the files copied while it
// runs) leaves the flag set; the next writer counts every number again from the calls.
TEST_F(sqlite_store_test, callers_counters_held_at_a_crash_are_counted_again_at_the_next_start) {
  const std::string crashed = path_ + "-crashed.db";
  {
    auto s = open({.path = path_}).value();
    ASSERT_EQ(code_of(s->migrate()), "ok");
    add_jurisdiction(*s);
    ASSERT_EQ(code_of(insert_calls(*s, {ringing("c1", "+62811", 0), ringing("c2", "+62811", 60)})), "ok");
    for (auto suffix : {"", "-wal"}) {
      std::filesystem::copy_file(path_ + suffix, crashed + suffix, std::filesystem::copy_options::overwrite_existing);
    }
    s->close();
  }
  EXPECT_EQ(query(crashed, "SELECT count(*) FROM caller_counts"), (std::vector<std::string>{"0"}));
  {
    auto s = open({.path = crashed}).value();
    ASSERT_EQ(code_of(s->migrate()), "ok");  // which recounts, before anything reads
    EXPECT_EQ(query(crashed, "SELECT number, calls FROM caller_counts"), (std::vector<std::string>{"+62811|2"}));
    EXPECT_EQ(calls_of(*s, "+62811"), 2);
    ASSERT_EQ(code_of(insert_calls(*s, {ringing("c3", "+62822", 120)})), "ok");
    EXPECT_EQ(calls_of(*s, "+62811"), 2);
    EXPECT_EQ(calls_of(*s, "+62822"), 1);
    EXPECT_EQ(query(crashed, "SELECT number, calls FROM caller_counts ORDER BY number"),
              (std::vector<std::string>{"+62811|2"}))
        << "the recount is in the table, the new call held";
    s->close();
  }
  EXPECT_EQ(query(crashed, "SELECT number, calls FROM caller_counts ORDER BY number"),
            (std::vector<std::string>{"+62811|2", "+62822|1"}));
  for (auto suffix : {"", "-wal", "-shm", "-counters"}) std::filesystem::remove(crashed + suffix);
}

// Only one writer of a file holds counters: a second one (another process, or here another
// store of this one) writes its counters with each call, added to what the first holds.
TEST_F(sqlite_store_test, a_second_writer_of_a_file_writes_its_callers_counters_with_each_call) {
  auto first = open({.path = path_}).value();
  ASSERT_EQ(code_of(first->migrate()), "ok");
  add_jurisdiction(*first);
  ASSERT_EQ(code_of(insert_calls(*first, {ringing("c1", "+62811", 0)})), "ok");
  auto second = open({.path = path_}).value();
  ASSERT_EQ(code_of(insert_calls(*second, {ringing("c2", "+62811", 60)})), "ok");
  EXPECT_EQ(query(path_, "SELECT number, calls FROM caller_counts"), (std::vector<std::string>{"+62811|1"}));
  EXPECT_EQ(calls_of(*first, "+62811"), 2);
  EXPECT_EQ(calls_of(*second, "+62811"), 1) << "the second sees the table alone";
  // Nor can the second compare the table with the calls (stats rebuild beside a server), or
  // erase numbers from it; both change nothing.
  const privacy_scope before_c2{"j1", "+62811", core::from_micros(1'700'000'030'000'000LL)};
  EXPECT_EQ(code_of(second->write([](store_txn& t) -> result<void> { return t.rebuild_call_rollups().error(); })),
            "conflict");
  EXPECT_EQ(code_of(second->write([&](store_txn& t) -> result<void> { return t.erase_caller_numbers(before_c2).error(); })),
            "conflict");
  EXPECT_EQ(query(path_, "SELECT caller FROM calls ORDER BY id"), (std::vector<std::string>{"+62811", "+62811"}));
  first->close();
  EXPECT_EQ(query(path_, "SELECT number, calls, first_ring_at, last_ring_at FROM caller_counts"),
            (std::vector<std::string>{"+62811|2|1700000000000000|1700000060000000"}));
  // The first gone, the second takes the counters over.
  ASSERT_EQ(code_of(second->write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(erased, t.erase_caller_numbers(before_c2));
              EXPECT_EQ(erased, 1);
              return {};
            })),
            "ok");
  ASSERT_EQ(code_of(insert_calls(*second, {ringing("c3", "+62811", 90)})), "ok");
  EXPECT_EQ(calls_of(*second, "+62811"), 2);
  EXPECT_EQ(query(path_, "SELECT number, calls FROM caller_counts"), (std::vector<std::string>{"+62811|1"}))
      << "the new call is held by the second now";
  second->close();
  EXPECT_EQ(query(path_, "SELECT number, calls, first_ring_at, last_ring_at FROM caller_counts"),
            (std::vector<std::string>{"+62811|2|1700000060000000|1700000090000000"}));
}

// An erasure and a recount read the table as a whole: what the writer holds goes in first, in
// the same transaction.
TEST_F(sqlite_store_test, an_erasure_and_a_recount_take_the_callers_counters_held) {
  auto s = open_with_three_calls(path_);
  std::optional<rollup_check> check;
  ASSERT_EQ(code_of(s->write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(checks, t.rebuild_call_rollups());
              for (auto& c : checks) {
                if (c.table == "caller_counts") check = c;
              }
              return {};
            })),
            "ok");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->rows, 2);
  EXPECT_EQ(check->differing, 0) << "the held counters were written before the comparison";
  ASSERT_EQ(code_of(insert_calls(*s, {ringing("c4", "+62811", 180)})), "ok");
  ASSERT_EQ(code_of(s->write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(erased, t.erase_caller_numbers({"j1", "+62811", core::from_micros(1'700'000'100'000'000LL)}));
              EXPECT_EQ(erased, 2);
              return {};
            })),
            "ok");
  EXPECT_EQ(calls_of(*s, "+62811"), 1);
  EXPECT_EQ(calls_of(*s, "+62822"), 1);
  s->close();
  EXPECT_EQ(query(path_, "SELECT number, calls FROM caller_counts ORDER BY number"),
            (std::vector<std::string>{"+62811|1", "+62822|1"}));
}

TEST_F(sqlite_store_test, a_small_command_cuts_a_batch_of_large_ones_and_every_command_is_kept) {
  auto s = open({.path = path_, .max_batch_weight = 1000, .synchronous_full = false}).value();
  ASSERT_EQ(code_of(s->migrate()), "ok");
  std::mutex m;
  std::vector<std::string> committed;
  auto done_as = [&](std::string name) {
    return [&, name](result<void> r) {
      std::lock_guard lock(m);
      committed.push_back(r ? name : name + " failed: " + r.error().message);
    };
  };
  auto insert = [](std::string id) {
    return [id](store_txn& t) -> result<void> {
      return t.insert_jurisdiction({id, id, id, "Asia/Jakarta", "JKT", {0, 6}, {}, {}});
    };
  };
  // The writer is held by a first command until the large ones are queued behind it.
  std::latch holding(1);
  std::latch queued(1);
  s->submit([&](store_txn&) -> result<void> {
    holding.count_down();
    queued.wait();
    return {};
  },
            done_as("hold"));
  holding.wait();
  s->submit(
      [&, first = insert("large-1")](store_txn& t) -> result<void> {
        s->submit(insert("small"), done_as("small"));  // arrives while the batch runs
        return first(t);
      },
      done_as("large-1"), 300);
  s->submit(insert("large-2"), done_as("large-2"), 300);
  s->submit(insert("large-3"), done_as("large-3"), 300);
  queued.count_down();
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(m);
      if (committed.size() == 5) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard lock(m);
    EXPECT_EQ(committed, (std::vector<std::string>{"hold", "large-1", "small", "large-2", "large-3"}));
  }
  for (auto id : {"large-1", "small", "large-2", "large-3"}) EXPECT_TRUE(s->reader().find_jurisdiction(id).value()) << id;
  EXPECT_EQ(s->stats().commands, 5);
  s->close();
}

}  // namespace
}  // namespace siaga::storage::sqlite
