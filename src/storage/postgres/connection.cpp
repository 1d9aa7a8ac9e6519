#include "storage/postgres/connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace siaga::storage::postgres {
namespace {

// libpq's messages end in a newline (sometimes several lines); one line reads better in logs.
std::string one_line(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (auto& ch : s) {
    if (ch == '\n') ch = ' ';
  }
  return s;
}

core::error error_of(pg_conn* conn, const PGresult* res, std::string_view what) {
  std::string message;
  if (!what.empty()) {
    message.append(what);
    message += ": ";
  }
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  message += one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    return core::make_error(core::errc::unavailable, message + " (connection to " + describe_target(conn) + " lost)");
  }
  if (state && std::string_view(state) == "23505") return core::conflict(std::move(message));
  return core::make_error(core::errc::storage_failure, std::move(message));
}

}  // namespace

std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  char quote = 0;  // the quote character while inside '...' or "..."
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote) {
      out += ch;
      if (ch == quote) quote = 0;  // a doubled quote closes and reopens: same result
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch != '?') {
      out += ch;
      continue;
    }
    out += '$';
    std::size_t digits = i + 1;
    while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
    if (digits > i + 1) {
      out.append(sql.substr(i + 1, digits - i - 1));
      i = digits - 1;
    } else {
      out += std::to_string(++next);
    }
  }
  return out;
}

std::string describe_target(pg_conn* conn) {
  auto text = [](const char* p) { return std::string(p && *p ? p : "?"); };
  return text(PQhost(conn)) + ":" + text(PQport(conn)) + "/" + text(PQdb(conn));
}

// ---------------------------------------------------------------------------------------
// statement

statement::statement(statement&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      name_(std::move(other.name_)),
      values_(std::move(other.values_)),
      formats_(std::move(other.formats_)),
      result_(std::exchange(other.result_, nullptr)),
      rows_(other.rows_),
      row_(other.row_),
      executed_(other.executed_) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    owner_ = std::exchange(other.owner_, nullptr);
    name_ = std::move(other.name_);
    values_ = std::move(other.values_);
    formats_ = std::move(other.formats_);
    result_ = std::exchange(other.result_, nullptr);
    rows_ = other.rows_;
    row_ = other.row_;
    executed_ = other.executed_;
  }
  return *this;
}

statement::~statement() {
  if (result_) PQclear(result_);
}

statement& statement::bind(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(0);
  return *this;
}

statement& statement::bind(std::int64_t v) {
  return bind(std::string_view(std::to_string(v)));
}

statement& statement::bind(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  return bind(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

statement& statement::bind(timestamp t) {
  return bind(core::to_micros(t));
}

statement& statement::bind(const std::optional<std::string>& v) {
  return v ? bind(*v) : bind_null();
}
statement& statement::bind(const std::optional<timestamp>& v) {
  return v ? bind(*v) : bind_null();
}
statement& statement::bind(const std::optional<double>& v) {
  return v ? bind(*v) : bind_null();
}
statement& statement::bind(const std::optional<std::string_view>& v) {
  return v ? bind(*v) : bind_null();
}
statement& statement::bind_bool(bool v) {
  return bind(std::string_view(v ? "t" : "f"));
}

statement& statement::bind_null() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

statement& statement::bind_bytes(std::string_view bytes) {
  values_.emplace_back(std::string(bytes));
  formats_.push_back(1);
  return *this;
}

result<void> statement::execute(std::string_view what) {
  executed_ = true;
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(values_.size());
  lengths.reserve(values_.size());
  for (const auto& v : values_) {
    values.push_back(v ? v->data() : nullptr);
    lengths.push_back(v ? static_cast<int>(v->size()) : 0);
  }
  connection& owner = *owner_;
  if (owner.statement_rollback_ && PQtransactionStatus(owner.conn_) == PQTRANS_INTRANS) {
    if (auto r = owner.execute_guarded(name_, values, lengths, formats_, what, result_); !r) return r;
  } else {
    if (!owner.deferred_.empty()) {
      if (auto r = owner.run("", what); !r) return r;
    }
    result_ = PQexecPrepared(owner.conn_, name_.c_str(), static_cast<int>(values.size()), values.data(),
                             lengths.data(), formats_.data(), 0);
    auto status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return error_of(owner.conn_, result_, what);
  }
  rows_ = PQntuples(result_);
  const char* n = PQcmdTuples(result_);
  owner.changes_ = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
  return {};
}

result<bool> statement::step(std::string_view what) {
  if (!executed_) {
    if (auto r = execute(what); !r) return r.error();
  }
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

result<void> statement::run(std::string_view what) {
  if (executed_) return core::make_error(core::errc::internal, std::string(what) + ": statement run twice");
  return execute(what);
}

bool statement::is_null(int col) const {
  return PQgetisnull(result_, row_, col) != 0;
}

std::int64_t statement::int64(int col) const {
  const char* p = PQgetvalue(result_, row_, col);
  return p ? std::strtoll(p, nullptr, 10) : 0;
}

double statement::real(int col) const {
  const char* p = PQgetvalue(result_, row_, col);
  return p ? std::strtod(p, nullptr) : 0.0;
}

std::string statement::text(int col) const {
  return std::string(view(col));
}

std::string_view statement::view(int col) const {
  const char* p = PQgetvalue(result_, row_, col);
  if (!p) return {};
  return std::string_view(p, static_cast<std::size_t>(PQgetlength(result_, row_, col)));
}

timestamp statement::time(int col) const {
  return core::from_micros(int64(col));
}

std::optional<std::string> statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<timestamp> statement::opt_time(int col) const {
  if (is_null(col)) return std::nullopt;
  return time(col);
}

bool statement::boolean(int col) const {
  auto v = view(col);
  if (v == "t" || v == "true") return true;
  if (v == "f" || v == "false" || v.empty()) return false;
  return int64(col) != 0;
}

std::string statement::bytes(int col) const {
  std::size_t n = 0;
  auto* raw = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, col));
  unsigned char* decoded = PQunescapeBytea(raw, &n);
  if (!decoded) return {};
  std::string out(reinterpret_cast<const char*>(decoded), n);
  PQfreemem(decoded);
  return out;
}

// ---------------------------------------------------------------------------------------
// connection

result<std::unique_ptr<connection>> connection::open(const std::string& conninfo) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (!options) {
    std::string why = parse_error ? one_line(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return core::invalid("postgres: the connection string is not valid (" + why +
                         "); give a postgresql:// URI or libpq keywords such as 'host=... dbname=...'");
  }
  PQconninfoFree(options);
  pg_conn* conn = PQconnectdb(conninfo.c_str());
  if (!conn) return core::make_error(core::errc::unavailable, "postgres: out of memory while connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = "postgres: cannot connect to " + describe_target(conn) + ": " +
                          one_line(PQerrorMessage(conn)) + "; check that the server runs and the connection string";
    PQfinish(conn);
    return core::make_error(core::errc::unavailable, std::move(message));
  }
  auto c = std::unique_ptr<connection>(new connection(conn));
  // Quiet NOTICEs (CREATE ... IF NOT EXISTS) stay out of stderr; UTC and UTF-8 whatever the
  // server's defaults, since the schema keeps times as microseconds and text as UTF-8.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (auto r = c->run("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'", "session settings"); !r) return r.error();
  return c;
}

connection::~connection() {
  PQfinish(conn_);
}

result<statement> connection::prepare(std::string_view sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    std::string numbered = numbered_placeholders(sql);
    // A failed PREPARE inside a transaction fails the transaction, as a failed statement does:
    // on the writer it is undone alone too (its own savepoint, after the deferred commands, so
    // that the command's savepoint is there before it), so that the command sees PostgreSQL's
    // reason and the batch goes on. Once per statement and connection: it is kept prepared.
    const bool guarded = statement_rollback_ && in_transaction();
    if (guarded) {
      if (auto r = run("SAVEPOINT siaga_prepare", "prepare"); !r) return r.error();
    }
    PGresult* res = PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    auto error = ok ? core::error{} : error_of(conn_, res, "prepare");
    PQclear(res);
    if (guarded) {
      auto undone = run(ok ? "RELEASE SAVEPOINT siaga_prepare"
                           : "ROLLBACK TO SAVEPOINT siaga_prepare; RELEASE SAVEPOINT siaga_prepare",
                        "prepare");
      if (!undone && ok) return undone.error();
    }
    if (!ok) return error;
    it = prepared_.emplace(std::string(sql), std::move(name)).first;
  }
  return statement(this, it->second);
}

result<void> connection::execute_guarded(const std::string& name, const std::vector<const char*>& values,
                                         const std::vector<int>& lengths, const std::vector<int>& formats,
                                         std::string_view what, pg_result*& out) {
  const std::vector<std::string> ahead = std::move(deferred_);
  deferred_.clear();
  // The pipeline: the deferred commands, SAVEPOINT, the statement, RELEASE, one sync. After a
  // failure the server skips the rest up to the sync (PGRES_PIPELINE_ABORTED).
  const std::size_t savepoint = ahead.size();
  const std::size_t statement = savepoint + 1;
  const std::size_t queries = statement + 2;
  if (PQenterPipelineMode(conn_) != 1) return error_of(conn_, nullptr, what);
  auto send_command = [this](const char* sql) {
    return PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  };
  bool sent = true;
  for (const auto& sql : ahead) sent = sent && send_command(sql.c_str());
  sent = sent && send_command("SAVEPOINT siaga_statement");
  sent = sent && PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                                     lengths.data(), formats.data(), 0) == 1;
  sent = sent && send_command("RELEASE SAVEPOINT siaga_statement");
  sent = sent && PQpipelineSync(conn_) == 1;

  std::optional<core::error> failure;
  bool statement_failed = false;
  if (!sent) failure = error_of(conn_, nullptr, what);
  // Each query's results end with a null; the sync's result ends the pipeline. A lost
  // connection ends it too, and a bound on the nulls keeps a confused one from looping.
  std::size_t query = 0;
  bool synced = false;
  while (sent && !synced && query <= queries) {
    PGresult* res = PQgetResult(conn_);
    if (!res) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      ++query;
      continue;
    }
    auto status = PQresultStatus(res);
    if (status == PGRES_PIPELINE_SYNC) {
      synced = true;
    } else if (status == PGRES_FATAL_ERROR && !failure) {
      std::string_view which = query == statement ? what : query < savepoint ? std::string_view(ahead[query])
                                                                             : std::string_view("statement savepoint");
      failure = error_of(conn_, res, which);
      statement_failed = query == statement;
    }
    if (query == statement && status != PGRES_PIPELINE_SYNC && !out) {
      out = res;
    } else {
      PQclear(res);
    }
  }
  if (PQexitPipelineMode(conn_) != 1 || !synced) {
    if (failure) return *failure;
    return core::make_error(core::errc::unavailable, std::string(what) + ": the pipeline to " + target() +
                                                         " ended early: " + one_line(PQerrorMessage(conn_)));
  }
  if (failure) {
    // The statement alone is undone; a deferred command or the savepoint failing leaves the
    // transaction failed, for the command's own savepoint to undo.
    if (statement_failed) (void)run("ROLLBACK TO SAVEPOINT siaga_statement; RELEASE SAVEPOINT siaga_statement");
    return *failure;
  }
  if (!out) return core::make_error(core::errc::storage_failure, std::string(what) + ": the statement gave no result");
  return {};
}

result<void> connection::run(std::string_view sql, std::string_view what) {
  std::string text;
  for (const auto& d : deferred_) {
    text += d;
    text += "; ";
  }
  deferred_.clear();
  text.append(sql);
  if (text.empty()) return {};
  PGresult* res = PQexec(conn_, text.c_str());
  auto status = PQresultStatus(res);
  bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  auto error = ok ? core::error{} : error_of(conn_, res, what.empty() ? std::string_view(text) : what);
  PQclear(res);
  if (!ok) return error;
  return {};
}

result<std::int64_t> connection::copy_in(std::string_view sql,
                                         const std::function<result<bool>(std::string&)>& next,
                                         std::string_view what) {
  if (!deferred_.empty()) SIAGA_CHECK(run({}));
  std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  if (PQresultStatus(res) != PGRES_COPY_IN) {
    auto error = error_of(conn_, res, what.empty() ? std::string_view(text) : what);
    PQclear(res);
    return error;
  }
  PQclear(res);
  std::string chunk;
  std::optional<core::error> failed;
  for (;;) {
    auto more = next(chunk);
    if (!more) {
      failed = more.error();
      break;
    }
    if (!chunk.empty() && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) break;
    chunk.clear();
    if (!*more) break;
  }
  PQputCopyEnd(conn_, failed ? failed->message.c_str() : nullptr);
  std::int64_t rows = 0;
  std::optional<core::error> refused;
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      const char* n = PQcmdTuples(r);
      rows = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    } else if (!refused) {
      refused = error_of(conn_, r, what.empty() ? std::string_view(text) : what);
    }
    PQclear(r);
  }
  if (failed) return *failed;
  if (refused) return *refused;
  return rows;
}

result<std::int64_t> connection::copy_out(std::string_view sql,
                                          const std::function<result<void>(std::string_view)>& row,
                                          std::string_view what) {
  if (!deferred_.empty()) SIAGA_CHECK(run({}));
  std::string text(sql);
  PGresult* res = PQexec(conn_, text.c_str());
  if (PQresultStatus(res) != PGRES_COPY_OUT) {
    auto error = error_of(conn_, res, what.empty() ? std::string_view(text) : what);
    PQclear(res);
    return error;
  }
  PQclear(res);
  std::int64_t rows = 0;
  std::optional<core::error> failed;
  for (;;) {
    char* buffer = nullptr;
    int n = PQgetCopyData(conn_, &buffer, 0);
    if (n < 0) break;  // -1: done, -2: failed (reported by the result below)
    std::string_view line(buffer, static_cast<std::size_t>(n));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!failed) {
      auto r = row(line);
      if (!r) failed = r.error();
      ++rows;
    }
    PQfreemem(buffer);
  }
  std::optional<core::error> refused;
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && !refused) {
      refused = error_of(conn_, r, what.empty() ? std::string_view(text) : what);
    }
    PQclear(r);
  }
  if (failed) return *failed;
  if (refused) return *refused;
  return rows;
}

bool connection::in_transaction() const {
  auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

bool connection::in_failed_transaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

bool connection::healthy() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

result<void> connection::reset() {
  PQreset(conn_);
  prepared_.clear();
  deferred_.clear();
  if (!healthy()) {
    return core::make_error(core::errc::unavailable,
                            "postgres: cannot reconnect to " + target() + ": " + one_line(PQerrorMessage(conn_)));
  }
  return run("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'", "session settings");
}

std::string connection::target() const {
  return describe_target(conn_);
}

int connection::socket() const {
  return healthy() ? PQsocket(conn_) : -1;
}

result<std::vector<connection::notification>> connection::take_notifications() {
  if (PQconsumeInput(conn_) == 0 || !healthy()) {
    return core::make_error(core::errc::unavailable,
                            "postgres: the listening connection to " + target() + " was lost: " +
                                one_line(PQerrorMessage(conn_)));
  }
  std::vector<notification> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back({n->relname ? n->relname : "", n->extra ? n->extra : ""});
    PQfreemem(n);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// read_snapshot

read_snapshot::read_snapshot(connection& conn) : conn_(conn) {
  if (conn_.in_transaction()) return;
  auto r = conn_.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (r) {
    owns_ = true;
  } else {
    failure_ = r.error();
  }
}

read_snapshot::~read_snapshot() {
  if (owns_) (void)conn_.run("COMMIT");
}

}  // namespace siaga::storage::postgres
