#include "app/privacy.hpp"

#include "core/id.hpp"
#include "core/time.hpp"
#include "domain/phone.hpp"
#include "services/privacy.hpp"
#include "storage/open_database.hpp"
#include "storage/store.hpp"

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <functional>

namespace siaga::app {
namespace json = boost::json;

namespace {

// Who a request from the command line acts as: the operator with file access, recorded in
// the events as "cli" so that a supervisor tells it from a user's act.
services::actor cli_actor(const std::string& jurisdiction_id) {
  return services::actor{"cli", jurisdiction_id, domain::role::admin, std::nullopt, "Baris perintah (CLI)"};
}

// Checks the number, opens and migrates the database and runs one write command per
// jurisdiction (restart called as the command starts, again if the store runs it again);
// returns the exit code.
int for_each_jurisdiction(const std::string& command, const std::string& database, const std::string& phone,
                          std::ostream& err, const std::function<void()>& restart,
                          const std::function<core::result<void>(storage::store_txn&, const services::context&,
                                                                 const domain::jurisdiction&)>& each) {
  if (phone.empty()) {
    err << "siaga privacy " << command << ": --phone NOMOR wajib (the number is required), e.g. --phone 081234567890\n";
    return 2;
  }
  if (auto ok = domain::normalize_reporter_phone(phone, "--phone"); !ok) {
    err << "siaga privacy " << command << ": " << ok.error().message << "\n";
    return 2;
  }
  auto where = storage::printable_location(database);
  if (!storage::is_postgres_location(database) && !std::filesystem::exists(database)) {
    err << "siaga privacy " << command << ": database " << where << " does not exist\n";
    return 1;
  }
  auto st = storage::open_database(database);
  if (!st) {
    err << "siaga privacy " << command << ": cannot open " << where << ": " << st.error().message << "\n";
    return 1;
  }
  core::secure_random rnd;
  core::id_generator ids{rnd};
  core::system_clock clock;
  services::context ctx{clock, ids, rnd};
  core::result<void> done = {};
  if (auto m = (*st)->migrate(); !m) {
    done = m.error();
  } else {
    done = (*st)->write([&](storage::store_txn& tx) -> core::result<void> {
      // The store may run a command again (a connection lost before COMMIT): what the first
      // run gathered is dropped.
      restart();
      SIAGA_TRY(all, tx.list_jurisdictions());
      for (const auto& j : all) SIAGA_CHECK(each(tx, ctx, j));
      return {};
    });
  }
  (*st)->close();
  if (!done) {
    err << "siaga privacy " << command << ": " << done.error().message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_privacy_export(const std::string& database, const std::string& phone, std::ostream& out, std::ostream& err) {
  json::array parts;
  std::string normalised;
  int rc = for_each_jurisdiction(
      "export", database, phone, err, [&] { parts.clear(); },
      [&](storage::store_txn& tx, const services::context& ctx, const domain::jurisdiction& j) -> core::result<void> {
        SIAGA_TRY(part, services::export_phone(tx, ctx, cli_actor(j.id), phone));
        normalised = part.at("phone").as_string().c_str();
        part.erase("phone");
        part["code"] = j.code;
        part["name"] = j.name;
        parts.push_back(std::move(part));
        return {};
      });
  if (rc != 0) return rc;
  out << json::serialize(json::object{{"phone", normalised}, {"jurisdictions", std::move(parts)}}) << "\n";
  return 0;
}

int run_privacy_erase(const std::string& database, const std::string& phone, std::ostream& out, std::ostream& err) {
  std::vector<std::pair<std::string, services::erasure_counts>> done;
  int rc = for_each_jurisdiction(
      "erase", database, phone, err, [&] { done.clear(); },
      [&](storage::store_txn& tx, const services::context& ctx, const domain::jurisdiction& j) -> core::result<void> {
        SIAGA_TRY(n, services::erase_phone(tx, ctx, cli_actor(j.id), phone));
        done.emplace_back(j.code, n);
        return {};
      });
  if (rc != 0) return rc;
  for (const auto& [code, n] : done) {
    out << "DIHAPUS " << code << ": " << n.reporter_contacts << " kontak pelapor, " << n.caller_numbers
        << " nomor penelepon, " << n.photos << " foto, " << n.location_fixes << " lokasi dikasarkan, "
        << n.notifications << " notifikasi, " << n.channel_contacts << " kontak kanal, " << n.open311_contacts
        << " kontak Open311, " << n.texts << " teks bebas, " << n.events << " payload event, "
        << n.restated_events << " di antaranya dinyatakan ulang dengan nomor disamarkan (erased: reporter contacts, caller numbers, photos' bytes, notification payloads, "
        << "channel and Open311 contacts, the number in free text masked, event payloads, those the statistics replay counts restated "
        << "with the number masked (privacy.restated); locations coarsened to about a village; digests, hashes "
        << "and statistics kept)\n";
  }
  return 0;
}

}  // namespace siaga::app
