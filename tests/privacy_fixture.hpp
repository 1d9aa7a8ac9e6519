// The helpers the privacy tests share (privacy_test.cpp, privacy_numbers_test.cpp): tampering
// with the database as an attacker would, reports, calls and AML fixes sent through the API, and
// every statistics figure the API gives, to compare before and after an erasure.
#pragma once

#include "core/time.hpp"
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/encoding.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"
#include "support/ws_client.hpp"

#include <gtest/gtest.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace siaga::testing::privacy_fixture {
namespace json = boost::json;
using namespace std::chrono_literals;

// Runs SQL on the database as an attacker with access to it would (triggers dropped first).
inline bool tamper(const std::string& db, const std::string& sql) {
  auto failed = exec_sql(db, drop_event_triggers_sql(db) + sql);
  EXPECT_EQ(failed, "");
  return failed.empty();
}

// Every report's district and village, in the order of their ids.
inline const std::string places_of_reports =
    "SELECT group_concat(place, ',') FROM (SELECT coalesce(district_id, '-') || coalesce(village_id, '-') AS place "
    "FROM reports ORDER BY id) AS p";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string create_report(http_client& c, const std::string& token, const std::string& name,
                                 const std::string& phone) {
  auto r = c.post(
      "/api/v1/reports",
      json::object{{"description", "Pohon tumbang menutup jalan"}, {"reporter_name", name}, {"reporter_phone", phone}},
      token);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? str(r.json(), "id") : std::string();
}

// The events of one abandoned call from caller, rung at `at`: it leaves a callback task, whose
// event holds the number.
inline json::array abandoned_call(const std::string& call, const std::string& caller, core::timestamp at) {
  json::object ring{{"event_id", call + "-r"},    {"call_id", call},  {"type", "ringing"},
                    {"at", core::format_utc(at)}, {"caller", caller}, {"line", "112"}};
  json::object ended{{"event_id", call + "-e"},
                     {"call_id", call},
                     {"type", "ended"},
                     {"at", core::format_utc(at + 20s)},
                     {"reason", "caller_hangup"}};
  return {ring, ended};
}

inline void post_call(http_client& c, const std::string& admin, const std::string& call, const std::string& caller) {
  auto key = c.post("/api/v1/api_keys", json::object{{"name", "PBX " + call}}, admin);
  ASSERT_EQ(key.status, 201) << key.body;
  auto r = c.request(
      "POST", "/api/v1/telephony/events",
      json::serialize(json::object{{"events", abandoned_call(call, caller, core::system_clock{}.now() - 10min)}}), {},
      "application/json", {{"X-Api-Key", str(key.json(), "secret")}});
  ASSERT_EQ(r.status, 200) << r.body;
}

// A local date as the statistics routes read it (YYYY-MM-DD).
inline std::string iso_date(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// The statistics routes' period: the last year and the next day.
inline std::string stats_period() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return "from=" + iso_date(today - std::chrono::days{365}) + "&to=" + iso_date(today + std::chrono::days{1});
}

// Reports by channel and status over the stats_period.
inline std::string stats_path() {
  return "/api/v1/stats/reports?group=channel,status&" + stats_period();
}

// Events that still hold a number, in their payload or as their subject id.
inline std::int64_t events_holding(const std::string& db, const std::string& number) {
  return query_int(db, "SELECT COUNT(*) FROM events WHERE subject_id = '" + number + "' OR instr(payload_json, '" +
                           number + "') > 0");
}

// Every statistics figure the API gives, over the last year and the next day: reports,
// incidents and dispatches by each of their groupings that carry a place, the calls, the live
// wallboard, the summary, the service levels and this month's ministry report. Each answer's body
// by its path; a figure that moved changes a body.
inline std::map<std::string, std::string> all_stats(http_client& c, const std::string& token) {
  const auto period = stats_period();
  std::map<std::string, std::string> out;
  for (std::string path :
       {"/api/v1/stats/reports?group=channel,status&", "/api/v1/stats/reports?group=district,village&",
        "/api/v1/stats/reports?group=category,day&", "/api/v1/stats/incidents?group=district,village&",
        "/api/v1/stats/incidents?group=status,category&", "/api/v1/stats/dispatches?group=agency&",
        "/api/v1/stats/calls?", "/api/v1/stats/summary?", "/api/v1/stats/sla?"}) {
    path += period;
    auto r = c.get(path, token);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    out[path] = r.body;
  }
  auto month = iso_date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())).substr(0, 7);
  auto ministry = c.get("/api/v1/stats/ministry?month=" + month, token);
  EXPECT_EQ(ministry.status, 200) << ministry.body;
  out["ministry"] = ministry.body;
  // The wallboard's figures of the day and the open callbacks; its clock fields ("now", ages)
  // move by themselves.
  auto live = c.get("/api/v1/stats/calls/live", token);
  EXPECT_EQ(live.status, 200) << live.body;
  if (live.status == 200) {
    out["live today"] = json::serialize(live.json().at("today"));
    out["live callbacks open"] = json::serialize(live.json().at("callbacks").at("open"));
  }
  return out;
}

// The paths whose answers differ between two all_stats, with both answers cut short.
inline std::string stats_changes(const std::map<std::string, std::string>& before,
                                 const std::map<std::string, std::string>& after) {
  std::string out;
  for (const auto& [path, body] : before) {
    auto it = after.find(path);
    if (it != after.end() && it->second == body) continue;
    out += path + "\n  before: " + body.substr(0, 600) +
           "\n  after:  " + (it == after.end() ? std::string("(none)") : it->second.substr(0, 600)) + "\n";
  }
  return out;
}

// Files a web report with a point and a photo from phone; returns the report's id (found in the
// call takers' list by its tracking code).
inline std::string web_report(http_client& c, const std::string& ct, const std::string& phone, int salt = 0) {
  auto r = c.post(
      "/api/v1/public/reports",
      json::object{
          {"category", "fire"},
          {"description", "Asap tebal dari rumah di belakang pasar"},
          {"location", json::object{{"lat", -3.6950}, {"lon", 128.1840}}},
          {"address", "Jl. Pala No. 7, belakang Pasar Mardika"},
          {"name", "Subjek Data"},
          {"phone", phone},
          {"consent", true},
          {"photos", json::array{json::object{{"content_type", "image/jpeg"}, {"data", base64(jpeg_bytes(salt))}}}}});
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return {};
  auto code = str(r.json(), "tracking_code");
  auto page = c.get("/api/v1/reports?channel=web&limit=500", ct);
  for (const auto& item : page.json().at("items").as_array()) {
    if (str(item, "tracking_code") == code) return str(item, "id");
  }
  ADD_FAILURE() << "report " << code << " is not in the call takers' list";
  return {};
}

// An AML SMS (ETSI TS 103 625 v1) from the number with a fix at -3.69583, 128.18250, 12 m.
inline http_reply aml_fix(http_client& c, const std::string& key, const std::string& from) {
  const std::string v1 =
      "A\"ML=1;lt=-3.69583;lg=+128.18250;rd=12;top=20261122031505;lc=68;pm=G;si=510101234567890;"
      "ei=353472104343540;mcc=510;mnc=10;ml=128";
  return c.request("POST", "/api/v1/aml/sms?from=" + from, v1, {}, "text/plain", {{"X-Api-Key", key}});
}

}  // namespace siaga::testing::privacy_fixture
