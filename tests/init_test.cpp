// `siaga init` over the real binary: Kota Ambon and Kota Kendari from zero, checked against the
// idn-area-data CSV read here on its own; a second init of a regency refused; and several
// jurisdictions in one database kept apart: a user of the new city sees none of the demo
// city's records in any list, detail, statistic, export or stream.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace siaga::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The package's data as scripts/area-data.sh installs it beside the binary.
std::string area_dir() { return (fs::path(SIAGA_BINARY).parent_path() / "area-data" / "package" / "data").string(); }

// name by code of the rows of a CSV whose second column starts with prefix (the rows of these
// regencies have no quoted field, which the test checks).
std::map<std::string, std::string> csv_rows(const std::string& file, const std::string& prefix) {
  std::ifstream in(area_dir() + "/" + file);
  EXPECT_TRUE(in) << "no " << area_dir() << "/" << file << ": run bash scripts/area-data.sh";
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find(','), b = line.find(',', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    if (line.compare(a + 1, prefix.size(), prefix) != 0) continue;
    EXPECT_EQ(line.find('"'), std::string::npos) << line;
    out[line.substr(0, a)] = line.substr(b + 1);
  }
  return out;
}

class init_city : public ::testing::Test {
 protected:
  // Runs `siaga init` with stdin from a file holding password (empty: /dev/null).
  int init(const std::string& regency, const std::string& zone, const std::string& admin, const std::string& password,
           const std::string& log) {
    std::string input = "/dev/null";
    if (!password.empty()) {
      input = server_.dir() + "/" + log + ".in";
      std::ofstream(input) << password << "\n";
    }
    auto cmd = std::string(SIAGA_BINARY) + " init --regency " + regency + " --time-zone " + zone + " --admin " + admin +
               " --database '" + server_.database() + "' < " + input + " > " + server_.dir() + "/" + log + " 2>&1";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  std::string log(const std::string& name) { return slurp(server_.dir() + "/" + name); }

  std::vector<json::object> items(const std::string& target, const std::string& token, http_client* other = nullptr) {
    auto r = (other ? *other : client_).get(target, token);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    std::vector<json::object> out;
    if (r.status != 200) return out;
    for (const auto& v : r.json().at("items").as_array()) out.push_back(v.as_object());
    return out;
  }

  // The kecamatan and kelurahan/desa the API lists, checked against the CSV.
  void expect_areas_of(const std::string& regency, const std::string& token, http_client* other = nullptr) {
    auto want_districts = csv_rows("districts.csv", regency + ",");
    auto want_villages = csv_rows("villages.csv", regency + ".");
    ASSERT_FALSE(want_districts.empty());
    std::map<std::string, std::string> districts, villages;
    std::map<std::string, std::string> district_code_of;
    for (const auto& d : items("/api/v1/districts", token, other)) {
      districts[str(d, "code")] = str(d, "name");
      district_code_of[str(d, "id")] = str(d, "code");
      EXPECT_TRUE(d.at("boundary").is_null());
      EXPECT_FALSE(d.at("boundary_approximate").as_bool());
    }
    for (const auto& v : items("/api/v1/villages", token, other)) {
      villages[str(v, "code")] = str(v, "name");
      EXPECT_EQ(str(v, "code").substr(0, 8), district_code_of[str(v, "district_id")]) << str(v, "code");
    }
    EXPECT_EQ(districts, want_districts);
    EXPECT_EQ(villages, want_villages);
  }

  server_process server_{true};  // the demo city, Kota Ambon (81.71)
  http_client client_{"127.0.0.1", server_.port()};
};

TEST_F(init_city, kendari_from_zero_matches_the_official_list_and_a_second_init_is_refused) {
  ASSERT_EQ(init("74.71", "Asia/Makassar", "kdi.admin", "rahasia-kendari", "kdi.log"), 0) << log("kdi.log");
  EXPECT_NE(log("kdi.log").find("Kota Kendari (74.71, Asia/Makassar"), std::string::npos) << log("kdi.log");
  EXPECT_EQ(log("kdi.log").find("password"), std::string::npos) << "a given password is not printed";
  auto token = client_.login("kdi.admin", "rahasia-kendari");
  auto me = client_.get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json().at("jurisdiction"), "name"), "Kota Kendari");
  EXPECT_EQ(str(me.json().at("jurisdiction"), "code"), "74.71");
  EXPECT_EQ(str(me.json().at("jurisdiction"), "timezone"), "Asia/Makassar");
  expect_areas_of("74.71", token);
  // The template: the demo's categories with run cards, the agencies named for the city.
  auto categories = items("/api/v1/categories", token);
  EXPECT_EQ(categories.size(), 18u);
  std::set<std::string> agency_ids;
  for (const auto& a : items("/api/v1/agencies", token)) {
    agency_ids.insert(str(a, "id"));
    EXPECT_EQ(str(a, "name").find("Ambon"), std::string::npos) << str(a, "name");
  }
  EXPECT_EQ(agency_ids.size(), 13u);
  for (const auto& c : categories) {
    for (const auto& e : c.at("run_card").as_array()) EXPECT_TRUE(agency_ids.count(str(e, "agency_id"))) << str(c, "code");
  }
  auto fire = category(client_, token, "fire");
  EXPECT_EQ(fire.at("sla").at("dispatch_within_s").as_int64(), 60);

  // Again: refused, nothing added.
  EXPECT_EQ(init("74.71", "Asia/Makassar", "kdi.two", "rahasia-kendari", "again.log"), 1);
  EXPECT_NE(log("again.log").find("already has a jurisdiction"), std::string::npos) << log("again.log");
  EXPECT_EQ(client_.request("POST", "/api/v1/auth/login", R"({"username":"kdi.two","password":"rahasia-kendari"})").status, 401);
  EXPECT_EQ(items("/api/v1/districts", token).size(), csv_rows("districts.csv", "74.71,").size());
  // Bad usage and bad values.
  EXPECT_EQ(init("99.99", "Asia/Makassar", "x", "rahasia-kendari", "unknown.log"), 1);
  EXPECT_NE(log("unknown.log").find("regency 99.99 is not in"), std::string::npos);
  EXPECT_EQ(init("73.71", "Mars/Base", "x", "rahasia-kendari", "zone.log"), 1);
  EXPECT_NE(log("zone.log").find("time zone 'Mars/Base'"), std::string::npos) << log("zone.log");
}

TEST_F(init_city, ambon_from_zero_in_a_fresh_database_with_a_generated_password) {
  // A database without the demo: Kota Ambon itself from the package.
  server_process fresh(false);
  http_client client("127.0.0.1", fresh.port());
  auto cmd = std::string(SIAGA_BINARY) + " init --regency 81.71 --time-zone Asia/Jayapura --admin amb.admin --database '" +
             fresh.database() + "' < /dev/null > " + fresh.dir() + "/amb.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(fresh.dir() + "/amb.log");
  auto out = slurp(fresh.dir() + "/amb.log");
  auto at = out.find("shown this once): ");
  ASSERT_NE(at, std::string::npos) << out;
  auto password = out.substr(at + 18, out.find('\n', at) - at - 18);
  EXPECT_EQ(password.size(), 16u);
  auto token = client.login("amb.admin", password);
  expect_areas_of("81.71", token, &client);
  EXPECT_EQ(csv_rows("villages.csv", "81.71.").size(), 50u);
}

TEST_F(init_city, a_user_of_one_city_never_sees_another_citys_records) {
  ASSERT_EQ(init("74.71", "Asia/Makassar", "kdi.admin", "rahasia-kendari", "kdi.log"), 0) << log("kdi.log");
  auto kendari = client_.login("kdi.admin", "rahasia-kendari");
  auto ambon = client_.login("admin", demo_password);
  // The demo city has a week of records; the new one has none.
  auto ambon_incidents = items("/api/v1/incidents?limit=500", ambon);
  ASSERT_FALSE(ambon_incidents.empty());
  auto ambon_reports = items("/api/v1/reports?limit=500", ambon);
  ASSERT_FALSE(ambon_reports.empty());
  for (const char* list : {"/api/v1/incidents", "/api/v1/reports", "/api/v1/dispatches", "/api/v1/calls", "/api/v1/callbacks",
                           "/api/v1/notifications", "/api/v1/locations", "/api/v1/places?q=gong", "/api/v1/api_keys"}) {
    EXPECT_TRUE(items(list, kendari).empty()) << list;
  }
  std::set<std::string> ambon_ids;
  for (const char* list : {"/api/v1/districts", "/api/v1/villages", "/api/v1/agencies", "/api/v1/categories", "/api/v1/users"}) {
    for (const auto& i : items(list, ambon)) ambon_ids.insert(str(i, "id"));
    for (const auto& i : items(list, kendari)) EXPECT_FALSE(ambon_ids.count(str(i, "id"))) << list;
  }
  EXPECT_EQ(items("/api/v1/users", kendari).size(), 1u);
  // Details by id: not found.
  auto inc = str(ambon_incidents[0], "id");
  for (auto target : {"/api/v1/incidents/" + inc, "/api/v1/incidents/" + inc + "/events", "/api/v1/incidents/" + inc + "/dispatches",
                      "/api/v1/reports/" + str(ambon_reports[0], "id")}) {
    EXPECT_EQ(client_.get(target, kendari).status, 404) << target;
  }
  auto calls = items("/api/v1/calls?limit=1", ambon);
  if (!calls.empty()) EXPECT_EQ(client_.get("/api/v1/calls/" + str(calls[0], "id"), kendari).status, 404);
  // Writing against another city's records fails without touching them.
  EXPECT_EQ(client_.post("/api/v1/incidents/" + inc + "/notes", json::object{{"text", "x"}}, kendari).status, 404);
  EXPECT_EQ(client_.post("/api/v1/reports", json::object{{"description", "x"}, {"district_id", str(ambon_incidents[0], "district_id")}},
                         kendari).status,
            400);
  // Statistics and their CSV exports: nothing of Ambon's.
  std::string year = "from=2024-01-01&to=2028-12-31";
  for (std::string query : {"incidents?group=district,village,category", "reports?group=district,channel",
                            "dispatches?group=agency,category"}) {
    auto a = client_.get("/api/v1/stats/" + query + "&" + year, ambon);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_GT(a.json().at("total").as_int64(), 0) << query;
    auto k = client_.get("/api/v1/stats/" + query + "&" + year, kendari);
    ASSERT_EQ(k.status, 200) << k.body;
    EXPECT_EQ(k.json().at("total").as_int64(), 0) << query;
    EXPECT_TRUE(k.json().at("items").as_array().empty()) << query;
    auto csv = client_.get("/api/v1/stats/" + query + "&" + year + "&format=csv", kendari);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.body.find("Ambon"), std::string::npos) << query << ": " << csv.body;
    for (const auto& d : items("/api/v1/districts", ambon)) EXPECT_EQ(csv.body.find(str(d, "name")), std::string::npos) << query;
  }
  auto summary = client_.get("/api/v1/stats/summary", kendari);
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(str(summary.json(), "line"), "0 panggilan, 0 valid, 0 iseng atau diam, 0 tindak lanjut ke lapangan");
  auto calls_stats = client_.get("/api/v1/stats/calls", kendari);
  ASSERT_EQ(calls_stats.status, 200) << calls_stats.body;
  EXPECT_EQ(calls_stats.json().at("total").at("total").as_int64(), 0) << calls_stats.body;
  // The stream from the start of the log: only Kendari's own events, none of Ambon's.
  ws_client ws(server_.port());
  ASSERT_EQ(ws.connect("/api/v1/stream?after=0&access_token=" + kendari), 101) << ws.refusal_body();
  auto me = client_.get("/api/v1/me", kendari).json();
  std::string kendari_id = str(me.at("jurisdiction"), "id");
  // Every event is about Kendari's own jurisdiction, areas, agencies, categories or users.
  std::set<std::string> kendari_ids{kendari_id};
  for (const char* list : {"/api/v1/districts", "/api/v1/villages", "/api/v1/agencies", "/api/v1/categories", "/api/v1/users"}) {
    for (const auto& i : items(list, kendari)) kendari_ids.insert(str(i, "id"));
  }
  int seen = 0;
  while (auto m = ws.next(std::chrono::milliseconds(1500))) {
    if (str(*m, "type") != "event") continue;
    ++seen;
    EXPECT_TRUE(kendari_ids.count(str(m->at("event"), "subject_id"))) << json::serialize(*m);
  }
  EXPECT_GT(seen, 0) << "Kendari's own directory events came";
  // A new Ambon incident while Kendari listens does not reach it.
  ws_client live(server_.port());
  ASSERT_EQ(live.connect("/api/v1/stream?access_token=" + kendari), 101);
  auto call_taker = client_.login("calltaker", demo_password);
  auto made = client_.post("/api/v1/incidents",
                           json::object{{"category_id", str(category(client_, call_taker, "fire"), "id")}, {"dispatch", false}},
                           call_taker);
  ASSERT_EQ(made.status, 201) << made.body;
  while (auto m = live.next(std::chrono::milliseconds(1500))) {
    EXPECT_NE(str(*m, "type"), "event") << json::serialize(*m);
  }
}

}  // namespace
}  // namespace siaga::testing
