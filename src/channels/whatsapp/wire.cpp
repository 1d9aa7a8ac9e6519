#include "channels/whatsapp/wire.hpp"

#include "channels/secrets.hpp"
#include "domain/notification.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace siaga::channels::whatsapp {
namespace {

namespace json = boost::json;

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* obj(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::array* arr(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

std::int64_t seconds_of(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

core::result<inbound_message> message_of(const json::value& v, const std::string& phone_number_id) {
  const auto* m = v.if_object();
  if (!m) return core::invalid("messages[] berisi bukan objek (a message must be an object)");
  inbound_message out;
  out.id = str(*m, "id");
  out.from = str(*m, "from");
  auto type = str(*m, "type");
  if (out.id.empty() || out.from.empty() || type.empty()) {
    return core::invalid("pesan tanpa id, from atau type (a message needs id, from and type)");
  }
  out.phone_number_id = phone_number_id;
  out.timestamp = seconds_of(str(*m, "timestamp"));
  if (type == "text") {
    const auto* t = obj(*m, "text");
    out.content.kind = domain::message_kind::text;
    out.content.text = t ? str(*t, "body") : std::string();
  } else if (type == "location") {
    const auto* l = obj(*m, "location");
    auto lat = l ? number(*l, "latitude") : std::nullopt;
    auto lon = l ? number(*l, "longitude") : std::nullopt;
    if (!lat || !lon) return core::invalid("lokasi tanpa latitude/longitude (a location needs both)");
    out.content.kind = domain::message_kind::location;
    out.content.location = domain::geo_point{*lat, *lon};
    auto name = str(*l, "name");
    auto address = str(*l, "address");
    out.content.location_label = name.empty() ? address : (address.empty() ? name : name + ", " + address);
  } else if (type == "image") {
    const auto* i = obj(*m, "image");
    out.media_id = i ? str(*i, "id") : std::string();
    if (out.media_id.empty()) return core::invalid("gambar tanpa id (an image needs its media id)");
    out.mime_type = str(*i, "mime_type");
    out.content.kind = domain::message_kind::image;
    out.content.text = str(*i, "caption");
  } else {
    out.content.kind = domain::message_kind::other;
  }
  return out;
}

core::result<domain::channel_delivery_status> status_of(const json::value& v) {
  const auto* s = v.if_object();
  if (!s) return core::invalid("statuses[] berisi bukan objek (a status must be an object)");
  domain::channel_delivery_status out;
  out.source = domain::channel::whatsapp;
  out.message_id = str(*s, "id");
  out.status = str(*s, "status");
  out.recipient = str(*s, "recipient_id");
  if (out.message_id.empty() || out.status.empty()) {
    return core::invalid("status tanpa id atau status (a status needs id and status)");
  }
  out.at = core::timestamp{std::chrono::seconds{seconds_of(str(*s, "timestamp"))}};
  return out;
}

}  // namespace

core::result<webhook_batch> parse_webhook(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("badan permintaan bukan JSON (the body is not a JSON object)");
  const auto& root = v.as_object();
  if (str(root, "object") != "whatsapp_business_account") {
    return core::invalid("object harus whatsapp_business_account (not a WhatsApp Business Account webhook)");
  }
  const auto* entries = arr(root, "entry");
  if (!entries) return core::invalid("entry harus daftar (entry must be an array)");
  webhook_batch out;
  for (const auto& e : *entries) {
    const auto* entry = e.if_object();
    const auto* changes = entry ? arr(*entry, "changes") : nullptr;
    if (!changes) return core::invalid("entry[].changes harus daftar (changes must be an array)");
    for (const auto& ch : *changes) {
      const auto* change = ch.if_object();
      const auto* value = change ? obj(*change, "value") : nullptr;
      if (!value) return core::invalid("changes[].value harus objek (value must be an object)");
      if (str(*change, "field") != "messages") continue;  // other fields (templates, account) are not ours
      const auto* meta = obj(*value, "metadata");
      std::string phone_number_id = meta ? str(*meta, "phone_number_id") : std::string();
      if (const auto* messages = arr(*value, "messages")) {
        for (const auto& m : *messages) {
          SIAGA_TRY(msg, message_of(m, phone_number_id));
          out.messages.push_back(std::move(msg));
        }
      }
      if (const auto* statuses = arr(*value, "statuses")) {
        for (const auto& s : *statuses) {
          SIAGA_TRY(st, status_of(s));
          out.statuses.push_back(std::move(st));
        }
      }
    }
  }
  return out;
}

std::string signature_of(std::string_view body, std::string_view app_secret) {
  return "sha256=" + domain::hmac_sha256_hex(app_secret, body);
}

bool signature_valid(std::string_view header, std::string_view body, std::string_view app_secret) {
  if (app_secret.empty()) return false;
  return same_secret(header, signature_of(body, app_secret));
}

core::result<std::string> media_url_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("the media lookup's answer is not a JSON object");
  auto url = str(v.as_object(), "url");
  if (url.empty()) return core::invalid("the media lookup's answer has no url");
  return url;
}

std::string text_message_body(std::string_view to, std::string_view text) {
  return json::serialize(json::object{{"messaging_product", "whatsapp"},
                                      {"recipient_type", "individual"},
                                      {"to", to},
                                      {"type", "text"},
                                      {"text", json::object{{"preview_url", false}, {"body", text}}}});
}

std::string e164_of(std::string_view wa_id) {
  if (wa_id.starts_with("+")) return std::string(wa_id);
  return "+" + std::string(wa_id);
}

}  // namespace siaga::channels::whatsapp
