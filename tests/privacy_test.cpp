// Personal data by design (issue 12, UU PDP 27/2022) over the real server and CLI: revealing a
// reporter's contact is an audited event; the retention job and `siaga privacy erase` erase
// contacts, numbers and event payloads while `siaga audit verify` still passes.
#include "core/time.hpp"
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// Runs SQL on the database file as an attacker with file access would (triggers dropped first).
bool tamper(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) return false;
  std::string all = "DROP TRIGGER IF EXISTS events_no_update; " + sql;
  bool ok = sqlite3_exec(h, all.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(h);
  return ok;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string create_report(http_client& c, const std::string& token, const std::string& name, const std::string& phone) {
  auto r = c.post(
      "/api/v1/reports",
      json::object{{"description", "Pohon tumbang menutup jalan"}, {"reporter_name", name}, {"reporter_phone", phone}},
      token);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? str(r.json(), "id") : std::string();
}

// The events of one abandoned call from caller, rung at `at`: it leaves a callback task, whose
// event holds the number.
json::array abandoned_call(const std::string& call, const std::string& caller, core::timestamp at) {
  json::object ring{{"event_id", call + "-r"},    {"call_id", call},  {"type", "ringing"},
                    {"at", core::format_utc(at)}, {"caller", caller}, {"line", "112"}};
  json::object ended{{"event_id", call + "-e"},
                     {"call_id", call},
                     {"type", "ended"},
                     {"at", core::format_utc(at + 20s)},
                     {"reason", "caller_hangup"}};
  return {ring, ended};
}

void post_call(http_client& c, const std::string& admin, const std::string& call, const std::string& caller) {
  auto key = c.post("/api/v1/api_keys", json::object{{"name", "PBX " + call}}, admin);
  ASSERT_EQ(key.status, 201) << key.body;
  auto r = c.request(
      "POST", "/api/v1/telephony/events",
      json::serialize(json::object{{"events", abandoned_call(call, caller, core::system_clock{}.now() - 10min)}}), {},
      "application/json", {{"X-Api-Key", str(key.json(), "secret")}});
  ASSERT_EQ(r.status, 200) << r.body;
}

// Reports by channel and status over the last year and the next day (a period of local dates).
std::string stats_path() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const auto date = [](std::chrono::sys_days d) {
    std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return std::string(buf);
  };
  return "/api/v1/stats/reports?group=channel,status&from=" + date(today - std::chrono::days{365}) +
         "&to=" + date(today + std::chrono::days{1});
}

// Events that still hold a number, in their payload or as their subject id.
std::int64_t events_holding(const std::string& db, const std::string& number) {
  return query_int(db, "SELECT COUNT(*) FROM events WHERE subject_id = '" + number + "' OR instr(payload_json, '" +
                           number + "') > 0");
}

}  // namespace

TEST(privacy, a_reveal_is_recorded_with_actor_and_report_and_refused_roles_record_nothing) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  http_client c{"127.0.0.1", server.port()};
  auto ct = c.login("calltaker", demo_password);
  auto sup = c.login("supervisor", demo_password);
  auto leader = c.login("walikota", demo_password);
  auto damkar = c.login("damkar", demo_password);
  auto ct_id = str(c.get("/api/v1/me", ct).json(), "id");
  auto id = create_report(c, ct, "Yohanis Latumahina", "0813-1111-2222");
  const auto reveals = [&] {
    return query_int(server.database(), "SELECT COUNT(*) FROM events WHERE kind = 'report.contact_revealed'");
  };

  // Refused: a leader (403) and an operator without a shared dispatch (404): nothing recorded.
  auto refused = c.post("/api/v1/reports/" + id + "/contact", json::object{}, leader);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(str(refused.json(), "error"), "forbidden");
  EXPECT_EQ(refused.body.find("1111"), std::string::npos);
  auto hidden = c.post("/api/v1/reports/" + id + "/contact", json::object{}, damkar);
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(c.post("/api/v1/reports/no-such-report/contact", json::object{}, ct).status, 404);
  auto with_body = c.post("/api/v1/reports/" + id + "/contact", json::object{{"why", "ingin tahu"}}, ct);
  EXPECT_EQ(with_body.status, 400) << with_body.body;
  EXPECT_EQ(reveals(), 0);

  auto shown = c.post("/api/v1/reports/" + id + "/contact", json::object{}, ct);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(str(shown.json(), "phone"), "+6281311112222");
  EXPECT_EQ(str(shown.json(), "name"), "Yohanis Latumahina");
  EXPECT_EQ(reveals(), 1);
  EXPECT_EQ(query_text(server.database(),
                       "SELECT actor_id || '|' || subject_id FROM events WHERE kind = 'report.contact_revealed'"),
            ct_id + "|" + id);
  // The event says who and which report, never the number itself.
  EXPECT_EQ(events_holding(server.database(), "+6281311112222"), 0);

  auto listed = c.get("/api/v1/audit/reveals", sup);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto& items = listed.json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(str(items[0], "report_id"), id);
  EXPECT_EQ(str(items[0], "actor_id"), ct_id);
  EXPECT_FALSE(str(items[0], "at").empty());
  EXPECT_EQ(c.get("/api/v1/audit/reveals", ct).status, 403);
  EXPECT_EQ(c.get("/api/v1/audit/reveals", leader).status, 403);
}

TEST(privacy, the_retention_job_erases_old_contacts_only_and_the_chain_still_verifies) {
  std::string dir;
  std::string old_id, new_id, stats_before;
  server_process seeded{true};
  dir = seeded.dir();
  ASSERT_EQ(seeded.stop(), 0);
  {
    // The old report is written 40 days in the past (the server's clock runs behind).
    auto past = server_process::reuse(dir, {"--clock-offset-s", std::to_string(-40 * 86400)});
    http_client c{"127.0.0.1", past.port()};
    old_id = create_report(c, c.login("calltaker", demo_password), "Pelapor Lama", "081200000001");
    ASSERT_EQ(past.stop(), 0);
  }
  {
    auto now = server_process::reuse(dir, {"--max-new-reports-per-reporter", "0"});
    http_client c{"127.0.0.1", now.port()};
    auto ct = c.login("calltaker", demo_password);
    new_id = create_report(c, ct, "Pelapor Baru", "081200000002");
    auto stats = c.get(stats_path(), c.login("walikota", demo_password));
    ASSERT_EQ(stats.status, 200) << stats.body;
    stats_before = stats.body;
    ASSERT_EQ(now.stop(), 0);
  }
  const auto db = dir + "/siaga.db";
  ASSERT_EQ(query_text(db, "SELECT reporter_phone FROM reports WHERE id = '" + old_id + "'"), "+6281200000001");
  {
    auto retained =
        server_process::reuse(dir, {"--retention-reporter-contacts-days", "30", "--retention-check-s", "1"});
    // Waits for the job's event (the job runs each second), polling the file.
    for (int i = 0;
         i < 300 && query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'") < 1; ++i) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'"), 1);
    http_client c{"127.0.0.1", retained.port()};
    auto stats_after = c.get(stats_path(), c.login("walikota", demo_password));
    EXPECT_EQ(stats_after.status, 200);
    EXPECT_EQ(stats_after.body, stats_before);
    ASSERT_EQ(retained.stop(), 0);
  }
  EXPECT_EQ(query_text(db, "SELECT reporter_name || '|' || reporter_phone FROM reports WHERE id = '" + old_id + "'"),
            "|");
  EXPECT_EQ(query_text(db, "SELECT reporter_name || '|' || reporter_phone FROM reports WHERE id = '" + new_id + "'"),
            "Pelapor Baru|+6281200000002");
  auto payload = query_text(db, "SELECT payload_json FROM events WHERE kind = 'privacy.retention_applied'");
  EXPECT_NE(payload.find("\"reporter_contacts\":1"), std::string::npos) << payload;
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, dir + "/verify.log"), 0) << read_file(dir + "/verify.log");
}

TEST(privacy, export_lists_a_number_and_erase_removes_it_while_audit_verify_passes) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  const std::string number = "+6281299990001";
  std::string report_id;
  {
    http_client c{"127.0.0.1", server.port()};
    auto admin = c.login("admin", demo_password);
    auto ct = c.login("calltaker", demo_password);
    report_id = create_report(c, ct, "Subjek Data", "0812-9999-0001");
    create_report(c, ct, "Orang Lain", "0812-9999-0002");
    post_call(c, admin, "pdp-1", "0812-9999-0001");
    ASSERT_EQ(c.post("/api/v1/reports/" + report_id + "/contact", json::object{}, ct).status, 200);
  }
  ASSERT_EQ(server.stop(), 0);
  const auto db = server.database();
  const auto log = server.dir() + "/privacy.log";
  ASSERT_GT(events_holding(db, number), 0);

  // Bad input: a clear error, exit 2, nothing recorded.
  const auto events_before = query_int(db, "SELECT COUNT(*) FROM events");
  EXPECT_EQ(run_siaga({"privacy", "erase", "--phone", "call me maybe", "--database", db}, log), 2);
  EXPECT_NE(read_file(log).find("--phone"), std::string::npos) << read_file(log);
  EXPECT_EQ(run_siaga({"privacy", "export", "--database", db}, log), 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events"), events_before);

  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", "081299990001", "--database", db}, log), 0);
  auto exported = read_file(log);
  auto doc = json::parse(exported.substr(exported.find("{\"phone\"")));
  EXPECT_EQ(str(doc, "phone"), number);
  const auto& part = doc.at("jurisdictions").as_array().at(0);
  ASSERT_EQ(part.at("reports").as_array().size(), 1u);
  EXPECT_EQ(str(part.at("reports").as_array()[0], "id"), report_id);
  EXPECT_EQ(str(part.at("reports").as_array()[0], "reporter_name"), "Subjek Data");
  EXPECT_EQ(part.at("calls").as_array().size(), 1u);
  EXPECT_FALSE(part.at("events").as_array().empty());
  EXPECT_EQ(exported.find("+6281299990002"), std::string::npos);  // another person's number is not in it
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.exported'"), 1);

  ASSERT_EQ(run_siaga({"privacy", "erase", "--phone", "+62 812 9999 0001", "--database", db}, log), 0)
      << read_file(log);
  EXPECT_NE(read_file(log).find("DIHAPUS 81.71: 1 kontak pelapor, 1 nomor penelepon"), std::string::npos)
      << read_file(log);
  EXPECT_EQ(events_holding(db, number), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM reports WHERE reporter_phone = '" + number + "'"), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM calls WHERE caller = '" + number + "'"), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM reports WHERE reporter_phone = '+6281299990002'"), 1);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.erased'"), 1);
  EXPECT_GT(query_int(db, "SELECT COUNT(*) FROM events WHERE erased_at IS NOT NULL"), 0);
  const auto verify_log = server.dir() + "/verify.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, verify_log), 0) << read_file(verify_log);

  // The database refuses any other change to an event while its trigger stands ...
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "UPDATE events SET kind = 'x' WHERE erased_at IS NOT NULL", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h,
                         "UPDATE events SET payload_json = '{\"note\":\"rewritten\"}', erased_at = 1 WHERE "
                         "kind = 'report.created'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);

  // ... and with the triggers dropped, a changed digest of an erased row breaks the chain.
  auto copy = server.dir() + "/tampered.db";
  std::filesystem::copy_file(db, copy);
  ASSERT_TRUE(tamper(copy,
                     "UPDATE events SET payload_digest = 'aaaa' WHERE seq = (SELECT MIN(seq) FROM events WHERE "
                     "erased_at IS NOT NULL);"));
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", copy}, verify_log), 1);
  EXPECT_NE(read_file(verify_log).find("rantai putus"), std::string::npos) << read_file(verify_log);
}

}  // namespace siaga::testing
