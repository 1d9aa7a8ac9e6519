#include "domain/geo.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

namespace siaga::domain {
namespace {

namespace json = boost::json;

constexpr double earth_radius_m = 6'371'008.8;
constexpr double pi = 3.14159265358979323846;

double rad(double deg) { return deg * pi / 180.0; }

using ring = std::vector<geo_point>;
using polygon = std::vector<ring>;  // the outer ring, then holes
using area = std::vector<polygon>;

bool read_ring(const json::value& v, ring& out) {
  const auto* points = v.if_array();
  if (points == nullptr || points->size() < 3) return false;
  for (const auto& pt : *points) {
    const auto* xy = pt.if_array();
    if (xy == nullptr || xy->size() < 2) return false;
    auto lon = (*xy)[0].is_number() ? (*xy)[0].to_number<double>() : std::nan("");
    auto lat = (*xy)[1].is_number() ? (*xy)[1].to_number<double>() : std::nan("");
    if (!std::isfinite(lon) || !std::isfinite(lat)) return false;
    out.push_back({lat, lon});
  }
  return true;
}

bool read_polygon(const json::value& v, polygon& out) {
  const auto* rings = v.if_array();
  if (rings == nullptr || rings->empty()) return false;
  for (const auto& r : *rings) {
    if (!read_ring(r, out.emplace_back())) return false;
  }
  return true;
}

// Nothing when the text is not a Polygon or MultiPolygon (bare or in a Feature).
std::optional<area> parse_area(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::object* g = &doc.get_object();
  if (auto* type = g->if_contains("type"); type && type->is_string() && type->get_string() == "Feature") {
    auto* geometry = g->if_contains("geometry");
    if (geometry == nullptr || !geometry->is_object()) return std::nullopt;
    g = &geometry->get_object();
  }
  const auto* type = g->if_contains("type");
  const auto* coordinates = g->if_contains("coordinates");
  if (type == nullptr || !type->is_string() || coordinates == nullptr) return std::nullopt;
  area out;
  if (type->get_string() == "Polygon") {
    if (!read_polygon(*coordinates, out.emplace_back())) return std::nullopt;
  } else if (type->get_string() == "MultiPolygon") {
    const auto* polys = coordinates->if_array();
    if (polys == nullptr || polys->empty()) return std::nullopt;
    for (const auto& p : *polys) {
      if (!read_polygon(p, out.emplace_back())) return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  return out;
}

// Even-odd rule: a ray from p towards +lon crosses the ring's edges an odd number of times.
bool in_ring(geo_point p, const ring& r) {
  bool inside = false;
  for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
    const auto& a = r[i];
    const auto& b = r[j];
    if ((a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon) {
      inside = !inside;
    }
  }
  return inside;
}

bool in_polygon(geo_point p, const polygon& poly) {
  if (poly.empty() || !in_ring(p, poly.front())) return false;
  for (std::size_t h = 1; h < poly.size(); ++h) {
    if (in_ring(p, poly[h])) return false;
  }
  return true;
}

// Boundaries are parsed once per thread and kept by their text: a district's boundary changes
// rarely, and the writer thread asks for every report with a location and no district.
const area* cached_area(std::string_view text) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const std::optional<area>>> cache;
  auto it = cache.find(std::string(text));
  if (it == cache.end()) {
    if (cache.size() >= 256) cache.clear();
    it = cache.emplace(std::string(text), std::make_shared<const std::optional<area>>(parse_area(text))).first;
  }
  return *it->second ? &**it->second : nullptr;
}

}  // namespace

double distance_m(geo_point a, geo_point b) {
  double d_lat = rad(b.lat - a.lat);
  double d_lon = rad(b.lon - a.lon);
  double h = std::pow(std::sin(d_lat / 2), 2) + std::cos(rad(a.lat)) * std::cos(rad(b.lat)) * std::pow(std::sin(d_lon / 2), 2);
  return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

bool geojson_contains(std::string_view geojson, geo_point p) {
  if (geojson.empty()) return false;
  const area* a = cached_area(geojson);
  if (a == nullptr) return false;
  for (const auto& poly : *a) {
    if (in_polygon(p, poly)) return true;
  }
  return false;
}

std::optional<std::string> district_of(geo_point p, std::span<const district> districts, double max_centre_m) {
  for (const auto& d : districts) {
    if (geojson_contains(d.boundary_geojson, p)) return d.id;
  }
  const district* best = nullptr;
  double best_m = std::numeric_limits<double>::infinity();
  for (const auto& d : districts) {
    if (!d.center) continue;
    double m = distance_m(p, *d.center);
    if (m < best_m) {
      best = &d;
      best_m = m;
    }
  }
  if (best == nullptr || best_m > max_centre_m) return std::nullopt;
  return best->id;
}

}  // namespace siaga::domain
