#include "domain/place.hpp"

#include <gtest/gtest.h>

namespace siaga::domain {
namespace {

TEST(fold_name, folds_case_accents_and_punctuation) {
  EXPECT_EQ(fold_name("Gong Perdamaian  Dunia"), "gong perdamaian dunia");
  EXPECT_EQ(fold_name("gong-perdamaian,dunia!"), "gong perdamaian dunia");
  EXPECT_EQ(fold_name("Caf\xC3\xA9 S\xC3\xA3o Jos\xC3\xA9"), "cafe sao jose");
  EXPECT_EQ(fold_name("  Jl. A.Y. Patty  "), "jl a y patty");
  EXPECT_EQ(fold_name("\xE6\x9D\xB1\xE4\xBA\xAC Tower"), "tower") << "another script is a separator";
  EXPECT_EQ(fold_name(""), "");
}

TEST(parse_places_csv, reads_named_columns_in_any_order_with_quotes_and_semicolons) {
  auto r = parse_places_csv(
      "\xEF\xBB\xBFkind,lat,lon,name,note\n"
      "landmark,-3.6966,128.1786,Gong Perdamaian Dunia,ikon kota\n"
      "\n"
      "street,-3.6951,128.1790,\"Jl. Sultan Hairun, Honipopu\",\n"
      ",-3.70,128.18,Tanpa jenis,\n");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->places.size(), 3u);
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->places[0].name, "Gong Perdamaian Dunia");
  EXPECT_EQ(r->places[0].folded, "gong perdamaian dunia");
  EXPECT_DOUBLE_EQ(r->places[0].location.lat, -3.6966);
  EXPECT_EQ(r->places[1].name, "Jl. Sultan Hairun, Honipopu");
  EXPECT_EQ(r->places[1].kind, place_kind::street);
  EXPECT_EQ(r->places[2].kind, place_kind::landmark) << "the default kind";

  auto semi = parse_places_csv("nama;latitude;longitude\r\nPasar Mardika;-3,69;128,18\r\nPasar Mardika;-3.69;128.18\r\n");
  ASSERT_TRUE(semi) << semi.error().message;
  ASSERT_EQ(semi->places.size(), 1u);
  ASSERT_EQ(semi->problems.size(), 1u) << "a decimal comma is not a number here";
  EXPECT_EQ(semi->problems[0].where, "line 2");
}

TEST(parse_places_csv, names_each_bad_row_and_refuses_a_file_without_the_columns) {
  auto r = parse_places_csv("name,lat,lon,kind\n,1,2,\nA,91,0,\nB,0,181,\nC,x,0,\nD,0,0,castle\nE,0,0,village\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->places.size(), 1u);
  EXPECT_EQ(r->places[0].name, "E");
  ASSERT_EQ(r->problems.size(), 5u);
  EXPECT_EQ(r->problems[0].where, "line 2");
  EXPECT_EQ(r->problems[4].where, "line 6");
  EXPECT_FALSE(parse_places_csv("nama,alamat\nA,B\n"));
  EXPECT_FALSE(parse_places_csv(""));
}

TEST(parse_osm_xml, takes_named_landmarks_villages_and_streets) {
  const char* osm = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- an extract of Ambon -->
<osm version="0.6" generator="test">
  <bounds minlat="-3.8" minlon="128.0" maxlat="-3.6" maxlon="128.3"/>
  <node id="1" lat="-3.6966" lon="128.1786">
    <tag k="tourism" v="attraction"/>
    <tag k="name" v="World Peace Gong"/>
    <tag k="name:id" v="Gong Perdamaian Dunia"/>
  </node>
  <node id="2" lat="-3.6950" lon="128.1800"/>
  <node id="3" lat="-3.6940" lon="128.1810"/>
  <node id="4" lat="-3.6930" lon="128.1820"/>
  <node id="5" lat="-3.6900" lon="128.1900"><tag k="place" v="village"/><tag k="name" v="Batu Merah"/></node>
  <node id="6" lat="-3.6800" lon="128.1700"><tag k="name" v="A bench"/><tag k="bench" v="yes"/></node>
  <node id="7" lat="-3.6810" lon="128.1710"><tag k="amenity" v="cafe"/><tag k="name" v="Kopi &amp; Roti &#x2615;"/></node>
  <way id="10">
    <nd ref="2"/><nd ref="3"/><nd ref="4"/>
    <tag k="highway" v="primary"/>
    <tag k="name" v="Jalan Sultan Hairun"/>
  </way>
  <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="service"/></way>
  <relation id="20"><member type="way" ref="10" role=""/><tag k="name" v="Route 1"/><tag k="route" v="bus"/></relation>
</osm>)";
  auto r = parse_osm_xml(osm);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->places.size(), 4u);
  EXPECT_EQ(r->places[0].name, "Gong Perdamaian Dunia") << "name:id wins";
  EXPECT_EQ(r->places[0].kind, place_kind::landmark);
  EXPECT_EQ(r->places[1].name, "Batu Merah");
  EXPECT_EQ(r->places[1].kind, place_kind::village);
  EXPECT_EQ(r->places[2].name, "Kopi & Roti \xE2\x98\x95");
  EXPECT_EQ(r->places[3].name, "Jalan Sultan Hairun");
  EXPECT_EQ(r->places[3].kind, place_kind::street);
  EXPECT_DOUBLE_EQ(r->places[3].location.lat, -3.6940) << "the middle node";
}

TEST(parse_osm_xml, refuses_what_is_not_an_extract) {
  EXPECT_FALSE(parse_osm_xml("name,lat,lon\nA,1,2\n"));
  EXPECT_FALSE(parse_osm_xml("<html><body>no</body></html>"));
  EXPECT_FALSE(parse_osm_xml("<osm><node id=\"1\" lat=\"1\" lon=2/></osm>")) << "an unquoted attribute";
  auto empty = parse_osm_xml("<osm version=\"0.6\"></osm>");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->places.empty());
  auto partial = parse_osm_xml("<osm><way id=\"9\"><nd ref=\"404\"/><tag k=\"highway\" v=\"residential\"/><tag k=\"name\" v=\"Jl. X\"/></way></osm>");
  ASSERT_TRUE(partial);
  EXPECT_TRUE(partial->places.empty());
  ASSERT_EQ(partial->problems.size(), 1u);
  EXPECT_EQ(partial->problems[0].where, "way 9");
}

}  // namespace
}  // namespace siaga::domain
