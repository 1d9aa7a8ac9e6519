#include "services/incident_rules.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cctype>

namespace siaga::services {
namespace json = boost::json;

core::result<void> check_location(const std::optional<domain::geo_point>& p) {
  if (!p) return {};
  if (!(p->lat >= -90 && p->lat <= 90) || !(p->lon >= -180 && p->lon <= 180)) {
    return core::invalid("location must have lat in [-90, 90] and lon in [-180, 180]");
  }
  return {};
}

core::result<domain::category> load_category(storage::store_reader& tx, const actor& who, const std::string& id) {
  auto c = tx.find_category(who.jurisdiction_id, id);
  if (!c) return c.error();
  if (!*c) return core::invalid("category_id '" + id + "' is not a category of this jurisdiction");
  return std::move(**c);
}

core::result<void> check_district(storage::store_reader& tx, const actor& who, const std::optional<std::string>& id) {
  if (!id) return {};
  auto d = tx.find_district(who.jurisdiction_id, *id);
  if (!d) return d.error();
  if (!*d) return core::invalid("district_id '" + *id + "' is not a district of this jurisdiction");
  return {};
}

core::result<domain::incident> load_incident(storage::store_reader& tx, const actor& who, const std::string& id) {
  auto i = tx.find_incident(who.jurisdiction_id, id);
  if (!i) return i.error();
  if (!*i) return core::not_found("incident " + id + " not found");
  return std::move(**i);
}

bool is_blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

json::value point_json(const std::optional<domain::geo_point>& p) {
  if (!p) return nullptr;
  return json::object{{"lat", p->lat}, {"lon", p->lon}};
}

json::value optional_json(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

}  // namespace siaga::services
