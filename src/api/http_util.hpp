// The API's side of HTTP: JSON bodies in, JSON bodies out, and the one table that maps the
// project's error codes to HTTP statuses.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "net/http_server.hpp"
#include "storage/store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace siaga::api {

namespace json = boost::json;

// The HTTP status of an error code (invalid_input 400, unauthenticated 401, forbidden 403,
// not_found 404, conflict 409, payload_too_large 413, unsupported_media 415, unavailable 503,
// storage_failure and internal 500).
net::http::status status_of(core::errc code);

// The Retry-After (seconds) of a 503: about a database failover's second half.
inline constexpr int unavailable_retry_s = 2;

// {"error": code, "message": message} with the status of the code; a 503 (unavailable) also
// carries Retry-After.
net::response error_response(const net::request& req, const core::error& e);

// A JSON response with the given status.
net::response json_response(const net::request& req, net::http::status status, const json::value& body);

// A stored photo's bytes: its content type, the given Cache-Control, and a
// Content-Security-Policy that lets the image, opened on its own, run nothing.
net::response image_response(const net::request& req, const std::string& content_type, std::string bytes,
                             std::string_view cache_control);

// An empty 204 response.
net::response no_content(const net::request& req);

// Parses the body as a JSON object. Fails with unsupported_media when a body comes without
// Content-Type application/json (a body-less request may omit it), invalid_input for
// malformed JSON or a non-object. An empty body is an empty object.
core::result<json::object> parse_body(const net::request& req);

// Typed field readers over a JSON object. Each fails with invalid_input naming the field and
// the expected type; an absent (or null) field is nullopt; required_* fail when absent.
core::result<std::optional<std::string>> opt_string(const json::object& o, std::string_view key,
                                                    std::size_t max_len = 10000);
core::result<std::string> required_string(const json::object& o, std::string_view key, std::size_t max_len = 10000);
core::result<std::optional<bool>> opt_bool(const json::object& o, std::string_view key);
core::result<std::optional<double>> opt_number(const json::object& o, std::string_view key);
core::result<std::optional<std::int64_t>> opt_int(const json::object& o, std::string_view key);
core::result<std::optional<std::vector<std::string>>> opt_string_array(const json::object& o, std::string_view key);

// Fails with invalid_input when o has a key not in allowed, so that a misspelt field is an
// error instead of being silently ignored.
core::result<void> only_fields(const json::object& o, std::initializer_list<std::string_view> allowed);

// Whether the request's Prefer header (RFC 7240; several may be comma-separated or repeated)
// holds return=minimal: a bulk client asks for counts and ids only.
bool prefers_minimal(const net::request& req);

// The api key of a request: X-Api-Key, else the bearer token; empty when neither is there.
std::string api_key_of(const net::request& req);

// Query string of the request as a map.
std::map<std::string, std::string, std::less<>> query_of(const net::request& req);

// Paging from ?limit=&offset= (limit 1..500, default 50). Fails with invalid_input.
struct paging {
  int limit = 50;
  int offset = 0;
};
core::result<paging> paging_of(const std::map<std::string, std::string, std::less<>>& q);

// {"items": [...], "total", "limit", "offset"}: one page of a list, each item through to_json.
template <class T, class F>
json::object page_json(const storage::page<T>& p, const paging& pg, F&& to_json) {
  json::array items;
  for (const auto& item : p.items) items.push_back(to_json(item));
  return {{"items", std::move(items)}, {"total", p.total}, {"limit", pg.limit}, {"offset", pg.offset}};
}

// The same shape from items already rendered.
inline json::object items_page_json(json::array items, std::int64_t total, const paging& pg) {
  return {{"items", std::move(items)}, {"total", total}, {"limit", pg.limit}, {"offset", pg.offset}};
}

// "a,b,c" parsed item by item (?status=open,dispatched); the first bad item's error.
template <class Parse>
auto comma_list(std::string_view text, Parse parse) -> core::result<std::vector<typename decltype(parse(text))::value_type>> {
  std::vector<typename decltype(parse(text))::value_type> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = parse(text.substr(0, comma));
    if (!item) return item.error();
    out.push_back(*item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// ISO time or nullopt from a query value.
core::result<std::optional<core::timestamp>> query_time(const std::map<std::string, std::string, std::less<>>& q,
                                                        std::string_view key);

// ISO 8601 in UTC, or null.
json::value time_json(const std::optional<core::timestamp>& t);

}  // namespace siaga::api
