#include "storage/sqlite/connection.hpp"

#include "storage/sqlite/page_cache.hpp"
#include "storage/sqlite/wal_write_buffer.hpp"
#include "storage/sqlite/sql_functions.hpp"

#include <sqlite3.h>

#include <utility>

namespace siaga::storage::sqlite {

core::error error_of(sqlite3* db, std::string_view what) {
  int code = sqlite3_extended_errcode(db);
  std::string message;
  if (!what.empty()) {
    message.append(what);
    message += ": ";
  }
  message += sqlite3_errmsg(db);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return core::conflict(std::move(message));
  }
  return core::make_error(core::errc::storage_failure, std::move(message));
}

statement::statement(sqlite3_stmt* stmt, bool* busy, bool owned) : stmt_(stmt), busy_(busy), owned_(owned) {
  if (busy_) *busy_ = true;
}

statement::statement(statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      busy_(std::exchange(other.busy_, nullptr)),
      owned_(std::exchange(other.owned_, false)),
      next_(other.next_) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    busy_ = std::exchange(other.busy_, nullptr);
    owned_ = std::exchange(other.owned_, false);
    next_ = other.next_;
  }
  return *this;
}

statement::~statement() { release(); }

void statement::release() noexcept {
  if (!stmt_) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (busy_) *busy_ = false;
  }
  stmt_ = nullptr;
  busy_ = nullptr;
}

// Bind errors (index out of range, out of memory) resurface from the next sqlite3_step,
// so the binders need not report them themselves.
statement& statement::bind(std::string_view v) {
  sqlite3_bind_text(stmt_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

statement& statement::bind(std::int64_t v) {
  sqlite3_bind_int64(stmt_, next_++, v);
  return *this;
}

statement& statement::bind(double v) {
  sqlite3_bind_double(stmt_, next_++, v);
  return *this;
}

statement& statement::bind(timestamp t) { return bind(core::to_micros(t)); }

statement& statement::bind(const std::optional<std::string>& v) { return v ? bind(std::string_view(*v)) : bind_null(); }

statement& statement::bind(const std::optional<timestamp>& v) { return v ? bind(*v) : bind_null(); }

statement& statement::bind(const std::optional<double>& v) { return v ? bind(*v) : bind_null(); }

statement& statement::bind(const std::optional<std::string_view>& v) { return v ? bind(*v) : bind_null(); }

statement& statement::bind_bool(bool v) { return bind(static_cast<std::int64_t>(v ? 1 : 0)); }

statement& statement::bind_blob(std::string_view bytes) {
  // A zero-length blob, not NULL, when bytes is empty (its data() may be null).
  sqlite3_bind_blob64(stmt_, next_++, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_STATIC);
  return *this;
}

statement& statement::bind_null() {
  sqlite3_bind_null(stmt_, next_++);
  return *this;
}

result<bool> statement::step(std::string_view what) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error_of(sqlite3_db_handle(stmt_), what);
}

result<void> statement::run(std::string_view what) {
  for (;;) {
    auto r = step(what);
    if (!r) return r.error();
    if (!*r) return {};
  }
}

bool statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

double statement::real(int col) const { return sqlite3_column_double(stmt_, col); }

std::string statement::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string_view statement::view(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string statement::blob(int col) const {
  auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string_view statement::blob_view(int col) const {
  auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (!p) return {};
  return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

timestamp statement::time(int col) const { return core::from_micros(int64(col)); }

std::optional<std::string> statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<timestamp> statement::opt_time(int col) const {
  if (is_null(col)) return std::nullopt;
  return time(col);
}

result<std::unique_ptr<connection>> connection::open(const std::string& path, bool read_only) {
  // Before SQLite initialises itself on the first open (page_cache.hpp).
  install_page_cache();
  // Then the WAL's writes in one run per commit (wal_write_buffer.hpp); without it, SQLite's own.
  const char* vfs = install_wal_write_buffer() ? wal_write_buffer_vfs : nullptr;
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is confined to one thread at a time, so SQLite's per-call
  // locking would be pure overhead.
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    std::string message = "open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return core::make_error(core::errc::storage_failure, std::move(message));
  }
  sqlite3_extended_result_codes(db, 1);
  if (!register_sql_functions(db)) {
    sqlite3_close_v2(db);
    return core::make_error(core::errc::storage_failure, "open " + path + ": cannot register the SQL functions");
  }
  return std::unique_ptr<connection>(new connection(db));
}

connection::~connection() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
  sqlite3_close_v2(db_);
}

result<statement> connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.busy) {
    return statement(it->second.stmt, &it->second.busy, false);
  }
  sqlite3_stmt* stmt = nullptr;
  bool cache_it = it == cache_.end();
  unsigned flags = cache_it ? SQLITE_PREPARE_PERSISTENT : 0;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) return error_of(db_, "prepare");
  if (!cache_it) return statement(stmt, nullptr, true);
  auto [slot, inserted] = cache_.emplace(std::string(sql), cached{stmt, false});
  return statement(stmt, &slot->second.busy, false);
}

result<void> connection::run(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  return st->run(sql);
}

result<void> connection::exec_script(const std::string& sql, std::string_view what) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return error_of(db_, what);
  return {};
}

bool connection::autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

std::int64_t connection::changes() const { return sqlite3_changes64(db_); }

read_snapshot::read_snapshot(connection& conn) : conn_(conn) {
  if (!conn_.autocommit()) return;
  auto r = conn_.run("BEGIN");
  if (r) {
    owns_ = true;
  } else {
    failure_ = r.error();
  }
}

read_snapshot::~read_snapshot() {
  if (owns_) (void)conn_.run("COMMIT");
}

}  // namespace siaga::storage::sqlite
