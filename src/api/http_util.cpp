#include "api/http_util.hpp"
#include "core/text.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace siaga::api {

net::http::status status_of(core::errc code) {
  using core::errc;
  using net::http::status;
  switch (code) {
    case errc::invalid_input: return status::bad_request;
    case errc::unauthenticated: return status::unauthorized;
    case errc::forbidden: return status::forbidden;
    case errc::not_found: return status::not_found;
    case errc::conflict: return status::conflict;
    case errc::payload_too_large: return status::payload_too_large;
    case errc::unsupported_media: return status::unsupported_media_type;
    case errc::unavailable: return status::service_unavailable;
    case errc::too_many_requests: return status::too_many_requests;
    case errc::password_change_required: return status::forbidden;
    case errc::storage_failure: return status::internal_server_error;
    case errc::internal: return status::internal_server_error;
  }
  return status::internal_server_error;
}

net::response json_response(const net::request& req, net::http::status status, const json::value& body) {
  net::response res{status, req.version()};
  res.set(net::http::field::content_type, "application/json; charset=utf-8");
  res.set(net::http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

net::response error_response(const net::request& req, const core::error& e) {
  auto res =
      json_response(req, status_of(e.code), json::object{{"error", core::to_string(e.code)}, {"message", e.message}});
  // unavailable is passing (the database failing over, the store closing): say when to try
  // again, so that clients retry (with their idempotency keys) instead of giving up.
  if (e.code == core::errc::unavailable) res.set(net::http::field::retry_after, std::to_string(unavailable_retry_s));
  return res;
}

net::response image_response(const net::request& req, const std::string& content_type, std::string bytes,
                             std::string_view cache_control) {
  net::response res{net::http::status::ok, req.version()};
  res.set(net::http::field::content_type, content_type);
  res.set(net::http::field::cache_control, cache_control);
  res.set("Content-Security-Policy", "default-src 'none'; sandbox");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(bytes);
  res.prepare_payload();
  return res;
}

net::response no_content(const net::request& req) {
  net::response res{net::http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

core::result<json::object> parse_body(const net::request& req) {
  // A body must say it is JSON: a form of another site can post text/plain or a form encoding
  // without asking first, never application/json.
  auto type = req[net::http::field::content_type];
  if (req.body().empty() && type.empty()) return json::object{};
  if (type.substr(0, 16) != "application/json" || (type.size() > 16 && type[16] != ';' && type[16] != ' ')) {
    return core::make_error(core::errc::unsupported_media,
                            "kirim isi permintaan sebagai application/json / send the body as application/json");
  }
  if (req.body().empty()) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(req.body(), ec);
  if (ec) return core::invalid("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return core::invalid("the body must be a JSON object");
  return std::move(v.as_object());
}

namespace {
core::error wrong_type(std::string_view key, std::string_view type) {
  return core::invalid("field '" + std::string(key) + "' must be " + std::string(type));
}
const json::value* field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}
}  // namespace

core::result<std::optional<std::string>> opt_string(const json::object& o, std::string_view key, std::size_t max_len) {
  auto v = field(o, key);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return wrong_type(key, "a string");
  if (v->as_string().size() > max_len) {
    return core::invalid("field '" + std::string(key) + "' is longer than " + std::to_string(max_len) + " characters");
  }
  return std::optional<std::string>{std::string(v->as_string())};
}

core::result<std::string> required_string(const json::object& o, std::string_view key, std::size_t max_len) {
  auto s = opt_string(o, key, max_len);
  if (!s) return s.error();
  if (!*s || (*s)->empty()) return core::invalid("field '" + std::string(key) + "' is required");
  return std::move(**s);
}

core::result<std::optional<bool>> opt_bool(const json::object& o, std::string_view key) {
  auto v = field(o, key);
  if (!v) return std::optional<bool>{};
  if (!v->is_bool()) return wrong_type(key, "true or false");
  return std::optional<bool>{v->as_bool()};
}

core::result<std::optional<double>> opt_number(const json::object& o, std::string_view key) {
  auto v = field(o, key);
  if (!v) return std::optional<double>{};
  if (v->is_double()) return std::optional<double>{v->as_double()};
  if (v->is_int64()) return std::optional<double>{static_cast<double>(v->as_int64())};
  if (v->is_uint64()) return std::optional<double>{static_cast<double>(v->as_uint64())};
  return wrong_type(key, "a number");
}

core::result<std::optional<std::int64_t>> opt_int(const json::object& o, std::string_view key) {
  auto v = field(o, key);
  if (!v) return std::optional<std::int64_t>{};
  if (v->is_int64()) return std::optional<std::int64_t>{v->as_int64()};
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v->as_uint64())};
  }
  return wrong_type(key, "an integer");
}

core::result<std::optional<std::vector<std::string>>> opt_string_array(const json::object& o, std::string_view key) {
  auto v = field(o, key);
  if (!v) return std::optional<std::vector<std::string>>{};
  if (!v->is_array()) return wrong_type(key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return wrong_type(key, "an array of strings");
    out.emplace_back(item.as_string());
  }
  return std::optional<std::vector<std::string>>{std::move(out)};
}

core::result<void> only_fields(const json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return core::invalid("unknown field '" + std::string(kv.key()) + "'; accepted fields: " + list);
    }
  }
  return {};
}

std::map<std::string, std::string, std::less<>> query_of(const net::request& req) {
  return net::parse_query(net::split_target(req.target()).second);
}

core::result<paging> paging_of(const std::map<std::string, std::string, std::less<>>& q) {
  paging p;
  auto read = [&](std::string_view key, int& out, int lo, int hi) -> core::result<void> {
    auto it = q.find(key);
    if (it == q.end()) return {};
    int v = 0;
    auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc{} || ptr != it->second.data() + it->second.size() || v < lo || v > hi) {
      return core::invalid(std::string(key) + " must be an integer from " + std::to_string(lo) + " to " +
                           std::to_string(hi));
    }
    out = v;
    return {};
  };
  if (auto r = read("limit", p.limit, 1, 500); !r) return r.error();
  if (auto r = read("offset", p.offset, 0, 100000000); !r) return r.error();
  return p;
}

core::result<std::optional<core::timestamp>> query_time(const std::map<std::string, std::string, std::less<>>& q,
                                                        std::string_view key) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return std::optional<core::timestamp>{};
  auto t = core::parse_iso8601(it->second);
  if (!t) return core::invalid(std::string(key) + " must be an ISO 8601 time: " + t.error().message);
  return std::optional<core::timestamp>{*t};
}

json::value time_json(const std::optional<core::timestamp>& t) {
  if (!t) return nullptr;
  return json::string(core::format_utc(*t));
}

bool prefers_minimal(const net::request& req) {
  for (const auto& field : req) {
    if (field.name() != net::http::field::prefer) continue;
    std::string_view rest = field.value();
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto token = core::trim_blanks(rest.substr(0, comma));
      if (auto semi = token.find(';'); semi != std::string_view::npos) token = core::trim_blanks(token.substr(0, semi));
      if (token == "return=minimal") return true;
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return false;
}

std::string api_key_of(const net::request& req) {
  auto header = req["X-Api-Key"];
  if (!header.empty()) return std::string(header);
  auto auth = req[net::http::field::authorization];
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
    return std::string(auth.substr(7));
  }
  return {};
}

}  // namespace siaga::api
