#include "domain/media.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace siaga::domain {

std::optional<std::string_view> sniff_image_type(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.starts_with("\xFF\xD8\xFF"sv)) return image_jpeg;
  if (bytes.starts_with("\x89PNG\r\n\x1A\n"sv)) return image_png;
  if (bytes.size() >= 12 && bytes.starts_with("RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv) return image_webp;
  return std::nullopt;
}

std::optional<std::string_view> accepted_image_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  auto type = content_type.substr(0, semicolon);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  auto same = [type](std::string_view known) {
    return std::equal(type.begin(), type.end(), known.begin(), known.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
  };
  for (auto known : {image_jpeg, image_png, image_webp}) {
    if (same(known)) return known;
  }
  return std::nullopt;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (auto b : digest) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xF]);
  }
  return out;
}

}  // namespace siaga::domain
