#include "domain/notification.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <regex>
#include <stdexcept>

namespace siaga::domain {
namespace {

namespace json = boost::json;

std::string_view urgency_id(urgency u) {
  switch (u) {
    case urgency::emergency: return "gawat darurat";
    case urgency::urgent: return "gawat tidak darurat";
    case urgency::information: return "layanan informasi";
    case urgency::complaint: return "pengaduan";
  }
  return "";
}

std::string_view role_id(dispatch_role r) { return r == dispatch_role::primary ? "utama" : "pendukung"; }

// "22/11/2026 10:04" at the given offset.
std::string local_time_text(timestamp t, int offset_minutes) {
  using namespace std::chrono;
  auto local = floor<minutes>(t) + minutes{offset_minutes};
  auto day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss hms{local - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02d:%02d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return buf;
}

std::string iso_utc(timestamp t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

void line(std::string& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  out += label;
  out += ": ";
  out += value;
  out += '\n';
}

}  // namespace

core::result<void> check_endpoint(const agency_endpoint& e) {
  if (e.kind == endpoint_kind::webhook) {
    static const std::regex url_re(R"(https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?([/?][^\s#]*)?)");
    if (e.url.empty()) return core::invalid("a webhook endpoint needs a url");
    if (e.url.size() > 2000 || !std::regex_match(e.url, url_re)) {
      return core::invalid("webhook url must be http://host[:port][/path] or https://..., without spaces or user "
                           "info, at most 2000 characters");
    }
    if (e.secret.size() < 16 || e.secret.size() > 256) {
      return core::invalid("a webhook endpoint needs a secret of 16 to 256 characters to sign its deliveries");
    }
    if (!e.chat_id.empty()) return core::invalid("a webhook endpoint has no chat_id");
    return {};
  }
  if (e.kind != endpoint_kind::telegram) {
    return core::invalid("an agency endpoint is a webhook or telegram (whatsapp, sms and lapor carry replies to reporters)");
  }
  static const std::regex chat_re(R"(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})");
  if (e.chat_id.empty()) return core::invalid("a telegram endpoint needs a chat_id");
  if (!std::regex_match(e.chat_id, chat_re)) {
    return core::invalid("telegram chat_id must be a number (e.g. -1001234567890) or @channelname");
  }
  if (!e.url.empty() || !e.secret.empty()) {
    return core::invalid("a telegram endpoint has no url or secret (the bot token is a server setting)");
  }
  return {};
}

std::chrono::milliseconds retry_delay(const retry_policy& p, int failed_attempts, double jitter) {
  if (!(jitter >= 0)) jitter = 0;  // also catches NaN
  if (jitter >= 1) jitter = std::nextafter(1.0, 0.0);
  auto cap = std::max<std::int64_t>(p.cap.count(), 0);
  auto ceiling = std::max<std::int64_t>(p.base.count(), 0);
  // Doubling stops at the cap, which also keeps the shift from overflowing.
  for (int i = 1; i < failed_attempts && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::floor(static_cast<double>(ceiling) * jitter))};
}

double unit_interval(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xf];
  }
  return out;
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  std::string message = std::to_string(unix_seconds);
  message += '.';
  message.append(body);
  return "sha256=" + hmac_sha256_hex(secret, message);
}

bool verify_webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body,
                              std::string_view signature, std::int64_t now_s, std::int64_t tolerance_s) {
  std::int64_t ts = 0;
  auto [ptr, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc{} || ptr != timestamp.data() + timestamp.size() || timestamp.empty()) return false;
  if (ts > now_s + tolerance_s || ts < now_s - tolerance_s) return false;
  auto expected = webhook_signature(secret, ts, body);
  if (expected.size() != signature.size()) return false;
  return CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

std::vector<std::pair<std::string, std::string>> webhook_headers(const notification& n, std::string_view secret,
                                                                 std::int64_t unix_seconds) {
  return {
      {std::string(timestamp_header), std::to_string(unix_seconds)},
      {std::string(signature_header), webhook_signature(secret, unix_seconds, n.payload_json)},
      {std::string(delivery_header), n.id},
      {std::string(idempotency_header), n.id},
      {std::string(event_header), n.event_kind},
  };
}

std::string maps_link(const geo_point& p) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "https://www.google.com/maps/search/?api=1&query=%.6f,%.6f", p.lat, p.lon);
  return buf;
}

std::string zone_abbreviation(int offset_minutes) {
  switch (offset_minutes) {
    case 420: return "WIB";
    case 480: return "WITA";
    case 540: return "WIT";
  }
  char buf[16];
  int a = std::abs(offset_minutes);
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

std::string notice_text(const dispatch_notice& n) {
  bool cancelled = n.event_kind == "dispatch.cancelled";
  bool updated = n.event_kind == "incident.updated";
  bool noted = n.event_kind == "incident.note_added";
  std::string out = cancelled ? "PENUGASAN 112 DIBATALKAN: "
                    : updated ? "PEMBARUAN PENUGASAN 112: "
                    : noted   ? "CATATAN PENUGASAN 112: "
                              : "PENUGASAN 112: ";
  out += n.incident_number;
  out += '\n';
  std::string category = n.category_name;
  if (!category.empty()) category += " (" + std::string(urgency_id(n.urgency_class)) + ")";
  line(out, "Kategori", category);
  std::string agency = n.agency_name;
  if (!agency.empty()) agency += " (" + std::string(role_id(n.role)) + ")";
  line(out, "Instansi", agency);
  line(out, "Ringkasan", n.summary);
  line(out, "Alamat", n.address);
  if (n.location) line(out, "Peta", maps_link(*n.location));
  if (n.share_contact) {
    std::string contact = n.contact_name;
    if (!n.contact_phone.empty()) contact += (contact.empty() ? "" : ", ") + n.contact_phone;
    line(out, "Pelapor", contact);
  }
  if (cancelled) line(out, "Alasan", n.reason);
  if (updated) line(out, "Perubahan", n.reason);
  if (noted) line(out, "Catatan", n.reason);
  line(out, "Waktu", local_time_text(n.at, n.utc_offset_minutes) + " " + zone_abbreviation(n.utc_offset_minutes));
  out += cancelled ? "Penugasan ini tidak perlu ditindaklanjuti lagi."
         : updated || noted ? "Data di atas adalah data terbaru penugasan ini."
                            : "Mohon segera konfirmasi di konsol Siaga 112.";
  return out;
}

std::string notice_payload(const dispatch_notice& n, std::string_view delivery_id) {
  json::value location = nullptr;
  json::value maps = nullptr;
  if (n.location) {
    location = json::object{{"lat", n.location->lat}, {"lon", n.location->lon}};
    maps = maps_link(*n.location);
  }
  json::object body{
      {"id", delivery_id},
      {"event", n.event_kind},
      {"occurred_at", iso_utc(n.at)},
      {"jurisdiction_code", n.jurisdiction_code},
      {"agency", json::object{{"id", n.agency_id}, {"code", n.agency_code}, {"name", n.agency_name}}},
      {"dispatch",
       json::object{{"id", n.dispatch_id}, {"role", to_string(n.role)}, {"share_contact", n.share_contact}}},
      {"incident", json::object{{"id", n.incident_id},
                                {"number", n.incident_number},
                                {"category_code", n.category_code},
                                {"category_name", n.category_name},
                                {"urgency", to_string(n.urgency_class)},
                                {"summary", n.summary},
                                {"address", n.address},
                                {"location", std::move(location)},
                                {"maps_url", std::move(maps)}}},
      {"text", notice_text(n)},
  };
  if (n.share_contact) body["contact"] = json::object{{"name", n.contact_name}, {"phone", n.contact_phone}};
  if (n.event_kind == "dispatch.cancelled") body["reason"] = n.reason;
  if (n.event_kind == "incident.updated") body["changes"] = n.reason;
  if (n.event_kind == "incident.note_added") body["note"] = n.reason;
  return json::serialize(body);
}

std::string telegram_message_body(std::string_view chat_id, std::string_view text) {
  return json::serialize(json::object{{"chat_id", chat_id}, {"text", text}, {"disable_web_page_preview", true}});
}

std::string erased_notification_payload(timestamp at) {
  return json::serialize(json::object{{"erased", true}, {"erased_at", iso_utc(at)}});
}

bool is_erased_notification_payload(std::string_view payload_json) {
  boost::system::error_code ec;
  auto v = json::parse(payload_json, ec);
  if (ec || !v.is_object()) return false;
  const auto* erased = v.as_object().if_contains("erased");
  return erased && erased->is_bool() && erased->as_bool();
}

std::string without_contact(std::string_view payload_json) {
  boost::system::error_code ec;
  auto v = json::parse(payload_json, ec);
  if (ec || !v.is_object() || !v.as_object().contains("contact")) return std::string(payload_json);
  auto& o = v.as_object();
  o["contact"] = json::object{{"name", ""}, {"phone", ""}};
  o["contact_erased"] = true;
  if (auto* text = o.if_contains("text"); text && text->is_string()) {
    // The notice's lines are "Label: value"; only the reporter's changes.
    std::string in(text->as_string());
    std::string out;
    std::size_t from = 0;
    while (from < in.size()) {
      auto end = in.find('\n', from);
      auto line_end = end == std::string::npos ? in.size() : end;
      std::string_view one(in.data() + from, line_end - from);
      out += one.starts_with("Pelapor: ") ? std::string_view("Pelapor: (dihapus atas permintaan pelapor)") : one;
      if (end != std::string::npos) out += '\n';
      from = line_end + 1;
    }
    *text = out;
  }
  return json::serialize(v);
}

}  // namespace siaga::domain
