// A throw-away PostgreSQL server for the integration tests that run siaga on PostgreSQL:
// SIAGA_TEST_POSTGRES when set, else a cluster of its own (scripts/pg-test-cluster.sh, as the
// storage tests' fixture does) in a temporary folder, stopped and removed with the object.
#pragma once

#include <string>

namespace siaga::testing {

class test_cluster {
 public:
  test_cluster();
  ~test_cluster();
  test_cluster(const test_cluster&) = delete;
  test_cluster& operator=(const test_cluster&) = delete;

  // libpq keywords of the server; "" when the cluster did not start (start_log says why).
  const std::string& conninfo() const { return conninfo_; }
  std::string start_log() const;

  // A new empty database on the server (dropped first if a crashed run left it), as a libpq
  // keyword string; "" when it cannot be made.
  std::string new_database(const std::string& name) const;

 private:
  std::string folder_, script_, conninfo_;
};

// Runs one statement (or several) on the server conninfo names; "" or libpq's message.
std::string pg_exec(const std::string& conninfo, const std::string& sql);

// The first column of the first row of sql as text; "" when none or on an error.
std::string pg_scalar(const std::string& conninfo, const std::string& sql);

// The same into out ("" when no row or NULL), returning "" or libpq's message.
std::string pg_query(const std::string& conninfo, const std::string& sql, std::string& out);

// Holds a session-level advisory lock (pg_advisory_lock(key)) on the server conninfo names from
// construction to destruction, so that test processes running side by side take turns; the lock
// goes with the connection if the process dies. held() is false (and error() says why) when the
// server could not be reached.
class pg_lock {
 public:
  pg_lock(const std::string& conninfo, long long key);
  ~pg_lock();
  pg_lock(const pg_lock&) = delete;
  pg_lock& operator=(const pg_lock&) = delete;

  bool held() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void* conn_ = nullptr;  // PGconn*, kept out of the header as libpq is the .cpp's business
  std::string error_;
};

}  // namespace siaga::testing
