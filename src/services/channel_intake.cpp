#include "services/channel_intake.hpp"

#include "domain/phone.hpp"
#include "services/events.hpp"
#include "services/incident_rules.hpp"
#include "services/incident_service.hpp"
#include "services/media_service.hpp"

namespace siaga::services {
namespace json = boost::json;

actor channel_actor(std::string jurisdiction_id, domain::channel source) {
  // The role is the weakest there is: record_report checks none, and nothing else runs as it.
  return actor{"channel:" + std::string(to_string(source)), std::move(jurisdiction_id), domain::role::leader,
               std::nullopt, "Kanal " + std::string(to_string(source))};
}

core::result<void> check_channel_report(const channel_report& in) {
  if (is_blank(in.description)) {
    return core::invalid("tulis apa yang terjadi (description is required)");
  }
  if (in.description.size() > max_intake_description) {
    return core::invalid("uraian terlalu panjang, paling banyak " + std::to_string(max_intake_description) +
                         " karakter (description is too long)");
  }
  if (!in.location && is_blank(in.address)) {
    return core::invalid("beri lokasi: bagikan lokasi, pilih titik di peta atau tulis alamat/patokan "
                         "(a location or an address is required)");
  }
  if (in.address.size() > 500) return core::invalid("alamat terlalu panjang (address is longer than 500 characters)");
  SIAGA_CHECK(check_location(in.location));
  if (in.reporter_name.size() > 100) return core::invalid("nama terlalu panjang (name is longer than 100 characters)");
  if (!is_blank(in.reporter_phone)) SIAGA_CHECK(domain::normalize_reporter_phone(in.reporter_phone, "reporter_phone"));
  if ((!is_blank(in.reporter_name) || !is_blank(in.reporter_phone)) && !in.consent) {
    return core::invalid("setujui pernyataan persetujuan untuk mengirim nama atau nomor HP "
                         "(consent is required to send a name or phone number)");
  }
  if (in.photos.size() > max_intake_photos) {
    return core::invalid("paling banyak " + std::to_string(max_intake_photos) + " foto (at most " +
                         std::to_string(max_intake_photos) + " photos)");
  }
  for (const auto& p : in.photos) {
    if (auto t = checked_image_type(p.content_type, p.bytes, max_intake_photo_bytes); !t) return t.error();
  }
  return {};
}

core::result<intake_receipt> intake_report(storage::store_txn& tx, const context& ctx, const channel_report& in) {
  SIAGA_CHECK(check_channel_report(in));
  auto who = channel_actor(in.jurisdiction_id, in.source);
  new_report r;
  r.source = in.source;
  r.description = in.description;
  r.location = in.location;
  r.address = in.address;
  r.district_id = in.district_id;
  r.village_id = in.village_id;
  r.reporter_name = is_blank(in.reporter_name) ? std::string() : in.reporter_name;
  if (!is_blank(in.reporter_phone)) r.reporter_phone = *domain::normalize_phone(in.reporter_phone);
  if (in.category_code) {
    SIAGA_TRY(cats, tx.list_categories(in.jurisdiction_id));
    auto it = std::find_if(cats.begin(), cats.end(), [&](const domain::category& c) {
      return c.code == *in.category_code && c.active && c.is_public;
    });
    if (it == cats.end()) {
      return core::invalid("kategori '" + in.category_code->substr(0, 64) +
                           "' tidak tersedia untuk laporan warga (not a public category)");
    }
    r.category_id = it->id;
  }
  if (in.max_new_reports > 0 && (!r.reporter_phone.empty() || !in.contact_address.empty())) {
    SIAGA_TRY(waiting, tx.count_new_reports_from(in.jurisdiction_id, r.reporter_phone, in.source, in.contact_address));
    if (waiting >= in.max_new_reports) {
      auto n = std::to_string(waiting);
      return core::make_error(core::errc::too_many_requests,
                              "Anda masih punya " + n + " laporan yang belum diperiksa petugas; laporan baru "
                              "bisa dikirim setelah laporan itu ditangani. Dalam keadaan darurat, telepon 112. (" +
                                  n + " reports from you still await triage)");
    }
  }
  SIAGA_TRY(rep, record_report(tx, ctx, who, r, core::public_tracking_code_length));

  intake_receipt out{rep, {}};
  for (const auto& p : in.photos) {
    SIAGA_TRY(type, checked_image_type(p.content_type, p.bytes, max_intake_photo_bytes));
    domain::media m;
    m.created_at = ctx.clock.now();
    m.id = ctx.ids.next(m.created_at);
    m.jurisdiction_id = rep.jurisdiction_id;
    m.report_id = rep.id;
    m.content_type = std::string(type);
    m.size = static_cast<std::int64_t>(p.bytes.size());
    m.sha256 = p.sha256.empty() ? domain::sha256_hex(p.bytes) : p.sha256;
    m.uploaded_by = who.user_id;
    SIAGA_CHECK(tx.insert_media(m, p.bytes));
    json::object payload{{"media_id", m.id}, {"content_type", m.content_type}, {"size", m.size}, {"sha256", m.sha256}};
    SIAGA_CHECK(record(tx, ctx, who, domain::subject_kind::report, rep.id, "report.media_attached", payload));
    out.photos.push_back(std::move(m));
  }
  return out;
}

}  // namespace siaga::services
