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

using ring = area::ring;
constexpr double edge_eps = 1e-9;

core::error bad(const std::string& where, const std::string& what) {
  return core::invalid(where + " " + what);
}

core::result<ring> read_ring(const json::value& v, const std::string& where) {
  const auto* points = v.if_array();
  if (points == nullptr) return bad(where, "is not an array of positions");
  if (points->size() < 4) return bad(where, "has fewer than 4 positions (a ring is closed: its last repeats its first)");
  ring out;
  for (std::size_t i = 0; i < points->size(); ++i) {
    const auto* xy = (*points)[i].if_array();
    auto here = where + "[" + std::to_string(i) + "]";
    if (xy == nullptr || xy->size() < 2 || !(*xy)[0].is_number() || !(*xy)[1].is_number()) {
      return bad(here, "is not a [lon, lat] pair");
    }
    auto lon = (*xy)[0].to_number<double>();
    auto lat = (*xy)[1].to_number<double>();
    if (!(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90)) {
      return bad(here, "is outside lon [-180, 180] / lat [-90, 90] (GeoJSON puts lon first)");
    }
    out.push_back({lat, lon});
  }
  if (!(out.front() == out.back())) return bad(where, "is not closed: its last position must repeat its first");
  return out;
}

core::result<std::vector<ring>> read_polygon(const json::value& v, const std::string& where) {
  const auto* rings = v.if_array();
  if (rings == nullptr || rings->empty()) return bad(where, "is not a non-empty array of rings");
  std::vector<ring> out;
  for (std::size_t i = 0; i < rings->size(); ++i) {
    SIAGA_TRY(r, read_ring((*rings)[i], where + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(r));
  }
  return out;
}

// Twice the signed area of the triangle a, b, p: zero when p is on the line through a and b.
double cross(geo_point a, geo_point b, geo_point p) {
  return (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
}

bool on_segment(geo_point p, geo_point a, geo_point b) {
  if (p.lat < std::min(a.lat, b.lat) - edge_eps || p.lat > std::max(a.lat, b.lat) + edge_eps) return false;
  if (p.lon < std::min(a.lon, b.lon) - edge_eps || p.lon > std::max(a.lon, b.lon) + edge_eps) return false;
  double len = std::hypot(b.lat - a.lat, b.lon - a.lon);
  if (len == 0) return std::hypot(p.lat - a.lat, p.lon - a.lon) <= edge_eps;
  return std::abs(cross(a, b, p)) / len <= edge_eps;
}

enum class where_is { inside, edge, outside };

// Even-odd rule: a ray from p towards +lon crosses the ring's edges an odd number of times;
// a point on an edge is told apart first.
where_is in_ring(geo_point p, const ring& r) {
  bool inside = false;
  for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
    const auto& a = r[i];
    const auto& b = r[j];
    if (on_segment(p, a, b)) return where_is::edge;
    if ((a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon) {
      inside = !inside;
    }
  }
  return inside ? where_is::inside : where_is::outside;
}

bool in_polygon(geo_point p, const std::vector<ring>& poly) {
  if (poly.empty() || in_ring(p, poly.front()) == where_is::outside) return false;
  for (std::size_t h = 1; h < poly.size(); ++h) {
    if (in_ring(p, poly[h]) == where_is::inside) return false;
  }
  return true;
}

std::optional<area> parse_area(std::string_view text) {
  auto a = read_area(text);
  if (!a) return std::nullopt;
  return std::move(*a);
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

core::result<area> read_area(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec) return core::invalid("the geometry is not JSON: " + ec.message());
  if (!doc.is_object()) return core::invalid("the geometry is not a JSON object");
  const json::object* g = &doc.get_object();
  if (auto* type = g->if_contains("type"); type && type->is_string() && type->get_string() == "Feature") {
    auto* geometry = g->if_contains("geometry");
    if (geometry == nullptr || !geometry->is_object()) return core::invalid("the feature has no geometry");
    g = &geometry->get_object();
  }
  const auto* type = g->if_contains("type");
  const auto* coordinates = g->if_contains("coordinates");
  if (type == nullptr || !type->is_string()) return core::invalid("the geometry has no type");
  if (coordinates == nullptr) return core::invalid("the geometry has no coordinates");
  area out;
  if (type->get_string() == "Polygon") {
    SIAGA_TRY(poly, read_polygon(*coordinates, "coordinates"));
    out.polygons.push_back(std::move(poly));
  } else if (type->get_string() == "MultiPolygon") {
    const auto* polys = coordinates->if_array();
    if (polys == nullptr || polys->empty()) return core::invalid("coordinates is not a non-empty array of polygons");
    for (std::size_t i = 0; i < polys->size(); ++i) {
      SIAGA_TRY(poly, read_polygon((*polys)[i], "coordinates[" + std::to_string(i) + "]"));
      out.polygons.push_back(std::move(poly));
    }
  } else {
    return core::invalid("the geometry is a " + std::string(type->get_string()) +
                               ", not a Polygon or MultiPolygon");
  }
  out.min_lat = out.min_lon = std::numeric_limits<double>::infinity();
  out.max_lat = out.max_lon = -std::numeric_limits<double>::infinity();
  for (const auto& poly : out.polygons) {
    for (const auto& pt : poly.front()) {
      out.min_lat = std::min(out.min_lat, pt.lat);
      out.max_lat = std::max(out.max_lat, pt.lat);
      out.min_lon = std::min(out.min_lon, pt.lon);
      out.max_lon = std::max(out.max_lon, pt.lon);
    }
  }
  return out;
}

bool area_contains(const area& a, geo_point p) {
  if (p.lat < a.min_lat - edge_eps || p.lat > a.max_lat + edge_eps || p.lon < a.min_lon - edge_eps ||
      p.lon > a.max_lon + edge_eps) {
    return false;
  }
  for (const auto& poly : a.polygons) {
    if (in_polygon(p, poly)) return true;
  }
  return false;
}

area_directory make_area_directory(std::span<const district> districts, std::span<const village> villages) {
  area_directory out;
  auto shape_of = [](const std::string& text) -> std::optional<area> {
    if (text.empty()) return std::nullopt;
    return parse_area(text);
  };
  for (const auto& d : districts) out.districts.push_back({d.id, {}, d.center, shape_of(d.boundary_geojson)});
  for (const auto& v : villages) out.villages.push_back({v.id, v.district_id, v.center, shape_of(v.boundary_geojson)});
  return out;
}

namespace {

// The first area of the list (only those of district when given) whose shape holds p; else the
// nearest centre within max_m.
const placed_area* find_area(geo_point p, const std::vector<placed_area>& list, const std::optional<std::string>& district,
                             double max_m) {
  auto eligible = [&](const placed_area& a) { return !district || a.district_id == *district; };
  for (const auto& a : list) {
    if (eligible(a) && a.shape && area_contains(*a.shape, p)) return &a;
  }
  const placed_area* best = nullptr;
  double best_m = max_m;
  for (const auto& a : list) {
    if (!eligible(a) || !a.center) continue;
    double m = distance_m(p, *a.center);
    if (m <= best_m) {
      best = &a;
      best_m = m;
    }
  }
  return best;
}

}  // namespace

placement place_point(geo_point p, const area_directory& dir, const std::optional<std::string>& given_district,
                      double max_district_centre_m, double max_village_centre_m) {
  placement out;
  out.district_id = given_district;
  if (!out.district_id) {
    for (const auto& d : dir.districts) {
      if (d.shape && area_contains(*d.shape, p)) {
        out.district_id = d.id;
        break;
      }
    }
  }
  if (!out.district_id) {
    for (const auto& v : dir.villages) {
      if (v.shape && area_contains(*v.shape, p)) {
        out.district_id = v.district_id;
        break;
      }
    }
  }
  if (!out.district_id) {
    if (const auto* d = find_area(p, dir.districts, std::nullopt, max_district_centre_m)) out.district_id = d->id;
  }
  if (const auto* v = find_area(p, dir.villages, out.district_id, max_village_centre_m)) out.village_id = v->id;
  return out;
}

bool geojson_contains(std::string_view geojson, geo_point p) {
  if (geojson.empty()) return false;
  const area* a = cached_area(geojson);
  return a != nullptr && area_contains(*a, p);
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
