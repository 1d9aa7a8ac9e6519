#include "app/audit.hpp"

#include <filesystem>
#include <iostream>

namespace siaga::app {

core::result<std::vector<chain_report>> verify_event_chains(storage::store_reader& reader) {
  auto jurisdictions = reader.list_jurisdictions();
  if (!jurisdictions) return jurisdictions.error();
  std::vector<chain_report> out;
  for (const auto& j : *jurisdictions) {
    auto events = reader.events_of_jurisdiction(j.id);
    if (!events) return events.error();
    out.push_back({j.code, events->size(), domain::verify_chain(*events)});
  }
  return out;
}

int run_audit_verify(const std::string& database) {
  if (!std::filesystem::exists(database)) {
    std::cerr << "siaga audit verify: database " << database << " does not exist\n";
    return 1;
  }
  auto st = storage::open_sqlite({database});
  if (!st) {
    std::cerr << "siaga audit verify: cannot open " << database << ": " << st.error().message << "\n";
    return 1;
  }
  auto reports = verify_event_chains((*st)->reader());
  (*st)->close();
  if (!reports) {
    std::cerr << "siaga audit verify: cannot read events: " << reports.error().message << "\n";
    return 1;
  }
  bool whole = true;
  for (const auto& r : *reports) {
    if (r.first_break) {
      whole = false;
      std::cout << "RUSAK  " << r.jurisdiction_code << ": rantai putus pada event seq " << r.first_break->seq << " ("
                << r.first_break->reason << ")\n";
    } else {
      std::cout << "UTUH   " << r.jurisdiction_code << ": " << r.events << " event, rantai hash utuh\n";
    }
  }
  if (reports->empty()) std::cout << "Tidak ada yurisdiksi di " << database << ".\n";
  return whole ? 0 : 1;
}

int run_stats_rebuild(const std::string& database) {
  if (!std::filesystem::exists(database)) {
    std::cerr << "siaga stats rebuild: database " << database << " does not exist\n";
    return 1;
  }
  auto st = storage::open_sqlite({database});
  if (!st) {
    std::cerr << "siaga stats rebuild: cannot open " << database << ": " << st.error().message << "\n";
    return 1;
  }
  std::vector<storage::rollup_check> checks;
  auto done = (*st)->migrate();
  if (done) {
    auto w = (*st)->write([&](storage::store_txn& t) -> core::result<void> {
      SIAGA_TRY(c, t.rebuild_rollups());
      checks = std::move(c);
      return {};
    });
    if (!w) done = w.error();
  }
  (*st)->close();
  if (!done) {
    std::cerr << "siaga stats rebuild: " << done.error().message << "\n";
    return 1;
  }
  bool exact = true;
  for (const auto& c : checks) {
    if (c.differing == 0) {
      std::cout << "COCOK  " << c.table << ": " << c.rows << " baris, sama dengan hitungan ulang\n";
    } else {
      exact = false;
      std::cout << "BEDA   " << c.table << ": " << c.differing << " baris dibetulkan dari hitungan ulang (" << c.rows
                << " baris)\n";
    }
  }
  return exact ? 0 : 1;
}

}  // namespace siaga::app
