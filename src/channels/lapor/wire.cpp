#include "channels/lapor/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace siaga::channels::lapor {
namespace {

namespace json = boost::json;

std::string trimmed(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::string percent_encoded(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

core::error bad(const std::string& where, const std::string& id_text, const std::string& en) {
  return core::invalid(where + ": " + id_text + " (" + en + ")");
}

// Refuses any key of o outside allowed.
core::result<void> only(const json::object& o, std::initializer_list<std::string_view> allowed,
                        const std::string& where) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return bad(where, "field '" + std::string(kv.key().substr(0, 40)) + "' tidak dikenal",
                 "unknown field '" + std::string(kv.key().substr(0, 40)) + "'");
    }
  }
  return {};
}

core::result<std::string> text(const json::object& o, std::string_view key, std::size_t limit, bool required,
                               const std::string& where) {
  const std::string k(key);
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return bad(where, k + " wajib ada", k + " is required");
    return std::string();
  }
  if (!v->is_string()) return bad(where, k + " harus teks", k + " must be a string");
  std::string s(v->get_string());
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos)
    return bad(where, k + " kosong", k + " is empty");
  if (s.size() > limit) {
    return bad(where, k + " terlalu panjang", k + " is longer than " + std::to_string(limit) + " bytes");
  }
  return s;
}

core::result<std::optional<double>> number(const json::object& o, std::string_view key, double lo, double hi,
                                           const std::string& where) {
  const std::string k(key);
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<double>();
  if (!v->is_number()) return bad(where, k + " harus angka", k + " must be a number");
  double d = v->to_number<double>();
  if (!(d >= lo && d <= hi)) return bad(where, k + " di luar jangkauan", k + " is out of range");
  return std::optional<double>(d);
}

bool http_url(std::string_view u) {
  auto rest = u.starts_with("https://") ? u.substr(8) : u.starts_with("http://") ? u.substr(7) : std::string_view();
  if (rest.empty() || rest.front() == '/') return false;
  for (unsigned char c : u) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

core::result<location> location_of(const json::value& v, const std::string& where) {
  if (!v.is_object()) return bad(where, "location harus objek", "location must be an object");
  const auto& o = v.as_object();
  SIAGA_CHECK(only(o, {"address", "lat", "lon"}, where + " location"));
  location out;
  SIAGA_TRY(address, text(o, "address", 500, false, where));
  SIAGA_TRY(lat, number(o, "lat", -90, 90, where));
  SIAGA_TRY(lon, number(o, "lon", -180, 180, where));
  if (lat.has_value() != lon.has_value()) return bad(where, "lat dan lon harus berpasangan", "lat and lon go together");
  out.address = std::move(address);
  out.lat = lat;
  out.lon = lon;
  return out;
}

core::result<complaint> complaint_of(const json::value& v, std::size_t index) {
  std::string where = "data[" + std::to_string(index) + "]";
  if (!v.is_object()) return bad(where, "pengaduan harus objek", "a complaint must be an object");
  const auto& o = v.as_object();
  complaint c;
  SIAGA_TRY(id, text(o, "tracking_id", 40, true, where));
  if (!valid_tracking_id(id)) {
    return bad(where, "tracking_id hanya huruf, angka, - dan _", "tracking_id must be 1-40 of A-Z a-z 0-9 - _");
  }
  c.tracking_id = id;
  where += " (" + id + ")";
  SIAGA_CHECK(only(o,
                   {"tracking_id", "title", "content", "category", "location", "created_at", "attachments", "anonymous",
                    "reporter_name"},
                   where));
  SIAGA_TRY(title, text(o, "title", 300, true, where));
  SIAGA_TRY(content, text(o, "content", max_content, true, where));
  SIAGA_TRY(category, text(o, "category", 100, false, where));
  SIAGA_TRY(created, text(o, "created_at", 64, true, where));
  auto at = core::parse_iso8601(created);
  if (!at) return bad(where, "created_at bukan ISO 8601 dengan zona", "created_at must be ISO 8601 with a zone");
  c.title = std::move(title);
  c.content = std::move(content);
  c.category = std::move(category);
  c.created_at = *at;
  if (const auto* loc = o.if_contains("location"); loc && !loc->is_null()) {
    SIAGA_TRY(l, location_of(*loc, where));
    c.where = std::move(l);
  }
  if (const auto* att = o.if_contains("attachments"); att && !att->is_null()) {
    if (!att->is_array()) return bad(where, "attachments harus larik", "attachments must be an array");
    if (att->as_array().size() > max_attachments) {
      return bad(where, "lampiran terlalu banyak", "more than " + std::to_string(max_attachments) + " attachments");
    }
    for (const auto& a : att->as_array()) {
      if (!a.is_string() || a.as_string().size() > 2000 || !http_url(a.as_string())) {
        return bad(where, "lampiran harus URL http(s)", "an attachment must be an http(s) url of at most 2000 bytes");
      }
      c.attachments.emplace_back(a.as_string());
    }
  }
  const auto* anon = o.if_contains("anonymous");
  if (!anon || !anon->is_bool()) return bad(where, "anonymous wajib true atau false", "anonymous must be a boolean");
  c.anonymous = anon->as_bool();
  SIAGA_TRY(name, text(o, "reporter_name", 100, false, where));
  if (c.anonymous && !name.empty()) {
    return bad(where, "pelapor anonim tidak punya nama", "an anonymous complaint has no reporter_name");
  }
  c.reporter_name = std::move(name);
  return c;
}

}  // namespace

bool valid_tracking_id(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (unsigned char c : id) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string feed_url(std::string_view base, std::string_view cursor, int limit) {
  auto url = trimmed(base) + "/laporan?limit=" + std::to_string(limit);
  if (!cursor.empty()) url += "&since=" + percent_encoded(cursor);
  return url;
}

core::result<feed_page> parse_feed(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("jawaban LAPOR! bukan objek JSON (the feed is not a JSON object)");
  const auto& o = v.as_object();
  SIAGA_CHECK(only(o, {"data", "next_cursor"}, "feed"));
  const auto* data = o.if_contains("data");
  if (!data || !data->is_array()) return core::invalid("feed: data wajib berupa larik (data must be an array)");
  if (data->as_array().size() > static_cast<std::size_t>(max_page)) {
    return core::invalid("feed: lebih dari " + std::to_string(max_page) + " pengaduan (more than " +
                         std::to_string(max_page) + " complaints in a page)");
  }
  SIAGA_TRY(cursor, text(o, "next_cursor", 200, true, "feed"));
  feed_page page;
  page.next_cursor = std::move(cursor);
  std::set<std::string> ids;
  std::size_t i = 0;
  for (const auto& item : data->as_array()) {
    SIAGA_TRY(c, complaint_of(item, i++));
    if (!ids.insert(c.tracking_id).second) {
      return core::invalid("feed: tracking_id " + c.tracking_id + " dua kali (a tracking id appears twice)");
    }
    page.complaints.push_back(std::move(c));
  }
  return page;
}

std::string_view status_of(std::string_view s) {
  if (s == "verified") return "diverifikasi";
  if (s == "in_progress") return "diproses";
  if (s == "done" || s == "answered") return "selesai";
  if (s == "closed" || s == "cancelled") return "ditutup";
  return {};
}

std::string follow_up_url(std::string_view base, std::string_view tracking_id) {
  return trimmed(base) + "/laporan/" + std::string(tracking_id) + "/tindak-lanjut";
}

std::string follow_up_body(std::string_view id, std::string_view status, std::string_view text, core::timestamp at) {
  return json::serialize(
      json::object{{"id", id}, {"status", status}, {"content", text}, {"time", core::format_utc(at)}});
}

}  // namespace siaga::channels::lapor
