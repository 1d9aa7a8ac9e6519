#include "app/backup.hpp"

#include "storage/sqlite/backup.hpp"

#include <cstdio>

namespace siaga::app {

int run_backup(const std::string& database, const std::string& target, std::ostream& out, std::ostream& err) {
  if (target.empty()) {
    err << "siaga backup: --to FILE is required (the new file the copy goes to)\n";
    return 2;
  }
  if (database.find("://") != std::string::npos || database.find('=') != std::string::npos) {
    err << "siaga backup: " << database
        << " is not a SQLite file; back up PostgreSQL with pg_basebackup or pg_dump (deploy/ha/README.md)\n";
    return 2;
  }
  int shown = -1;
  auto summary = storage::sqlite::backup_database(database, target, [&](std::int64_t copied, std::int64_t total) {
    int tenth = total > 0 ? static_cast<int>(copied * 10 / total) : 10;
    if (tenth == shown) return;
    shown = tenth;
    err << "menyalin (copying) " << tenth * 10 << " %: " << copied << " / " << total << " halaman (pages)\n";
  });
  if (!summary) {
    err << "siaga " << summary.error().message << "\n";
    return summary.error().code == core::errc::invalid_input ? 2 : 1;
  }
  char size[32];
  std::snprintf(size, sizeof size, "%.1f", static_cast<double>(summary->bytes) / (1024.0 * 1024.0));
  out << "CADANGAN selesai (backup done): " << target << ", " << size << " MB, " << summary->pages << " halaman, "
      << summary->events << " event sampai seq " << summary->last_seq << ", pemeriksaan (quick_check) ok\n";
  return 0;
}

}  // namespace siaga::app
