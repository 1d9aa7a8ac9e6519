#include "storage/sqlite/wal_write_buffer.hpp"

#include "core/test_dir.hpp"
#include "storage/sqlite/connection.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <string>

namespace siaga::storage::sqlite {
namespace {

// count(*) and the integrity check of table t through a fresh connection of the same VFS.
std::pair<std::int64_t, std::string> count_and_check(const std::string& path) {
  auto conn = connection::open(path, true);
  if (!conn) return {-1, conn.error().message};
  auto st = (*conn)->prepare("SELECT count(*), (SELECT integrity_check FROM pragma_integrity_check) FROM t");
  if (!st) return {-1, st.error().message};
  auto row = st->step("count");
  if (!row || !*row) return {-1, "no row"};
  return {st->int64(0), st->text(1)};
}

constexpr const char* insert_50 =
    "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
    "INSERT INTO t SELECT hex(randomblob(16)), printf('%.2000c', 'v') FROM n; COMMIT;";

// A commit of some 60 pages reaches the WAL in a few writes instead of two per page, and every
// connection (another one at once, the same one later) reads all of it.
TEST(wal_write_buffer, a_commits_frames_go_out_in_a_few_writes_and_every_reader_sees_them) {
  const auto dir = core::fresh_test_dir("siaga-wal-buffer");
  const auto path = (dir / "t.db").string();
  auto conn = connection::open(path, false);
  ASSERT_TRUE(conn) << conn.error().message;
  auto& c = **conn;
  ASSERT_TRUE(c.exec_script("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
                            "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;",
                            "schema"));
  auto reader = connection::open(path, true);
  ASSERT_TRUE(reader) << reader.error().message;
  for (int tx = 0; tx < 20; ++tx) {
    const auto before = wal_write_totals();
    ASSERT_TRUE(c.exec_script(insert_50, "insert")) << tx;
    const auto after = wal_write_totals();
    const auto asked = after.asked - before.asked;
    const auto written = after.written - before.written;
    EXPECT_GE(asked, 60) << "two writes a frame, some 30 pages of rows and their index";
    EXPECT_LE(written * 10, asked) << "in runs of up to 30 frames: asked " << asked << ", written " << written;
    // The other connection sees the commit as soon as it returned.
    auto st = (*reader)->prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->step("count").value());
    EXPECT_EQ(st->int64(0), 50 * (tx + 1));
  }
  EXPECT_EQ(count_and_check(path), (std::pair<std::int64_t, std::string>{1000, "ok"}));
  reader->reset();
  conn->reset();
  EXPECT_EQ(count_and_check(path), (std::pair<std::int64_t, std::string>{1000, "ok"})) << "after the last close";
  std::filesystem::remove_all(dir);
}

// A transaction far larger than the page cache spills frames to the WAL before its commit; one
// rolled back leaves nothing behind, one past the run's 4 MiB is written in several runs.
TEST(wal_write_buffer, spilled_and_rolled_back_and_larger_than_a_run_transactions_stay_whole) {
  const auto dir = core::fresh_test_dir("siaga-wal-buffer");
  const auto path = (dir / "t.db").string();
  auto conn = connection::open(path, false);
  ASSERT_TRUE(conn) << conn.error().message;
  auto& c = **conn;
  ASSERT_TRUE(c.exec_script("PRAGMA journal_mode = WAL; PRAGMA cache_size = 20;"
                            "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;",
                            "schema"));
  const std::string big = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                          "INSERT INTO t SELECT hex(randomblob(16)), printf('%.2000c', 'v') FROM n;";
  ASSERT_TRUE(c.exec_script("BEGIN; " + big + " ROLLBACK;", "rolled back"));
  EXPECT_EQ(count_and_check(path), (std::pair<std::int64_t, std::string>{0, "ok"}));
  const auto before = wal_write_totals();
  ASSERT_TRUE(c.exec_script("BEGIN; " + big + " COMMIT;", "committed"));
  EXPECT_GT(wal_write_totals().written - before.written, 4) << "6 MB of rows: more than one run";
  EXPECT_EQ(count_and_check(path), (std::pair<std::int64_t, std::string>{3000, "ok"}));
  conn->reset();
  EXPECT_EQ(count_and_check(path), (std::pair<std::int64_t, std::string>{3000, "ok"}));
  std::filesystem::remove_all(dir);
}

// ---- a disk that fills up: the commit fails at once and changes nothing ----

std::atomic<bool> wal_full{false};
sqlite3_vfs* real_vfs = nullptr;
sqlite3_io_methods failing_methods{};
const sqlite3_io_methods* real_methods = nullptr;

int failing_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
  if (wal_full.load()) return SQLITE_FULL;
  return real_methods->xWrite(f, data, n, offset);
}

// The default VFS, with WAL files whose writes fail while wal_full is set.
int failing_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  int rc = real_vfs->xOpen(real_vfs, name, f, flags, out_flags);
  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && f->pMethods != nullptr) {
    real_methods = f->pMethods;
    failing_methods = *f->pMethods;
    failing_methods.xWrite = failing_write;
    f->pMethods = &failing_methods;
  }
  return rc;
}

sqlite3_vfs* failing_vfs() {
  static sqlite3_vfs v = [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    sqlite3_vfs copy = *real_vfs;
    copy.zName = "siaga-test-full-wal";
    copy.xOpen = failing_open;
    copy.pNext = nullptr;
    return copy;
  }();
  return &v;
}

int exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

std::int64_t rows(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, nullptr) != SQLITE_OK) return -1;
  std::int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return n;
}

TEST(wal_write_buffer, a_write_that_fails_fails_its_commit_and_the_database_keeps_the_commit_before) {
  ASSERT_EQ(sqlite3_vfs_register(failing_vfs(), 0), SQLITE_OK);
  ASSERT_TRUE(install_wal_write_buffer_over(failing_vfs(), "siaga-test-buffered-full-wal"));
  const auto dir = core::fresh_test_dir("siaga-wal-buffer");
  const auto path = (dir / "t.db").string();
  sqlite3* db = nullptr;
  sqlite3* other = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, flags, "siaga-test-buffered-full-wal"), SQLITE_OK);
  // NORMAL as the store's writer: no sync at a commit, so the commit frame's write is where the
  // failure must surface.
  ASSERT_EQ(exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;"),
            SQLITE_OK);
  ASSERT_EQ(exec(db, insert_50), SQLITE_OK);
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READONLY, "siaga-test-buffered-full-wal"), SQLITE_OK);
  EXPECT_EQ(rows(other), 50);

  wal_full = true;
  EXPECT_EQ(exec(db, insert_50) & 0xff, SQLITE_FULL) << "the commit says the disk is full";
  exec(db, "ROLLBACK");
  EXPECT_EQ(rows(other), 50) << "another connection never sees the failed commit";
  EXPECT_EQ(rows(db), 50);
  wal_full = false;

  ASSERT_EQ(exec(db, insert_50), SQLITE_OK) << sqlite3_errmsg(db);
  EXPECT_EQ(rows(other), 100);
  sqlite3_close_v2(other);
  sqlite3_close_v2(db);
  EXPECT_EQ(count_and_check(path), (std::pair<std::int64_t, std::string>{100, "ok"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace siaga::storage::sqlite
