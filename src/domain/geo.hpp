// Geometry of the jurisdiction: distances and the district a point lies in. Pure functions, so
// the server fills a report's district the way the consoles do (web/src/lib/geo.ts) for
// reports that arrive with a location and no district (API clients, channels, AML fixes).
#pragma once

#include "domain/model.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace siaga::domain {

// Great-circle distance in metres (mean Earth radius).
double distance_m(geo_point a, geo_point b);

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
