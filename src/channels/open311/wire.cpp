#include "channels/open311/wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <iterator>

namespace siaga::channels::open311 {
namespace json = boost::json;

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether s is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view s) {
  static constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c >> 5) == 0x6) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c >> 4) == 0xE) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c >> 3) == 0x1E) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

core::result<std::string> decode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return core::invalid("'" + std::string(what.substr(0, 64)) +
                             "': kode % tidak sah (a percent escape must be % and two hex digits)");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  if (!valid_utf8(out)) {
    return core::invalid("'" + std::string(what.substr(0, 64)) + "' bukan teks UTF-8 (text must be UTF-8)");
  }
  return out;
}

bool valid_code(std::string_view c) {
  return !c.empty() && c.size() <= 64 && std::all_of(c.begin(), c.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '_' || ch == '.' || ch == '-';
  });
}

core::result<std::string> bounded(const form& f, std::string_view key, std::size_t max) {
  auto v = first(f, key).value_or("");
  if (v.size() > max) {
    return core::invalid(std::string(key) + " terlalu panjang, paling banyak " + std::to_string(max) + " byte (" +
                         std::string(key) + " is longer than " + std::to_string(max) + " bytes)");
  }
  return v;
}

core::result<std::optional<double>> coordinate(const form& f, std::string_view key, double limit) {
  auto v = first(f, key);
  if (!v || v->empty()) return std::optional<double>{};
  double d = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  if (ec != std::errc{} || ptr != v->data() + v->size() || !std::isfinite(d) || std::abs(d) > limit) {
    return core::invalid(std::string(key) + " '" + v->substr(0, 40) + "' bukan koordinat WGS-84 (" + std::string(key) +
                         " must be a number from -" + std::to_string(static_cast<int>(limit)) + " to " +
                         std::to_string(static_cast<int>(limit)) + ")");
  }
  return std::optional<double>{d};
}

const attribute_def* standard(std::string_view code) {
  for (const auto& a : standard_attributes()) {
    if (a.code == code) return &a;
  }
  return nullptr;
}

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The element name of an array's items in XML.
std::string_view item_name(std::string_view array_name) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"services", "service"},   {"service_requests", "request"}, {"attributes", "attribute"}, {"values", "value"},
      {"endpoints", "endpoint"}, {"formats", "format"},           {"errors", "error"}};
  for (const auto& [list, item] : names) {
    if (list == array_name) return item;
  }
  return "item";
}

void escape_into(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no way to carry the other C0 controls, not even as references.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        // Nor U+FFFE and U+FFFF (EF BF BE / EF BF BF).
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE) {
          i += 2;
          break;
        }
        out.push_back(static_cast<char>(c));
    }
  }
}

void xml_into(std::string& out, std::string_view name, const json::value& v) {
  if (v.is_null()) {
    out += '<';
    out += name;
    out += "/>";
    return;
  }
  out += '<';
  out += name;
  out += '>';
  if (v.is_object()) {
    for (const auto& kv : v.as_object()) xml_into(out, kv.key(), kv.value());
  } else if (v.is_array()) {
    for (const auto& item : v.as_array()) xml_into(out, item_name(name), item);
  } else if (v.is_string()) {
    escape_into(out, v.as_string());
  } else if (v.is_double()) {
    // The shortest text that reads back the same, without JSON's exponent (-3.695, not -3.695E0).
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_double());
    out.append(buf, ec == std::errc{} ? end : buf);
  } else {
    out += json::serialize(v);  // integers and booleans: the same text as in JSON
  }
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

std::string_view content_type(format f) {
  return f == format::xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
}

std::optional<std::pair<std::string, format>> split_format(std::string_view file) {
  auto dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto ext = file.substr(dot + 1);
  if (ext == "xml") return std::pair{std::string(file.substr(0, dot)), format::xml};
  if (ext == "json") return std::pair{std::string(file.substr(0, dot)), format::json};
  return std::nullopt;
}

core::result<form> parse_form(std::string_view text) {
  form out;
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    if (out.size() >= max_fields) {
      return core::invalid("terlalu banyak field, paling banyak " + std::to_string(max_fields) + " (too many fields)");
    }
    auto eq = pair.find('=');
    auto raw_key = pair.substr(0, eq);
    SIAGA_TRY(key, decode(raw_key, raw_key));
    std::string value;
    if (eq != std::string_view::npos) {
      SIAGA_TRY(v, decode(pair.substr(eq + 1), key));
      value = std::move(v);
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::optional<std::string> first(const form& f, std::string_view key) {
  for (const auto& [k, v] : f) {
    if (k == key) return v;
  }
  return std::nullopt;
}

const std::vector<attribute_def>& standard_attributes() {
  static const std::vector<attribute_def> defs{
      {"korban",
       "singlevaluelist",
       false,
       "Ada korban atau orang terluka? (Is anyone hurt?)",
       1,
       {{"ya", "Ya (yes)"}, {"tidak", "Tidak (no)"}, {"tidak_tahu", "Tidak tahu (do not know)"}}},
      {"masih_berlangsung",
       "singlevaluelist",
       false,
       "Apakah masih berlangsung? (Is it still going on?)",
       2,
       {{"ya", "Ya (yes)"}, {"tidak", "Tidak (no)"}, {"tidak_tahu", "Tidak tahu (do not know)"}}},
      {"patokan", "string", false, "Patokan terdekat: gedung, toko, masjid, gereja (nearest landmark)", 3, {}},
  };
  return defs;
}

core::result<post_fields> parse_post(const form& f) {
  post_fields p;
  SIAGA_TRY(jur, bounded(f, "jurisdiction_id", 64));
  SIAGA_TRY(key, bounded(f, "api_key", 200));
  SIAGA_TRY(code, bounded(f, "service_code", 64));
  p.jurisdiction_id = std::move(jur);
  p.api_key = std::move(key);
  p.service_code = std::move(code);
  if (p.service_code.empty()) return core::invalid("service_code wajib diisi (service_code is required)");
  SIAGA_TRY(lat, coordinate(f, "lat", 90));
  SIAGA_TRY(lon, coordinate(f, "long", 180));
  if (lat.has_value() != lon.has_value()) {
    return core::invalid("lat dan long harus dikirim berdua (lat and long go together)");
  }
  p.lat = lat;
  p.lon = lon;
  SIAGA_TRY(address, bounded(f, "address_string", 500));
  SIAGA_TRY(address_id, bounded(f, "address_id", 200));
  p.address_string = std::move(address);
  p.address_id = std::move(address_id);
  if (!p.lat && p.address_string.empty() && p.address_id.empty()) {
    return core::invalid(
        "lokasi wajib: lat dan long, atau address_string (a location is required: lat and long, "
        "or address_string)");
  }
  SIAGA_TRY(email, bounded(f, "email", 254));
  SIAGA_TRY(device, bounded(f, "device_id", 200));
  SIAGA_TRY(account, bounded(f, "account_id", 200));
  SIAGA_TRY(first_name, bounded(f, "first_name", 100));
  SIAGA_TRY(last_name, bounded(f, "last_name", 100));
  SIAGA_TRY(phone, bounded(f, "phone", 40));
  SIAGA_TRY(description, bounded(f, "description", services::max_intake_description));
  SIAGA_TRY(media, bounded(f, "media_url", 1000));
  if (!email.empty() &&
      (email.find('@') == std::string::npos || email.find_first_of(" \t\r\n<>") != std::string::npos)) {
    return core::invalid("email '" + email.substr(0, 60) + "' tidak sah (email is not an address)");
  }
  if (!media.empty() && !media.starts_with("https://") && !media.starts_with("http://")) {
    return core::invalid("media_url harus alamat http(s) (media_url must be an http or https url)");
  }
  p.email = std::move(email);
  p.device_id = std::move(device);
  p.account_id = std::move(account);
  p.first_name = std::move(first_name);
  p.last_name = std::move(last_name);
  p.phone = std::move(phone);
  p.description = std::move(description);
  p.media_url = std::move(media);

  for (const auto& [k, v] : f) {
    if (!k.starts_with("attribute[")) continue;
    auto close = k.find(']');
    auto rest = close == std::string::npos ? std::string_view{} : std::string_view(k).substr(close + 1);
    std::string code = close == std::string::npos ? std::string() : k.substr(10, close - 10);
    if (!valid_code(code) || (!rest.empty() && rest != "[]")) {
      return core::invalid("'" + k.substr(0, 80) +
                           "': tulis attribute[kode] atau attribute[kode][] (an attribute "
                           "is attribute[code] or attribute[code][], the code 1-64 of A-Z a-z 0-9 _ . -)");
    }
    if (v.size() > 1000) {
      return core::invalid("attribute[" + code + "] terlalu panjang (a value has at most 1000 bytes)");
    }
    auto it = std::find_if(p.attributes.begin(), p.attributes.end(), [&](const auto& a) { return a.first == code; });
    if (it == p.attributes.end()) {
      if (p.attributes.size() >= 50) return core::invalid("paling banyak 50 atribut (at most 50 attributes)");
      p.attributes.emplace_back(code, std::vector<std::string>{});
      it = std::prev(p.attributes.end());
    }
    if (it->second.size() >= 50)
      return core::invalid("attribute[" + code + "]: paling banyak 50 nilai (at most 50 values)");
    it->second.push_back(v);
  }
  for (const auto& [code, values] : p.attributes) {
    const auto* def = standard(code);
    if (!def) continue;
    if (def->datatype == "singlevaluelist") {
      if (values.size() > 1) {
        return core::invalid("attribute[" + code + "] hanya satu nilai (takes one value)");
      }
      bool known = std::any_of(def->values.begin(), def->values.end(),
                               [&](const attribute_value& av) { return av.key == values.front(); });
      if (!known && !values.front().empty()) {
        std::string keys;
        for (const auto& av : def->values) keys += (keys.empty() ? "" : ", ") + av.key;
        return core::invalid("attribute[" + code + "] '" + values.front().substr(0, 40) + "' tidak dikenal; pilih " +
                             keys + " (not one of the listed keys)");
      }
    }
  }
  return p;
}

std::string attributes_json(const post_fields& p) {
  json::object o;
  for (const auto& [code, values] : p.attributes) {
    json::array a;
    for (const auto& v : values) a.emplace_back(v);
    o[code] = std::move(a);
  }
  return json::serialize(o);
}

std::string staff_description(const post_fields& p, std::size_t max_len) {
  std::string out = p.description;
  std::string extra;
  for (const auto& [code, values] : p.attributes) {
    std::string shown;
    const auto* def = standard(code);
    for (const auto& v : values) {
      if (v.empty()) continue;
      std::string name = v;
      if (def) {
        for (const auto& av : def->values) {
          if (av.key == v) name = av.name;
        }
      }
      shown += (shown.empty() ? "" : ", ") + name;
    }
    if (shown.empty()) continue;
    std::string label = def ? def->description.substr(0, def->description.find(" (")) : code;
    extra += "\n" + label + ": " + shown;
  }
  if (!p.media_url.empty()) extra += "\nFoto (media_url): " + p.media_url;
  if (!p.address_id.empty()) extra += "\naddress_id: " + p.address_id;
  if (extra.empty()) return out;
  std::string all = out + (out.empty() ? "" : "\n") + "[Open311]" + extra;
  if (all.size() <= max_len) return all;
  // Cut at a character boundary so that the text stays UTF-8.
  std::size_t cut = max_len;
  while (cut > out.size() && (static_cast<unsigned char>(all[cut]) & 0xC0) == 0x80) --cut;
  return all.substr(0, cut);
}

std::string datetime(core::timestamp t, int offset_minutes) {
  auto text = core::format_offset(t, offset_minutes);  // ...:05.123456+07:00
  auto dot = text.find('.');
  if (dot != std::string::npos) text.erase(dot, 7);
  return text;
}

json::value services_tree(const std::vector<domain::category>& public_categories) {
  json::array list;
  for (const auto& c : public_categories) {
    list.push_back(json::object{{"service_code", c.code},
                                {"service_name", c.name_id},
                                {"description", c.name_en.empty() ? c.name_id : c.name_id + " (" + c.name_en + ")"},
                                {"metadata", true},
                                {"type", "realtime"},
                                {"keywords", c.name_en},
                                {"group", std::string(domain::to_string(c.urgency_class))}});
  }
  return list;
}

json::value definition_tree(const std::string& service_code) {
  json::array attrs;
  for (const auto& a : standard_attributes()) {
    json::array values;
    for (const auto& v : a.values) values.push_back(json::object{{"key", v.key}, {"name", v.name}});
    json::object o{{"variable", true},
                   {"code", a.code},
                   {"datatype", a.datatype},
                   {"required", a.required},
                   {"datatype_description", nullptr},
                   {"order", a.order},
                   {"description", a.description}};
    if (!values.empty()) o["values"] = std::move(values);
    attrs.push_back(std::move(o));
  }
  return json::object{{"service_code", service_code}, {"attributes", std::move(attrs)}};
}

json::value request_tree(const services::open311_view& v, int offset_minutes) {
  return json::object{
      {"service_request_id", v.service_request_id},
      {"status", v.open ? "open" : "closed"},
      {"status_notes", text_or_null(v.status_notes)},
      {"service_name", v.service_name},
      {"service_code", v.service_code},
      {"description", text_or_null(v.description)},
      {"agency_responsible", text_or_null(v.agency_responsible)},
      {"service_notice", nullptr},
      {"requested_datetime", datetime(v.requested_at, offset_minutes)},
      {"updated_datetime", datetime(v.updated_at, offset_minutes)},
      {"expected_datetime", nullptr},
      {"address", text_or_null(v.address)},
      {"address_id", nullptr},
      {"zipcode", nullptr},
      {"lat", v.location ? json::value(v.location->lat) : json::value(nullptr)},
      {"long", v.location ? json::value(v.location->lon) : json::value(nullptr)},
      {"media_url", text_or_null(v.media_url)},
  };
}

json::value requests_tree(const std::vector<services::open311_view>& vs, int offset_minutes) {
  json::array list;
  for (const auto& v : vs) list.push_back(request_tree(v, offset_minutes));
  return list;
}

json::value created_tree(const std::string& id, const std::string& token, const std::string& notice) {
  return json::array{
      json::object{{"service_request_id", id}, {"token", token}, {"service_notice", notice}, {"account_id", nullptr}}};
}

json::value token_tree(const std::string& id, const std::string& token) {
  return json::array{json::object{{"service_request_id", id}, {"token", token}}};
}

json::value discovery_tree(const std::string& endpoint_url, const std::string& contact) {
  // The date this implementation of the endpoint last changed.
  constexpr std::string_view changeset = "2026-12-06T00:00:00Z";
  return json::object{
      {"changeset", changeset},
      {"contact", contact},
      {"key_service", "Kunci API (api_key) diberikan oleh admin Siaga 112 (ask the 112 centre's admin for an api_key)"},
      {"endpoints", json::array{json::object{{"specification", "http://wiki.open311.org/GeoReport_v2"},
                                             {"url", endpoint_url},
                                             {"changeset", changeset},
                                             {"type", "production"},
                                             {"formats", json::array{"text/xml", "application/json"}}}}}};
}

json::value errors_tree(int code, const std::string& description) {
  return json::array{json::object{{"code", code}, {"description", description}}};
}

std::string render(format f, std::string_view root, const json::value& tree) {
  if (f == format::json) return json::serialize(tree);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  xml_into(out, root, tree);
  out += '\n';
  return out;
}

}  // namespace siaga::channels::open311
