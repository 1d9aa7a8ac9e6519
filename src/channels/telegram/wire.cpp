#include "channels/telegram/wire.hpp"

#include "channels/secrets.hpp"

#include <boost/json/parse.hpp>

namespace siaga::channels::telegram {
namespace {

namespace json = boost::json;

std::optional<std::string> integer_text(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  return std::nullopt;
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string trimmed_base(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base);
}

}  // namespace

core::result<std::optional<update_message>> parse_update(std::string_view body, std::size_t max_photo_bytes) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("badan permintaan bukan JSON (the body is not a JSON object)");
  const auto& u = v.as_object();
  auto update_id = integer_text(u.if_contains("update_id"));
  if (!update_id) return core::invalid("update_id harus bilangan (update_id must be an integer)");
  const auto* mv = u.if_contains("message");
  if (!mv) return std::optional<update_message>{};
  const auto* m = mv->if_object();
  if (!m) return core::invalid("message harus objek (message must be an object)");
  const auto* chat = m->if_contains("chat");
  auto chat_id = chat && chat->is_object() ? integer_text(chat->as_object().if_contains("id")) : std::nullopt;
  if (!chat_id) return core::invalid("message.chat.id harus bilangan (message.chat.id must be an integer)");
  update_message out;
  out.update_id = *update_id;
  out.chat_id = *chat_id;
  if (const auto* d = m->if_contains("date"); d && d->is_int64()) out.date = d->get_int64();
  if (const auto* loc = m->if_contains("location"); loc && loc->is_object()) {
    auto lat = number(loc->as_object(), "latitude");
    auto lon = number(loc->as_object(), "longitude");
    if (!lat || !lon) return core::invalid("lokasi tanpa latitude/longitude (a location needs both)");
    out.content.kind = domain::message_kind::location;
    out.content.location = domain::geo_point{*lat, *lon};
  } else if (const auto* photos = m->if_contains("photo"); photos && photos->is_array()) {
    out.content.kind = domain::message_kind::image;
    out.content.text = str(*m, "caption");
    std::uint64_t best = 0;
    for (const auto& p : photos->as_array()) {
      if (!p.is_object()) continue;
      auto id = str(p.as_object(), "file_id");
      const auto* size = p.as_object().if_contains("file_size");
      std::uint64_t bytes = size && size->is_int64() ? static_cast<std::uint64_t>(size->get_int64()) : 0;
      if (id.empty() || bytes > max_photo_bytes) continue;
      if (out.file_id.empty() || bytes > best) {
        out.file_id = id;
        best = bytes;
      }
    }
    if (out.file_id.empty()) return core::invalid("foto tanpa ukuran yang dapat diambil (no photo size to fetch)");
  } else if (const auto* text = m->if_contains("text"); text && text->is_string()) {
    out.content.kind = domain::message_kind::text;
    out.content.text = std::string(text->get_string());
  } else {
    out.content.kind = domain::message_kind::other;
  }
  return std::optional<update_message>(std::move(out));
}

bool secret_valid(std::string_view header, std::string_view secret) { return same_secret(header, secret); }

std::string method_url(std::string_view base, std::string_view token, std::string_view method) {
  return trimmed_base(base) + "/bot" + std::string(token) + "/" + std::string(method);
}

std::string file_url(std::string_view base, std::string_view token, std::string_view file_path) {
  return trimmed_base(base) + "/file/bot" + std::string(token) + "/" + std::string(file_path);
}

core::result<std::string> file_path_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::invalid("getFile's answer is not a JSON object");
  const auto* result = v.as_object().if_contains("result");
  auto path = result && result->is_object() ? str(result->as_object(), "file_path") : std::string();
  if (path.empty()) return core::invalid("getFile's answer has no file_path");
  return path;
}

}  // namespace siaga::channels::telegram
