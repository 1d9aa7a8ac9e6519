// `siaga stats rebuild` on a real database: the rollups a server kept (with an incident
// changing category under its dispatches) replay the same from the event log; a tampered
// rollup is found (exit 1), named, corrected, and the statistics a restarted server answers are
// the ones before. A history of several months entered through the API (servers whose clock
// runs months behind) replays to the same figures on every statistics endpoint.
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/shared_server.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

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

// Changes the stopped server's database directly, as a fault or an older version would have.
void edit(const std::string& database, const std::string& sql) {
  ASSERT_EQ(exec_sql(database, sql), "") << sql;
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

  // Every statistics endpoint's answer over the last year (the incidents', reports' and
  // dispatches' groupings above, the summary, each month's ministry figures, the public page).
  std::string all_figures(http_client& client, const std::string& token) {
    auto out = figures(client, token);
    auto now = system_clock::now();
    auto range = "?from=" + local_date(now - days(365)) + "&to=" + local_date(now + days(1));
    auto summary = client.get("/api/v1/stats/summary" + range, token);
    EXPECT_EQ(summary.status, 200) << summary.body;
    out += "summary " + summary.body + "\n";
    for (const auto* group : {"month", "month,category", "district,status", "agency", "channel,reject_reason"}) {
      for (const auto* path : {"/api/v1/stats/incidents", "/api/v1/stats/reports", "/api/v1/stats/dispatches"}) {
        auto r = client.get(std::string(path) + range + "&group=" + group, token);
        if (r.status == 400) continue;  // not a grouping of this subject
        EXPECT_EQ(r.status, 200) << path << " " << group << ": " << r.body;
        out += std::string(path) + " year " + group + " " + r.body + "\n";
      }
    }
    for (int back = 0; back <= 4; ++back) {
      auto month = local_date(now - days(30 * back)).substr(0, 7);
      auto r = client.get("/api/v1/stats/ministry?month=" + month, token);
      EXPECT_EQ(r.status, 200) << month << ": " << r.body;
      out += "ministry " + month + " " + r.body + "\n";
    }
    auto year = local_date(now).substr(0, 4);
    auto pub = client.get("/api/v1/public/stats?year=" + year);
    EXPECT_EQ(pub.status, 200) << pub.body;
    if (pub.status == 200) {
      auto figures = pub.json().as_object();
      figures.erase("computed_at");  // when it was worked out, not a figure
      out += "public " + json::serialize(figures) + "\n";
    }
    return out;
  }

  // What a centre does in a day, through the API: a fire accepted from a call and worked to
  // the end by its run card (reopened when asked), a snake whose agency declines and is
  // replaced, a fallen tree moved to another category and kecamatan, a prank and an
  // information call.
  void a_day_of_work(http_client& c, bool reopen) {
    auto ct = c.login("calltaker", demo_password);
    auto op = c.login("damkar", demo_password);
    auto fire = category(c, ct, "fire");
    auto animal = category(c, ct, "animal");
    auto flood = category(c, ct, "flood");
    auto tree = category(c, ct, "fallen_tree");
    auto districts = c.get("/api/v1/districts", ct);
    ASSERT_EQ(districts.status, 200) << districts.body;
    const auto& ds = districts.json().at("items").as_array();
    ASSERT_GE(ds.size(), 2u);
    auto d1 = str(ds[0], "id");
    auto d2 = str(ds[1], "id");
    auto post = [&](const std::string& path, json::object body, const std::string& token, int want) {
      auto r = c.post(path, body, token);
      EXPECT_EQ(r.status, want) << path << ": " << r.body;
      return r.status == want ? r.json() : json::value{};
    };

    auto rep = post("/api/v1/reports",
                    {{"channel", "call"}, {"description", "Rumah terbakar"}, {"category_id", fire.at("id")},
                     {"district_id", d1}},
                    ct, 201);
    if (rep.is_null()) return;
    auto inc = post("/api/v1/reports/" + str(rep, "id") + "/accept", {{"summary", "Kebakaran rumah"}}, ct, 200);
    if (inc.is_null()) return;
    for (const auto& d : inc.at("dispatches").as_array()) {
      bool own = str(d, "agency_id") == agency_id(c, ct, "DAMKAR");
      const auto& token = own ? op : ct;
      auto id = str(d, "id");
      post("/api/v1/dispatches/" + id + "/acknowledge", {}, token, 200);
      post("/api/v1/dispatches/" + id + "/en_route", {}, token, 200);
      post("/api/v1/dispatches/" + id + "/on_scene", {}, token, 200);
      post("/api/v1/dispatches/" + id + "/complete", {{"note", "Selesai"}}, token, 200);
    }
    post("/api/v1/incidents/" + str(inc, "id") + "/close", {}, ct, 200);
    if (reopen) post("/api/v1/incidents/" + str(inc, "id") + "/reopen", {{"reason", "Api menyala lagi"}}, ct, 200);

    auto snake = post("/api/v1/incidents", {{"category_id", animal.at("id")}, {"district_id", d2}}, ct, 201);
    if (snake.is_null()) return;
    auto first = str(snake.at("dispatches").as_array().at(0), "id");
    post("/api/v1/dispatches/" + first + "/decline", {{"reason", "Armada sedang di lokasi lain"}}, op, 200);
    auto again = post("/api/v1/incidents/" + str(snake, "id") + "/dispatches",
                      {{"agency_ids", json::array{json::string(agency_id(c, ct, "BPBD"))}}}, ct, 201);
    if (again.is_null()) return;
    auto replacement = str(again.at("items").as_array().at(0), "id");
    post("/api/v1/dispatches/" + replacement + "/acknowledge", {}, ct, 200);

    auto fallen = post("/api/v1/incidents", {{"category_id", tree.at("id")}, {"district_id", d1}}, ct, 201);
    if (fallen.is_null()) return;
    auto moved = c.request("PATCH", "/api/v1/incidents/" + str(fallen, "id"),
                           json::serialize(json::object{{"category_id", flood.at("id")}, {"district_id", d2}}), ct);
    EXPECT_EQ(moved.status, 200) << moved.body;

    auto prank = post("/api/v1/reports", {{"channel", "whatsapp"}, {"description", "hahaha"}}, ct, 201);
    if (!prank.is_null()) post("/api/v1/reports/" + str(prank, "id") + "/reject", {{"reason", "prank"}}, ct, 200);
    auto info = post("/api/v1/reports", {{"channel", "call"}, {"description", "Jam buka PDAM?"}}, ct, 201);
    if (!info.is_null()) post("/api/v1/reports/" + str(info, "id") + "/answer", {{"note", "08.00-16.00"}}, ct, 200);
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

  edit(server_->database(), "UPDATE roll_dispatches SET n = n + 3 WHERE day = (SELECT max(day) FROM roll_dispatches)");
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

TEST_F(stats_rebuild, months_of_work_through_the_api_replay_to_the_same_figures_everywhere) {
  ASSERT_EQ(server_->stop(), 0);
  // Three months back (a server whose clock runs behind), then today on the real clock.
  int month = 0;
  for (int days_back : {100, 70, 40, 0}) {
    auto s = server_process::reuse(server_->dir(), {"--clock-offset-s", std::to_string(-days_back * 86400)});
    http_client c("127.0.0.1", s.port());
    a_day_of_work(c, month++ % 2 == 0);
    a_day_of_work(c, false);
    ASSERT_EQ(s.stop(), 0);
  }
  std::string before;
  {
    auto s = server_process::reuse(server_->dir());
    http_client c("127.0.0.1", s.port());
    before = all_figures(c, c.login("supervisor", demo_password));
    ASSERT_EQ(s.stop(), 0);
  }
  ASSERT_NE(before.find("\"count\""), std::string::npos) << before;

  EXPECT_EQ(rebuild("months.log"), 0) << slurp(server_->dir() + "/months.log");
  auto log = slurp(server_->dir() + "/months.log");
  EXPECT_NE(log.find("SUMBER putar ulang log event (replay of the event log)"), std::string::npos) << log;
  EXPECT_NE(log.find("HASIL  cocok (match)"), std::string::npos) << log;
  EXPECT_EQ(log.find("BEDA"), std::string::npos) << log;

  auto s = server_process::reuse(server_->dir());
  http_client c("127.0.0.1", s.port());
  EXPECT_EQ(all_figures(c, c.login("supervisor", demo_password)), before);
  EXPECT_EQ(s.stop(), 0);
}

TEST_F(stats_rebuild, a_tampered_incident_row_is_named_with_both_counts_and_fixed) {
  ASSERT_EQ(server_->stop(), 0);
  // The day row of the demo's first day of incidents, whatever it holds, is made one more.
  edit(server_->database(),
       "CREATE TABLE tampered AS SELECT * FROM roll_incidents WHERE grain = 0 ORDER BY day, category_id, "
       "urgency_class, district_id, status LIMIT 1; UPDATE roll_incidents SET n = n + 1 WHERE grain = 0 AND "
       "(day, category_id, urgency_class, district_id, status) IN (SELECT day, category_id, urgency_class, "
       "district_id, status FROM tampered)");
  EXPECT_EQ(rebuild("tampered.log"), 1);
  auto log = slurp(server_->dir() + "/tampered.log");
  EXPECT_NE(log.find("BEDA   roll_incidents: 1 baris dibetulkan dari putar ulang log event"), std::string::npos) << log;
  EXPECT_NE(log.find("COCOK  roll_reports"), std::string::npos) << log;
  EXPECT_NE(log.find("HASIL  dibetulkan (corrected)"), std::string::npos) << log;
  // The line names the row (kecamatan, status) and both counts: kept one more than replayed.
  auto line_at = log.find("  81.71 roll_incidents day ");
  ASSERT_NE(line_at, std::string::npos) << log;
  auto line = log.substr(line_at, log.find('\n', line_at) - line_at);
  auto kept = line.find("tersimpan (kept) n=");
  auto replayed = line.find("putar ulang (replayed) n=");
  ASSERT_NE(kept, std::string::npos) << line;
  ASSERT_NE(replayed, std::string::npos) << line;
  auto kept_n = std::stoll(line.substr(kept + 19));
  auto replayed_n = std::stoll(line.substr(replayed + 25));
  EXPECT_EQ(kept_n, replayed_n + 1) << line;
  EXPECT_NE(line.find(" status="), std::string::npos) << line;
  EXPECT_EQ(rebuild("fixed.log"), 0) << slurp(server_->dir() + "/fixed.log");
}

TEST_F(stats_rebuild, an_event_log_from_before_the_replay_fields_is_recounted_from_the_records) {
  ASSERT_EQ(server_->stop(), 0);
  // As an older version wrote them: report.created without its district, status and time.
  const auto& db = server_->database();
  const std::string without_fields = is_postgres_database(db)
                                         ? "(payload_json::jsonb - 'created_at' - 'status' - 'district_id')::text"
                                         : "json_remove(payload_json, '$.created_at', '$.status', '$.district_id')";
  edit(db, drop_event_triggers_sql(db) + "UPDATE events SET payload_json = " + without_fields +
               " WHERE kind = 'report.created'");
  EXPECT_EQ(rebuild("old.log"), 0) << slurp(server_->dir() + "/old.log");
  auto log = slurp(server_->dir() + "/old.log");
  EXPECT_NE(log.find("SUMBER hitungan ulang dari catatan (recount from the records)"), std::string::npos) << log;
  EXPECT_NE(log.find("81.71: "), std::string::npos) << log;
  EXPECT_NE(log.find("lack replay fields, written before this version (event seq "), std::string::npos) << log;
  EXPECT_NE(log.find("recounted from the records instead"), std::string::npos) << log;
  EXPECT_NE(log.find("COCOK  roll_incidents"), std::string::npos) << log;
}

TEST_F(stats_rebuild, a_callers_counter_that_no_call_backs_is_reported_and_dropped) {
  ASSERT_EQ(server_->stop(), 0);
  EXPECT_EQ(rebuild("counters1.log"), 0) << slurp(server_->dir() + "/counters1.log");
  auto clean = slurp(server_->dir() + "/counters1.log");
  EXPECT_NE(clean.find("COCOK  caller_counts"), std::string::npos) << clean;
  // A number with five prank calls counted, none of them in the calls table.
  edit(server_->database(),
       "INSERT INTO caller_counts SELECT id, '+6281999999999', 5, 5, 0, 0, 0, 5, 0, 0, 0, 0, 1, 2 FROM "
       "jurisdictions ORDER BY code LIMIT 1");
  EXPECT_EQ(rebuild("counters2.log"), 1);
  auto tampered = slurp(server_->dir() + "/counters2.log");
  EXPECT_NE(tampered.find("BEDA   caller_counts: 1 baris dibetulkan"), std::string::npos) << tampered;
  EXPECT_NE(tampered.find("COCOK  roll_calls"), std::string::npos) << tampered;
  EXPECT_NE(tampered.find("HASIL  dibetulkan (corrected)"), std::string::npos) << tampered;
  EXPECT_EQ(rebuild("counters3.log"), 0) << slurp(server_->dir() + "/counters3.log");
}

TEST_F(stats_rebuild, a_missing_database_is_refused) {
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", server_->dir() + "/none.db"}, server_->dir() + "/none.log"), 1);
  EXPECT_NE(slurp(server_->dir() + "/none.log").find("does not exist"), std::string::npos);
  EXPECT_EQ(run_siaga({"stats", "recount"}, server_->dir() + "/bad.log"), 2);
}

}  // namespace
}  // namespace siaga::testing
