#include "domain/geo.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace siaga::domain {
namespace {

// A square 0.1° wide around (-3.70, 128.20) with a square hole in its middle, in [lon, lat].
const std::string square_with_hole =
    R"({"type":"Polygon","coordinates":[)"
    R"([[128.15,-3.75],[128.25,-3.75],[128.25,-3.65],[128.15,-3.65],[128.15,-3.75]],)"
    R"([[128.19,-3.71],[128.21,-3.71],[128.21,-3.69],[128.19,-3.69],[128.19,-3.71]]]})";

TEST(geo, distance_matches_a_known_span) {
  // One degree of latitude is about 111.2 km on the mean sphere.
  EXPECT_NEAR(distance_m({0, 128}, {1, 128}), 111'195, 10);
  EXPECT_NEAR(distance_m({-3.7, 128.2}, {-3.7, 128.2}), 0, 1e-6);
  // Symmetric, and a small step east at Ambon's latitude is shorter than at the equator.
  EXPECT_DOUBLE_EQ(distance_m({-3.7, 128.1}, {-3.6, 128.2}), distance_m({-3.6, 128.2}, {-3.7, 128.1}));
  EXPECT_LT(distance_m({-3.7, 128.0}, {-3.7, 128.01}), distance_m({0, 128.0}, {0, 128.01}));
}

TEST(geo, polygon_contains_its_inside_and_not_its_hole_or_outside) {
  EXPECT_TRUE(geojson_contains(square_with_hole, {-3.73, 128.17}));
  EXPECT_FALSE(geojson_contains(square_with_hole, {-3.70, 128.20}));  // in the hole
  EXPECT_FALSE(geojson_contains(square_with_hole, {-3.80, 128.20}));  // south of it
  EXPECT_FALSE(geojson_contains(square_with_hole, {-3.70, 128.30}));  // east of it
}

TEST(geo, multipolygon_and_feature_are_read) {
  std::string multi =
      R"({"type":"MultiPolygon","coordinates":[[[[128.0,-3.9],[128.1,-3.9],[128.1,-3.8],[128.0,-3.9]]],)"
      R"([[[128.3,-3.6],[128.4,-3.6],[128.4,-3.5],[128.3,-3.5],[128.3,-3.6]]]]})";
  EXPECT_TRUE(geojson_contains(multi, {-3.55, 128.35}));
  EXPECT_TRUE(geojson_contains(multi, {-3.88, 128.08}));
  EXPECT_FALSE(geojson_contains(multi, {-3.70, 128.20}));
  std::string feature = R"({"type":"Feature","properties":{"name":"x"},"geometry":)" + square_with_hole + "}";
  EXPECT_TRUE(geojson_contains(feature, {-3.73, 128.17}));
  EXPECT_FALSE(geojson_contains(feature, {-3.70, 128.20}));
}

TEST(geo, unreadable_boundaries_contain_nothing) {
  for (std::string bad : {"", "not json", "[]", R"({"type":"Point","coordinates":[128.2,-3.7]})",
                          R"({"type":"Polygon"})", R"({"type":"Polygon","coordinates":[[[128.1,-3.7],[128.2,-3.7]]]})",
                          R"({"type":"Polygon","coordinates":[[["a","b"],[1,2],[3,4]]]})",
                          R"({"type":"Feature","geometry":null})"}) {
    EXPECT_FALSE(geojson_contains(bad, {-3.7, 128.15})) << bad;
  }
}

std::vector<district> ambon() {
  std::vector<district> out;
  auto add = [&](std::string id, double lat, double lon, std::string boundary = {}) {
    district d;
    d.id = std::move(id);
    d.center = geo_point{lat, lon};
    d.boundary_geojson = std::move(boundary);
    out.push_back(std::move(d));
  };
  add("nusaniwe", -3.7280, 128.1500);
  add("sirimau", -3.6950, 128.1950);
  add("baguala", -3.6400, 128.2400);
  return out;
}

TEST(geo, district_of_uses_the_nearest_centre_without_boundaries) {
  auto ds = ambon();
  EXPECT_EQ(district_of({-3.6960, 128.1900}, ds), "sirimau");
  EXPECT_EQ(district_of({-3.7300, 128.1450}, ds), "nusaniwe");
  EXPECT_EQ(district_of({-3.6300, 128.2500}, ds), "baguala");
  // Farther than 25 km from every centre (Jakarta): no district rather than a wrong one.
  EXPECT_EQ(district_of({-6.2, 106.8}, ds), std::nullopt);
  EXPECT_EQ(district_of({-3.7, 128.2}, std::vector<district>{}), std::nullopt);
}

TEST(geo, a_boundary_wins_over_a_nearer_centre) {
  auto ds = ambon();
  // Baguala's boundary reaches over a point whose nearest centre is Sirimau's.
  ds[2].boundary_geojson = square_with_hole;
  EXPECT_EQ(district_of({-3.73, 128.17}, ds), "baguala");
  // In the hole the boundary does not hold, so the nearest centre decides.
  EXPECT_EQ(district_of({-3.70, 128.20}, ds), "sirimau");
}

area must_read(const std::string& text) {
  auto a = read_area(text);
  EXPECT_TRUE(a) << text << ": " << (a ? "" : a.error().message);
  return a ? *a : area{};
}

TEST(geo, read_area_names_what_is_wrong) {
  auto message = [](const std::string& text) {
    auto a = read_area(text);
    return a ? std::string("read") : a.error().message;
  };
  EXPECT_EQ(message("nope"), "the geometry is not JSON: syntax error");
  EXPECT_EQ(message(R"({"type":"Point","coordinates":[128.2,-3.7]})"),
            "the geometry is a Point, not a Polygon or MultiPolygon");
  EXPECT_EQ(message(R"({"type":"Polygon","coordinates":[[[128.1,-3.7],[128.2,-3.7],[128.1,-3.7]]]})"),
            "coordinates[0] has fewer than 4 positions (a ring is closed: its last repeats its first)");
  EXPECT_EQ(message(R"({"type":"Polygon","coordinates":[[[128.1,-3.7],[128.2,-3.7],[128.2,-3.6],[128.1,-3.6]]]})"),
            "coordinates[0] is not closed: its last position must repeat its first");
  EXPECT_EQ(message(R"({"type":"Polygon","coordinates":[[[128.1,-3.7],[128.2,"x"],[128.2,-3.6],[128.1,-3.7]]]})"),
            "coordinates[0][1] is not a [lon, lat] pair");
  // Latitude first by mistake: Ambon's longitude is not a latitude.
  EXPECT_EQ(message(R"({"type":"Polygon","coordinates":[[[-3.7,128.1],[-3.7,128.2],[-3.6,128.2],[-3.7,128.1]]]})"),
            "coordinates[0][0] is outside lon [-180, 180] / lat [-90, 90] (GeoJSON puts lon first)");
  EXPECT_EQ(message(R"({"type":"MultiPolygon","coordinates":[]})"), "coordinates is not a non-empty array of polygons");
  EXPECT_EQ(message(square_with_hole), "read");
}

TEST(geo, area_holds_its_edges_and_vertices_but_not_beyond) {
  auto a = must_read(square_with_hole);
  EXPECT_TRUE(area_contains(a, {-3.75, 128.20}));   // on the south edge
  EXPECT_TRUE(area_contains(a, {-3.70, 128.25}));   // on the east edge
  EXPECT_TRUE(area_contains(a, {-3.65, 128.15}));   // a vertex
  EXPECT_TRUE(area_contains(a, {-3.71, 128.20}));   // on the hole's edge: still the polygon's
  EXPECT_FALSE(area_contains(a, {-3.70, 128.20}));  // strictly in the hole
  EXPECT_FALSE(area_contains(a, {-3.7500001, 128.20}));
  EXPECT_FALSE(area_contains(a, {-3.70, 128.2500001}));
  // A slanted edge: the triangle's hypotenuse from (128.0, -3.9) to (128.1, -3.8).
  auto t = must_read(R"({"type":"Polygon","coordinates":[[[128.0,-3.9],[128.1,-3.9],[128.1,-3.8],[128.0,-3.9]]]})");
  EXPECT_TRUE(area_contains(t, {-3.85, 128.05}));
  EXPECT_FALSE(area_contains(t, {-3.849, 128.05}));
  EXPECT_TRUE(area_contains(t, {-3.851, 128.05}));
}

TEST(geo, multipolygon_holds_each_part_and_not_between_them) {
  auto a = must_read(
      R"({"type":"MultiPolygon","coordinates":[[[[128.0,-3.9],[128.1,-3.9],[128.1,-3.8],[128.0,-3.8],[128.0,-3.9]]],)"
      R"([[[128.3,-3.6],[128.4,-3.6],[128.4,-3.5],[128.3,-3.5],[128.3,-3.6]]]]})");
  EXPECT_TRUE(area_contains(a, {-3.85, 128.05}));
  EXPECT_TRUE(area_contains(a, {-3.55, 128.35}));
  EXPECT_FALSE(area_contains(a, {-3.70, 128.20}));  // inside the box of both, in neither
}

std::string box(double lon0, double lat0, double lon1, double lat1) {
  auto pt = [](double lon, double lat) { return "[" + std::to_string(lon) + "," + std::to_string(lat) + "]"; };
  return R"({"type":"Polygon","coordinates":[[)" + pt(lon0, lat0) + "," + pt(lon1, lat0) + "," + pt(lon1, lat1) + "," +
         pt(lon0, lat1) + "," + pt(lon0, lat0) + "]]}";
}

// Two districts side by side (west 128.0-128.1, east 128.1-128.2, lat -3.8 to -3.7), each with
// two villages split at lat -3.75; the east district's second village has no boundary, only a
// centre.
area_directory two_districts() {
  std::vector<district> ds(2);
  ds[0].id = "west";
  ds[0].boundary_geojson = box(128.0, -3.8, 128.1, -3.7);
  ds[0].center = geo_point{-3.75, 128.05};
  ds[1].id = "east";
  ds[1].boundary_geojson = box(128.1, -3.8, 128.2, -3.7);
  ds[1].center = geo_point{-3.75, 128.15};
  std::vector<village> vs(4);
  vs[0] = {"w-south", "j", "west", "1", "", std::nullopt, box(128.0, -3.8, 128.1, -3.75)};
  vs[1] = {"w-north", "j", "west", "2", "", std::nullopt, box(128.0, -3.75, 128.1, -3.7)};
  vs[2] = {"e-south", "j", "east", "3", "", std::nullopt, box(128.1, -3.8, 128.2, -3.75)};
  vs[3] = {"e-north", "j", "east", "4", "", geo_point{-3.72, 128.15}, ""};
  return make_area_directory(ds, vs);
}

TEST(geo, place_point_finds_district_and_village) {
  auto dir = two_districts();
  auto p = place_point({-3.78, 128.05}, dir);
  EXPECT_EQ(p.district_id, "west");
  EXPECT_EQ(p.village_id, "w-south");
  p = place_point({-3.72, 128.05}, dir);
  EXPECT_EQ(p.district_id, "west");
  EXPECT_EQ(p.village_id, "w-north");
  // On the border of the two districts: the first in order (by code) takes it.
  p = place_point({-3.78, 128.10}, dir);
  EXPECT_EQ(p.district_id, "west");
  EXPECT_EQ(p.village_id, "w-south");
  // A village without a boundary is found by its centre, within its district only.
  p = place_point({-3.73, 128.16}, dir);
  EXPECT_EQ(p.district_id, "east");
  EXPECT_EQ(p.village_id, "e-north");
  // Outside every boundary and far from every centre: nothing rather than a wrong place.
  p = place_point({-6.2, 106.8}, dir);
  EXPECT_EQ(p.district_id, std::nullopt);
  EXPECT_EQ(p.village_id, std::nullopt);
}

TEST(geo, place_point_keeps_a_given_district_and_looks_for_villages_in_it_only) {
  auto dir = two_districts();
  // The caller said east although the point is in the west: the west's villages are not taken.
  auto p = place_point({-3.78, 128.05}, dir, std::string("east"));
  EXPECT_EQ(p.district_id, "east");
  EXPECT_EQ(p.village_id, std::nullopt);
  // Districts without boundaries: a village's boundary still tells the district.
  auto bare = dir;
  for (auto& d : bare.districts) {
    d.shape.reset();
    d.center.reset();
  }
  p = place_point({-3.78, 128.15}, bare);
  EXPECT_EQ(p.district_id, "east");
  EXPECT_EQ(p.village_id, "e-south");
}

}  // namespace
}  // namespace siaga::domain
