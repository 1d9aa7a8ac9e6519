// RAII over the SQLite C API: one connection with its prepared-statement cache, and a
// statement handle borrowed from that cache. Nothing above src/storage/sqlite/ sees these.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace siaga::storage::sqlite {

using core::result;
using core::timestamp;

// The project error for the last failure on db: a duplicate key (UNIQUE or PRIMARY KEY) is a
// conflict, anything else a storage failure. what names the table or operation and leads
// the message, because SQLite's own text does not say which command failed.
core::error error_of(sqlite3* db, std::string_view what);

// A prepared statement in use. Binding goes left to right (each bind takes the next
// parameter); reading is by column index. When the handle goes out of scope the statement is
// reset and its bindings cleared, so that a read transaction never outlives the call that
// started it. Text is bound without copying: a bound value must outlive the handle, which is
// why binding a temporary std::string does not compile.
class statement {
 public:
  statement() = default;
  // Made by connection::prepare: busy is the cache slot's in-use flag, held set while this
  // handle lives; an owned statement is a one-off and is finalized instead of reset.
  statement(sqlite3_stmt* stmt, bool* busy, bool owned);
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  ~statement();

  statement& bind(std::string_view v);
  statement& bind(const std::string& v) { return bind(std::string_view(v)); }
  statement& bind(const char* v) { return bind(std::string_view(v)); }
  statement& bind(std::string&& v) = delete;
  statement& bind(std::int64_t v);
  statement& bind(int v) { return bind(static_cast<std::int64_t>(v)); }
  statement& bind(double v);
  statement& bind(timestamp t);
  // Unset optionals bind NULL.
  statement& bind(const std::optional<std::string>& v);
  statement& bind(std::optional<std::string>&& v) = delete;
  statement& bind(const std::optional<timestamp>& v);
  statement& bind(const std::optional<double>& v);
  statement& bind(const std::optional<std::string_view>& v);
  statement& bind_bool(bool v);
  statement& bind_null();
  // Binds bytes as a BLOB (empty bytes too), without copying, like text.
  statement& bind_blob(std::string_view bytes);

  // Advances to the next row: true when one is ready, false when the statement is done.
  // Errors carry what (the table) in their message.
  result<bool> step(std::string_view what = {});
  // Runs the statement to completion, ignoring rows.
  result<void> run(std::string_view what = {});

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  // The column's text without copying; valid until the next step or the handle's release.
  std::string_view view(int col) const;
  timestamp time(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<timestamp> opt_time(int col) const;
  // The column's bytes as a BLOB, copied.
  std::string blob(int col) const;
  // A BLOB column's bytes in place, valid until the next step, reset or column read.
  std::string_view blob_view(int col) const;
  bool boolean(int col) const { return int64(col) != 0; }

 private:
  void release() noexcept;

  sqlite3_stmt* stmt_ = nullptr;
  bool* busy_ = nullptr;  // the cache slot's in-use flag, cleared on release
  bool owned_ = false;    // a one-off statement, finalized on release
  int next_ = 1;
};

// One database connection. Not thread-safe: each connection is used by one thread at a
// time (the writer thread, or the reader's own thread).
class connection {
 public:
  // Opens path read-write (creating it) or read-only. No PRAGMAs are set here.
  static result<std::unique_ptr<connection>> open(const std::string& path, bool read_only);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // A statement for sql from this connection's cache, prepared on first use. When the cached
  // statement is already in use further up the stack, a one-off statement is returned instead.
  result<statement> prepare(std::string_view sql);

  // Prepares (cached) and runs sql to completion: for BEGIN, SAVEPOINT and the like.
  result<void> run(std::string_view sql);

  // Runs one or more statements without caching: for migrations and PRAGMAs set once.
  result<void> exec_script(const std::string& sql, std::string_view what);

  // True when no transaction is open (SQLite's autocommit mode).
  bool autocommit() const;

  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  std::int64_t changes() const;

  // The SQLite handle, for what this class does not wrap (the checkpointer's WAL hook and
  // sqlite3_wal_checkpoint_v2); owned by the connection.
  sqlite3* native() const { return db_; }

 private:
  explicit connection(sqlite3* db) : db_(db) {}

  struct cached {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, cached, string_hash, std::equal_to<>> cache_;
};

// Reads that take more than one statement (a page and its total) see one snapshot: opens a
// read transaction when none is open and ends it on scope exit. Inside the writer's
// transaction it does nothing, since that transaction already is the snapshot.
class read_snapshot {
 public:
  explicit read_snapshot(connection& conn);
  read_snapshot(const read_snapshot&) = delete;
  read_snapshot& operator=(const read_snapshot&) = delete;
  ~read_snapshot();

  // The error of BEGIN, if the snapshot could not be opened.
  const std::optional<core::error>& failure() const { return failure_; }

 private:
  connection& conn_;
  bool owns_ = false;
  std::optional<core::error> failure_;
};

}  // namespace siaga::storage::sqlite
