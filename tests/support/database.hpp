// Reading and editing the server's database beside it (SQLite's WAL allows it; PostgreSQL when
// the tests run on it, support/test_store.hpp), for tests that check what was written (one value
// of a query, in SQL both stores take) or that change rows as someone with access to the
// database could (ageing sessions, tampering with the audit trail).
#pragma once

#include "support/test_cluster.hpp"
#include "support/test_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace siaga::testing {

// The first column of the first row of a query on the database file as text, or "" for no row
// (a test failure when the file or the query cannot be read).
inline std::string query_text(const std::string& db, const std::string& sql) {
  if (is_postgres_database(db)) {
    // SQLite's instr(), group_concat() and json_extract() (a '$.a.b' path; true and false as 1
    // and 0, a string unquoted: compare it as text, or CAST it), which the tests' SQL uses, made
    // of PostgreSQL's own (in the test's database only).
    constexpr const char* sqlite_functions =
        "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer "
        "LANGUAGE sql IMMUTABLE AS 'SELECT strpos($1, $2)'; "
        "CREATE OR REPLACE FUNCTION group_concat_step(text, text, text) RETURNS text LANGUAGE sql IMMUTABLE "
        "AS 'SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || $3 || $2 END'; "
        "CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step, STYPE = text); "
        "CREATE OR REPLACE FUNCTION json_extract(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ "
        "SELECT CASE jsonb_typeof(v) WHEN 'boolean' THEN CASE WHEN v = 'true'::jsonb THEN '1' ELSE '0' END "
        "WHEN 'string' THEN v #>> '{}' WHEN 'null' THEN NULL ELSE v::text END "
        "FROM (SELECT $1::jsonb #> string_to_array(substr($2, 3), '.') AS v) AS x $$; ";
    std::string out;
    auto failed = pg_query(db, sqlite_functions + sql, out);
    EXPECT_EQ(failed, "") << sql;
    return out;
  }
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(h) << ": " << sql;
  std::string out;
  if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// The same as a number; -1 for no row.
inline std::int64_t query_int(const std::string& db, const std::string& sql) {
  auto t = query_text(db, sql);
  return t.empty() ? -1 : std::stoll(t);
}

// Runs one or more statements on the database, outside the server; "" or the store's message.
// Waits up to 5 s for SQLite's write lock when a server holds it.
inline std::string exec_sql(const std::string& db, const std::string& sql) {
  if (is_postgres_database(db)) return pg_exec(db, sql);
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = h ? sqlite3_errmsg(h) : "cannot open " + db;
    sqlite3_close(h);
    return message;
  }
  sqlite3_busy_timeout(h, 5000);
  char* err = nullptr;
  std::string message;
  if (sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) message = err ? err : "failed";
  sqlite3_free(err);
  sqlite3_close(h);
  return message;
}

// The statements that drop the append-only triggers of the events table, in db's store (an
// attacker with access to the database drops them first).
inline std::string drop_event_triggers_sql(const std::string& db) {
  if (is_postgres_database(db)) {
    return "DROP TRIGGER IF EXISTS events_no_update ON events; DROP TRIGGER IF EXISTS events_no_delete ON events; ";
  }
  return "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete; ";
}

// A copy of a database no server has open, named after name: SQLite's file copied to dir/name.db,
// or on PostgreSQL a database of that name on the same server (CREATE DATABASE ... TEMPLATE,
// replacing one left by a crashed run). The copy's location, "" (and a test failure) when it
// cannot be made. The caller removes a PostgreSQL copy with drop_test_database.
inline std::string copy_database(const std::string& db, const std::string& dir, const std::string& name) {
  if (!is_postgres_database(db)) {
    auto copy = dir + "/" + name + ".db";
    std::error_code ec;
    std::filesystem::copy_file(db, copy, std::filesystem::copy_options::overwrite_existing, ec);
    EXPECT_FALSE(ec) << ec.message();
    return ec ? "" : copy;
  }
  auto at = db.rfind(" dbname=");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no dbname= in " << db;
    return "";
  }
  auto server = db.substr(0, at);
  auto copy = db.substr(at + 8) + "_" + name;
  (void)pg_exec(server, "DROP DATABASE IF EXISTS " + copy + " WITH (FORCE)");
  auto failed = pg_exec(server, "CREATE DATABASE " + copy + " TEMPLATE " + db.substr(at + 8));
  EXPECT_EQ(failed, "") << "cannot copy the database";
  return failed.empty() ? server + " dbname=" + copy : "";
}

}  // namespace siaga::testing
