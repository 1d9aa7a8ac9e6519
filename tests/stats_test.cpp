// Statistics of incidents and reports over the real server, checked against the truth the test
// computes itself from the record lists: every group of every grouping asked, exactly.
#include "core/time.hpp"
#include "services/stats_service.hpp"
#include "support/demo.hpp"
#include "support/shared_server.hpp"
#include "support/spreadsheets.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace siaga::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono;

constexpr int ambon_offset_minutes = 9 * 60;  // WIT

// The local date "YYYY-MM-DD" and month "YYYY-MM" of an instant in Ambon.
std::string local_day(const std::string& iso) {
  auto t = siaga::core::parse_iso8601(iso).value() + minutes(ambon_offset_minutes);
  year_month_day ymd{floor<days>(t)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

class stats : public shared_server_test {
 protected:
  std::string call_taker_ = client_.login("calltaker", demo_password);

  // Every record of a list endpoint (paged), as JSON objects.
  std::vector<json::object> all(const std::string& path) {
    std::vector<json::object> out;
    for (int offset = 0;; offset += 500) {
      auto r = client_.get(path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=500&offset=" +
                               std::to_string(offset),
                           call_taker_);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return out;
      const auto& items = r.json().at("items").as_array();
      for (const auto& i : items) out.push_back(i.as_object());
      if (items.size() < 500) return out;
    }
  }

  // The answer of a stats endpoint as "period|dim|dim" -> count.
  std::map<std::string, std::int64_t> counts(const std::string& path, const std::vector<std::string>& keys,
                                             std::int64_t* total = nullptr) {
    auto r = client_.get(path, call_taker_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::int64_t> out;
    if (r.status != 200) return out;
    for (const auto& item : r.json().at("items").as_array()) {
      std::string key;
      for (const auto& k : keys) {
        const auto& v = item.at(k);
        key += (key.empty() ? "" : "|") + (v.is_null() ? std::string("-") : std::string(v.as_string()));
      }
      out[key] += item.at("count").as_int64();
    }
    if (total) *total = r.json().at("total").as_int64();
    return out;
  }

  static std::string field(const json::object& o, const char* k) {
    auto it = o.find(k);
    if (it == o.end() || it->value().is_null()) return "-";
    return std::string(it->value().as_string());
  }
};

TEST_F(stats, incidents_by_day_category_and_status_match_the_records) {
  // A fresh incident today, so that today is never empty.
  auto fire = category(client_, call_taker_, "fire");
  ASSERT_EQ(client_.post("/api/v1/incidents", json::object{{"category_id", fire.at("id")}, {"dispatch", false}}, call_taker_)
                .status,
            201);
  auto records = all("/api/v1/incidents");
  ASSERT_FALSE(records.empty());
  std::string first = "9999-99-99", last = "0000-00-00";
  std::map<std::string, std::int64_t> truth, by_month;
  for (const auto& i : records) {
    auto day = local_day(std::string(i.at("created_at").as_string()));
    first = std::min(first, day);
    last = std::max(last, day);
    truth[day + "|" + field(i, "category_id") + "|" + field(i, "status")] += 1;
    by_month[day.substr(0, 7) + "|" + field(i, "urgency")] += 1;
  }
  std::int64_t total = 0;
  auto got = counts("/api/v1/stats/incidents?from=" + first + "&to=" + last + "&group=day,category,status",
                    {"period", "category", "status"}, &total);
  EXPECT_EQ(got, truth);
  EXPECT_EQ(total, static_cast<std::int64_t>(records.size()));
  EXPECT_EQ(counts("/api/v1/stats/incidents?from=" + first + "&to=" + last + "&group=month,urgency", {"period", "urgency"}),
            by_month);
  // Per call taker (who created it).
  std::map<std::string, std::int64_t> by_taker;
  for (const auto& i : records) by_taker[field(i, "created_by")] += 1;
  EXPECT_EQ(counts("/api/v1/stats/incidents?from=" + first + "&to=" + last + "&group=call_taker", {"call_taker"}), by_taker);
  // Without a time grouping, one row per value over the whole period.
  std::map<std::string, std::int64_t> by_category;
  for (const auto& [k, n] : truth) by_category[k.substr(11, k.rfind('|') - 11)] += n;
  EXPECT_EQ(counts("/api/v1/stats/incidents?from=" + first + "&to=" + last + "&group=category", {"category"}),
            by_category);
}

TEST_F(stats, reports_by_channel_and_outcome_match_the_records) {
  auto records = all("/api/v1/reports");
  ASSERT_FALSE(records.empty());
  std::string first = "9999-99-99", last = "0000-00-00";
  std::map<std::string, std::int64_t> truth;
  for (const auto& r : records) {
    auto day = local_day(std::string(r.at("created_at").as_string()));
    first = std::min(first, day);
    last = std::max(last, day);
    truth[field(r, "channel") + "|" + field(r, "status") + "|" + field(r, "reject_reason")] += 1;
  }
  EXPECT_EQ(counts("/api/v1/stats/reports?from=" + first + "&to=" + last + "&group=channel,status,reject_reason",
                   {"channel", "status", "reject_reason"}),
            truth);
  // A day before anything happened has nothing.
  std::int64_t total = -1;
  EXPECT_TRUE(counts("/api/v1/stats/reports?from=2001-01-01&to=2001-01-31&group=week", {"period"}, &total).empty());
  EXPECT_EQ(total, 0);
}

TEST_F(stats, the_summary_joins_calls_reports_incidents_and_dispatches_in_one_answer) {
  // Truth from the record lists over the days they span.
  std::string first = "9999-99-99", last = "0000-00-00";
  std::map<std::string, std::int64_t> reports_by_status, rejected, urgency, dispatch_status;
  auto reports = all("/api/v1/reports");
  auto incidents = all("/api/v1/incidents");
  for (const auto& r : reports) {
    auto day = local_day(std::string(r.at("created_at").as_string()));
    first = std::min(first, day);
    last = std::max(last, day);
  }
  for (const auto& i : incidents) {
    auto day = local_day(std::string(i.at("created_at").as_string()));
    first = std::min(first, day);
    last = std::max(last, day);
  }
  for (const auto& r : reports) {
    reports_by_status[field(r, "status")]++;
    if (field(r, "reject_reason") != "-") rejected[field(r, "reject_reason")]++;
  }
  for (const auto& i : incidents) urgency[field(i, "urgency")]++;
  for (const auto& d : all("/api/v1/dispatches")) {
    auto day = local_day(std::string(d.at("notified_at").as_string()));
    if (day >= first && day <= last) dispatch_status[field(d, "status")]++;
  }
  auto as_map = [](const json::value& o) {
    std::map<std::string, std::int64_t> m;
    for (const auto& [k, v] : o.as_object()) m[std::string(k)] = v.as_int64();
    return m;
  };
  auto r = client_.get("/api/v1/stats/summary?from=" + first + "&to=" + last, call_taker_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = r.json().as_object();
  EXPECT_EQ(s.at("reports").at("total").as_int64(), static_cast<std::int64_t>(reports.size()));
  EXPECT_EQ(as_map(s.at("reports").at("by_status")), reports_by_status);
  EXPECT_EQ(as_map(s.at("reports").at("rejected_by_reason")), rejected);
  EXPECT_EQ(s.at("incidents").at("total").as_int64(), static_cast<std::int64_t>(incidents.size()));
  EXPECT_EQ(as_map(s.at("incidents").at("by_urgency")), urgency);
  EXPECT_EQ(as_map(s.at("dispatches").at("by_status")), dispatch_status);

  // The calls are the call statistics of the same local days, and the line quotes them.
  auto from = siaga::core::parse_iso8601(first + "T00:00:00+09:00").value();
  auto to = siaga::core::parse_iso8601(last + "T00:00:00+09:00").value() + days(1);
  auto calls = client_.get("/api/v1/stats/calls?from=" + siaga::core::format_utc(from) +
                               "&to=" + siaga::core::format_utc(to),
                           call_taker_);
  ASSERT_EQ(calls.status, 200) << calls.body;
  const auto& total = calls.json().at("total");
  EXPECT_EQ(s.at("calls").at("total"), total.at("total"));
  EXPECT_EQ(s.at("calls").at("follow_ups"), total.at("follow_ups"));
  auto by = as_map(total.at("by_classification"));
  EXPECT_EQ(as_map(s.at("calls").at("by_classification")), by);
  using services::indonesian_count;
  EXPECT_EQ(std::string(s.at("line").as_string()),
            indonesian_count(total.at("total").as_int64()) + " panggilan, " + indonesian_count(by["valid"]) + " valid, " +
                indonesian_count(by["prank"] + by["ghost"]) + " iseng atau diam, " +
                indonesian_count(total.at("follow_ups").as_int64()) + " tindak lanjut ke lapangan");
  EXPECT_GT(total.at("total").as_int64(), 0) << "the demo has calls to quote";
  EXPECT_EQ(indonesian_count(5982), "5.982");
  EXPECT_EQ(indonesian_count(637292), "637.292");
  EXPECT_EQ(indonesian_count(13746123), "13.746.123");
  EXPECT_EQ(indonesian_count(99), "99");
  EXPECT_EQ(client_.get("/api/v1/stats/summary?group=month", call_taker_).status, 400);
  EXPECT_EQ(client_.get("/api/v1/stats/summary?from=2025-02-01&to=2025-01-01", call_taker_).status, 400);
}

// The cells of a CSV answer (';' between cells, CRLF lines, no quoted cells expected here).
TEST_F(stats, csv_downloads_carry_the_same_counts_under_indonesian_names) {
  std::map<std::string, std::string> category_name;
  auto categories = client_.get("/api/v1/categories", call_taker_);
  for (const auto& c : categories.json().at("items").as_array()) {
    category_name[std::string(c.at("id").as_string())] = std::string(c.at("name_id").as_string());
  }
  auto json_answer = client_.get("/api/v1/stats/incidents?group=category,status", call_taker_);
  ASSERT_EQ(json_answer.status, 200) << json_answer.body;
  std::map<std::string, std::int64_t> expected;
  for (const auto& i : json_answer.json().at("items").as_array()) {
    auto category = std::string(i.at("category").as_string());
    expected[category_name.at(category) + "|" + std::string(i.at("status").as_string())] += i.at("count").as_int64();
  }
  ASSERT_FALSE(expected.empty()) << "the demo has incidents this month";
  auto csv = client_.get("/api/v1/stats/incidents?group=category,status&format=csv", call_taker_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_NE(csv.headers["content-disposition"].find("statistik-kejadian-"), std::string::npos);
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF") << "a byte-order mark, for Excel";
  auto rows = csv_cells(csv.body);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Kategori", "Status", "Jumlah"}));
  const std::map<std::string, std::string> status_name{{"open", "Terbuka"},     {"dispatched", "Didispatch"},
                                                       {"in_progress", "Ditangani"}, {"resolved", "Tuntas"},
                                                       {"closed", "Ditutup"},     {"cancelled", "Dibatalkan"}};
  std::map<std::string, std::int64_t> got;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3u);
    std::string status;
    for (const auto& [k, v] : status_name) {
      if (v == rows[i][1]) status = k;
    }
    EXPECT_FALSE(status.empty()) << rows[i][1];
    got[rows[i][0] + "|" + status] += std::stoll(rows[i][2]);
  }
  EXPECT_EQ(got, expected);

  // Dispatches per agency: the agency's name and the same counts.
  auto dj = client_.get("/api/v1/stats/dispatches?group=agency", call_taker_);
  auto dc = client_.get("/api/v1/stats/dispatches?group=agency&format=csv", call_taker_);
  ASSERT_EQ(dc.status, 200) << dc.body;
  auto drows = csv_cells(dc.body);
  ASSERT_EQ(drows.size(), dj.json().at("items").as_array().size() + 1);
  EXPECT_EQ(drows[0][0], "Instansi");
  EXPECT_EQ(drows[0][1], "Jumlah dispatch");
  std::int64_t sum = 0;
  for (std::size_t i = 1; i < drows.size(); ++i) sum += std::stoll(drows[i][1]);
  EXPECT_EQ(sum, dj.json().at("total").as_int64());
  EXPECT_EQ(client_.get("/api/v1/stats/incidents?format=xml", call_taker_).status, 400);
}

TEST_F(stats, dispatches_by_agency_match_the_records_with_percentiles_in_their_bound) {
  auto dispatches = all("/api/v1/dispatches");
  ASSERT_FALSE(dispatches.empty());
  std::map<std::string, std::string> category_of;
  for (const auto& i : all("/api/v1/incidents")) category_of[field(i, "id")] = field(i, "category_id");
  std::map<std::string, std::int64_t> ack_limit;
  auto cats = client_.get("/api/v1/categories", call_taker_);
  for (const auto& c : cats.json().at("items").as_array()) {
    ack_limit[str(c, "id")] = c.at("sla").at("acknowledge_within_s").as_int64();
  }
  auto micros = [](const json::value& v) {
    return siaga::core::to_micros(siaga::core::parse_iso8601(std::string(v.as_string())).value());
  };
  struct truth_row {
    std::int64_t count = 0;
    std::map<std::string, std::int64_t> by_status;
    std::vector<std::int64_t> ack_s;
    std::int64_t with_limit = 0, within = 0;
  };
  std::map<std::string, truth_row> truth;
  std::string first = "9999-99-99", last = "0000-00-00";
  for (const auto& d : dispatches) {
    auto day = local_day(std::string(d.at("notified_at").as_string()));
    first = std::min(first, day);
    last = std::max(last, day);
    auto& t = truth[field(d, "agency_id")];
    ++t.count;
    ++t.by_status[field(d, "status")];
    if (d.at("acknowledged_at").is_null()) continue;
    auto s = (micros(d.at("acknowledged_at")) - micros(d.at("notified_at"))) / 1'000'000;
    t.ack_s.push_back(s);
    auto limit = ack_limit[category_of[field(d, "incident_id")]];
    if (limit > 0) {
      ++t.with_limit;
      if (s <= limit) ++t.within;
    }
  }
  auto r = client_.get("/api/v1/stats/dispatches?from=" + first + "&to=" + last + "&group=agency", call_taker_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::int64_t total = 0;
  std::size_t with_acks = 0;
  for (const auto& item : r.json().at("items").as_array()) {
    auto agency = str(item, "agency");
    ASSERT_TRUE(truth.contains(agency)) << agency;
    auto& t = truth[agency];
    EXPECT_EQ(item.at("count").as_int64(), t.count) << agency;
    total += t.count;
    std::map<std::string, std::int64_t> by_status;
    for (const auto& [k, v] : item.at("by_status").as_object()) by_status[k] = v.as_int64();
    EXPECT_EQ(by_status, t.by_status) << agency;
    const auto& ack = item.at("acknowledged");
    EXPECT_EQ(ack.at("reached").as_int64(), static_cast<std::int64_t>(t.ack_s.size())) << agency;
    EXPECT_EQ(ack.at("with_limit").as_int64(), t.with_limit) << agency;
    EXPECT_EQ(ack.at("within").as_int64(), t.within) << agency;
    if (t.ack_s.empty()) {
      EXPECT_TRUE(ack.at("p50_s").is_null());
      continue;
    }
    ++with_acks;
    std::sort(t.ack_s.begin(), t.ack_s.end());
    for (auto [q, key] : {std::pair{0.5, "p50_s"}, std::pair{0.9, "p90_s"}, std::pair{0.95, "p95_s"}}) {
      auto exact = t.ack_s[static_cast<std::size_t>(std::ceil(q * static_cast<double>(t.ack_s.size()))) - 1];
      auto got = ack.at(key).as_int64();
      EXPECT_LE(std::abs(static_cast<double>(got - exact)), std::max(1.0, static_cast<double>(exact) / 64.0))
          << agency << " " << key << " exact " << exact << " got " << got;
    }
  }
  EXPECT_EQ(total, static_cast<std::int64_t>(dispatches.size()));
  EXPECT_GT(with_acks, 0u) << "the demo's history has acknowledged dispatches to compare";
  EXPECT_EQ(client_.get("/api/v1/stats/dispatches?group=district", call_taker_).status, 400);
}

TEST_F(stats, bad_parameters_are_refused_with_a_reason) {
  const char* bad[] = {
      "/api/v1/stats/incidents?group=colour",
      "/api/v1/stats/incidents?group=month,day",
      "/api/v1/stats/incidents?group=category,category",
      "/api/v1/stats/incidents?group=channel",
      "/api/v1/stats/reports?group=urgency",
      "/api/v1/stats/incidents?from=2025-06-30&to=2025-06-01",
      "/api/v1/stats/incidents?from=2015-01-01&to=2025-06-01",
      "/api/v1/stats/incidents?from=2025-02-30",
      "/api/v1/stats/incidents?from=yesterday",
      "/api/v1/stats/incidents?bulan=2025-06",
  };
  for (const char* path : bad) {
    auto r = client_.get(path, call_taker_);
    EXPECT_EQ(r.status, 400) << path << " -> " << r.body;
    EXPECT_FALSE(str(r.json(), "message").empty()) << path;
  }
  auto damkar = client_.login("damkar", demo_password);
  EXPECT_EQ(client_.get("/api/v1/stats/incidents", damkar).status, 403) << "agencies read their own figures elsewhere";
  EXPECT_EQ(client_.get("/api/v1/stats/incidents").status, 401);
  auto leader = client_.login("walikota", demo_password);
  EXPECT_EQ(client_.get("/api/v1/stats/incidents?group=month", leader).status, 200);
}

}  // namespace
}  // namespace siaga::testing
