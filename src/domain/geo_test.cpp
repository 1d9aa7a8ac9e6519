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

}  // namespace
}  // namespace siaga::domain
