// What a browser is told and what is asked of it: the security headers every answer carries
// (a strict Content-Security-Policy without inline script, no framing, no referrer to other
// sites) and the same-origin rule for requests that change something. Pure functions, so the
// session applies them and tests check them without a socket.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace siaga::net {

// The policy the consoles and public pages are built to pass: scripts, styles, fonts and
// connections (WebSocket included) from this origin only; images also from data:, blob: and
// any map tile server the admin configures (a LAN one may be plain http); nothing may frame
// the pages, no plugin, no <base>, forms post here only.
inline constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https: http:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Sets the security headers on res: nosniff, the CSP above (unless the handler set a stricter
// one of its own, as media downloads do), X-Frame-Options for browsers without
// frame-ancestors, Referrer-Policy same-origin, and a Permissions-Policy that allows only
// geolocation and the camera for this origin (the public report form uses both).
void set_security_headers(boost::beast::http::response<boost::beast::http::string_body>& res);

// Whether a request may change something given its Origin header: true when the request has
// no Origin (not sent by a browser, or a same-origin GET), when the Origin's host and port
// equal the Host header (case-insensitive), or when the Origin is one of trusted (exact
// scheme://host[:port], e.g. the public name behind a reverse proxy that rewrites Host).
// "null" (sandboxed frames, files) and every other origin are refused.
bool origin_allowed(std::string_view origin, std::string_view host, const std::vector<std::string>& trusted);

// Whether the method changes something (everything but GET, HEAD and OPTIONS): those, and
// every WebSocket upgrade, are held to origin_allowed.
bool is_unsafe_method(boost::beast::http::verb method);

}  // namespace siaga::net
