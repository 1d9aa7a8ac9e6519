#include "support/test_store.hpp"

#include "support/server_process.hpp"
#include "support/test_cluster.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
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
  if (const char* store = std::getenv("TEST_SIAGA_STORE");
      store && std::string_view(store).size() > postgres_store.size() + 1) {
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

// The advisory lock key of the template's making and copying (any number no other test takes).
constexpr long long template_lock_key = 112112;
constexpr std::string_view template_name = "siaga_demo_template";

// What identifies the siaga binary that seeds (its modification time): a rebuilt binary may
// write another schema or another demo city, so its template is seeded again.
std::string binary_stamp() {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(SIAGA_BINARY, ec);
  return std::to_string(t.time_since_epoch().count());
}

long long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// True when the cluster's template was seeded by this binary less than template_max_age_s ago.
// Its comment, set once the seed succeeded, reads "BINARY_STAMP SEEDED_AT_S".
bool template_current(const std::string& server) {
  auto comment = pg_scalar(server, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '" +
                                       std::string(template_name) + "'");
  auto space = comment.find(' ');
  if (space == std::string::npos || comment.substr(0, space) != binary_stamp()) return false;
  return now_s() - std::stoll(comment.substr(space + 1)) < template_max_age_s;
}

// Seeds the template anew (the caller holds the lock): into a database of another name first,
// renamed only when the seed succeeded, so a failed or interrupted seed leaves no template that
// looks whole. "" or what failed.
std::string seed_template(const std::string& server, const std::string& log) {
  const std::string name(template_name);
  const auto making = name + "_making";
  const auto seeded_at = now_s();
  (void)pg_exec(server, "DROP DATABASE IF EXISTS " + making + " WITH (FORCE)");
  if (auto failed = pg_exec(server, "CREATE DATABASE " + making); !failed.empty()) return failed;
  int rc = run_siaga({"seed", "--demo", "--database", server + " dbname=" + making}, log);
  if (rc != 0) return "siaga seed --demo exited with " + std::to_string(rc) + ": " + file_text(log);
  if (auto failed = pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); !failed.empty())
    return failed;
  if (auto failed = pg_exec(server, "ALTER DATABASE " + making + " RENAME TO " + name); !failed.empty()) return failed;
  return pg_exec(server,
                 "COMMENT ON DATABASE " + name + " IS '" + binary_stamp() + " " + std::to_string(seeded_at) + "'");
}

// A new database name, unique in the cluster while this process lives.
std::string new_database_name() {
  static std::atomic<int> made{0};
  return "it_" + std::to_string(::getpid()) + "_" + std::to_string(made++);
}

}  // namespace

bool on_postgres() {
  const char* store = std::getenv("TEST_SIAGA_STORE");
  return store && std::string_view(store).starts_with(postgres_store);
}

bool is_postgres_database(const std::string& database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://") || database.starts_with("host=");
}

std::string new_test_database(const std::string& dir) {
  std::string database = dir + "/siaga.db";
  if (on_postgres()) {
    auto server = cluster_conninfo();
    if (server.empty()) {
      ADD_FAILURE()
          << "TEST_SIAGA_STORE=postgres but neither SIAGA_TEST_POSTGRES nor SIAGA_TEST_POSTGRES_FILE names a server";
      return database;
    }
    auto name = new_database_name();
    (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    auto failed = pg_exec(server, "CREATE DATABASE " + name);
    if (!failed.empty()) ADD_FAILURE() << "cannot make the test database " << name << ": " << failed;
    database = server + " dbname=" + name;
  }
  std::ofstream(dir + "/database") << database;
  return database;
}

std::string new_seeded_test_database(const std::string& dir, const std::string& log) {
  if (!on_postgres()) {
    auto database = new_test_database(dir);
    int rc = run_siaga({"seed", "--demo", "--database", database}, log);
    if (rc != 0) ADD_FAILURE() << "seed failed (" << rc << "): " << file_text(log);
    return database;
  }
  auto server = cluster_conninfo();
  if (server.empty()) return new_test_database(dir);  // which reports the missing server
  auto name = new_database_name();
  {
    pg_lock lock(server, template_lock_key);
    if (!lock.held()) {
      ADD_FAILURE() << "cannot lock the demo template: " << lock.error();
      return new_test_database(dir);
    }
    if (!template_current(server)) {
      if (auto failed = seed_template(server, log); !failed.empty()) {
        ADD_FAILURE() << "cannot seed the demo template: " << failed;
        return new_test_database(dir);
      }
    }
    (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    auto failed = pg_exec(server, "CREATE DATABASE " + name + " TEMPLATE " + std::string(template_name));
    if (!failed.empty()) ADD_FAILURE() << "cannot copy the demo template into " << name << ": " << failed;
  }
  auto database = server + " dbname=" + name;
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
