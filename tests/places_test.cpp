// The gazetteer over the real server: the demo's landmarks found as a call taker types them,
// an admin's CSV and OpenStreetMap imports replacing their own source, bad files refused whole.
#include "support/demo.hpp"
#include "support/shared_server.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace siaga::testing {
namespace {

namespace json = boost::json;

class places : public shared_server_test {
 protected:
  std::string admin_ = client_.login("admin", demo_password);
  std::string call_taker_ = client_.login("calltaker", demo_password);

  std::vector<std::string> found(const std::string& query, const std::string& token) {
    auto r = client_.get("/api/v1/places?q=" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    for (const auto& p : r.json().at("items").as_array()) out.push_back(str(p, "name"));
    return out;
  }

  std::string sources() { return client_.get("/api/v1/places/sources", admin_).body; }

  http_reply import(const std::string& query, const std::string& body, const std::string& type) {
    return client_.request("POST", "/api/v1/places/import?" + query, body, admin_, type);
  }
};

TEST_F(places, the_demo_landmarks_are_found_as_they_are_typed) {
  auto gong = found("gong", call_taker_);
  ASSERT_FALSE(gong.empty());
  EXPECT_EQ(gong[0], "Gong Perdamaian Dunia");
  EXPECT_EQ(found("Perdamaian", call_taker_)[0], "Gong Perdamaian Dunia") << "a later word";
  EXPECT_EQ(found("GONG%20perd", call_taker_)[0], "Gong Perdamaian Dunia");
  EXPECT_TRUE(found("ongperd", call_taker_).empty());
  auto r = client_.get("/api/v1/places?q=gong", call_taker_);
  const auto& p = r.json().at("items").at(0);
  EXPECT_EQ(str(p, "kind"), "landmark");
  EXPECT_FALSE(str(p, "district_id").empty()) << "the district its point lies in";
  EXPECT_NEAR(p.at("location").at("lat").to_number<double>(), -3.6966, 1e-6);
  // Agencies find places too (their operators read addresses on the phone).
  auto damkar = client_.login("damkar", demo_password);
  EXPECT_EQ(found("pasar", damkar)[0], "Pasar Mardika");
}

TEST_F(places, a_csv_import_replaces_its_own_source_and_a_bad_one_changes_nothing) {
  auto first = import("format=csv&name=pos-damkar",
                      "name;kind;lat;lon\nPos Damkar Passo;landmark;-3.6420;128.2650\nPos Damkar Latuhalat;landmark;-3.7790;128.1110\n",
                      "text/csv");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(str(first.json(), "source"), "csv:pos-damkar");
  EXPECT_EQ(first.json().at("imported").as_int64(), 2);
  EXPECT_EQ(first.json().at("replaced").as_int64(), 0);
  EXPECT_EQ(found("pos%20damkar", call_taker_).size(), 2u);

  auto again = import("format=csv&name=pos-damkar", "name,lat,lon\nPos Damkar Passo,-3.6420,128.2650\n", "text/csv");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("replaced").as_int64(), 2);
  EXPECT_EQ(found("pos%20damkar", call_taker_), std::vector<std::string>{"Pos Damkar Passo"});
  EXPECT_FALSE(found("gong", call_taker_).empty()) << "the demo's places are another source";

  auto before = sources();
  auto bad = import("format=csv&name=pos-damkar", "name,lat,lon\nBaru,-3.7,128.1\nRusak,abc,128.1\nJauh,-95,128.1\n",
                    "text/csv");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("line 3"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("line 4"), std::string::npos) << bad.body;
  EXPECT_EQ(sources(), before);
  EXPECT_TRUE(found("baru", call_taker_).empty());

  for (const auto& [query, body] : std::vector<std::pair<std::string, std::string>>{
           {"format=csv&name=pos-damkar", "nama,alamat\nA,B\n"},
           {"format=csv&name=Pos%20Damkar", "name,lat,lon\nA,1,2\n"},
           {"format=csv", ""},
           {"format=xlsx", "name,lat,lon\nA,1,2\n"},
           {"", "name,lat,lon\nA,1,2\n"},
           {"format=osm", "name,lat,lon\nA,1,2\n"}}) {
    auto r = import(query, body, "text/csv");
    EXPECT_EQ(r.status, 400) << query << " -> " << r.body;
  }
  EXPECT_EQ(sources(), before);
}

TEST_F(places, an_osm_extract_brings_landmarks_streets_and_villages) {
  const std::string osm = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="-3.6600" lon="128.1900"><tag k="amenity" v="place_of_worship"/><tag k="name" v="Gereja Silo Test"/></node>
  <node id="2" lat="-3.6610" lon="128.1910"/>
  <node id="3" lat="-3.6620" lon="128.1920"/>
  <way id="9"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="Jalan Uji Coba"/></way>
  <way id="10"><nd ref="404"/><tag k="highway" v="residential"/><tag k="name" v="Jalan Terpotong"/></way>
</osm>)";
  auto r = import("format=osm", osm, "application/xml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "source"), "osm");
  EXPECT_EQ(r.json().at("imported").as_int64(), 2);
  EXPECT_EQ(r.json().at("skipped_count").as_int64(), 1);
  EXPECT_EQ(found("uji", call_taker_), std::vector<std::string>{"Jalan Uji Coba"});
  EXPECT_EQ(found("silo", call_taker_), std::vector<std::string>{"Gereja Silo Test"});
  EXPECT_NE(sources().find("\"osm\""), std::string::npos);
}

TEST_F(places, only_admins_import_and_bad_searches_are_refused) {
  EXPECT_EQ(client_.request("POST", "/api/v1/places/import?format=csv&name=x", "name,lat,lon\nA,1,2\n", call_taker_,
                            "text/csv")
                .status,
            403);
  EXPECT_EQ(client_.get("/api/v1/places/sources", call_taker_).status, 403);
  EXPECT_EQ(client_.get("/api/v1/places?q=gong").status, 401);
  EXPECT_EQ(client_.get("/api/v1/places", call_taker_).status, 400);
  EXPECT_EQ(client_.get("/api/v1/places?q=gong&limit=0", call_taker_).status, 400);
  EXPECT_EQ(client_.get("/api/v1/places?q=gong&limit=51", call_taker_).status, 400);
  EXPECT_EQ(client_.get("/api/v1/places?q=gong&limit=x", call_taker_).status, 400);
  EXPECT_TRUE(found("%20%21", call_taker_).empty()) << "only punctuation finds nothing";
}

}  // namespace
}  // namespace siaga::testing
