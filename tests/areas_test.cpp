// Kecamatan and kelurahan/desa over the real server: the demo's villages and approximate
// boundaries, records placed by their point on write, statistics by village, and `siaga import
// boundaries` while the server runs (matched, unmatched, a bad file that changes nothing).
#include "support/demo.hpp"
#include "support/shared_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace siaga::testing {
namespace {

namespace json = boost::json;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class areas : public shared_server_test {
 protected:
  std::string admin_ = client_.login("admin", demo_password);
  std::string call_taker_ = client_.login("calltaker", demo_password);

  std::vector<json::object> list(const std::string& target) {
    auto r = client_.get(target, call_taker_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json::object> out;
    if (r.status != 200) return out;
    for (const auto& v : r.json().at("items").as_array()) out.push_back(v.as_object());
    return out;
  }

  json::object village(const std::string& code) {
    for (auto& v : list("/api/v1/villages")) {
      if (str(v, "code") == code) return v;
    }
    ADD_FAILURE() << "no village " << code;
    return {};
  }

  json::object report_at(double lat, double lon, json::object extra = {}) {
    extra["description"] = "uji wilayah";
    extra["location"] = json::object{{"lat", lat}, {"lon", lon}};
    auto r = client_.post("/api/v1/reports", extra, call_taker_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }

  std::map<std::string, std::int64_t> by_village(const std::string& subject) {
    auto r = client_.get("/api/v1/stats/" + subject + "?group=village", call_taker_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::int64_t> out;
    if (r.status != 200) return out;
    for (const auto& i : r.json().at("items").as_array()) {
      const auto& v = i.at("village");
      out[v.is_null() ? "" : std::string(v.as_string())] = i.at("count").as_int64();
    }
    return out;
  }

  int import(const std::string& body, const std::vector<std::string>& flags, const std::string& name) {
    auto file = server_->dir() + "/" + name + ".geojson";
    std::ofstream(file) << body;
    std::vector<std::string> args{"import", "boundaries", file, "--database", server_->database()};
    args.insert(args.end(), flags.begin(), flags.end());
    return run_siaga(args, server_->dir() + "/" + name + ".log");
  }
};

TEST_F(areas, the_demo_has_its_kecamatan_and_kelurahan_with_approximate_boundaries) {
  auto ds = list("/api/v1/districts");
  ASSERT_EQ(ds.size(), 5u);
  for (const auto& d : ds) {
    EXPECT_EQ(str(d.at("boundary"), "type"), "Polygon") << str(d, "name");
    EXPECT_TRUE(d.at("boundary_approximate").as_bool());
  }
  auto vs = list("/api/v1/villages");
  ASSERT_EQ(vs.size(), 50u);
  EXPECT_EQ(str(vs[0], "code"), "81.71.01.1006");
  EXPECT_TRUE(vs[0].at("boundary_approximate").as_bool());
  EXPECT_EQ(str(vs[0].at("boundary"), "type"), "Polygon");
  auto sirimau = str(ds[1], "id");
  auto in_sirimau = list("/api/v1/villages?district_id=" + sirimau);
  EXPECT_EQ(in_sirimau.size(), 14u);  // 81.71.02 in idn-area-data 4.0.1
  for (const auto& v : in_sirimau) EXPECT_EQ(str(v, "district_id"), sirimau);
  auto bad = client_.get("/api/v1/villages?district_id=nope", call_taker_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("not a district of this jurisdiction"), std::string::npos);
  EXPECT_EQ(client_.get("/api/v1/villages").status, 401);
}

TEST_F(areas, a_record_with_a_point_gets_its_district_and_village_and_counts_per_village) {
  auto batu_merah = village("81.71.02.2003");
  auto centre = batu_merah.at("center").as_object();
  double lat = centre.at("lat").to_number<double>(), lon = centre.at("lon").to_number<double>();
  auto reports_before = by_village("reports");
  auto incidents_before = by_village("incidents");

  auto rep = report_at(lat, lon);
  EXPECT_EQ(str(rep, "village_id"), str(batu_merah, "id"));
  EXPECT_EQ(str(rep, "district_id"), str(batu_merah, "district_id"));

  json::object body{{"category_id", str(category(client_, call_taker_, "fire"), "id")},
                    {"location", json::object{{"lat", lat}, {"lon", lon}}},
                    {"dispatch", false}};
  auto inc = client_.post("/api/v1/incidents", body, call_taker_);
  ASSERT_EQ(inc.status, 201) << inc.body;
  EXPECT_EQ(str(inc.json(), "village_id"), str(batu_merah, "id"));

  auto reports_after = by_village("reports");
  auto incidents_after = by_village("incidents");
  EXPECT_EQ(reports_after[str(batu_merah, "id")], reports_before[str(batu_merah, "id")] + 1);
  EXPECT_EQ(incidents_after[str(batu_merah, "id")], incidents_before[str(batu_merah, "id")] + 1);
  auto listed = client_.get("/api/v1/incidents?village_id=" + str(batu_merah, "id"), call_taker_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json().at("total").as_int64(), incidents_after[str(batu_merah, "id")]);

  // A village alone brings its district; a village outside the district given is refused.
  auto latuhalat = village("81.71.01.2001");
  auto only_village = report_at(lat, lon, {{"village_id", str(latuhalat, "id")}});
  EXPECT_EQ(str(only_village, "district_id"), str(latuhalat, "district_id"));
  EXPECT_EQ(str(only_village, "village_id"), str(latuhalat, "id"));
  auto wrong = client_.post("/api/v1/reports",
                            json::object{{"description", "x"},
                                         {"district_id", str(batu_merah, "district_id")},
                                         {"village_id", str(latuhalat, "id")}},
                            call_taker_);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("is not in district_id"), std::string::npos) << wrong.body;
  EXPECT_EQ(by_village("reports")[str(latuhalat, "id")], reports_after[str(latuhalat, "id")] + 1)
      << "the refused report was not written";
  // Out at sea, far from every boundary and centre: no place rather than a wrong one.
  auto far = report_at(-5.0, 130.0);
  EXPECT_TRUE(far.at("district_id").is_null());
  EXPECT_TRUE(far.at("village_id").is_null());
  EXPECT_EQ(client_.get("/api/v1/stats/incidents?group=village,district", call_taker_).status, 200);
  EXPECT_EQ(client_.get("/api/v1/stats/dispatches?group=village", call_taker_).status, 400);
}

TEST_F(areas, the_incidents_without_a_kecamatan_are_listed_as_the_statistics_count_them) {
  json::object body{{"category_id", str(category(client_, call_taker_, "fire"), "id")},
                    {"location", json::object{{"lat", -5.0}, {"lon", 130.0}}},  // out at sea
                    {"dispatch", false}};
  auto sea = client_.post("/api/v1/incidents", body, call_taker_);
  ASSERT_EQ(sea.status, 201) << sea.body;
  ASSERT_TRUE(sea.json().at("district_id").is_null());
  auto centre = village("81.71.02.2003").at("center").as_object();
  body["location"] = centre;
  auto placed = client_.post("/api/v1/incidents", body, call_taker_);
  ASSERT_EQ(placed.status, 201) << placed.body;

  auto stats = client_.get("/api/v1/stats/incidents?group=district", call_taker_);
  ASSERT_EQ(stats.status, 200) << stats.body;
  std::int64_t counted = -1;
  for (const auto& i : stats.json().at("items").as_array()) {
    if (i.at("district").is_null()) counted = i.at("count").as_int64();
  }
  auto none = client_.get("/api/v1/incidents?district_id=none&limit=100", call_taker_);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.json().at("total").as_int64(), counted) << "the drill-down holds what the row counts";
  bool found = false;
  for (const auto& i : none.json().at("items").as_array()) {
    EXPECT_TRUE(i.at("district_id").is_null()) << i;
    found = found || str(i, "id") == str(sea.json(), "id");
  }
  EXPECT_TRUE(found) << "the incident at sea is listed";
  auto all = client_.get("/api/v1/incidents?limit=1", call_taker_);
  EXPECT_GT(all.json().at("total").as_int64(), none.json().at("total").as_int64()) << "placed ones left out";
}

TEST_F(areas, import_boundaries_sets_matched_ones_lists_the_rest_and_refuses_a_bad_file_whole) {
  auto galala = village("81.71.02.2002");
  // A square far east of the demo's cells, in dotted and in digit form, plus an unknown code.
  std::string square = R"({"type":"Polygon","coordinates":[[[128.40,-3.60],[128.42,-3.60],[128.42,-3.58],[128.40,-3.58],[128.40,-3.60]]]})";
  std::string file = R"({"type":"FeatureCollection","features":[)"
                     R"({"type":"Feature","properties":{"KODE_DESA":"8171022002","nama":"Galala"},"geometry":)" + square + "},"
                     R"({"type":"Feature","properties":{"code":"99.99.99"},"geometry":)" + square + "}]}";
  ASSERT_EQ(import(file, {}, "good"), 0) << slurp(server_->dir() + "/good.log");
  auto log = slurp(server_->dir() + "/good.log");
  EXPECT_NE(log.find("COCOK       81.71.02.2002  kelurahan/desa Galala (81.71)"), std::string::npos) << log;
  EXPECT_NE(log.find("TIDAK COCOK 99.99.99"), std::string::npos) << log;
  auto now = village("81.71.02.2002");
  EXPECT_FALSE(now.at("boundary_approximate").as_bool());
  EXPECT_EQ(now.at("boundary").at("coordinates").at(0).at(1).at(0).to_number<double>(), 128.42);
  // The running server sees the new boundary at once (its cache follows area_version).
  auto rep = report_at(-3.59, 128.41);
  EXPECT_EQ(str(rep, "village_id"), str(galala, "id"));
  EXPECT_EQ(str(rep, "district_id"), str(galala, "district_id"));

  // --approximate marks them so.
  ASSERT_EQ(import(file, {"--approximate"}, "approx"), 0) << slurp(server_->dir() + "/approx.log");
  EXPECT_TRUE(village("81.71.02.2002").at("boundary_approximate").as_bool());

  // A file with one bad feature (an unclosed ring) or without codes changes nothing.
  auto before = json::serialize(village("81.71.02.2002"));
  std::string bad = R"({"type":"FeatureCollection","features":[)"
                    R"({"type":"Feature","properties":{"code":"81.71.02.2002"},"geometry":)" + square + "},"
                    R"({"type":"Feature","properties":{"code":"81.71.02"},"geometry":{"type":"Polygon","coordinates":[[[128,-3],[129,-3],[129,-4]]]}}]})";
  EXPECT_EQ(import(bad, {}, "bad"), 1);
  EXPECT_NE(slurp(server_->dir() + "/bad.log").find("features[1] (81.71.02): coordinates[0] has fewer than 4 positions"),
            std::string::npos)
      << slurp(server_->dir() + "/bad.log");
  EXPECT_EQ(import(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":)" + square + "}]}",
                   {}, "nocode"),
            1);
  EXPECT_NE(slurp(server_->dir() + "/nocode.log").find("no Kemendagri code in properties"), std::string::npos);
  EXPECT_EQ(import("[1, 2]", {}, "notgeojson"), 1);
  EXPECT_EQ(json::serialize(village("81.71.02.2002")), before);
}

}  // namespace
}  // namespace siaga::testing
