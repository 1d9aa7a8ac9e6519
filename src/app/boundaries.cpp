#include "app/boundaries.hpp"

#include "core/id.hpp"
#include "core/time.hpp"
#include "services/boundary_import.hpp"
#include "storage/open_database.hpp"
#include "storage/store.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace siaga::app {

int run_import_boundaries(const std::string& database, const std::string& file, bool approximate) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "siaga import boundaries: cannot read " << file << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto features = services::read_boundary_file(text.str());
  if (!features) {
    std::cerr << "siaga import boundaries: " << file << " ditolak / refused, nothing changed: "
              << features.error().message << "\n";
    return 1;
  }
  auto where = storage::printable_location(database);
  if (!storage::is_postgres_location(database) && !std::filesystem::exists(database)) {
    std::cerr << "siaga import boundaries: database " << where << " does not exist (run siaga init first)\n";
    return 1;
  }
  auto st = storage::open_database(database);
  if (!st) {
    std::cerr << "siaga import boundaries: cannot open " << where << ": " << st.error().message << "\n";
    return 1;
  }
  core::system_clock clock;
  core::secure_random random;
  core::id_generator ids(random);
  services::context ctx{clock, ids, random};
  services::boundary_import_result result;
  auto done = (*st)->migrate();
  if (done) {
    auto w = (*st)->write([&](storage::store_txn& tx) -> core::result<void> {
      SIAGA_TRY(r, services::import_boundaries(tx, ctx, *features, approximate));
      result = std::move(r);
      return {};
    });
    if (!w) done = w.error();
  }
  (*st)->close();
  if (!done) {
    std::cerr << "siaga import boundaries: " << done.error().message << "\n";
    return 1;
  }
  for (const auto& m : result.matched) {
    std::cout << "COCOK       " << m.code << "  " << m.kind << " " << m.name << " (" << m.jurisdiction_code << ")"
              << (approximate ? ", perkiraan / approximate" : "") << "\n";
  }
  for (const auto& code : result.unmatched) {
    std::cout << "TIDAK COCOK " << code << "  tidak ada kecamatan atau kelurahan/desa dengan kode ini\n";
  }
  std::cout << result.matched.size() << " batas wilayah disimpan, " << result.unmatched.size() << " tidak cocok.\n";
  return 0;
}

}  // namespace siaga::app
