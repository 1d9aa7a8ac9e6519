#include "api/inputs.hpp"

#include "domain/media.hpp"
#include "services/area_index.hpp"

#include <iterator>

namespace siaga::api {

core::result<std::optional<domain::geo_point>> location_of(const json::object& o) {
  auto it = o.find("location");
  if (it == o.end() || it->value().is_null()) return std::optional<domain::geo_point>{};
  if (!it->value().is_object()) return core::invalid("field 'location' must be an object {\"lat\": .., \"lon\": ..}");
  const auto& p = it->value().as_object();
  if (auto r = only_fields(p, {"lat", "lon"}); !r) return core::invalid("location: " + r.error().message);
  auto lat = opt_number(p, "lat");
  auto lon = opt_number(p, "lon");
  if (!lat) return lat.error();
  if (!lon) return lon.error();
  if (!*lat || !*lon) return core::invalid("field 'location' needs both lat and lon");
  return std::optional<domain::geo_point>{domain::geo_point{**lat, **lon}};
}

core::result<services::new_incident> new_incident_of(const json::object& o, bool with_reports) {
  services::new_incident in;
  auto cat = opt_string(o, "category_id", 64);
  if (!cat) return cat.error();
  in.category_id = cat->value_or("");
  auto summary = opt_string(o, "summary", 500);
  if (!summary) return summary.error();
  in.summary = summary->value_or("");
  auto desc = opt_string(o, "description");
  if (!desc) return desc.error();
  in.description = desc->value_or("");
  auto loc = location_of(o);
  if (!loc) return loc.error();
  in.location = *loc;
  auto addr = opt_string(o, "address", 500);
  if (!addr) return addr.error();
  in.address = addr->value_or("");
  auto district = opt_string(o, "district_id", 64);
  if (!district) return district.error();
  in.district_id = *district;
  auto village = opt_string(o, "village_id", 64);
  if (!village) return village.error();
  in.village_id = *village;
  if (with_reports) {
    auto reports = opt_string_array(o, "report_ids");
    if (!reports) return reports.error();
    in.report_ids = reports->value_or(std::vector<std::string>{});
  }
  auto agencies = opt_string_array(o, "agency_ids");
  if (!agencies) return agencies.error();
  in.agency_ids = *agencies;
  auto add = opt_string_array(o, "add_agency_ids");
  if (!add) return add.error();
  in.add_agency_ids = add->value_or(std::vector<std::string>{});
  auto remove = opt_string_array(o, "remove_agency_ids");
  if (!remove) return remove.error();
  in.remove_agency_ids = remove->value_or(std::vector<std::string>{});
  if (in.agency_ids && (!in.add_agency_ids.empty() || !in.remove_agency_ids.empty())) {
    return core::invalid("give either agency_ids or add_agency_ids/remove_agency_ids, not both");
  }
  auto dispatch = opt_bool(o, "dispatch");
  if (!dispatch) return dispatch.error();
  in.dispatch_now = dispatch->value_or(true);
  auto share = opt_bool(o, "share_contact");
  if (!share) return share.error();
  in.share_contact = share->value_or(false);
  return in;
}

core::result<services::incident_patch> incident_patch_of(const json::object& o) {
  SIAGA_CHECK(only_fields(o, {"summary", "description", "address", "location", "district_id", "category_id", "note"}));
  services::incident_patch p;
  SIAGA_TRY(summary, opt_string(o, "summary", 500));
  SIAGA_TRY(description, opt_string(o, "description"));
  SIAGA_TRY(address, opt_string(o, "address", 500));
  SIAGA_TRY(category, opt_string(o, "category_id", 64));
  SIAGA_TRY(note, opt_string(o, "note", 2000));
  p.summary = std::move(summary);
  p.description = std::move(description);
  p.address = std::move(address);
  p.category_id = std::move(category);
  p.note = note.value_or("");
  if (o.contains("location")) {
    SIAGA_TRY(loc, location_of(o));
    p.location = loc;
  }
  if (o.contains("district_id")) {
    SIAGA_TRY(district, opt_string(o, "district_id", 64));
    p.district_id = std::move(district);
  }
  return p;
}

core::result<void> place_before_write(storage::store_reader& rd, const services::actor& who,
                                      std::optional<std::string>& district, std::optional<std::string>& village,
                                      const std::optional<domain::geo_point>& location) {
  SIAGA_TRY(place, services::place_record(rd, services::shared_area_index(), who, district, village, location));
  district = std::move(place.district_id);
  village = std::move(place.village_id);
  return {};
}

core::result<std::string> idempotency_key_value(const net::request& req) {
  auto [first, last] = req.equal_range("Idempotency-Key");
  if (first == last) return std::string();
  if (std::next(first) != last) {
    return core::invalid("header Idempotency-Key dikirim lebih dari sekali; kirim satu (send the header once)");
  }
  // The draft's form is a Structured Field string ("..."); a bare token, as most clients send
  // it, is the same key. Inside quotes a space is allowed, quotes and backslashes are not.
  std::string_view value = first->value();
  bool quoted = value.size() >= 2 && value.front() == '"' && value.back() == '"';
  if (quoted) value = value.substr(1, value.size() - 2);
  bool printable = !value.empty() && value.size() <= 128;
  for (char ch : value) {
    printable = printable && ch >= (quoted ? 0x20 : 0x21) && ch <= 0x7e && ch != '"' && ch != '\\';
  }
  if (!printable) {
    return core::invalid(
        "header Idempotency-Key harus 1-128 karakter ASCII yang tercetak, mis. sebuah UUID, boleh dalam tanda "
        "kutip (the Idempotency-Key header must be 1-128 printable ASCII characters, e.g. a UUID, bare or as a "
        "quoted string)");
  }
  return std::string(value);
}

core::result<services::idempotency_key> idempotency_header(const net::request& req) {
  auto value = idempotency_key_value(req);
  if (!value) return value.error();
  services::idempotency_key out{std::move(*value), ""};
  if (!out.key.empty()) out.digest = domain::sha256_hex(req.body());
  return out;
}

net::response key_reused_response(const net::request& req) {
  return json_response(
      req, net::http::status::unprocessable_entity,
      json::object{{"error", "idempotency_key_reused"},
                   {"message",
                    "Idempotency-Key ini sudah dipakai untuk permintaan lain dengan isi berbeda; buat kunci baru "
                    "untuk laporan baru (this Idempotency-Key was used for another request with a different body; "
                    "use a new key for a new submission)"}});
}

net::response created_response(const net::request& req, services::idempotent_outcome outcome,
                               const json::value& body) {
  auto res = json_response(req, net::http::status::created, body);
  if (outcome == services::idempotent_outcome::replayed) {
    res.set("Idempotent-Replayed", "true");
    res.prepare_payload();
  }
  return res;
}

}  // namespace siaga::api
