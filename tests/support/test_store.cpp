#include "support/test_store.hpp"

#include "support/test_cluster.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string_view>

namespace siaga::testing {
namespace {

constexpr std::string_view postgres_store = "postgres";

// The cluster's libpq keywords, "" when none is named.
std::string cluster_conninfo() {
  if (const char* direct = std::getenv("SIAGA_TEST_POSTGRES"); direct && *direct) return direct;
  std::string file;
  if (const char* f = std::getenv("SIAGA_TEST_POSTGRES_FILE"); f && *f) file = f;
  // TEST_SIAGA_STORE=postgres:FILE names the file itself (one variable, as CTest passes it).
  if (const char* store = std::getenv("TEST_SIAGA_STORE"); store && std::string_view(store).size() > postgres_store.size() + 1) {
    file = std::string(store).substr(postgres_store.size() + 1);
  }
  if (!file.empty()) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
  }
  return "";
}

}  // namespace

bool on_postgres() {
  const char* store = std::getenv("TEST_SIAGA_STORE");
  return store && std::string_view(store).starts_with(postgres_store);
}

bool is_postgres_database(const std::string& database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://") ||
         database.starts_with("host=");
}

std::string new_test_database(const std::string& dir) {
  std::string database = dir + "/siaga.db";
  if (on_postgres()) {
    static std::atomic<int> made{0};
    auto server = cluster_conninfo();
    if (server.empty()) {
      ADD_FAILURE() << "TEST_SIAGA_STORE=postgres but neither SIAGA_TEST_POSTGRES nor SIAGA_TEST_POSTGRES_FILE names a server";
      return database;
    }
    auto name = "it_" + std::to_string(::getpid()) + "_" + std::to_string(made++);
    (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    auto failed = pg_exec(server, "CREATE DATABASE " + name);
    if (!failed.empty()) ADD_FAILURE() << "cannot make the test database " << name << ": " << failed;
    database = server + " dbname=" + name;
  }
  std::ofstream(dir + "/database") << database;
  return database;
}

std::string database_of(const std::string& dir) {
  std::ifstream in(dir + "/database");
  std::string database;
  std::getline(in, database);
  return database.empty() ? dir + "/siaga.db" : database;
}

void drop_test_database(const std::string& database) {
  if (!is_postgres_database(database)) return;
  auto at = database.rfind(" dbname=");
  if (at == std::string::npos) return;
  auto server = database.substr(0, at);
  (void)pg_exec(server, "DROP DATABASE IF EXISTS " + database.substr(at + 8) + " WITH (FORCE)");
}

}  // namespace siaga::testing
