// The small HTTP helpers of http_server.hpp: JSON error answers, query strings, targets.
#include "net/http_server.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>

namespace siaga::net {
namespace {

// Decodes one query component; '+' is a space there (HTML forms). A malformed escape is kept
// as written rather than dropping the parameter, since a lenient reading serves users better
// than a silent loss.
std::string decode_query_component(std::string_view text) {
  if (auto encoded = boost::urls::make_pct_string_view(text)) {
    return encoded->decode(boost::urls::encoding_opts(true));
  }
  std::string out(text);
  std::replace(out.begin(), out.end(), '+', ' ');
  return out;
}

}  // namespace

response json_error(http::status status, std::string_view code, std::string_view message, unsigned version,
                    bool keep_alive) {
  response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  boost::json::object body;
  body["error"] = code;
  body["message"] = message;
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

std::map<std::string, std::string, std::less<>> parse_query(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = decode_query_component(pair.substr(0, eq));
    if (key.empty()) continue;
    auto value = eq == std::string_view::npos ? std::string() : decode_query_component(pair.substr(eq + 1));
    out.insert_or_assign(std::move(key), std::move(value));
  }
  return out;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace siaga::net
