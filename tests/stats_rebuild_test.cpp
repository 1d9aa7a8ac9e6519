// `siaga stats rebuild` on a real database: the rollups a server kept (with an incident
// changing category under its dispatches) recount the same; a tampered rollup is found (exit
// 1), corrected, and the statistics a restarted server answers are the ones before.
#include "support/demo.hpp"
#include "support/shared_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace siaga::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string local_date(system_clock::time_point t) {
  year_month_day ymd{floor<days>(t + hours(9))};  // Ambon, WIT
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

void exec_sql(const std::string& database, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class stats_rebuild : public own_server_test {
 protected:
  // The statistics a leader would read for the last four years, as JSON text.
  std::string figures(http_client& client, const std::string& token) {
    auto now = system_clock::now();
    auto range = "?from=" + local_date(now - days(4 * 365)) + "&to=" + local_date(now + days(1));
    std::string out;
    for (const auto* path : {"/api/v1/stats/incidents", "/api/v1/stats/reports", "/api/v1/stats/dispatches"}) {
      for (const auto* group : {"month,category", "district,status", "agency", "channel,reject_reason"}) {
        auto r = client.get(std::string(path) + range + "&group=" + group, token);
        if (r.status == 400) continue;  // not a grouping of this subject
        EXPECT_EQ(r.status, 200) << path << " " << group << ": " << r.body;
        out += std::string(path) + " " + group + " " + r.body + "\n";
      }
    }
    return out;
  }

  int rebuild(const std::string& log) {
    return run_siaga({"stats", "rebuild", "--database", server_->database()}, server_->dir() + "/" + log);
  }
};

TEST_F(stats_rebuild, a_kept_rollup_recounts_the_same_and_a_tampered_one_is_corrected) {
  // An incident with dispatches changes category: its dispatches' figures move with it.
  auto list = client_->get("/api/v1/incidents?status=dispatched&limit=1", call_taker_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_FALSE(list.json().at("items").as_array().empty()) << "the demo has a dispatched incident";
  auto incident = list.json().at("items").as_array()[0].as_object();
  auto categories = client_->get("/api/v1/categories", call_taker_).json().at("items").as_array();
  std::string other;
  for (const auto& c : categories) {
    if (c.at("id") != incident.at("category_id")) other = std::string(c.at("id").as_string());
  }
  auto patched = client_->request("PATCH", "/api/v1/incidents/" + std::string(incident.at("id").as_string()),
                                  json::serialize(json::object{{"category_id", other}}), call_taker_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto before = figures(*client_, call_taker_);
  ASSERT_NE(before.find("\"count\""), std::string::npos) << before;
  ASSERT_EQ(server_->stop(), 0);

  EXPECT_EQ(rebuild("rebuild1.log"), 0) << slurp(server_->dir() + "/rebuild1.log");
  auto first = slurp(server_->dir() + "/rebuild1.log");
  EXPECT_NE(first.find("COCOK  roll_dispatch_steps"), std::string::npos) << first;
  EXPECT_EQ(first.find("BEDA"), std::string::npos) << first;

  exec_sql(server_->database(), "UPDATE roll_dispatches SET n = n + 3 WHERE day = (SELECT max(day) FROM roll_dispatches)");
  EXPECT_EQ(rebuild("rebuild2.log"), 1);
  auto second = slurp(server_->dir() + "/rebuild2.log");
  EXPECT_NE(second.find("BEDA   roll_dispatches"), std::string::npos) << second;
  EXPECT_NE(second.find("COCOK  roll_incidents"), std::string::npos) << second;
  EXPECT_EQ(rebuild("rebuild3.log"), 0) << slurp(server_->dir() + "/rebuild3.log");

  auto restarted = server_process::reuse(server_->dir());
  http_client client("127.0.0.1", restarted.port());
  auto token = client.login("calltaker", demo_password);
  EXPECT_EQ(figures(client, token), before);
  EXPECT_EQ(restarted.stop(), 0);
}

TEST_F(stats_rebuild, a_missing_database_is_refused) {
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", server_->dir() + "/none.db"}, server_->dir() + "/none.log"), 1);
  EXPECT_NE(slurp(server_->dir() + "/none.log").find("does not exist"), std::string::npos);
  EXPECT_EQ(run_siaga({"stats", "recount"}, server_->dir() + "/bad.log"), 2);
}

}  // namespace
}  // namespace siaga::testing
