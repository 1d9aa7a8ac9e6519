// The public transparency figures (GET /api/v1/public/stats, no login) over the real server: a
// history built through the API (calls answered in and out of 15 s, prank, silent and abandoned;
// emergencies with and without a dispatch; a dispatch that reaches the scene) moves every figure
// by exactly what was built; the incident and dispatch figures of the year equal the truth
// computed from the record lists; the calls equal the call statistics; the answer is kept a
// minute; nothing in it names a person or an incident; bad parameters get a 4xx.
#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/shared_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

namespace siaga::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono;
using namespace std::chrono_literals;

constexpr auto ambon_offset = 9h;  // WIT

// The local date "YYYY-MM-DD" of an instant in Ambon.
std::string local_day(core::timestamp t) {
  year_month_day ymd{floor<days>(t + ambon_offset)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string local_day(const json::value& iso) {
  return local_day(core::parse_iso8601(std::string(iso.as_string())).value());
}

std::int64_t micros(const json::value& v) {
  return core::to_micros(core::parse_iso8601(std::string(v.as_string())).value());
}

// Every key anywhere in v.
void keys_of(const json::value& v, std::set<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.as_object()) {
      out.insert(std::string(k));
      keys_of(x, out);
    }
  } else if (v.is_array()) {
    for (const auto& x : v.as_array()) keys_of(x, out);
  }
}

std::int64_t int_at(const json::value& v, const char* k) {
  return v.at(k).as_int64();
}

class public_stats : public shared_server_test {
 protected:
  std::string admin_ = client_.login("admin", demo_password);
  std::string sup_ = client_.login("supervisor", demo_password);
  std::string damkar_ = client_.login("damkar", demo_password);

  std::vector<json::object> all(const std::string& path) {
    std::vector<json::object> out;
    for (int offset = 0;; offset += 500) {
      auto r = client_.get(path + "?limit=500&offset=" + std::to_string(offset), sup_);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return out;
      const auto& items = r.json().at("items").as_array();
      for (const auto& i : items) out.push_back(i.as_object());
      if (items.size() < 500) return out;
    }
  }

  // Posts the calls: waits in seconds (answered after that), -1 = abandoned (caller hung up).
  void post_calls(const std::vector<std::pair<std::string, int>>& calls) {
    auto key = client_.post("/api/v1/api_keys", json::object{{"name", "PBX transparansi"}}, admin_);
    ASSERT_EQ(key.status, 201) << key.body;
    auto secret = str(key.json(), "secret");
    auto start = core::system_clock{}.now() - 5min;
    json::array events;
    int n = 0;
    for (const auto& [id, wait] : calls) {
      auto ev = [&](const char* type, core::timestamp at) {
        return json::object{{"event_id", "pub-" + id + "-" + type + std::to_string(++n)},
                            {"call_id", "pub-" + id},
                            {"type", type},
                            {"at", core::format_utc(at)}};
      };
      auto ring = ev("ringing", start);
      ring["caller"] = "+6281299990" + std::to_string(100 + n);
      ring["line"] = "112";
      events.push_back(ring);
      if (wait >= 0) {
        auto a = ev("answered", start + seconds(wait));
        a["agent"] = "ext201";
        events.push_back(a);
      }
      auto end = ev("ended", start + 60s);
      end["reason"] = wait >= 0 ? "completed" : "caller_hangup";
      events.push_back(end);
    }
    auto r = client_.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", events}}), {},
                             "application/json", {{"X-Api-Key", secret}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void classify(const std::string& external, const char* classification) {
    auto list = client_.get("/api/v1/calls?limit=500", sup_);
    ASSERT_EQ(list.status, 200) << list.body;
    std::string id;
    for (const auto& c : list.json().at("items").as_array()) {
      if (str(c, "external_id") == "pub-" + external) id = str(c, "id");
    }
    ASSERT_FALSE(id.empty()) << external;
    auto r = client_.post("/api/v1/calls/" + id + "/classify", json::object{{"classification", classification}}, sup_);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  json::object incident(const json::object& category, bool dispatch) {
    json::object body{{"category_id", category.at("id")}, {"summary", "Uji transparansi rahasia"}};
    if (!dispatch) body["dispatch"] = false;
    auto r = client_.post("/api/v1/incidents", body, sup_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().is_object() ? r.json().as_object() : json::object{};
  }
};

TEST_F(public_stats, figures_of_a_year_equal_the_history_built_and_hold_no_personal_data) {
  // Asked without parameters: this year of the first jurisdiction, kept a minute under that key.
  auto before = client_.get("/api/v1/public/stats");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.headers["cache-control"], "public, max-age=60");
  const auto& b = before.json().at("total");
  auto code = str(before.json().at("jurisdiction"), "code");
  auto year = before.json().at("year").as_int64();
  ASSERT_EQ(local_day(core::system_clock{}.now()).substr(0, 4), std::to_string(year));

  // ---- the history ----
  post_calls({{"in5", 5}, {"in8", 8}, {"in12", 12}, {"late", 25}, {"gone", -1}});
  classify("in8", "prank");
  classify("in12", "ghost");
  auto fire = category(client_, sup_, "fire");
  ASSERT_EQ(str(fire, "urgency"), "emergency");
  auto first = incident(fire, true);
  incident(fire, true);
  incident(fire, false);
  json::object other;
  auto cats = client_.get("/api/v1/categories", sup_);
  for (const auto& c : cats.json().at("items").as_array()) {
    if (str(c, "urgency") != "emergency" && !c.at("run_card").as_array().empty()) other = c.as_object();
  }
  ASSERT_FALSE(other.empty()) << "the demo has a category that is not an emergency and has a run card";
  incident(other, true);
  ASSERT_FALSE(first.at("dispatches").as_array().empty());
  auto d = str(first.at("dispatches").as_array().front(), "id");
  for (const char* step : {"acknowledge", "en_route", "on_scene"}) {
    auto r = client_.post("/api/v1/dispatches/" + d + "/" + step, json::object{}, damkar_);
    ASSERT_EQ(r.status, 200) << step << ": " << r.body;
  }

  // A different key (the code given) is computed afresh; the first key still answers its copy.
  auto after = client_.get("/api/v1/public/stats?year=" + std::to_string(year) + "&jurisdiction=" + code);
  ASSERT_EQ(after.status, 200) << after.body;
  const auto& a = after.json().at("total");
  EXPECT_EQ(int_at(a, "calls") - int_at(b, "calls"), 5);
  EXPECT_EQ(int_at(a, "answered") - int_at(b, "answered"), 4);
  EXPECT_EQ(int_at(a, "answered_within_15s") - int_at(b, "answered_within_15s"), 3);
  EXPECT_EQ(int_at(a, "pranks_silent") - int_at(b, "pranks_silent"), 2);
  EXPECT_EQ(int_at(a, "incidents") - int_at(b, "incidents"), 4);
  EXPECT_EQ(int_at(a, "emergencies_dispatched") - int_at(b, "emergencies_dispatched"), 2);
  auto again = client_.get("/api/v1/public/stats");
  EXPECT_EQ(again.body, before.body) << "kept for a minute";

  // ---- the calls are the call statistics of the same local year, month by month ----
  auto y = std::to_string(year);
  auto calls = client_.get("/api/v1/stats/calls?from=" + y + "-01-01T00:00:00%2B09:00&to=" + std::to_string(year + 1) +
                               "-01-01T00:00:00%2B09:00&group=month",
                           sup_);
  ASSERT_EQ(calls.status, 200) << calls.body;
  std::map<std::string, json::value> call_months;
  for (const auto& g : calls.json().at("groups").as_array()) call_months[str(g, "key")] = g;
  const auto& ct = calls.json().at("total");
  EXPECT_EQ(int_at(a, "calls"), int_at(ct, "total"));
  EXPECT_EQ(int_at(a, "answered_within_15s"), ct.at("answered_within").at("15s").as_int64());
  EXPECT_DOUBLE_EQ(a.at("share_within_15s").as_double(), ct.at("share_answered_within").at("15s").as_double());
  const auto& cls = ct.at("by_classification").as_object();
  auto count_of = [&](const char* k) { return cls.contains(k) ? cls.at(k).as_int64() : 0; };
  EXPECT_EQ(int_at(a, "pranks_silent"), count_of("prank") + count_of("ghost"));
  EXPECT_DOUBLE_EQ(a.at("share_pranks_silent").as_double(),
                   static_cast<double>(count_of("prank") + count_of("ghost")) / static_cast<double>(int_at(ct, "total")));
  std::int64_t month_calls = 0;
  for (const auto& m : after.json().at("months").as_array()) {
    auto it = call_months.find(str(m, "period"));
    EXPECT_EQ(int_at(m, "calls"), it == call_months.end() ? 0 : int_at(it->second, "total")) << str(m, "period");
    month_calls += int_at(m, "calls");
  }
  EXPECT_EQ(month_calls, int_at(a, "calls"));

  // ---- incidents and dispatches: the truth from the record lists ----
  std::map<std::string, std::string> category_code, agency_code;
  for (const auto& c : cats.json().at("items").as_array()) category_code[str(c, "id")] = str(c, "code");
  auto agencies = client_.get("/api/v1/agencies", sup_);
  for (const auto& ag : agencies.json().at("items").as_array()) agency_code[str(ag, "id")] = str(ag, "code");
  std::set<std::string> dispatched;
  struct agency_truth {
    std::int64_t count = 0;
    std::vector<std::int64_t> on_scene_s;
  };
  std::map<std::string, agency_truth> by_agency;
  for (const auto& x : all("/api/v1/dispatches")) {
    dispatched.insert(str(x, "incident_id"));
    if (local_day(x.at("notified_at")).substr(0, 4) != y) continue;
    auto& t = by_agency[agency_code[str(x, "agency_id")]];
    ++t.count;
    if (!x.at("on_scene_at").is_null()) t.on_scene_s.push_back((micros(x.at("on_scene_at")) - micros(x.at("notified_at"))) / 1'000'000);
  }
  std::int64_t incidents = 0, emergencies = 0;
  std::map<std::string, std::int64_t> per_category;
  std::map<std::string, std::int64_t> month_incidents, month_emergencies;
  for (const auto& i : all("/api/v1/incidents")) {
    auto day = local_day(i.at("created_at"));
    if (day.substr(0, 4) != y) continue;
    ++incidents;
    ++month_incidents[day.substr(0, 7)];
    ++per_category[category_code[str(i, "category_id")]];
    if (str(i, "urgency") == "emergency" && dispatched.contains(str(i, "id"))) {
      ++emergencies;
      ++month_emergencies[day.substr(0, 7)];
    }
  }
  EXPECT_EQ(int_at(a, "incidents"), incidents);
  EXPECT_EQ(int_at(a, "emergencies_dispatched"), emergencies);
  for (const auto& m : after.json().at("months").as_array()) {
    EXPECT_EQ(int_at(m, "incidents"), month_incidents[str(m, "period")]) << str(m, "period");
    EXPECT_EQ(int_at(m, "emergencies_dispatched"), month_emergencies[str(m, "period")]) << str(m, "period");
  }
  std::vector<std::pair<std::int64_t, std::string>> ranked;
  for (const auto& [c, n] : per_category) ranked.push_back({-n, c});
  std::sort(ranked.begin(), ranked.end());
  const auto& top = a.at("top_categories").as_array();
  ASSERT_EQ(top.size(), std::min<std::size_t>(5, ranked.size()));
  for (std::size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(str(top[i], "code"), ranked[i].second) << i;
    EXPECT_EQ(int_at(top[i], "incidents"), -ranked[i].first) << i;
  }
  std::size_t with_scene = 0;
  const auto& shown = a.at("agencies").as_array();
  std::size_t listed = 0;
  for (const auto& [code_, t] : by_agency) listed += t.count > 0;
  EXPECT_EQ(shown.size(), listed);
  for (const auto& ag : shown) {
    auto& t = by_agency[str(ag, "code")];
    EXPECT_EQ(int_at(ag, "dispatches"), t.count) << str(ag, "code");
    if (t.on_scene_s.empty()) {
      EXPECT_TRUE(ag.at("on_scene_p50_s").is_null()) << str(ag, "code");
      continue;
    }
    ++with_scene;
    std::sort(t.on_scene_s.begin(), t.on_scene_s.end());
    auto exact = t.on_scene_s[(t.on_scene_s.size() + 1) / 2 - 1];
    auto got = int_at(ag, "on_scene_p50_s");
    EXPECT_LE(std::abs(static_cast<double>(got - exact)), std::max(1.0, static_cast<double>(exact) / 64.0))
        << str(ag, "code") << " exact " << exact << " got " << got;
  }
  EXPECT_GT(with_scene, 0u);

  // ---- nothing personal, nothing about one incident ----
  std::set<std::string> keys;
  keys_of(after.json(), keys);
  for (const char* k : {"id", "user_id", "caller", "number", "phone", "address", "location", "lat", "lon", "summary",
                        "description", "created_by", "agent", "username", "display_name", "incident_id", "agency_id",
                        "category_id", "district_id", "note", "report_id"}) {
    EXPECT_FALSE(keys.contains(k)) << k;
  }
  EXPECT_EQ(after.body.find("+62812"), std::string::npos);
  EXPECT_EQ(after.body.find("Uji transparansi"), std::string::npos);
  EXPECT_EQ(after.body.find("ext201"), std::string::npos);
}

TEST_F(public_stats, bad_parameters_are_refused_with_a_reason) {
  auto first = client_.get("/api/v1/public/stats");
  ASSERT_EQ(first.status, 200) << first.body;
  auto year = first.json().at("year").as_int64();
  for (const auto& path : {std::string("/api/v1/public/stats?year=abc"), std::string("/api/v1/public/stats?year=1999"),
                           "/api/v1/public/stats?year=" + std::to_string(year + 1),
                           std::string("/api/v1/public/stats?tahun=2025")}) {
    auto r = client_.get(path);
    EXPECT_EQ(r.status, 400) << path << " -> " << r.body;
    EXPECT_FALSE(str(r.json(), "message").empty()) << path;
  }
  EXPECT_EQ(client_.get("/api/v1/public/stats?jurisdiction=99.99").status, 404);
  // A past year has all twelve months.
  auto past = client_.get("/api/v1/public/stats?year=" + std::to_string(year - 1));
  ASSERT_EQ(past.status, 200) << past.body;
  EXPECT_EQ(past.json().at("months").as_array().size(), 12u);
  EXPECT_EQ(str(past.json().at("months").as_array().back(), "period"), std::to_string(year - 1) + "-12");
}

}  // namespace
}  // namespace siaga::testing
