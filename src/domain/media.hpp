// Photos that agencies attach to their dispatches (issue 4): the stored record, and the pure
// checks an upload goes through (the image type told by its first bytes, its SHA-256).
#pragma once

#include "core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siaga::domain {

// One attached photo. The bytes are stored beside it and read on their own, so that lists of
// media never carry them.
struct media {
  std::string id;
  std::string jurisdiction_id;
  std::string incident_id;                 // empty for a report's photo until the report is accepted
  std::optional<std::string> dispatch_id;  // set for photos attached to a dispatch
  std::optional<std::string> report_id;    // set for photos that came with a report (public channels)
  bool is_public = false;                  // a call taker let the report's tracking page show it
  std::string content_type;                // image/jpeg, image/png or image/webp
  std::int64_t size = 0;                   // bytes
  std::string sha256;                      // lower-case hex of the bytes
  std::string uploaded_by;                 // user id
  core::timestamp created_at{};
  // Set when the retention job or a data subject's request erased the bytes (issue 12): the
  // record stays, with its SHA-256, so that views say "foto dihapus" instead of a dead link.
  std::optional<core::timestamp> erased_at;
};

// The image types accepted, by their Content-Type.
inline constexpr std::string_view image_jpeg = "image/jpeg";
inline constexpr std::string_view image_png = "image/png";
inline constexpr std::string_view image_webp = "image/webp";

// The accepted image type that bytes begin like (JPEG FF D8 FF, the PNG signature, or a RIFF
// container of WEBP), or nullopt for anything else, an empty or truncated file included.
std::optional<std::string_view> sniff_image_type(std::string_view bytes);

// The accepted image type a Content-Type header names ("image/png; x=y" is image/png, case
// aside), or nullopt.
std::optional<std::string_view> accepted_image_type(std::string_view content_type);

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace siaga::domain
