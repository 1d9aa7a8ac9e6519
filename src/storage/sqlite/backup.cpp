#include "storage/sqlite/backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

namespace siaga::storage::sqlite {
namespace {

struct closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using handle = std::unique_ptr<sqlite3, closer>;

core::error failure(sqlite3* db, const std::string& what) {
  return core::make_error(core::errc::storage_failure,
                          "backup: " + what + ": " + (db ? sqlite3_errmsg(db) : "cannot allocate a connection"));
}

core::result<handle> open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  handle db(raw);
  if (rc != SQLITE_OK) return failure(raw, "cannot open " + path);
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

// The first column of sql's first row as an integer (0 when no row).
core::result<std::int64_t> scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return failure(db, sql);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
  int rc = sqlite3_step(raw);
  if (rc == SQLITE_ROW) return sqlite3_column_int64(raw, 0);
  if (rc == SQLITE_DONE) return std::int64_t{0};
  return failure(db, sql);
}

core::result<std::string> text(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return failure(db, sql);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
  if (sqlite3_step(raw) != SQLITE_ROW) return failure(db, sql);
  const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  return std::string(t ? t : "");
}

constexpr const char* count_events = "SELECT count(*) FROM events";
constexpr const char* max_seq = "SELECT coalesce(max(seq), 0) FROM events";

core::result<backup_summary> copy(sqlite3* src, sqlite3* dst, const backup_progress& progress, int pages_per_step) {
  // One read transaction around the whole copy: every step reads the same snapshot, so a
  // commit of the server between two steps neither shows in the copy nor restarts it.
  if (sqlite3_exec(src, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return failure(src, "BEGIN");
  backup_summary out;
  auto events = scalar(src, count_events);
  auto seq = events ? scalar(src, max_seq) : events;
  if (!events || !seq) {
    sqlite3_exec(src, "ROLLBACK", nullptr, nullptr, nullptr);
    return events ? seq.error() : events.error();
  }
  out.events = *events;
  out.last_seq = *seq;
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) {
    sqlite3_exec(src, "ROLLBACK", nullptr, nullptr, nullptr);
    return failure(dst, "cannot start the copy");
  }
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(b, pages_per_step);
    out.pages = sqlite3_backup_pagecount(b);
    if (progress) progress(out.pages - sqlite3_backup_remaining(b), out.pages);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  }
  sqlite3_backup_finish(b);
  sqlite3_exec(src, "ROLLBACK", nullptr, nullptr, nullptr);
  if (rc != SQLITE_DONE) return failure(dst, "the copy stopped");
  return out;
}

}  // namespace

core::result<backup_summary> backup_database(const std::string& source, const std::string& target,
                                             const backup_progress& progress, int pages_per_step) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) return core::invalid("backup: database " + source + " does not exist");
  if (fs::exists(target, ec)) {
    return core::invalid("backup: " + target + " already exists; choose a new name or remove it first");
  }
  auto folder = fs::path(target).parent_path();
  if (!folder.empty() && !fs::is_directory(folder, ec)) {
    return core::invalid("backup: folder " + folder.string() + " does not exist; create it first");
  }
  auto src = open(source, SQLITE_OPEN_READONLY);
  if (!src) return src.error();
  auto made = [&]() -> core::result<backup_summary> {
    auto dst = open(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!dst) return dst.error();
    auto summary = copy(src->get(), dst->get(), progress, pages_per_step);
    if (!summary) return summary.error();
    auto check = text(dst->get(), "PRAGMA quick_check");
    if (!check) return check.error();
    if (*check != "ok") return core::make_error(core::errc::storage_failure, "backup: the copy fails its check: " + *check);
    auto events = scalar(dst->get(), count_events);
    if (!events) return events.error();
    auto seq = scalar(dst->get(), max_seq);
    if (!seq) return seq.error();
    if (*events != summary->events || *seq != summary->last_seq) {
      return core::make_error(core::errc::storage_failure, "backup: the copy's event log differs from the database's");
    }
    summary->bytes = static_cast<std::int64_t>(fs::file_size(target, ec));
    return summary;
  }();
  if (!made) {
    fs::remove(target, ec);
    fs::remove(target + "-wal", ec);
    fs::remove(target + "-shm", ec);
  }
  return made;
}

}  // namespace siaga::storage::sqlite
