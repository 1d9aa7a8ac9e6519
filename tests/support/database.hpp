// Reading the server's database beside it (SQLite's WAL allows it; PostgreSQL when the tests
// run on it, support/test_store.hpp), for tests that check what was written: one value of a
// query, in SQL both stores take.
#pragma once

#include "support/test_cluster.hpp"
#include "support/test_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace siaga::testing {

// The first column of the first row of a query on the database file as text, or "" for no row
// (a test failure when the file or the query cannot be read).
inline std::string query_text(const std::string& db, const std::string& sql) {
  if (is_postgres_database(db)) {
    // SQLite's instr(), which the tests' SQL uses, as PostgreSQL's strpos() (the test's database only).
    constexpr const char* instr = "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer "
                                  "LANGUAGE sql IMMUTABLE AS 'SELECT strpos($1, $2)'; ";
    std::string out;
    auto failed = pg_query(db, instr + sql, out);
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

}  // namespace siaga::testing
