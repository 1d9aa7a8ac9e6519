#include "storage/sqlite/backup.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace siaga::storage::sqlite {
namespace {

namespace fs = std::filesystem;

class backup : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("siaga-backup-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    source_ = (dir_ / "live.db").string();
    ASSERT_EQ(sqlite3_open(source_.c_str(), &writer_), SQLITE_OK);
    exec("PRAGMA journal_mode = WAL; CREATE TABLE events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);");
    for (int i = 0; i < 400; ++i) add_event();
  }
  void TearDown() override {
    sqlite3_close(writer_);
    fs::remove_all(dir_);
  }
  void exec(const std::string& sql) { ASSERT_EQ(sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK); }
  // About a page of text per row, so the database has hundreds of pages.
  void add_event() { exec("INSERT INTO events (body) VALUES (printf('%.3000c', 'x'))"); }
  static std::int64_t count(const std::string& db) {
    sqlite3* h = nullptr;
    sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT count(*) FROM events", -1, &st, nullptr);
    std::int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
  }
  fs::path dir_;
  std::string source_;
  sqlite3* writer_ = nullptr;
};

TEST_F(backup, copies_one_snapshot_while_another_connection_commits_between_steps) {
  auto target = (dir_ / "copy.db").string();
  int steps = 0;
  // Ten pages a step, and a commit of the "server" after every step: without the snapshot the
  // backup would restart after each one and never finish.
  auto summary = backup_database(
      source_, target,
      [&](std::int64_t copied, std::int64_t total) {
        ++steps;
        EXPECT_LE(copied, total);
        add_event();
      },
      10);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_GT(steps, 20);
  EXPECT_EQ(summary->events, 400);
  EXPECT_EQ(summary->last_seq, 400);
  EXPECT_EQ(count(target), 400);
  EXPECT_EQ(count(source_), 400 + steps);
  EXPECT_GT(summary->bytes, 400 * 3000);
}

TEST_F(backup, refuses_an_existing_target_a_missing_folder_or_source_and_writes_nothing) {
  auto existing = (dir_ / "exists.db").string();
  { FILE* f = std::fopen(existing.c_str(), "w"); std::fputs("keep", f); std::fclose(f); }
  auto r = backup_database(source_, existing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::invalid_input);
  EXPECT_EQ(fs::file_size(existing), 4u);
  r = backup_database(source_, (dir_ / "no" / "copy.db").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::invalid_input);
  EXPECT_FALSE(fs::exists(dir_ / "no"));
  r = backup_database((dir_ / "missing.db").string(), (dir_ / "copy.db").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::invalid_input);
  EXPECT_FALSE(fs::exists(dir_ / "copy.db"));
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));
}

}  // namespace
}  // namespace siaga::storage::sqlite
