// Photos attached to dispatches (issue 4): an agency operator photographs the scene while its
// dispatch is active, or with the completion, and the call takers and supervisors see them on
// the incident. The bytes are written through the store's writer with their event.
#pragma once

#include "domain/media.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <cstddef>
#include <string>

namespace siaga::services {

// An upload's size limit: a phone photo downscaled by the console is a few hundred KiB.
inline constexpr std::size_t max_media_bytes = 5 * 1024 * 1024;
// At most this many photos per dispatch.
inline constexpr std::size_t max_media_per_dispatch = 20;

// The accepted image type a photo is stored as: the declared content_type, when it is JPEG, PNG
// or WebP and the bytes begin like it (unsupported_media otherwise); invalid_input for empty
// bytes, payload_too_large past max_bytes. Shared by every way a photo comes in.
core::result<std::string_view> checked_image_type(std::string_view content_type, std::string_view bytes,
                                                  std::size_t max_bytes);

struct new_media {
  std::string content_type;  // as the client declared it (the Content-Type header)
  std::string bytes;
  // domain::sha256_hex(bytes), computed by the caller so that the writer thread does not
  // hash megabytes; computed here when empty.
  std::string sha256;
};

// Attaches a photo to a dispatch and records "dispatch.media_attached" on it. Who may: the
// dispatch's own agency operators and the dispatchers; an operator of another agency gets
// not_found, a leader forbidden. The dispatch must be active (notified, acknowledged,
// en route or on scene) and its incident neither closed nor cancelled, else conflict; conflict
// too when it already has max_media_per_dispatch photos. The content type must be image/jpeg,
// image/png or image/webp and the bytes must begin like that type (unsupported_media); empty
// bytes are invalid_input, more than max_media_bytes payload_too_large.
core::result<domain::media> attach_media(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& dispatch_id, const new_media& in);

// A media record the actor may see: that of a dispatch it may see (check_dispatch_access), so
// an operator of another agency gets not_found like for the dispatch itself.
core::result<domain::media> visible_media(storage::store_reader& rd, const actor& who, const std::string& id);

// A media record the actor may see (visible_media) with its stored bytes; not_found as for
// visible_media, or when the bytes are gone or were erased (retention, issue 12: the message
// says when).
struct media_content {
  domain::media media;
  std::string bytes;
};
core::result<media_content> read_media_content(storage::store_reader& rd, const actor& who, const std::string& id);

}  // namespace siaga::services
