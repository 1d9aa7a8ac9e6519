// `siaga backup --to FILE`: a consistent copy of the database while the server writes.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;

namespace {

std::set<std::string> report_ids(const std::string& db) {
  std::set<std::string> out;
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, "SELECT id FROM reports", -1, &st, nullptr), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) out.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(backup, copies_a_live_database_consistently_while_reports_are_filed) {
  server_process server(true, {"--max-new-reports-per-reporter", "0"});
  std::atomic<bool> stop{false};
  std::atomic<int> filed{0};
  std::thread writer([&] {
    http_client c{"127.0.0.1", server.port()};
    auto ct = c.login("calltaker", demo_password);
    while (!stop) {
      auto r = c.post("/api/v1/reports", json::object{{"description", "Banjir di jalan, cadangan diuji"}}, ct);
      if (r.status == 201) ++filed;
    }
  });
  while (filed < 20) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto copy = server.dir() + "/cadangan.db";
  auto log = server.dir() + "/backup.log";
  int rc = run_siaga({"backup", "--database", server.database(), "--to", copy}, log);
  stop = true;
  writer.join();
  ASSERT_EQ(rc, 0) << slurp(log);
  EXPECT_NE(slurp(log).find("CADANGAN selesai"), std::string::npos) << slurp(log);
  EXPECT_NE(slurp(log).find("menyalin (copying) 100 %"), std::string::npos) << slurp(log);
  ASSERT_EQ(server.stop(), 0);

  // The copy is a whole database: its chain verifies, and it holds a snapshot of the reports
  // (some filed while it was made, none that the live database lacks).
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", copy}, server.dir() + "/verify.log"), 0)
      << slurp(server.dir() + "/verify.log");
  auto live = report_ids(server.database());
  auto copied = report_ids(copy);
  EXPECT_GE(copied.size(), 20u);
  EXPECT_LE(copied.size(), live.size());
  for (const auto& id : copied) EXPECT_TRUE(live.count(id)) << id;
  // And it serves: a server started on the copy answers with those reports.
  auto restored_dir = server.dir() + "/restored";
  std::filesystem::create_directories(restored_dir);
  std::filesystem::copy_file(copy, restored_dir + "/siaga.db");
  auto restored = server_process::reuse(restored_dir);
  http_client c{"127.0.0.1", restored.port()};
  auto sup = c.login("supervisor", demo_password);
  auto list = c.get("/api/v1/reports?limit=1", sup);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json::parse(list.body).at("total").as_int64(), static_cast<std::int64_t>(copied.size()));
}

TEST(backup, refuses_what_it_cannot_do_and_writes_nothing) {
  server_process server;
  ASSERT_EQ(server.stop(), 0);
  auto log = server.dir() + "/backup.log";
  // No --to.
  EXPECT_EQ(run_siaga({"backup", "--database", server.database()}, log), 2);
  EXPECT_NE(slurp(log).find("--to FILE is required"), std::string::npos) << slurp(log);
  // A target that exists is never overwritten.
  auto existing = server.dir() + "/ada.db";
  { std::ofstream(existing) << "jangan ditimpa"; }
  EXPECT_EQ(run_siaga({"backup", "--database", server.database(), "--to", existing}, log), 2);
  EXPECT_NE(slurp(log).find("already exists"), std::string::npos) << slurp(log);
  EXPECT_EQ(slurp(existing), "jangan ditimpa");
  // A folder that does not exist, a database that does not exist.
  EXPECT_EQ(run_siaga({"backup", "--database", server.database(), "--to", server.dir() + "/tidak/ada.db"}, log), 2);
  EXPECT_NE(slurp(log).find("does not exist; create it first"), std::string::npos) << slurp(log);
  EXPECT_FALSE(std::filesystem::exists(server.dir() + "/tidak"));
  EXPECT_EQ(run_siaga({"backup", "--database", server.dir() + "/hilang.db", "--to", server.dir() + "/b.db"}, log), 2);
  EXPECT_FALSE(std::filesystem::exists(server.dir() + "/b.db"));
  EXPECT_FALSE(std::filesystem::exists(server.dir() + "/hilang.db"));
}

}  // namespace siaga::testing
