// RAII over libpq: one connection with its cache of server-side prepared statements, and a
// statement that binds parameters (never SQL built from values), runs once and walks its rows.
// Nothing above src/storage/postgres/ sees these.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace siaga::storage::postgres {

class connection;

using core::result;
using core::timestamp;

// sql with SQLite's placeholders (? and ?N) as PostgreSQL's ($n), quoted text left alone.
std::string numbered_placeholders(std::string_view sql);

// Where a connection string points, for messages: "host:port/dbname" as libpq resolved it,
// never the password.
std::string describe_target(pg_conn* conn);

// A parameterised statement of one connection. Binding goes left to right ($1, $2, ...);
// values are copied and sent as text (bytes as binary), so a bound value need not outlive the
// call. step() executes on its first call and then walks the result's rows; columns are read
// by index from the current row. A duplicate key (SQLSTATE 23505) is a conflict, every other
// failure a storage_failure whose message leads with what (the table or operation).
class statement {
 public:
  // Made by connection::prepare for the statement prepared under name.
  statement(connection* owner, std::string name) : owner_(owner), name_(std::move(name)) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  ~statement();

  statement& bind(std::string_view v);
  statement& bind(const std::string& v) { return bind(std::string_view(v)); }
  statement& bind(const char* v) { return bind(std::string_view(v)); }
  statement& bind(std::int64_t v);
  statement& bind(int v) { return bind(static_cast<std::int64_t>(v)); }
  statement& bind(double v);
  statement& bind(timestamp t);  // microseconds since the Unix epoch, as the schema keeps times
  // Unset optionals bind NULL.
  statement& bind(const std::optional<std::string>& v);
  statement& bind(const std::optional<timestamp>& v);
  statement& bind(const std::optional<double>& v);
  statement& bind(const std::optional<std::string_view>& v);
  statement& bind_bool(bool v);
  statement& bind_null();
  // Bytes for a bytea column, sent in binary.
  statement& bind_bytes(std::string_view bytes);

  // Executes on the first call; then true while a row is ready, false when there is none left.
  result<bool> step(std::string_view what = {});
  // Executes, ignoring rows; the rows changed are then in the connection's changes().
  result<void> run(std::string_view what = {});

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  // The column's text without copying; valid while this statement lives.
  std::string_view view(int col) const;
  timestamp time(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<timestamp> opt_time(int col) const;
  // A boolean column ('t'/'f'); an integer column counts as true when not 0.
  bool boolean(int col) const;
  // A bytea column's bytes (selected as is: libpq's text form, decoded here).
  std::string bytes(int col) const;
  // SQLite's names for bind_bytes and bytes, so that SQL shared with that store
  // (../media_sql.ipp) compiles on both.
  statement& bind_blob(std::string_view b) { return bind_bytes(b); }
  std::string blob(int col) const { return bytes(col); }

 private:
  result<void> execute(std::string_view what);

  connection* owner_ = nullptr;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  pg_result* result_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
  bool executed_ = false;
};

// One database connection. Not thread-safe: each connection is used by one thread at a time
// (the writer thread, or the reader's own thread).
class connection {
 public:
  // Connects with a libpq connection string ("postgresql://..." or "host=... dbname=...").
  // Fails with invalid_input when the string does not parse, and with unavailable naming
  // host, port and database (never the password) when the server cannot be reached or refuses.
  static result<std::unique_ptr<connection>> open(const std::string& conninfo);

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // A statement for sql, prepared on the server on first use and kept under a name of this
  // connection. Parameters are $1, $2, ... or, as in the SQLite store's SQL, ? (numbered in
  // order) and ?N; a ? inside a quoted string or identifier is left alone, so PostgreSQL's
  // jsonb ? operators cannot be used in prepared SQL (use jsonb_exists instead).
  result<statement> prepare(std::string_view sql);

  // Runs sql without parameters and ignoring rows: BEGIN, SAVEPOINT, migrations (several
  // statements at once are allowed). Commands deferred before it go first, in the same round
  // trip.
  result<void> run(std::string_view sql, std::string_view what = {});

  // Queues sql (a command without parameters whose rows do not matter: SAVEPOINT, RELEASE, a
  // lock) to be sent ahead of the next statement or run, in its round trip, instead of in one
  // of its own. Its failure is then reported by that next statement, and leaves the
  // transaction failed as any failure would. For the writer, whose transaction it is.
  void defer(std::string_view sql) { deferred_.emplace_back(sql); }

  // Runs sql, a COPY ... FROM STDIN statement, and sends what next produces (rows in COPY's
  // format) until it answers false, a chunk at a time (next appends to the string it is given,
  // which is sent and cleared). Returns the rows the server took. A failure of next ends the
  // COPY (the server discards its rows) and is returned; a row the server refuses fails with
  // storage_failure naming what and PostgreSQL's reason (its line number in the COPY).
  result<std::int64_t> copy_in(std::string_view sql, const std::function<result<bool>(std::string&)>& next,
                               std::string_view what = {});
  // Runs sql, a COPY ... TO STDOUT statement, and hands each row to row (COPY's text format,
  // without its newline). A failure of row is returned after the rest of the output is read and
  // dropped, so that the connection can be used again.
  result<std::int64_t> copy_out(std::string_view sql, const std::function<result<void>(std::string_view)>& row,
                                std::string_view what = {});

  // True inside a transaction block (also when it is in error, waiting for a rollback).
  bool in_transaction() const;
  // True when a statement failed inside the open transaction, which must be rolled back.
  bool in_failed_transaction() const;
  // False once the connection to the server is lost.
  bool healthy() const;
  // Reconnects a lost connection with the same parameters; the prepared statements are gone
  // with the old session and are prepared again on use.
  result<void> reset();

  // Rows changed by the last INSERT, UPDATE or DELETE run on this connection.
  std::int64_t changes() const { return changes_; }

  // Host, port and database, for messages.
  std::string target() const;

  // For a connection that LISTENs (event_feed.hpp): the socket to wait on for the server's
  // messages, -1 when the connection is lost.
  int socket() const;
  // A notification the server sent: its channel and payload.
  struct notification {
    std::string channel;
    std::string payload;
  };
  // Reads what the server has sent without waiting and returns the notifications received so
  // far, in the order they were sent. Fails with unavailable when the connection is lost.
  result<std::vector<notification>> take_notifications();

  // Statement-level rollback inside a transaction, as SQLite does it: a statement that fails
  // is undone alone and the transaction goes on (PostgreSQL would otherwise refuse every
  // statement until a rollback), so that a command may try an insert, see the conflict and
  // carry on. A SAVEPOINT and a RELEASE around each statement in a transaction, sent with the
  // statement and the deferred commands in one pipeline (libpq's pipeline mode): one round
  // trip a statement, two when it fails (the rollback to the savepoint). On for the writer's
  // connection.
  void set_statement_rollback(bool on) { statement_rollback_ = on; }

 private:
  friend class statement;

  explicit connection(pg_conn* conn) : conn_(conn) {}

  // Sends the deferred commands, SAVEPOINT, the prepared statement and RELEASE in one pipeline
  // and reads their results; the statement's result goes to out (kept on failure too, for
  // its message). The statement alone failing is rolled back to its savepoint.
  result<void> execute_guarded(const std::string& name, const std::vector<const char*>& values,
                               const std::vector<int>& lengths, const std::vector<int>& formats,
                               std::string_view what, pg_result*& out);

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string, string_hash, std::equal_to<>> prepared_;  // sql -> name
  std::int64_t changes_ = 0;
  bool statement_rollback_ = false;
  std::vector<std::string> deferred_;  // commands to send ahead of the next statement or run
};

// Reads that take more than one statement (a page and its total) see one snapshot: opens a
// read-only REPEATABLE READ transaction when none is open and ends it on scope exit. Inside
// the writer's transaction it does nothing, since that transaction already sees its writes.
class read_snapshot {
 public:
  explicit read_snapshot(connection& conn);
  read_snapshot(const read_snapshot&) = delete;
  read_snapshot& operator=(const read_snapshot&) = delete;
  ~read_snapshot();

  const std::optional<core::error>& failure() const { return failure_; }

 private:
  connection& conn_;
  bool owns_ = false;
  std::optional<core::error> failure_;
};

}  // namespace siaga::storage::postgres
