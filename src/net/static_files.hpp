// Internal to net/: static files under the web root (the consoles' build), GET and HEAD only.
#pragma once

#include "net/http_server.hpp"

#include <filesystem>
#include <string_view>

namespace siaga::net {

// The file for a request path under root (canonical), with its content type; index.html for
// the root, a folder, or a client-side route (a last segment without a dot). 404 JSON for "..",
// NUL or backslash in the decoded path, a missing asset, or anything whose real path (symbolic
// links resolved) lies outside root. index.html is sent with Cache-Control: no-cache, since it
// names the hashed bundles of the current build.
response serve_static_file(const std::filesystem::path& root, const request& req, std::string_view path);

}  // namespace siaga::net
