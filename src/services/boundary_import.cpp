#include "services/boundary_import.hpp"

#include "domain/geo.hpp"
#include "services/events.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace siaga::services {
namespace json = boost::json;

const std::vector<std::string_view> boundary_code_properties = {"code",    "kode",   "kode_desa", "kode_kel", "kode_kec",
                                                               "kd_desa", "kd_kec", "kdepum",    "id"};

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "817101" -> "81.71.01", "8171011006" -> "81.71.01.1006"; dotted codes as they are; else "".
std::string dotted(std::string_view raw) {
  std::string s(raw);
  auto digits = std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  if (digits && s.size() == 6) return s.substr(0, 2) + "." + s.substr(2, 2) + "." + s.substr(4, 2);
  if (digits && s.size() == 10) return s.substr(0, 2) + "." + s.substr(2, 2) + "." + s.substr(4, 2) + "." + s.substr(6);
  auto shaped = std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; });
  auto dots = std::count(s.begin(), s.end(), '.');
  if (shaped && (dots == 2 || dots == 3) && s.front() != '.' && s.back() != '.') return s;
  return {};
}

std::string code_of(const json::object& properties) {
  for (auto name : boundary_code_properties) {
    for (const auto& kv : properties) {
      if (lower(kv.key()) != name) continue;
      if (kv.value().is_string()) return dotted(kv.value().get_string());
      if (kv.value().is_int64()) return dotted(std::to_string(kv.value().get_int64()));
    }
  }
  return {};
}

}  // namespace

core::result<std::vector<boundary_feature>> read_boundary_file(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec) return core::invalid("the file is not JSON: " + ec.message());
  const auto* o = doc.if_object();
  const auto* features = o ? o->if_contains("features") : nullptr;
  if (!o || !o->contains("type") || o->at("type") != "FeatureCollection" || !features || !features->is_array()) {
    return core::invalid("the file is not a GeoJSON FeatureCollection with a features array");
  }
  std::vector<boundary_feature> out;
  std::set<std::string> seen;
  const auto& list = features->get_array();
  if (list.empty()) return core::invalid("the FeatureCollection has no features");
  std::string names;
  for (auto n : boundary_code_properties) names += (names.empty() ? "" : ", ") + std::string(n);
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto where = "features[" + std::to_string(i) + "]";
    const auto* f = list[i].if_object();
    if (!f) return core::invalid(where + " is not an object");
    const auto* props = f->if_contains("properties");
    auto code = props && props->is_object() ? code_of(props->get_object()) : std::string{};
    if (code.empty()) {
      return core::invalid(where + ": no Kemendagri code in properties (" + names +
                           "; dotted like 81.71.01 or 6/10 digits)");
    }
    const auto* geometry = f->if_contains("geometry");
    if (!geometry || !geometry->is_object()) return core::invalid(where + " (" + code + "): no geometry");
    auto text_of = json::serialize(*geometry);
    if (auto a = domain::read_area(text_of); !a) return core::invalid(where + " (" + code + "): " + a.error().message);
    if (!seen.insert(code).second) return core::invalid(where + ": code " + code + " comes twice");
    out.push_back({code, std::move(text_of)});
  }
  return out;
}

core::result<boundary_import_result> import_boundaries(storage::store_txn& tx, const context& ctx,
                                                       const std::vector<boundary_feature>& features, bool approximate) {
  struct target {
    std::string jurisdiction_id, jurisdiction_code, id, name;
    bool village = false;
  };
  std::map<std::string, target, std::less<>> by_code;
  SIAGA_TRY(jurisdictions, tx.list_jurisdictions());
  for (const auto& j : jurisdictions) {
    SIAGA_TRY(districts, tx.list_districts(j.id));
    for (const auto& d : districts) by_code[d.code] = {j.id, j.code, d.id, d.name, false};
    SIAGA_TRY(villages, tx.list_villages(j.id, std::nullopt));
    for (const auto& v : villages) by_code[v.code] = {j.id, j.code, v.id, v.name, true};
  }
  boundary_import_result out;
  for (const auto& f : features) {
    auto it = by_code.find(f.code);
    if (it == by_code.end()) {
      out.unmatched.push_back(f.code);
      continue;
    }
    const auto& t = it->second;
    if (t.village) {
      SIAGA_CHECK(tx.set_village_boundary(t.jurisdiction_id, t.id, f.geometry, approximate));
    } else {
      SIAGA_CHECK(tx.set_district_boundary(t.jurisdiction_id, t.id, f.geometry, approximate));
    }
    SIAGA_CHECK(record(tx, ctx, system_actor(t.jurisdiction_id), t.village ? domain::subject_kind::village : domain::subject_kind::district,
                       t.id, t.village ? "village.boundary_set" : "district.boundary_set",
                       {{"code", f.code}, {"approximate", approximate}}));
    out.matched.push_back({f.code, t.name, t.village ? "kelurahan/desa" : "kecamatan", t.jurisdiction_code});
  }
  return out;
}

}  // namespace siaga::services
