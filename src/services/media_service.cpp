#include "services/media_service.hpp"

#include "services/access.hpp"
#include "services/events.hpp"

#include <algorithm>

namespace siaga::services {
namespace json = boost::json;
using domain::dispatch_status;

namespace {

core::error unsupported(std::string message) {
  return core::make_error(core::errc::unsupported_media, std::move(message));
}

}  // namespace

core::result<std::string_view> checked_image_type(std::string_view content_type, std::string_view bytes,
                                                  std::size_t max_bytes) {
  auto declared = domain::accepted_image_type(content_type);
  if (!declared) {
    return unsupported("kirim foto sebagai image/jpeg, image/png atau image/webp (send the photo as image/jpeg, "
                       "image/png or image/webp), not '" +
                       (content_type.empty() ? std::string("no Content-Type") : std::string(content_type.substr(0, 100))) +
                       "'");
  }
  if (bytes.empty()) return core::invalid("foto kosong (the photo is empty: send its bytes)");
  if (bytes.size() > max_bytes) {
    return core::make_error(core::errc::payload_too_large, "foto terlalu besar (a photo may have at most " +
                                                               std::to_string(max_bytes) + " bytes)");
  }
  auto sniffed = domain::sniff_image_type(bytes);
  if (sniffed != declared) {
    return unsupported("isi foto bukan " + std::string(*declared) + " (the photo is not " + std::string(*declared) +
                       ": its first bytes say " +
                       (sniffed ? std::string(*sniffed) : std::string("it is no JPEG, PNG or WebP image")) + ")");
  }
  return *declared;
}

namespace {

bool is_active(dispatch_status s) {
  return s == dispatch_status::notified || s == dispatch_status::acknowledged || s == dispatch_status::en_route ||
         s == dispatch_status::on_scene;
}

}  // namespace

core::result<domain::media> attach_media(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& dispatch_id, const new_media& in) {
  auto found = tx.find_dispatch(who.jurisdiction_id, dispatch_id);
  if (!found) return found.error();
  if (!*found) return core::not_found("dispatch " + dispatch_id + " not found");
  const auto& d = **found;
  if (auto ok = check_dispatch_access(who, d, true); !ok) return ok.error();
  if (!is_active(d.status)) {
    return core::conflict("dispatch " + d.id + " is " + std::string(to_string(d.status)) +
                          "; photos are attached while it is active");
  }
  auto inc = tx.find_incident(who.jurisdiction_id, d.incident_id);
  if (!inc) return inc.error();
  if (!*inc) return core::not_found("incident " + d.incident_id + " not found");
  if ((*inc)->status == domain::incident_status::closed || (*inc)->status == domain::incident_status::cancelled) {
    return core::conflict("incident " + (*inc)->number + " is " + std::string(to_string((*inc)->status)));
  }
  auto type = checked_image_type(in.content_type, in.bytes, max_media_bytes);
  if (!type) return type.error();
  auto existing = tx.media_of_incident(d.incident_id);
  if (!existing) return existing.error();
  auto of_dispatch = std::count_if(existing->begin(), existing->end(),
                                   [&](const domain::media& m) { return m.dispatch_id == d.id; });
  if (static_cast<std::size_t>(of_dispatch) >= max_media_per_dispatch) {
    return core::conflict("dispatch " + d.id + " already has " + std::to_string(max_media_per_dispatch) + " photos");
  }

  domain::media m;
  m.created_at = ctx.clock.now();
  m.id = ctx.ids.next(m.created_at);
  m.jurisdiction_id = who.jurisdiction_id;
  m.incident_id = d.incident_id;
  m.dispatch_id = d.id;
  m.content_type = std::string(*type);
  m.size = static_cast<std::int64_t>(in.bytes.size());
  m.sha256 = in.sha256.empty() ? domain::sha256_hex(in.bytes) : in.sha256;
  m.uploaded_by = who.user_id;
  if (auto w = tx.insert_media(m, in.bytes); !w) return w.error();
  json::object payload{{"media_id", m.id}, {"content_type", m.content_type}, {"size", m.size}, {"sha256", m.sha256}};
  auto e = record(tx, ctx, who, domain::subject_kind::dispatch, d.id, "dispatch.media_attached", payload,
                  d.incident_id, d.agency_id);
  if (!e) return e.error();
  return m;
}

core::result<domain::media> visible_media(storage::store_reader& rd, const actor& who, const std::string& id) {
  auto m = rd.find_media(who.jurisdiction_id, id);
  if (!m) return m.error();
  if (!*m) return core::not_found("media " + id + " not found");
  if ((*m)->dispatch_id) {
    auto d = rd.find_dispatch(who.jurisdiction_id, *(*m)->dispatch_id);
    if (!d) return d.error();
    if (!*d) return core::not_found("media " + id + " not found");
    if (auto ok = check_dispatch_access(who, **d, false); !ok) return core::not_found("media " + id + " not found");
  } else if (who.role == domain::role::agency_operator) {
    // Media of the incident as a whole: not for agencies until a rule says which may see it.
    return core::not_found("media " + id + " not found");
  }
  return std::move(**m);
}

core::result<media_content> read_media_content(storage::store_reader& rd, const actor& who, const std::string& id) {
  SIAGA_TRY(m, visible_media(rd, who, id));
  if (m.erased_at) {
    return core::not_found("foto " + id + " dihapus (retensi) pada " + core::format_utc(*m.erased_at) +
                           "; hanya catatannya dan SHA-256-nya yang disimpan");
  }
  SIAGA_TRY(bytes, rd.media_bytes(who.jurisdiction_id, m.id));
  if (!bytes) return core::not_found("media " + id + " not found");
  return media_content{std::move(m), std::move(*bytes)};
}

}  // namespace siaga::services
