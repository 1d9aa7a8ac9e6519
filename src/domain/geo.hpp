// Geometry of the jurisdiction: distances and the district a point lies in. Pure functions, so
// the server fills a report's district the way the consoles do (web/src/lib/geo.ts) for
// reports that arrive with a location and no district (API clients, channels, AML fixes).
#pragma once

#include "domain/model.hpp"

#include "core/error.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

// Great-circle distance in metres (mean Earth radius).
double distance_m(geo_point a, geo_point b);

// A Polygon or MultiPolygon read from GeoJSON: its polygons, each an outer ring then its holes,
// and the box around them (a quick "no" for points far away).
struct area {
  using ring = std::vector<geo_point>;
  std::vector<std::vector<ring>> polygons;
  double min_lat = 0, max_lat = 0, min_lon = 0, max_lon = 0;
};

// Reads a GeoJSON Polygon or MultiPolygon, bare or in a Feature ([lon, lat] order, rings of at
// least 4 positions whose first and last are the same, lat in [-90, 90], lon in [-180, 180]).
// Fails with invalid_input saying what is wrong ("coordinates[0][2] is not a [lon, lat] pair").
core::result<area> read_area(std::string_view geojson);

// Whether p lies in the area: inside an outer ring and not strictly inside one of its holes. A
// point on an edge or a vertex (within 1e-9 degree, about 0.1 mm) counts as inside, on the hole's
// edges too, so a point on the border of two neighbours is in both and the caller's order decides.
bool area_contains(const area& a, geo_point p);

// A district or village as point placement needs it: its id, its district (villages) and
// centre, and its boundary when it has a readable one.
struct placed_area {
  std::string id;
  std::string district_id;  // villages: the district they are in; districts: empty
  std::optional<geo_point> center;
  std::optional<area> shape;
};

// The districts and villages of one jurisdiction, each list in the order that decides ties
// (by code).
struct area_directory {
  std::vector<placed_area> districts;
  std::vector<placed_area> villages;
};

// Builds the directory from the stored rows; an unreadable boundary is left out (no shape).
area_directory make_area_directory(std::span<const district> districts, std::span<const village> villages);

struct placement {
  std::optional<std::string> district_id;
  std::optional<std::string> village_id;
};

// Where a point lies. The district: given_district when set; else the first district whose
// boundary holds p; else the district of the first village whose boundary holds p; else the
// district with the nearest centre within max_district_centre_m. The village: the first of that
// district (of any district when none was found) whose boundary holds p; else the one of that
// district with the nearest centre within max_village_centre_m. Either is nothing when none
// qualifies: no place rather than a wrong one.
placement place_point(geo_point p, const area_directory& dir, const std::optional<std::string>& given_district = {},
                      double max_district_centre_m = 25'000, double max_village_centre_m = 3'000);

// Whether p lies inside a GeoJSON Polygon or MultiPolygon (a bare geometry or a Feature
// holding one; holes respected; coordinates in GeoJSON's [lon, lat] order). False for empty,
// malformed or other geometry: a district whose boundary cannot be read is not matched by it.
bool geojson_contains(std::string_view geojson, geo_point p);

// The district of a point: the first whose boundary contains it; failing that (no boundaries,
// or a point outside all of them) the one with the nearest centre if it is within
// max_centre_m. Returns the district's id, or nothing when no district qualifies.
std::optional<std::string> district_of(geo_point p, std::span<const district> districts,
                                       double max_centre_m = 25'000);

}  // namespace siaga::domain
