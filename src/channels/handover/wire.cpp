#include "channels/handover/wire.hpp"

#include <boost/json/parse.hpp>

namespace siaga::channels::handover {
namespace {

namespace json = boost::json;

// The text at key of o; "" when absent or null. invalid_input for another type, or for an
// empty text when required.
core::result<std::string> text(const json::object& o, std::string_view key, std::string_view where, bool required) {
  const auto* v = o.if_contains(key);
  std::string name = std::string(where) + std::string(key);
  if (!v || v->is_null()) {
    if (required) return core::invalid(name + " wajib ada (" + name + " is required)");
    return std::string();
  }
  if (!v->is_string()) return core::invalid(name + " harus teks (" + name + " must be a string)");
  std::string s(v->get_string());
  if (required && s.empty()) return core::invalid(name + " kosong (" + name + " is empty)");
  if (s.size() > 8192) return core::invalid(name + " terlalu panjang (" + name + " is too long)");
  return s;
}

core::result<const json::object*> object_at(const json::object& o, std::string_view key, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return core::invalid(std::string(key) + " wajib ada (" + std::string(key) + " is required)");
    return static_cast<const json::object*>(nullptr);
  }
  if (!v->is_object()) return core::invalid(std::string(key) + " harus objek (" + std::string(key) + " must be an object)");
  return &v->get_object();
}

}  // namespace

core::result<notice> parse_notice(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("badan permintaan bukan JSON (the body is not a JSON object)");
  const auto& o = v.get_object();
  notice out;
  auto& h = out.handover;
  SIAGA_TRY(event, text(o, "event", "", true));
  SIAGA_TRY(from, text(o, "jurisdiction_code", "", true));
  SIAGA_TRY(dispatch, object_at(o, "dispatch", true));
  SIAGA_TRY(incident, object_at(o, "incident", true));
  SIAGA_TRY(dispatch_id, text(*dispatch, "id", "dispatch.", true));
  SIAGA_TRY(number, text(*incident, "number", "incident.", false));
  SIAGA_TRY(category, text(*incident, "category_code", "incident.", false));
  SIAGA_TRY(summary, text(*incident, "summary", "incident.", false));
  SIAGA_TRY(address, text(*incident, "address", "incident.", false));
  SIAGA_TRY(words, text(o, "text", "", false));
  SIAGA_TRY(id, text(o, "id", "", false));
  const char* detail_key = event == "dispatch.cancelled" ? "reason" : event == "incident.updated" ? "changes" : "note";
  SIAGA_TRY(detail, text(o, detail_key, "", false));
  out.id = std::move(id);
  out.detail = std::move(detail);
  out.event = std::move(event);
  h.from_jurisdiction = std::move(from);
  h.dispatch_id = std::move(dispatch_id);
  h.incident_number = std::move(number);
  h.category_code = std::move(category);
  h.summary = std::move(summary);
  h.address = std::move(address);
  h.text = std::move(words);
  if (const auto* loc = incident->if_contains("location"); loc && !loc->is_null()) {
    const auto* p = loc->if_object();
    const json::value* lat = p ? p->if_contains("lat") : nullptr;
    const json::value* lon = p ? p->if_contains("lon") : nullptr;
    if (!lat || !lon || !lat->is_number() || !lon->is_number()) {
      return core::invalid("incident.location harus {lat, lon} angka (incident.location must be {lat, lon} numbers)");
    }
    h.location = domain::geo_point{lat->to_number<double>(), lon->to_number<double>()};
  }
  SIAGA_TRY(contact, object_at(o, "contact", false));
  if (contact) {
    SIAGA_TRY(name, text(*contact, "name", "contact.", false));
    SIAGA_TRY(phone, text(*contact, "phone", "contact.", false));
    h.contact_name = std::move(name);
    h.contact_phone = std::move(phone);
  }
  return out;
}

}  // namespace siaga::channels::handover
