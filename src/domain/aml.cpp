#include "domain/aml.hpp"

#include "core/enum_names.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

namespace siaga::domain {
namespace {

core::error bad(std::string why) {
  return core::invalid("pesan AML ditolak (AML message rejected): " + std::move(why));
}

std::optional<double> to_double(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

core::result<void> check_point(double lat, double lon) {
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
    return bad("koordinat di luar bumi (coordinates out of range): " + std::to_string(lat) + ", " +
               std::to_string(lon));
  }
  return {};
}

location_method method_of_letter(std::string_view s) {
  if (s == "G") return location_method::gnss;
  if (s == "W") return location_method::wifi;
  if (s == "C") return location_method::cell;
  if (s == "F" || s == "H") return location_method::fused;
  return location_method::unknown;
}

// "20220210134654" (UTC) to a time.
std::optional<timestamp> compact_utc(std::string_view s) {
  if (s.size() != 14 || !all_digits(s)) return std::nullopt;
  std::string iso = std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" +
                    std::string(s.substr(6, 2)) + "T" + std::string(s.substr(8, 2)) + ":" +
                    std::string(s.substr(10, 2)) + ":" + std::string(s.substr(12, 2)) + "Z";
  auto t = core::parse_iso8601(iso);
  if (!t) return std::nullopt;
  return *t;
}

struct field {
  std::string_view key;
  std::string_view value;
};

const std::string_view* find(const std::vector<field>& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

core::result<std::optional<int>> confidence_of(const std::vector<field>& fields) {
  auto* v = find(fields, "lc");
  if (!v) return std::optional<int>{};
  auto n = to_int(*v);
  if (!n || *n < 0 || *n > 100) return bad("lc harus 0..100 (lc must be a percentage): '" + std::string(*v) + "'");
  return std::optional<int>{static_cast<int>(*n)};
}

core::result<location_fix> read_v1(const std::vector<field>& fields) {
  location_fix fix;
  fix.format = "aml_sms_v1";
  auto* pm = find(fields, "pm");
  if (pm && *pm == "N") return bad("pm=N: ponsel tidak punya lokasi (the handset had no location fix)");
  if (pm) fix.method = method_of_letter(*pm);
  auto* lt = find(fields, "lt");
  auto* lg = find(fields, "lg");
  if (!lt || !lg) return bad("lt dan lg wajib di versi 1 (lt and lg are required in version 1)");
  auto lat = to_double(*lt);
  auto lon = to_double(*lg);
  if (!lat || !lon)
    return bad("lt/lg bukan angka (lt/lg are not numbers): '" + std::string(*lt) + "', '" + std::string(*lg) + "'");
  if (auto r = check_point(*lat, *lon); !r) return r.error();
  fix.lat = *lat;
  fix.lon = *lon;
  if (auto* rd = find(fields, "rd")) {
    auto r = to_double(*rd);
    if (!r || *r < 0)
      return bad("rd harus radius dalam meter (rd must be a radius in metres): '" + std::string(*rd) + "'");
    fix.radius_m = *r;
  }
  if (auto* top = find(fields, "top")) {
    auto t = compact_utc(*top);
    if (!t) return bad("top harus YYYYMMDDhhmmss (top must be YYYYMMDDhhmmss): '" + std::string(*top) + "'");
    fix.fix_time = *t;
  }
  auto lc = confidence_of(fields);
  if (!lc) return lc.error();
  fix.confidence = *lc;
  if (auto* si = find(fields, "si")) fix.imsi = std::string(*si);
  if (auto* ei = find(fields, "ei")) fix.imei = std::string(*ei);
  auto* mcc = find(fields, "mcc");
  auto* mnc = find(fields, "mnc");
  if (mcc && mnc) fix.network = std::string(*mcc) + std::string(*mnc);
  return fix;
}

core::result<location_fix> read_v2(const std::vector<field>& fields) {
  location_fix fix;
  fix.format = "aml_sms_v2";
  auto* ls = find(fields, "ls");
  if (ls && *ls == "N") return bad("ls=N: ponsel tidak punya lokasi (the handset had no location fix)");
  if (ls) fix.method = method_of_letter(*ls);
  auto* lo = find(fields, "lo");
  if (!lo) return bad("lo wajib di versi 2 (lo is required in version 2)");
  std::vector<std::string_view> parts;
  for (std::string_view rest = *lo;;) {
    auto comma = rest.find(',');
    parts.push_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return bad("lo harus <lat>,<lon>[,<radius>] (lo must be lat,lon[,radius]): '" + std::string(*lo) + "'");
  }
  auto lat = to_double(parts[0]);
  auto lon = to_double(parts[1]);
  if (!lat || !lon) return bad("lo bukan koordinat (lo is not a coordinate pair): '" + std::string(*lo) + "'");
  if (auto r = check_point(*lat, *lon); !r) return r.error();
  fix.lat = *lat;
  fix.lon = *lon;
  if (parts.size() == 3) {
    auto r = to_double(parts[2]);
    if (!r || *r < 0) return bad("radius di lo harus >= 0 (the radius in lo must be >= 0): '" + std::string(*lo) + "'");
    fix.radius_m = *r;
  }
  if (auto* et = find(fields, "et")) {
    auto secs = to_int(*et);
    // Up to the year 9999: past it the microsecond clock overflows (found by fuzz/aml_sms_fuzz.cpp).
    constexpr std::int64_t max_unix_seconds = 253402300799;
    if (!secs || *secs <= 0 || *secs > max_unix_seconds) {
      return bad("et harus detik Unix (et must be Unix seconds): '" + std::string(*et) + "'");
    }
    fix.call_started = core::timestamp{std::chrono::seconds{*secs}};
    fix.fix_time = fix.call_started;
    if (auto* lt = find(fields, "lt")) {
      auto offset = to_int(*lt);
      if (!offset)
        return bad("lt di versi 2 harus selisih detik (lt in version 2 is an offset in seconds): '" + std::string(*lt) +
                   "'");
      // -9999 and below: the handset does not know when the fix was taken.
      if (*offset > -9999) {
        if (*offset > max_unix_seconds || *offset < -max_unix_seconds) {
          return bad("lt di luar jangkauan (lt is out of range): '" + std::string(*lt) + "'");
        }
        fix.fix_time = *fix.call_started + std::chrono::seconds{*offset};
      }
    }
  }
  auto lc = confidence_of(fields);
  if (!lc) return lc.error();
  fix.confidence = *lc;
  if (auto* lz = find(fields, "lz")) {
    auto comma = lz->find(',');
    if (auto alt = to_double(lz->substr(0, comma))) fix.altitude_m = *alt;
  }
  if (auto* en = find(fields, "en")) fix.emergency_number = std::string(*en);
  if (auto* ei = find(fields, "ei")) fix.imei = std::string(*ei);
  if (auto* nc = find(fields, "nc")) fix.network = std::string(*nc);
  if (auto* lg = find(fields, "lg")) fix.language = std::string(*lg);
  return fix;
}

}  // namespace

namespace {
constexpr auto location_method_names =
    core::make_enum_names<location_method>("location method", {"gnss", "wifi", "cell", "fused", "unknown"});
}  // namespace

std::string_view to_string(location_method v) {
  return location_method_names.name(v);
}

core::result<location_method> parse_location_method(std::string_view s) {
  return location_method_names.parse(s);
}

core::result<location_fix> parse_aml_sms(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  constexpr std::string_view header = "A\"ML=";
  if (!text.starts_with(header)) return bad("bukan pesan AML: tidak diawali A\"ML= (not an AML message)");
  if (text.size() > 1000) return bad("terlalu panjang (longer than any AML message)");
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return bad("karakter tidak sah (a character outside printable ASCII)");
  }
  std::vector<field> fields;
  for (std::string_view rest = text;;) {
    auto semi = rest.find(';');
    auto part = rest.substr(0, semi);
    auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return bad("bagian tanpa kunci=nilai (a part without key=value): '" + std::string(part.substr(0, 30)) + "'");
    }
    field f{part.substr(0, eq), part.substr(eq + 1)};
    if (find(fields, f.key)) return bad("kunci berulang (repeated key) '" + std::string(f.key) + "'");
    fields.push_back(f);
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  // The version decides what lt and lg mean, and the length field whether the message is
  // whole; both are checked before any field is read.
  auto version = fields.front().value;
  if (version != "1" && version != "2") {
    return bad("versi AML '" + std::string(version.substr(0, 10)) + "' tidak didukung (unsupported AML version)");
  }
  auto* ml = find(fields, "ml");
  if (!ml && version == "1") return bad("ml (panjang pesan) wajib di versi 1 (the length field ml is required)");
  if (ml) {
    auto length = to_int(*ml);
    if (!length || !all_digits(*ml)) return bad("ml bukan angka (ml is not a number): '" + std::string(*ml) + "'");
    if (*length != static_cast<std::int64_t>(text.size())) {
      return bad("ml=" + std::to_string(*length) + " tetapi pesan berisi " + std::to_string(text.size()) +
                 " karakter: terpotong atau tergabung (ml says " + std::to_string(*length) +
                 " characters, the message has " + std::to_string(text.size()) + ": truncated or joined)");
    }
  }
  return version == "1" ? read_v1(fields) : read_v2(fields);
}

core::result<location_fix> parse_els_form(const form_fields& fields) {
  auto get = [&](std::string_view key) -> const std::string* {
    auto it = fields.find(key);
    return it == fields.end() || it->second.empty() ? nullptr : &it->second;
  };
  location_fix fix;
  fix.format = "els_https";
  auto* lat_text = get("location_latitude");
  auto* lon_text = get("location_longitude");
  if (!lat_text || !lon_text) return bad("location_latitude dan location_longitude wajib (are required)");
  auto lat = to_double(*lat_text);
  auto lon = to_double(*lon_text);
  if (!lat || !lon) return bad("location_latitude/location_longitude bukan angka (are not numbers)");
  if (auto r = check_point(*lat, *lon); !r) return r.error();
  fix.lat = *lat;
  fix.lon = *lon;
  if (auto* acc = get("location_accuracy")) {
    auto a = to_double(*acc);
    if (!a || *a < 0) return bad("location_accuracy harus meter >= 0 (must be metres >= 0): '" + *acc + "'");
    fix.radius_m = *a;
  }
  if (auto* t = get("location_time")) {
    auto ms = to_int(*t);
    // Milliseconds since 1970: anything before 2001 is not a fix from an ELS handset, and past
    // the year 9999 the microsecond clock would overflow (found by fuzz/els_form_fuzz.cpp).
    if (!ms || *ms < 978'307'200'000LL || *ms > 253'402'300'799'000LL)
      return bad("location_time harus milidetik Unix (must be Unix ms): '" + *t + "'");
    fix.fix_time = core::timestamp{std::chrono::milliseconds{*ms}};
  }
  if (auto* c = get("location_certainty")) {
    auto n = to_int(*c);
    if (!n || *n < 0 || *n > 100) return bad("location_certainty harus 0..100 (must be a percentage): '" + *c + "'");
    fix.confidence = static_cast<int>(*n);
  }
  if (auto* src = get("location_source")) {
    std::string s = *src;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s == "gps" || s == "gnss") {
      fix.method = location_method::gnss;
    } else if (s == "wifi") {
      fix.method = location_method::wifi;
    } else if (s == "cell") {
      fix.method = location_method::cell;
    } else if (s == "fused" || s == "flp" || s == "hybrid") {
      fix.method = location_method::fused;
    }
  }
  if (auto* alt = get("location_altitude")) {
    if (auto a = to_double(*alt)) fix.altitude_m = *a;
  }
  if (auto* n = get("device_number")) fix.device_number = *n;
  if (auto* n = get("emergency_number")) fix.emergency_number = *n;
  if (auto* v = get("device_imei")) fix.imei = *v;
  if (auto* v = get("device_imsi")) fix.imsi = *v;
  if (auto* v = get("device_language")) fix.language = *v;
  auto* mcc = get("cell_network_mcc");
  auto* mnc = get("cell_network_mnc");
  if (mcc && mnc) fix.network = *mcc + *mnc;
  return fix;
}

}  // namespace siaga::domain
