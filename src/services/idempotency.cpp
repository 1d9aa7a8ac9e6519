#include "services/idempotency.hpp"

#include <optional>

namespace siaga::services {
namespace {

// What the key says before anything is written.
struct key_check {
  idempotent_outcome outcome = idempotent_outcome::created;
  std::string record_id;  // the first record's, for a replay
};

core::result<key_check> check_key(storage::store_reader& rd, const std::string& jurisdiction_id, std::string_view kind,
                                  const idempotency_key& key) {
  if (key.key.empty()) return key_check{};
  auto found = rd.find_idempotency_key(jurisdiction_id, std::string(kind), key.key);
  if (!found) return found.error();
  if (!*found) return key_check{};
  if ((*found)->request_digest != key.digest) return key_check{idempotent_outcome::key_reused, {}};
  return key_check{idempotent_outcome::replayed, (*found)->record_id};
}

// Stores the key for the record just written, in the same command.
core::result<void> claim_key(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                             std::string_view kind, const idempotency_key& key, const std::string& record_id) {
  if (key.key.empty()) return {};
  auto claimed =
      tx.claim_idempotency_key({jurisdiction_id, std::string(kind), key.key, record_id, key.digest, ctx.clock.now()});
  if (!claimed) return claimed.error();
  if (!*claimed) {
    return core::make_error(core::errc::conflict,
                            "Idempotency-Key ini sedang dipakai permintaan lain; kirim ulang sebentar lagi (the key "
                            "was claimed by a concurrent request; retry shortly)");
  }
  return {};
}

core::error gone(std::string_view what, const std::string& id) {
  return core::make_error(core::errc::not_found, std::string(what) + " " + id +
                                                     " dari Idempotency-Key ini sudah tidak ada (the record this "
                                                     "Idempotency-Key created no longer exists)");
}

// The shape every *_once shares: check, then replay (read), refuse, or create and claim.
template <class T, class Read, class Create, class IdOf>
core::result<idempotent<T>> once(storage::store_txn& tx, const context& ctx, const std::string& jurisdiction_id,
                                 std::string_view kind, const idempotency_key& key, Read read, Create create,
                                 IdOf id_of) {
  auto check = check_key(tx, jurisdiction_id, kind, key);
  if (!check) return check.error();
  idempotent<T> out;
  out.outcome = check->outcome;
  if (check->outcome == idempotent_outcome::key_reused) return out;
  if (check->outcome == idempotent_outcome::replayed) {
    auto again = read(check->record_id);
    if (!again) return again.error();
    out.value = std::move(*again);
    return out;
  }
  auto made = create();
  if (!made) return made.error();
  if (auto claimed = claim_key(tx, ctx, jurisdiction_id, kind, key, id_of(*made)); !claimed) return claimed.error();
  out.value = std::move(*made);
  return out;
}

}  // namespace

core::result<idempotent<domain::incident>> create_incident_once(storage::store_txn& tx, const context& ctx,
                                                                const actor& who, const new_incident& in,
                                                                const idempotency_key& key) {
  return once<domain::incident>(
      tx, ctx, who.jurisdiction_id, incident_kind, key,
      [&](const std::string& id) -> core::result<domain::incident> {
        auto found = tx.find_incident(who.jurisdiction_id, id);
        if (!found) return found.error();
        if (!*found) return gone("insiden", id);
        return std::move(**found);
      },
      [&] { return create_incident(tx, ctx, who, in); }, [](const domain::incident& i) { return i.id; });
}

core::result<idempotent<incident_detail>> create_incident_detail_once(storage::store_txn& tx, const context& ctx,
                                                                      const actor& who, const new_incident& in,
                                                                      const idempotency_key& key) {
  SIAGA_TRY(made, create_incident_once(tx, ctx, who, in, key));
  idempotent<incident_detail> out;
  out.outcome = made.outcome;
  if (made.outcome == idempotent_outcome::key_reused) return out;
  SIAGA_TRY(detail, read_incident_detail(tx, who, made.value.id));
  out.value = std::move(detail);
  return out;
}

core::result<idempotent<domain::report>> create_report_once(storage::store_txn& tx, const context& ctx,
                                                            const actor& who, const new_report& in,
                                                            const idempotency_key& key) {
  return once<domain::report>(
      tx, ctx, who.jurisdiction_id, report_kind, key,
      [&](const std::string& id) -> core::result<domain::report> {
        auto found = tx.find_report(who.jurisdiction_id, id);
        if (!found) return found.error();
        if (!*found) return gone("laporan", id);
        return std::move(**found);
      },
      [&] { return create_report(tx, ctx, who, in); }, [](const domain::report& r) { return r.id; });
}

core::result<idempotent<intake_receipt>> intake_report_once(storage::store_txn& tx, const context& ctx,
                                                            const channel_report& in, const idempotency_key& key) {
  return once<intake_receipt>(
      tx, ctx, in.jurisdiction_id, public_report_kind, key,
      [&](const std::string& id) -> core::result<intake_receipt> {
        auto found = tx.find_report(in.jurisdiction_id, id);
        if (!found) return found.error();
        if (!*found) return gone("laporan", id);
        auto photos = tx.media_of_report(id);
        if (!photos) return photos.error();
        return intake_receipt{std::move(**found), std::move(*photos)};
      },
      [&] { return intake_report(tx, ctx, in); }, [](const intake_receipt& r) { return r.report.id; });
}

core::result<std::int64_t> purge_idempotency_keys(storage::store_txn& tx, const context& ctx) {
  return tx.purge_idempotency_keys(ctx.clock.now() - idempotency_key_lifetime);
}

}  // namespace siaga::services
