#include "app/audit.hpp"

#include "storage/open_database.hpp"

#include <filesystem>
#include <iostream>
#include <ostream>

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
  auto where = storage::printable_location(database);
  if (!storage::is_postgres_location(database) && !std::filesystem::exists(database)) {
    std::cerr << "siaga audit verify: database " << where << " does not exist\n";
    return 1;
  }
  auto st = storage::open_database(database);
  if (!st) {
    std::cerr << "siaga audit verify: cannot open " << where << ": " << st.error().message << "\n";
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
  if (reports->empty()) std::cout << "Tidak ada yurisdiksi di " << where << ".\n";
  return whole ? 0 : 1;
}

namespace {

// At most this many differing rows are named one by one; the rest are counted.
constexpr std::size_t mismatch_lines = 200;

void print_rebuild(const services::rebuild_report& r, std::ostream& out) {
  bool replay = r.source == services::rebuild_source::events;
  if (replay) {
    out << "SUMBER putar ulang log event (replay of the event log): " << r.events << " event\n";
  } else {
    out << "SUMBER hitungan ulang dari catatan (recount from the records): log event tidak diputar ulang: "
        << r.fallback_reason << "; recounted from the records instead\n";
  }
  const char* against = replay ? "putar ulang log event" : "hitungan ulang";
  for (const auto& t : r.tables) {
    if (t.differing == 0) {
      out << "COCOK  " << t.table << ": " << t.rows << " baris, sama dengan " << against << " (match)\n";
    } else {
      out << "BEDA   " << t.table << ": " << t.differing << " baris dibetulkan dari " << against << " (" << t.rows
          << " baris)\n";
    }
  }
  for (std::size_t i = 0; i < r.mismatches.size() && i < mismatch_lines; ++i) {
    const auto& m = r.mismatches[i];
    out << "  " << m.jurisdiction_code << " " << m.row.table << " " << m.row.key << ": tersimpan (kept) " << m.row.kept
        << ", putar ulang (replayed) " << m.row.replayed << "\n";
  }
  if (r.mismatches.size() > mismatch_lines) {
    out << "  ... dan " << r.mismatches.size() - mismatch_lines << " baris lain\n";
  }
  if (r.exact()) {
    out << "HASIL  cocok (match)\n";
  } else {
    out << "HASIL  dibetulkan (corrected)\n";
  }
}

}  // namespace

int run_stats_rebuild(const std::string& database, bool from_records) {
  auto where = storage::printable_location(database);
  if (!storage::is_postgres_location(database) && !std::filesystem::exists(database)) {
    std::cerr << "siaga stats rebuild: database " << where << " does not exist\n";
    return 1;
  }
  auto st = storage::open_database(database);
  if (!st) {
    std::cerr << "siaga stats rebuild: cannot open " << where << ": " << st.error().message << "\n";
    return 1;
  }
  services::rebuild_report report;
  auto done = (*st)->migrate();
  if (done) {
    auto w = (*st)->write([&](storage::store_txn& t) -> core::result<void> {
      SIAGA_TRY(r, services::rebuild_rollups(t, from_records ? services::rebuild_source::records
                                                              : services::rebuild_source::events));
      report = std::move(r);
      return {};
    });
    if (!w) done = w.error();
  }
  (*st)->close();
  if (!done) {
    std::cerr << "siaga stats rebuild: " << done.error().message << "\n";
    return 1;
  }
  print_rebuild(report, std::cout);
  return report.exact() ? 0 : 1;
}

}  // namespace siaga::app
