#include "app/config.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

extern char** environ;

namespace siaga::app {
namespace {

// One setter per key, shared by every source so that each value is validated the same way.
using setter = std::function<core::result<void>(config&, const std::string&)>;

core::result<long long> parse_int(const std::string& text, long long lo, long long hi) {
  long long v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
    return core::invalid("'" + text + "' is not an integer");
  }
  if (v < lo || v > hi) {
    return core::invalid(text + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

core::result<bool> parse_bool(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  return core::invalid("'" + text + "' is not true or false");
}

// A whole number in [lo, hi] into an int field.
setter int_setting(int config::*field, long long lo, long long hi) {
  return [field, lo, hi](config& c, const std::string& v) -> core::result<void> {
    auto n = parse_int(v, lo, hi);
    if (!n) return n.error();
    c.*field = static_cast<int>(*n);
    return {};
  };
}

// A text into a string field, checked by ok (which says what is wrong, or "" when all is well).
setter text_setting(std::string config::*field, std::string (*ok)(const std::string&)) {
  return [field, ok](config& c, const std::string& v) -> core::result<void> {
    if (auto why = ok(v); !why.empty()) return core::invalid(why);
    c.*field = v;
    return {};
  };
}

std::string http_url(const std::string& v) {
  if (v.empty() || ((v.starts_with("http://") || v.starts_with("https://")) && v.find(' ') == std::string::npos)) {
    return {};
  }
  return "'" + v + "' is not an http:// or https:// URL";
}

// A secret or token of the outside channels: printable, no spaces, at most 512 characters.
std::string token_text(const std::string& v) {
  if (v.size() > 512) return "is longer than 512 characters";
  for (unsigned char ch : v) {
    if (ch <= ' ' || ch >= 127) return "may hold only printable characters without spaces";
  }
  return {};
}

// Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in a webhook's secret_token.
std::string telegram_secret(const std::string& v) {
  if (v.size() > 256) return "is longer than 256 characters (Telegram's limit)";
  for (unsigned char ch : v) {
    if (!std::isalnum(ch) && ch != '_' && ch != '-') return "may hold only A-Z, a-z, 0-9, _ and - (Telegram's rule)";
  }
  return {};
}

std::string shared_secret(const std::string& v) {
  if (!v.empty() && v.size() < 16) return "must have at least 16 characters";
  return token_text(v);
}

std::string digits(const std::string& v) {
  for (unsigned char ch : v) {
    if (!std::isdigit(ch)) return "must be the number's id (digits only)";
  }
  return {};
}

std::string area_code(const std::string& v) {
  for (unsigned char ch : v) {
    if (!std::isdigit(ch) && ch != '.') return "must be a Kemendagri code such as 81.71";
  }
  return {};
}

// A category's code as admins give them (fire, street_light): letters, digits, _ and -.
std::string category_code(const std::string& v) {
  if (v.size() > 64) return "is longer than 64 characters";
  for (unsigned char ch : v) {
    if (!std::isalnum(ch) && ch != '_' && ch != '-') return "must be a category code such as street_light";
  }
  return {};
}

const std::map<std::string, setter>& setters() {
  static const std::map<std::string, setter> table{
      {"address",
       [](config& c, const std::string& v) -> core::result<void> {
         if (v.empty()) return core::invalid("the address cannot be empty");
         c.address = v;
         return {};
       }},
      {"port",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 0, 65535);
         if (!n) return n.error();
         c.port = static_cast<std::uint16_t>(*n);
         return {};
       }},
      {"database",
       [](config& c, const std::string& v) -> core::result<void> {
         if (v.empty() || v == ":memory:") return core::invalid("the database must be a file path or a PostgreSQL connection string");
         c.database = v;
         return {};
       }},
      {"web_root",
       [](config& c, const std::string& v) -> core::result<void> {
         c.web_root = v;
         return {};
       }},
      {"threads",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 64);
         if (!n) return n.error();
         c.threads = static_cast<int>(*n);
         return {};
       }},
      {"body_limit",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1024, 64ll * 1024 * 1024);
         if (!n) return n.error();
         c.body_limit = static_cast<std::size_t>(*n);
         return {};
       }},
      {"session_hours",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 720);
         if (!n) return n.error();
         c.session_hours = static_cast<int>(*n);
         return {};
       }},
      {"secure_cookie",
       [](config& c, const std::string& v) -> core::result<void> {
         auto b = parse_bool(v);
         if (!b) return b.error();
         c.secure_cookie = *b;
         return {};
       }},
      {"log_level",
       [](config& c, const std::string& v) -> core::result<void> {
         static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
         for (auto l : levels) {
           if (v == l) {
             c.log_level = v;
             return {};
           }
         }
         return core::invalid("'" + v + "' is not one of trace, debug, info, warn, error, critical, off");
       }},
      {"port_file",
       [](config& c, const std::string& v) -> core::result<void> {
         c.port_file = v;
         return {};
       }},
      {"telegram_bot_token",
       [](config& c, const std::string& v) -> core::result<void> {
         if (v.find_first_of("/?# ") != std::string::npos) return core::invalid("not a bot token");
         c.telegram_bot_token = v;
         return {};
       }},
      {"telegram_api_base",
       [](config& c, const std::string& v) -> core::result<void> {
         if (!v.starts_with("http://") && !v.starts_with("https://")) {
           return core::invalid("'" + v + "' is not an http:// or https:// URL");
         }
         c.telegram_api_base = v;
         return {};
       }},
      {"notify_max_attempts",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 100);
         if (!n) return n.error();
         c.notify_max_attempts = static_cast<int>(*n);
         return {};
       }},
      {"notify_backoff_ms",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 3'600'000);
         if (!n) return n.error();
         c.notify_backoff_ms = static_cast<int>(*n);
         return {};
       }},
      {"notify_backoff_cap_ms",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 86'400'000);
         if (!n) return n.error();
         c.notify_backoff_cap_ms = static_cast<int>(*n);
         return {};
       }},
      {"notify_poll_ms",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 10, 60'000);
         if (!n) return n.error();
         c.notify_poll_ms = static_cast<int>(*n);
         return {};
       }},
      {"outbox_lease_s",
       [](config& c, const std::string& v) -> core::result<void> {
         // Longer than an attempt (its HTTP timeout is 10 s) and its recording.
         auto n = parse_int(v, 15, 3600);
         if (!n) return n.error();
         c.outbox_lease_s = static_cast<int>(*n);
         return {};
       }},
      {"pg_failover_wait_s",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 0, 300);
         if (!n) return n.error();
         c.pg_failover_wait_s = static_cast<int>(*n);
         return {};
       }},
      {"trusted_origins",
       [](config& c, const std::string& v) -> core::result<void> {
         std::vector<std::string> out;
         for (std::size_t at = 0; at <= v.size();) {
           auto end = std::min(v.find(',', at), v.size());
           auto item = v.substr(at, end - at);
           at = end + 1;
           if (item.empty()) continue;
           auto scheme = item.find("://");
           bool ok = (item.starts_with("http://") || item.starts_with("https://")) &&
                     item.size() > scheme + 3 && item.find('/', scheme + 3) == std::string::npos;
           if (!ok) return core::invalid("'" + item + "' is not an origin such as https://112.kota.go.id");
           out.push_back(item);
         }
         c.trusted_origins = std::move(out);
         return {};
       }},
      {"sla_check_ms",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 100, 600'000);
         if (!n) return n.error();
         c.sla_check_ms = static_cast<int>(*n);
         return {};
       }},
      {"session_purge_s",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 86'400);
         if (!n) return n.error();
         c.session_purge_s = static_cast<int>(*n);
         return {};
       }},
      {"retention_reporter_contacts_days",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 0, 36'500);
         if (!n) return n.error();
         c.retention_reporter_contacts_days = static_cast<int>(*n);
         return {};
       }},
      {"retention_caller_numbers_days",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 0, 36'500);
         if (!n) return n.error();
         c.retention_caller_numbers_days = static_cast<int>(*n);
         return {};
       }},
      {"retention_photos_days",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 0, 36'500);
         if (!n) return n.error();
         c.retention_photos_days = static_cast<int>(*n);
         return {};
       }},
      {"retention_location_fixes_days",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 0, 36'500);
         if (!n) return n.error();
         c.retention_location_fixes_days = static_cast<int>(*n);
         return {};
       }},
      {"retention_check_s",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 86'400);
         if (!n) return n.error();
         c.retention_check_s = static_cast<int>(*n);
         return {};
       }},
      {"stream_queue_limit",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 4, 1'000'000);
         if (!n) return n.error();
         c.stream_queue_limit = static_cast<std::size_t>(*n);
         return {};
       }},
      {"public_report_burst", int_setting(&config::public_report_burst, 0, 10'000)},
      {"public_reports_per_hour", int_setting(&config::public_reports_per_hour, 1, 1'000'000)},
      {"track_burst", int_setting(&config::track_burst, 0, 100'000)},
      {"max_new_reports_per_reporter", int_setting(&config::max_new_reports_per_reporter, 0, 1000)},
      {"channel_messages_per_minute_per_sender",
       int_setting(&config::channel_messages_per_minute_per_sender, 1, 100'000)},
      {"channel_messages_per_minute", int_setting(&config::channel_messages_per_minute, 1, 10'000'000)},
      {"open311_requests_per_minute", int_setting(&config::open311_requests_per_minute, 1, 100'000)},
      {"tracks_per_minute", int_setting(&config::tracks_per_minute, 1, 1'000'000)},
      {"sqlite_cache_mib", int_setting(&config::sqlite_cache_mib, 1, 65'536)},
      {"sqlite_mmap_mib", int_setting(&config::sqlite_mmap_mib, 0, 1'048'576)},
      {"sqlite_checkpoint_mib", int_setting(&config::sqlite_checkpoint_mib, 0, 65'536)},
      {"sqlite_wal_limit_mib", int_setting(&config::sqlite_wal_limit_mib, 1, 1'048'576)},
      {"sqlite_counters_flush_numbers", int_setting(&config::sqlite_counters_flush_numbers, 0, 10'000'000)},
      {"write_batch_weight", int_setting(&config::write_batch_weight, 1, 1'000'000)},
      {"max_connections", int_setting(&config::max_connections, 16, 1'000'000)},
      {"reserved_connections", int_setting(&config::reserved_connections, 0, 1'000'000)},
      {"max_connections_per_address", int_setting(&config::max_connections_per_address, 1, 1'000'000)},
      {"first_byte_timeout_ms", int_setting(&config::first_byte_timeout_ms, 100, 600'000)},
      {"callback_expiry_hours",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 1, 720);
         if (!n) return n.error();
         c.callback_expiry_hours = static_cast<int>(*n);
         return {};
       }},
      {"stream_idle_timeout_s",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, 2, 86'400);
         if (!n) return n.error();
         c.stream_idle_timeout_s = static_cast<int>(*n);
         return {};
       }},
      {"whatsapp_verify_token", text_setting(&config::whatsapp_verify_token, token_text)},
      {"whatsapp_app_secret", text_setting(&config::whatsapp_app_secret, token_text)},
      {"whatsapp_access_token", text_setting(&config::whatsapp_access_token, token_text)},
      {"whatsapp_phone_number_id", text_setting(&config::whatsapp_phone_number_id, digits)},
      {"whatsapp_graph_base", text_setting(&config::whatsapp_graph_base, http_url)},
      {"telegram_webhook_secret", text_setting(&config::telegram_webhook_secret, telegram_secret)},
      {"sms_secret", text_setting(&config::sms_secret, shared_secret)},
      {"handover_secret", text_setting(&config::handover_secret, shared_secret)},
      {"sms_send_url", text_setting(&config::sms_send_url, http_url)},
      {"lapor_base_url", text_setting(&config::lapor_base_url, http_url)},
      {"lapor_token", text_setting(&config::lapor_token, token_text)},
      {"lapor_poll_s", int_setting(&config::lapor_poll_s, 1, 86'400)},
      {"lapor_max_backoff_s", int_setting(&config::lapor_max_backoff_s, 1, 86'400)},
      {"lapor_category", text_setting(&config::lapor_category, category_code)},
      {"channel_jurisdiction", text_setting(&config::channel_jurisdiction, area_code)},
      {"public_url", text_setting(&config::public_url, http_url)},
      {"clock_offset_s",
       [](config& c, const std::string& v) -> core::result<void> {
         auto n = parse_int(v, -315'360'000, 315'360'000);
         if (!n) return n.error();
         c.clock_offset_s = *n;
         return {};
       }},
  };
  return table;
}

core::result<void> apply(config& c, const std::string& source, const std::string& key, const std::string& value) {
  auto it = setters().find(key);
  if (it == setters().end()) {
    std::string known;
    for (const auto& [k, _] : setters()) known += (known.empty() ? "" : ", ") + k;
    return core::invalid(source + ": unknown setting '" + key + "'; known: " + known);
  }
  if (auto r = it->second(c, value); !r) return core::invalid(source + ": " + key + ": " + r.error().message);
  return {};
}

core::result<void> apply_file(config& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::invalid("config file " + path + " cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec) return core::invalid("config file " + path + " is not valid JSON: " + ec.message());
  if (!v.is_object()) return core::invalid("config file " + path + " must hold a JSON object");
  for (const auto& kv : v.as_object()) {
    std::string value;
    if (kv.value().is_string()) {
      value = std::string(kv.value().as_string());
    } else if (kv.value().is_int64() || kv.value().is_uint64() || kv.value().is_bool()) {
      value = boost::json::serialize(kv.value());
    } else {
      return core::invalid("config file " + path + ": " + std::string(kv.key()) +
                           " must be a string, integer or boolean");
    }
    if (auto r = apply(c, "config file " + path, std::string(kv.key()), value); !r) return r;
  }
  return {};
}

// The messaging channels' settings that only make sense together.
core::result<void> check_channels(const config& c) {
  if (!c.whatsapp_app_secret.empty() &&
      (c.whatsapp_verify_token.empty() || c.whatsapp_access_token.empty() || c.whatsapp_phone_number_id.empty())) {
    return core::invalid("whatsapp_app_secret needs whatsapp_verify_token, whatsapp_access_token and "
                         "whatsapp_phone_number_id too (the handshake, the media and the replies)");
  }
  if (!c.telegram_webhook_secret.empty() && c.telegram_bot_token.empty()) {
    return core::invalid("telegram_webhook_secret needs telegram_bot_token (photos and replies)");
  }
  if (!c.sms_secret.empty() && c.sms_send_url.empty()) {
    return core::invalid("sms_secret needs sms_send_url (where the replies go)");
  }
  if (!c.lapor_token.empty() && c.lapor_base_url.empty()) {
    return core::invalid("lapor_token needs lapor_base_url (where the LAPOR! adapter is reached)");
  }
  return {};
}

}  // namespace

core::result<config> load_config(const std::string& file_path, const std::map<std::string, std::string>& env,
                                 const std::vector<std::string>& flags) {
  config c;
  if (!file_path.empty()) {
    if (auto r = apply_file(c, file_path); !r) return r.error();
  }
  for (const auto& [name, value] : env) {
    if (name.rfind("SIAGA_", 0) != 0 || name == "SIAGA_CONFIG") continue;
    std::string key = name.substr(6);
    for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (auto r = apply(c, "environment " + name, key, value); !r) return r.error();
  }
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const auto& f = flags[i];
    if (f.rfind("--", 0) != 0) return core::invalid("unexpected argument '" + f + "'");
    std::string key = f.substr(2);
    std::string value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key.resize(eq);
    } else if (key == "secure-cookie") {
      value = "true";
    } else if (i + 1 < flags.size()) {
      value = flags[++i];
    } else {
      return core::invalid("flag --" + key + " needs a value");
    }
    for (auto& ch : key) ch = ch == '-' ? '_' : ch;
    if (auto r =
            apply(c, "flag --" + f.substr(2, f.find('=') == std::string::npos ? std::string::npos : f.find('=') - 2),
                  key, value);
        !r) {
      return r.error();
    }
  }
  if (auto r = check_channels(c); !r) return r.error();
  if (c.sqlite_checkpoint_mib > 0 && c.sqlite_wal_limit_mib < 2 * c.sqlite_checkpoint_mib) {
    return core::invalid("sqlite_wal_limit_mib (" + std::to_string(c.sqlite_wal_limit_mib) +
                         ") must be at least twice sqlite_checkpoint_mib (" + std::to_string(c.sqlite_checkpoint_mib) +
                         "): raise the limit or checkpoint more often");
  }
  if (c.reserved_connections >= c.max_connections) {
    return core::invalid("reserved_connections (" + std::to_string(c.reserved_connections) +
                         ") must be below max_connections (" + std::to_string(c.max_connections) + ")");
  }
  return c;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) out.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

}  // namespace siaga::app
