#include "app/migrate_store.hpp"

#include "app/audit.hpp"
#include "services/rollup_replay.hpp"
#include "storage/copy_store.hpp"
#include "storage/open_database.hpp"

namespace siaga::app {

int run_migrate_store(const std::string& from, const std::string& to, std::ostream& out, std::ostream& err) {
  if (from.empty() || to.empty()) {
    err << "siaga migrate-store: give both --from and --to (an SQLite file and a postgresql:// database)\n";
    return 2;
  }
  auto from_name = storage::printable_location(from);
  auto to_name = storage::printable_location(to);
  err << "Menyalin " << from_name << " ke " << to_name << " ...\n";
  std::string current;
  auto copied = storage::copy_store(from, to, [&](const std::string& table, std::int64_t rows) {
    if (table != current) {
      current = table;
      err << "  " << table << " ...\n";
    }
    if (rows > 0 && rows % 10000 == 0) err << "  " << table << ": " << rows << " baris\n";
  });
  if (!copied) {
    err << "siaga migrate-store: " << copied.error().message << "\n";
    return copied.error().code == core::errc::invalid_input ? 2 : 1;
  }
  for (const auto& t : copied->tables) out << "DISALIN " << t.name << ": " << t.rows << " baris\n";

  auto st = storage::open_database(to);
  if (!st) {
    err << "siaga migrate-store: cannot open the copy " << to_name << ": " << st.error().message << "\n";
    return 1;
  }
  services::rebuild_report report;
  auto rebuilt = (*st)->write([&](storage::store_txn& t) -> core::result<void> {
    SIAGA_TRY(r, services::rebuild_rollups(t));
    report = std::move(r);
    return {};
  });
  auto chains = rebuilt ? verify_event_chains((*st)->reader()) : rebuilt.error();
  (*st)->close();
  if (!rebuilt) {
    err << "siaga migrate-store: rebuilding the statistics in the copy failed: " << rebuilt.error().message << "\n";
    return 1;
  }
  for (const auto& t : report.tables) out << "DIBANGUN " << t.table << ": " << t.rows << " baris\n";
  if (!chains) {
    err << "siaga migrate-store: cannot read the copy's events: " << chains.error().message << "\n";
    return 1;
  }
  bool whole = true;
  for (const auto& c : *chains) {
    whole = whole && !c.first_break;
    out << (c.first_break ? "RUSAK  " : "UTUH   ") << c.jurisdiction_code << ": " << c.events << " event\n";
  }
  for (const auto& h : copied->heads) {
    out << "KEPALA " << h.jurisdiction_id << ": seq " << h.last_seq << " " << h.hash << "\n";
  }
  if (!whole) {
    err << "siaga migrate-store: the copy's event chain is broken; do not use it\n";
    return 1;
  }
  out << "SELESAI " << from_name << " -> " << to_name << "\n";
  return 0;
}

}  // namespace siaga::app
