#include "net/static_files.hpp"

#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>

namespace siaga::net {
namespace fs = std::filesystem;
namespace {

// "application/json" style type for a file extension (lower case, without the dot).
std::string_view mime_type(std::string_view ext) {
  static const std::unordered_map<std::string_view, std::string_view> types = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
  };
  auto it = types.find(ext);
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

std::string lower_extension(const fs::path& file) {
  auto ext = file.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool is_within(const fs::path& file, const fs::path& root) {
  auto rel = file.lexically_relative(root);
  return !rel.empty() && *rel.begin() != ".." && *rel.begin() != ".";
}

std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

}  // namespace

response serve_static_file(const fs::path& root, const request& req, std::string_view path) {
  auto not_found = [&] { return json_error(http::status::not_found, "not_found", "no file for " + std::string(path)); };

  // Decode first, so that "%2e%2e" and "%2f" are judged as the file system will see them.
  auto encoded = boost::urls::make_pct_string_view(path);
  if (!encoded) return not_found();
  std::string decoded = encoded->decode();
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
    return not_found();
  }

  fs::path relative;
  std::string_view last;
  std::string_view rest = decoded;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment == "..") return not_found();  // never walk up, even when it would stay inside
    if (segment.empty() || segment == ".") continue;
    relative /= fs::path(std::string(segment));
    last = segment;
  }

  std::error_code ec;
  fs::path file = root / relative;
  if (relative.empty() || fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) {
    // Client-side routes such as /incidents/42 have no file; the single-page app's
    // index.html handles them. A name with an extension is a missing asset, not a route.
    if (last.find('.') != std::string_view::npos) return not_found();
    file = root / "index.html";
  }

  // Symbolic links may point anywhere; only files that really live under the root are served.
  auto real = fs::canonical(file, ec);
  if (ec || !is_within(real, root) || !fs::is_regular_file(real, ec)) return not_found();
  auto body = read_file(real);
  if (!body) return not_found();

  response res{http::status::ok, req.version()};
  auto ext = lower_extension(file);
  res.set(http::field::content_type, mime_type(ext));
  // index.html names the hashed bundles of the current build, so it must be revalidated.
  if (ext == "html") res.set(http::field::cache_control, "no-cache");
  res.body() = std::move(*body);
  return res;
}

}  // namespace siaga::net
