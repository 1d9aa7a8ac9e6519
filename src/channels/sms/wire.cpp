#include "channels/sms/wire.hpp"

#include "channels/secrets.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace siaga::channels::sms {
namespace {

namespace json = boost::json;

core::result<std::string> field(const json::object& o, std::string_view key, std::size_t limit, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return core::invalid(std::string(key) + " wajib diisi (" + std::string(key) + " is required)");
    return std::string();
  }
  if (!v->is_string()) return core::invalid(std::string(key) + " harus teks (" + std::string(key) + " must be a string)");
  std::string s(v->get_string());
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    return core::invalid(std::string(key) + " kosong (" + std::string(key) + " is empty)");
  }
  if (s.size() > limit) {
    return core::invalid(std::string(key) + " terlalu panjang (" + std::string(key) + " is longer than " +
                         std::to_string(limit) + ")");
  }
  return s;
}

}  // namespace

core::result<inbound_sms> parse_inbound(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("badan permintaan bukan JSON (the body is not a JSON object)");
  const auto& o = v.as_object();
  for (const auto& kv : o) {
    auto k = kv.key();
    if (k != "message_id" && k != "sender" && k != "text" && k != "time") {
      return core::invalid("field '" + std::string(k.substr(0, 40)) +
                           "' tidak dikenal (unknown field; use message_id, sender, text, time)");
    }
  }
  inbound_sms out;
  SIAGA_TRY(id, field(o, "message_id", 200, true));
  SIAGA_TRY(sender, field(o, "sender", 40, true));
  SIAGA_TRY(text, field(o, "text", max_text, true));
  SIAGA_TRY(time, field(o, "time", 64, false));
  out.message_id = std::move(id);
  out.sender = std::move(sender);
  out.text = std::move(text);
  if (!time.empty()) {
    auto t = core::parse_iso8601(time);
    if (!t) return core::invalid("time bukan ISO 8601 dengan zona (time must be ISO 8601 with a zone)");
    out.time = *t;
  }
  return out;
}

std::string reply_body(std::string_view id, std::string_view to, std::string_view text) {
  return json::serialize(json::object{{"id", id}, {"to", to}, {"text", text}});
}

bool secret_valid(std::string_view header, std::string_view secret) { return same_secret(header, secret); }

}  // namespace siaga::channels::sms
