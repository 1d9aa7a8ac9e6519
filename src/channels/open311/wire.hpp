// The Open311 GeoReport v2 wire format (http://wiki.open311.org/GeoReport_v2), pure: the
// .xml / .json resource names, form-encoded bodies and query strings, the POST fields with
// attribute[...], the attributes every service offers, and one writer that renders the same
// tree as XML (the specification's default, with the UTF-8 declaration) or JSON.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "services/open311.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siaga::channels::open311 {

enum class format { xml, json };

// "text/xml; charset=utf-8" or "application/json; charset=utf-8".
std::string_view content_type(format f);

// "services.json" -> {"services", json}; nullopt without a .xml or .json suffix or with an
// empty name.
std::optional<std::pair<std::string, format>> split_format(std::string_view file);

// The pairs of an application/x-www-form-urlencoded body or a query string, in order, decoded
// ('+' is a space, %XX a byte). invalid_input for a malformed escape, text that is not UTF-8,
// or more than max_fields pairs.
using form = std::vector<std::pair<std::string, std::string>>;
inline constexpr std::size_t max_fields = 200;
core::result<form> parse_form(std::string_view text);

// The first value of a key, nullopt when absent.
std::optional<std::string> first(const form& f, std::string_view key);

// The fields of POST requests.xml|json, checked for shape (not against the store).
struct post_fields {
  std::string jurisdiction_id;
  std::string api_key;
  std::string service_code;
  std::optional<double> lat;
  std::optional<double> lon;
  std::string address_string;
  std::string address_id;
  std::string email;
  std::string device_id;
  std::string account_id;
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::string description;
  std::string media_url;
  // attribute[code]=v and attribute[code][]=v (a multivaluelist), in the order first seen.
  std::vector<std::pair<std::string, std::vector<std::string>>> attributes;
};

// Reads the fields; fields the specification does not name are ignored (clients such as
// FixMyStreet send their own), as are attributes this server does not define (kept for staff).
// invalid_input, naming the field, for: no service_code; neither lat and long nor
// address_string (or address_id); lat without long or the other way round; a lat or long that
// is no number; an attribute code that is not 1-64 of [A-Za-z0-9_.-]; more than 50 attributes
// or a value over 1000 bytes; a standard attribute's value outside its list; a field over its
// length (description 2000, names 100, email 254, phone 40, ids 200, address 500, media_url
// 1000); an email without '@'; a media_url that is not http(s).
core::result<post_fields> parse_post(const form& f);

// The attributes every service's definition offers (the same for all services: the questions
// a call taker asks first).
struct attribute_value {
  std::string key;
  std::string name;
};
struct attribute_def {
  std::string code;
  std::string datatype;  // string, number, datetime, text, singlevaluelist, multivaluelist
  bool required = false;
  std::string description;
  int order = 0;
  std::vector<attribute_value> values;
};
const std::vector<attribute_def>& standard_attributes();

// The attributes as a JSON object (code -> array of values), for storage.
std::string attributes_json(const post_fields& p);

// The report's text for the call taker: the client's description, then one line per attribute
// (with the standard ones' names and values spelled out) and the media url; at most max_len
// bytes (the lines are cut, never the description, which parse_post bounds).
std::string staff_description(const post_fields& p, std::size_t max_len);

// ISO 8601 with the zone's offset, to the second: "2026-12-05T10:00:00+09:00".
std::string datetime(core::timestamp t, int offset_minutes);

// The trees of the answers (JSON values whose arrays XML renders with item elements).
boost::json::value services_tree(const std::vector<domain::category>& public_categories);
boost::json::value definition_tree(const std::string& service_code);
boost::json::value request_tree(const services::open311_view& v, int offset_minutes);
boost::json::value requests_tree(const std::vector<services::open311_view>& vs, int offset_minutes);
boost::json::value created_tree(const std::string& id, const std::string& token, const std::string& notice);
boost::json::value token_tree(const std::string& id, const std::string& token);
boost::json::value discovery_tree(const std::string& endpoint_url, const std::string& contact);
boost::json::value errors_tree(int code, const std::string& description);

// Renders a tree: JSON as it is; XML under the declaration <?xml version="1.0"
// encoding="utf-8"?> with root as the root element, object members as elements in order, each
// array item as an element named after its array (services: service, service_requests:
// request, attributes: attribute, values: value, endpoints: endpoint, formats: format, errors:
// error), null as an empty element, and text escaped (characters XML 1.0 cannot carry dropped).
std::string render(format f, std::string_view root, const boost::json::value& tree);

}  // namespace siaga::channels::open311
