// Exports over the real server (issue 10, 5 a and c): the statistics views and the incident,
// dispatch and call lists as CSV and XLSX (read back with python3-openpyxl) with the lists'
// filters and access rules, and the ministry's monthly figures checked exactly against a history
// built through the API; bad parameters get a 400 and change nothing.
#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/shared_server.hpp"
#include "support/spreadsheets.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

namespace siaga::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono;
using namespace std::chrono_literals;

constexpr int ambon_offset_minutes = 9 * 60;  // WIT

// A local Ambon time "2025-06-01T08:00:00" as an instant.
core::timestamp ambon(const std::string& local) {
  return core::parse_iso8601(local + "Z").value() - minutes(ambon_offset_minutes);
}

class exports : public shared_server_test {
 protected:
  std::string admin_ = client_.login("admin", demo_password);
  std::string supervisor_ = client_.login("supervisor", demo_password);
  std::string call_taker_ = client_.login("calltaker", demo_password);
  std::string leader_ = client_.login("walikota", demo_password);

  std::string api_key() {
    auto r = client_.post("/api/v1/api_keys", json::object{{"name", "pbx-exports"}}, admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(r.json(), "secret");
  }

  // One call: rings at local time `at`, answered by agent after answer_after (none: the caller
  // hangs up after 30 s), ended a minute later.
  void call(const std::string& key, const std::string& id, const std::string& at, const std::string& agent,
            seconds answer_after = 6s) {
    auto ring_at = ambon(at);
    auto ev = [&](const std::string& type, core::timestamp t) {
      return json::object{{"event_id", id + "-" + type}, {"call_id", id}, {"type", type}, {"at", core::format_utc(t)}};
    };
    auto ring = ev("ringing", ring_at);
    ring["caller"] = "+6281234500" + id.substr(id.size() - 3);
    ring["line"] = "112";
    json::array events{ring};
    if (!agent.empty()) {
      auto a = ev("answered", ring_at + answer_after);
      a["agent"] = agent;
      events.push_back(a);
    }
    auto end = ev("ended", ring_at + (agent.empty() ? 30s : answer_after + 60s));
    end["reason"] = agent.empty() ? "caller_hangup" : "completed";
    events.push_back(end);
    auto r = client_.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", events}}), {},
                             "application/json", {{"X-Api-Key", key}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void classify(const std::string& external_id, const std::string& as) {
    auto list = client_.get("/api/v1/calls?limit=500&from=2025-05-01T00:00:00Z&to=2025-08-01T00:00:00Z", call_taker_);
    ASSERT_EQ(list.status, 200) << list.body;
    std::string id;
    for (const auto& c : list.json().at("items").as_array()) {
      if (str(c, "external_id") == external_id) id = str(c, "id");
    }
    ASSERT_FALSE(id.empty()) << external_id;
    auto r = client_.post("/api/v1/calls/" + id + "/classify", json::object{{"classification", as}}, call_taker_);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  json::object ministry(const std::string& month, const std::string& token) {
    auto r = client_.get("/api/v1/stats/ministry?month=" + month, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().is_object() ? r.json().as_object() : json::object{};
  }
};

std::int64_t at_int(const json::value& v, std::initializer_list<const char*> path) {
  const json::value* p = &v;
  for (const char* k : path) {
    auto* o = p->if_object();
    if (!o || !o->contains(k)) return -1;
    p = &o->at(k);
  }
  return p->is_int64() ? p->as_int64() : -1;
}

TEST_F(exports, ministry_month_is_exact_against_a_known_history) {
  auto key = api_key();
  // June 2025 in Ambon, before the demo's history: only these calls.
  call(key, "mx-001", "2025-06-01T02:00:00", "calltaker");       // June 1, night shift of May 31
  call(key, "mx-002", "2025-06-01T08:00:00", "calltaker");       // morning of June 1
  call(key, "mx-003", "2025-06-01T09:00:00", "supervisor", 20s);  // answered late
  call(key, "mx-004", "2025-06-01T16:00:00", "");                 // abandoned
  call(key, "mx-005", "2025-06-15T23:30:00", "ext777");           // an agent matching nobody
  call(key, "mx-006", "2025-06-16T03:00:00", "calltaker");       // still the night of June 15
  call(key, "mx-007", "2025-06-30T23:59:00", "calltaker");
  call(key, "mx-008", "2025-07-01T00:30:00", "supervisor");      // July, but the night of June 30
  call(key, "mx-009", "2025-05-31T23:00:00", "supervisor");      // May
  classify("mx-005", "prank");
  classify("mx-006", "ghost");

  auto m = ministry("2025-06", leader_);
  EXPECT_EQ(json::value_to<std::string>(m.at("from")), "2025-06-01");
  EXPECT_EQ(json::value_to<std::string>(m.at("to")), "2025-06-30");
  const auto& calls = m.at("calls");
  EXPECT_EQ(at_int(calls, {"total"}), 7);
  EXPECT_EQ(at_int(calls, {"answered"}), 6);
  EXPECT_EQ(at_int(calls, {"answered_within_15s"}), 5);
  EXPECT_NEAR(calls.at("share_within_15s").as_double(), 5.0 / 6.0, 1e-9);
  EXPECT_EQ(at_int(calls, {"unanswered"}), 1);
  EXPECT_EQ(at_int(calls, {"abandoned"}), 1);
  EXPECT_EQ(at_int(calls, {"missed"}), 0);
  EXPECT_EQ(at_int(calls, {"prank"}), 1);
  EXPECT_EQ(at_int(calls, {"silent"}), 1);
  EXPECT_EQ(at_int(m.at("emergencies"), {"total"}), 0);
  EXPECT_TRUE(m.at("follow_ups").as_array().empty());

  // Every shift starting in June, in order; people and answered calls where the calls were.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> want{
      {"2025-06-01/0", {2, 2}}, {"2025-06-15/2", {2, 2}}, {"2025-06-30/2", {2, 2}}};
  const auto& staffing = m.at("staffing").as_array();
  ASSERT_EQ(staffing.size(), 90u);
  std::string previous;
  for (const auto& s : staffing) {
    auto slot = json::value_to<std::string>(s.at("date")) + "/" + std::to_string(s.at("shift").as_int64());
    EXPECT_LT(previous, slot);
    previous = slot;
    auto it = want.find(slot);
    std::pair<std::int64_t, std::int64_t> expected = it == want.end() ? std::pair<std::int64_t, std::int64_t>{0, 0} : it->second;
    EXPECT_EQ(s.at("call_takers").as_int64(), expected.first) << slot;
    EXPECT_EQ(s.at("answered_calls").as_int64(), expected.second) << slot;
    EXPECT_EQ(s.at("reports").as_int64(), 0) << slot;
  }
  EXPECT_EQ(json::value_to<std::string>(m.at("shifts").as_array()[2].at("name")), "Malam (23-07)");

  // Other shift hours move the night call of 23:30 into the evening shift of June 15.
  auto shifted = client_.get("/api/v1/stats/ministry?month=2025-06&shifts=6,14,22", leader_);
  ASSERT_EQ(shifted.status, 200) << shifted.body;
  for (const auto& s : shifted.json().at("staffing").as_array()) {
    if (json::value_to<std::string>(s.at("date")) == "2025-06-15" && s.at("shift").as_int64() == 2) {
      EXPECT_EQ(s.at("call_takers").as_int64(), 2);  // ext777 at 23:30 and calltaker at 03:00
    }
  }

  // The same figures in the XLSX and the CSV.
  auto x = client_.get("/api/v1/stats/ministry?month=2025-06&format=xlsx", supervisor_);
  ASSERT_EQ(x.status, 200) << x.body;
  EXPECT_NE(x.headers["content-disposition"].find("laporan-kementerian-2025-06.xlsx"), std::string::npos);
  auto book = read_xlsx(x.body);
  ASSERT_TRUE(book.is_object());
  const auto& sheet = book.at("sheets").as_array().at(0);
  EXPECT_EQ(json::value_to<std::string>(sheet.at("name")), "Laporan bulanan");
  EXPECT_EQ(json::value_to<std::string>(sheet.at("freeze")), "A2");
  EXPECT_TRUE(sheet.at("bold_header").as_bool());
  std::map<std::string, double> figures;
  for (const auto& row : sheet.at("rows").as_array()) {
    const auto& r = row.as_array();
    if (r.size() == 3 && r[2].is_number()) figures[json::value_to<std::string>(r[1])] = r[2].to_number<double>();
  }
  EXPECT_EQ(figures["Panggilan masuk"], 7);
  EXPECT_EQ(figures["Dijawab dalam 15 detik"], 5);
  EXPECT_NEAR(figures["Dijawab dalam 15 detik (%)"], 500.0 / 6.0, 1e-9);
  EXPECT_EQ(figures["Tidak terjawab"], 1);
  EXPECT_EQ(figures["Iseng"], 1);
  EXPECT_EQ(figures["Tanpa suara"], 1);
  EXPECT_EQ(figures["2025-06-15 Malam (23-07)"], 2);
  EXPECT_EQ(figures["2025-06-02 Pagi (07-15)"], 0);
  EXPECT_EQ(json::value_to<std::string>(sheet.at("formats").as_array()[1].as_array()[2]), "#,##0");
  auto csv = client_.get("/api/v1/stats/ministry?month=2025-06&format=csv", admin_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  auto rows = csv_cells(csv.body);
  ASSERT_EQ(rows.size(), sheet.at("rows").as_array().size());
  EXPECT_EQ(rows[4], (std::vector<std::string>{"Panggilan", "Dijawab dalam 15 detik (%)", "83,3"}));
}

TEST_F(exports, ministry_counts_the_emergencies_follow_ups_and_reports_of_the_month) {
  auto today = core::format_utc(core::system_clock{}.now() + minutes(ambon_offset_minutes)).substr(0, 7);
  auto before = ministry(today, supervisor_);
  auto animal = category(client_, call_taker_, "animal");
  auto damkar = agency_id(client_, call_taker_, "DAMKAR");
  auto bpbd = agency_id(client_, call_taker_, "BPBD");
  auto created = client_.post("/api/v1/incidents",
                              json::object{{"category_id", animal.at("id")},
                                           {"summary", "Sarang tawon di sekolah"},
                                           {"agency_ids", json::array{json::value(damkar), json::value(bpbd)}}},
                              call_taker_);
  ASSERT_EQ(created.status, 201) << created.body;
  std::map<std::string, std::string> dispatch_of;
  for (const auto& d : created.json().at("dispatches").as_array()) dispatch_of[str(d, "agency_id")] = str(d, "id");
  ASSERT_EQ(dispatch_of.size(), 2u);
  ASSERT_EQ(client_.post("/api/v1/dispatches/" + dispatch_of[damkar] + "/decline", json::object{{"reason", "Armada penuh"}},
                         call_taker_)
                .status,
            200);
  ASSERT_EQ(client_.post("/api/v1/dispatches/" + dispatch_of[bpbd] + "/cancel", json::object{{"reason", "Salah instansi"}},
                         call_taker_)
                .status,
            200);
  // A report taken by the call taker now counts in the shift of now (07-15, 15-23, 23-07 WIT).
  auto report = client_.post("/api/v1/reports", json::object{{"description", "Tanya jadwal posyandu"}}, call_taker_);
  ASSERT_EQ(report.status, 201) << report.body;
  auto local_now = core::format_utc(core::system_clock{}.now() + minutes(ambon_offset_minutes));
  int hour = std::stoi(local_now.substr(11, 2));
  auto slot_date = local_now.substr(0, 10);
  int shift = hour < 7 ? 2 : hour < 15 ? 0 : hour < 23 ? 1 : 2;
  if (hour < 7) {
    auto day = core::parse_iso8601(slot_date + "T00:00:00Z").value() - hours(24);
    slot_date = core::format_utc(day).substr(0, 10);
  }
  auto slot = [&](const json::object& m, const char* field) {
    for (const auto& s : m.at("staffing").as_array()) {
      if (json::value_to<std::string>(s.at("date")) == slot_date && s.at("shift").as_int64() == shift) {
        return s.at(field).as_int64();
      }
    }
    return std::int64_t{-1};
  };
  auto after = ministry(today, supervisor_);
  if (slot(before, "reports") >= 0) {  // the slot is in this month (not the night after its end)
    EXPECT_EQ(slot(after, "reports"), slot(before, "reports") + 1);
    EXPECT_GE(slot(after, "call_takers"), 1);
  }
  auto urgency = std::string(animal.at("urgency").as_string());
  EXPECT_EQ(at_int(after.at("emergencies"), {"total"}), at_int(before.at("emergencies"), {"total"}) + 1);
  auto by_urgency = [&](const json::object& m) {
    auto v = at_int(m.at("emergencies"), {"by_urgency", urgency.c_str()});
    return v < 0 ? 0 : v;
  };
  EXPECT_EQ(by_urgency(after), by_urgency(before) + 1);
  auto follow = [&](const json::object& m, const std::string& agency, const char* status) {
    for (const auto& a : m.at("follow_ups").as_array()) {
      if (str(a, "agency_id") != agency) continue;
      if (!status) return a.at("total").as_int64();
      auto v = at_int(a, {"by_status", status});
      return v < 0 ? std::int64_t{0} : v;
    }
    return std::int64_t{0};
  };
  EXPECT_EQ(follow(after, damkar, nullptr), follow(before, damkar, nullptr) + 1);
  EXPECT_EQ(follow(after, damkar, "declined"), follow(before, damkar, "declined") + 1);
  EXPECT_EQ(follow(after, bpbd, "cancelled"), follow(before, bpbd, "cancelled") + 1);
}

TEST_F(exports, statistics_as_xlsx_hold_the_json_figures) {
  auto j = client_.get("/api/v1/stats/incidents?group=category", leader_);
  ASSERT_EQ(j.status, 200) << j.body;
  std::map<std::string, std::string> names;
  auto cats = client_.get("/api/v1/categories", leader_);
  for (const auto& c : cats.json().as_object().at("items").as_array()) names[str(c, "id")] = str(c, "name_id");
  std::map<std::string, double> want;
  for (const auto& i : j.json().at("items").as_array()) want[names[str(i, "category")]] += i.at("count").to_number<double>();
  ASSERT_FALSE(want.empty());
  auto x = client_.get("/api/v1/stats/incidents?group=category&format=xlsx", leader_);
  ASSERT_EQ(x.status, 200) << x.body;
  EXPECT_EQ(x.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(x.headers["content-disposition"].find("statistik-kejadian-"), std::string::npos);
  auto book = read_xlsx(x.body);
  ASSERT_TRUE(book.is_object());
  const auto& sheet = book.at("sheets").as_array().at(0);
  EXPECT_EQ(json::value_to<std::string>(sheet.at("name")), "Kejadian");
  EXPECT_TRUE(sheet.at("bold_header").as_bool());
  const auto& rows = sheet.at("rows").as_array();
  EXPECT_EQ(rows.at(0), (json::array{"Kategori", "Jumlah"}));
  std::map<std::string, double> got;
  for (std::size_t i = 1; i < rows.size(); ++i) got[json::value_to<std::string>(rows[i].at(0))] += rows[i].at(1).to_number<double>();
  EXPECT_EQ(got, want);

  for (const char* path : {"/api/v1/stats/reports?format=xlsx", "/api/v1/stats/dispatches?group=agency&format=xlsx",
                           "/api/v1/stats/calls?group=day&format=xlsx", "/api/v1/stats/summary?format=xlsx",
                           "/api/v1/stats/calls?format=csv"}) {
    auto r = client_.get(path, supervisor_);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  }
  // The call statistics' Total row holds the JSON's total.
  auto cj = client_.get("/api/v1/stats/calls?group=day", supervisor_);
  auto cx = client_.get("/api/v1/stats/calls?group=day&format=xlsx", supervisor_);
  auto cbook = read_xlsx(cx.body);
  ASSERT_TRUE(cbook.is_object());
  const auto& crows = cbook.at("sheets").as_array().at(0).at("rows").as_array();
  const auto& last = crows.back().as_array();
  EXPECT_EQ(json::value_to<std::string>(last.at(0)), "Total");
  EXPECT_EQ(last.at(1).to_number<std::int64_t>(), cj.json().at("total").at("total").as_int64());
}

TEST_F(exports, lists_export_every_filtered_record_with_the_lists_rules) {
  // Incidents with a filter: the same numbers as the JSON list, in the same order.
  auto j = client_.get("/api/v1/incidents?status=dispatched,in_progress,open&limit=500", leader_);
  ASSERT_EQ(j.status, 200) << j.body;
  std::vector<std::string> numbers;
  for (const auto& i : j.json().at("items").as_array()) numbers.push_back(str(i, "number"));
  ASSERT_FALSE(numbers.empty());
  auto csv = client_.get("/api/v1/incidents?status=dispatched,in_progress,open&format=csv&limit=1&offset=3", leader_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["transfer-encoding"], "chunked");
  EXPECT_NE(csv.headers["content-disposition"].find("daftar-kejadian-"), std::string::npos);
  auto rows = csv_cells(csv.body);
  ASSERT_EQ(rows.size(), numbers.size() + 1);
  EXPECT_EQ(rows[0][0], "Nomor");
  for (std::size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(rows[i + 1][0], numbers[i]);
  auto x = client_.get("/api/v1/incidents?status=dispatched,in_progress,open&format=xlsx", leader_);
  ASSERT_EQ(x.status, 200) << x.body;
  auto book = read_xlsx(x.body);
  ASSERT_TRUE(book.is_object());
  const auto& sheet = book.at("sheets").as_array().at(0);
  const auto& xrows = sheet.at("rows").as_array();
  ASSERT_EQ(xrows.size(), numbers.size() + 1);
  for (std::size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(json::value_to<std::string>(xrows[i + 1].at(0)), numbers[i]);
  EXPECT_EQ(json::value_to<std::string>(sheet.at("formats").as_array()[1].as_array()[1]), "dd/mm/yyyy hh:mm:ss");

  // An agency operator exports only its agency's dispatches, as its list shows them.
  auto damkar = client_.login("damkar", demo_password);
  auto dj = client_.get("/api/v1/dispatches?limit=500", damkar);
  ASSERT_EQ(dj.status, 200) << dj.body;
  auto all = client_.get("/api/v1/dispatches?limit=500", supervisor_);
  ASSERT_LT(dj.json().at("items").as_array().size(), all.json().at("items").as_array().size());
  auto dc = client_.get("/api/v1/dispatches?format=csv", damkar);
  ASSERT_EQ(dc.status, 200) << dc.body;
  auto drows = csv_cells(dc.body);
  ASSERT_EQ(drows.size(), dj.json().at("items").as_array().size() + 1);
  std::set<std::string> agencies;
  for (std::size_t i = 1; i < drows.size(); ++i) agencies.insert(drows[i][1]);
  EXPECT_EQ(agencies.size(), 1u);

  // Calls: the caller as the call list shows it, for the period asked.
  auto cj = client_.get("/api/v1/calls?limit=500&outcome=answered", call_taker_);
  ASSERT_EQ(cj.status, 200) << cj.body;
  auto cc = client_.get("/api/v1/calls?outcome=answered&format=csv", call_taker_);
  ASSERT_EQ(cc.status, 200) << cc.body;
  auto crows = csv_cells(cc.body);
  ASSERT_EQ(static_cast<std::int64_t>(crows.size()), cj.json().at("total").as_int64() + 1);
  EXPECT_EQ(crows[1][1], str(cj.json().at("items").as_array()[0], "caller"));
  EXPECT_EQ(crows[1][3], "Dijawab");
  // The roles of the list: a leader may not list calls, nor export them.
  EXPECT_EQ(client_.get("/api/v1/calls?format=csv", leader_).status, 403);
}

TEST_F(exports, bad_parameters_get_a_clear_400) {
  for (const char* path : {"/api/v1/incidents?format=pdf", "/api/v1/dispatches?format=XLSX", "/api/v1/calls?format=",
                           "/api/v1/stats/incidents?format=ods", "/api/v1/stats/calls?format=pdf",
                           "/api/v1/stats/summary?format=pdf", "/api/v1/stats/ministry?month=2025-06&format=pdf",
                           "/api/v1/stats/ministry", "/api/v1/stats/ministry?month=2025-13",
                           "/api/v1/stats/ministry?month=2025-6", "/api/v1/stats/ministry?month=juni",
                           "/api/v1/stats/ministry?month=2025-06&shifts=7,15",
                           "/api/v1/stats/ministry?month=2025-06&shifts=15,7,23",
                           "/api/v1/stats/ministry?month=2025-06&shifts=7,15,24",
                           "/api/v1/stats/ministry?month=2025-06&group=day"}) {
    auto r = client_.get(path, supervisor_);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_EQ(str(r.json(), "error"), "invalid_input") << path;
  }
  auto unknown = client_.get("/api/v1/incidents?format=pdf", supervisor_);
  EXPECT_NE(str(unknown.json(), "message").find("format tidak dikenal"), std::string::npos) << unknown.body;
  EXPECT_EQ(client_.get("/api/v1/stats/ministry?month=2025-06", call_taker_).status, 403);
  EXPECT_EQ(client_.get("/api/v1/stats/ministry?month=2025-06").status, 401);
}

}  // namespace
}  // namespace siaga::testing
