#include "support/test_cluster.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace siaga::testing {

test_cluster::test_cluster() {
  if (const char* direct = std::getenv("SIAGA_TEST_POSTGRES"); direct && *direct) {
    conninfo_ = direct;
    return;
  }
  std::string tmpl = "/tmp/siaga-pgserve-cluster-XXXXXX";
  folder_ = mkdtemp(tmpl.data());
  script_ = std::string(SIAGA_SOURCE_DIR) + "/scripts/pg-test-cluster.sh";
  auto start = "bash '" + script_ + "' start '" + folder_ + "/pg' > '" + folder_ + "/start.log' 2>&1";
  if (std::system(start.c_str()) != 0) return;
  std::ifstream in(folder_ + "/pg/conninfo");
  std::getline(in, conninfo_);
}

test_cluster::~test_cluster() {
  if (folder_.empty()) return;
  auto stop = "bash '" + script_ + "' stop '" + folder_ + "/pg' > /dev/null 2>&1";
  (void)std::system(stop.c_str());
  std::filesystem::remove_all(folder_);
}

std::string test_cluster::start_log() const {
  if (folder_.empty()) return "";
  std::ifstream in(folder_ + "/start.log");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string test_cluster::new_database(const std::string& name) const {
  (void)pg_exec(conninfo_, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  if (!pg_exec(conninfo_, "CREATE DATABASE " + name).empty()) return "";
  return conninfo_ + " dbname=" + name;
}

namespace {

// Runs sql and hands its result to use; "" or libpq's message.
template <class Use>
std::string with_result(const std::string& conninfo, const std::string& sql, Use use) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string message;
  if (PQstatus(conn) != CONNECTION_OK) {
    message = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
      message = PQresultErrorMessage(res);
    } else {
      use(res);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return message;
}

}  // namespace

std::string pg_exec(const std::string& conninfo, const std::string& sql) {
  return with_result(conninfo, sql, [](PGresult*) {});
}

std::string pg_query(const std::string& conninfo, const std::string& sql, std::string& out) {
  out.clear();
  return with_result(conninfo, sql, [&](PGresult* res) {
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) out = PQgetvalue(res, 0, 0);
  });
}

std::string pg_scalar(const std::string& conninfo, const std::string& sql) {
  std::string out;
  (void)pg_query(conninfo, sql, out);
  return out;
}

pg_lock::pg_lock(const std::string& conninfo, long long key) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  conn_ = conn;
  if (PQstatus(conn) != CONNECTION_OK) {
    error_ = PQerrorMessage(conn);
    return;
  }
  PGresult* res = PQexec(conn, ("SELECT pg_advisory_lock(" + std::to_string(key) + ")").c_str());
  if (PQresultStatus(res) != PGRES_TUPLES_OK) error_ = PQresultErrorMessage(res);
  PQclear(res);
}

pg_lock::~pg_lock() {
  // Closing the session releases its advisory locks.
  PQfinish(static_cast<PGconn*>(conn_));
}

}  // namespace siaga::testing
