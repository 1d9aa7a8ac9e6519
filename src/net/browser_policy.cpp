#include "net/browser_policy.hpp"

#include <algorithm>
#include <cctype>

namespace siaga::net {
namespace http = boost::beast::http;

void set_security_headers(http::response<http::string_body>& res) {
  res.set("X-Content-Type-Options", "nosniff");
  if (res.find("Content-Security-Policy") == res.end()) {
    res.set("Content-Security-Policy", content_security_policy);
  }
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");
  res.set("Permissions-Policy", "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()");
}

namespace {
bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

bool origin_allowed(std::string_view origin, std::string_view host, const std::vector<std::string>& trusted) {
  if (origin.empty()) return true;
  if (std::any_of(trusted.begin(), trusted.end(), [&](const std::string& t) { return iequal(t, origin); })) return true;
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || host.empty()) return false;
  auto authority = origin.substr(scheme_end + 3);
  // An Origin is scheme://host[:port] with nothing after; anything else is not one.
  if (authority.empty() || authority.find('/') != std::string_view::npos) return false;
  return iequal(authority, host);
}

bool is_unsafe_method(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

}  // namespace siaga::net
