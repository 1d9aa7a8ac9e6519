// Where a record lies: its district and village from its point, against the boundaries of the
// jurisdiction's districts and villages (domain/geo.hpp), parsed once and kept until a
// district or village of the jurisdiction changes (the store's area_version).
//
// The API places a new report or incident before it submits the write command (place_record),
// so the writer thread parses no boundary and tests no polygon; the commands still check what
// they are given, and place a point themselves when a caller gave nothing (locate_in_txn).
#pragma once

#include "domain/geo.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace siaga::services {

// The parsed districts and villages of each jurisdiction asked about. Thread-safe.
class area_index {
 public:
  // The jurisdiction's directory as the reader sees it now: the cached one when the store's
  // area_version has not moved, else read, parsed and cached. Fails with the store's errors.
  core::result<std::shared_ptr<const domain::area_directory>> of(storage::store_reader& rd,
                                                                 const std::string& jurisdiction_id);

  // Like of(), but never caches what it reads: for readers inside a write batch, whose
  // uncommitted view may yet be rolled back.
  core::result<std::shared_ptr<const domain::area_directory>> peek(storage::store_reader& rd,
                                                                   const std::string& jurisdiction_id);

 private:
  struct entry {
    std::int64_t version = -1;
    std::shared_ptr<const domain::area_directory> dir;
  };
  core::result<std::shared_ptr<const domain::area_directory>> get(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                                  bool remember);
  std::mutex mutex_;
  std::map<std::string, entry, std::less<>> by_jurisdiction_;
};

// The district and village of a new record of the actor's jurisdiction. A given village must
// be of the jurisdiction (and inside the given district, when both are given) and brings its
// district; a given district must be of the jurisdiction, and its village is then looked for
// in it only; with neither, both come from the location (domain::place_point). Fails with
// invalid_input naming the bad id, or the store's errors.
core::result<domain::placement> place_record(storage::store_reader& rd, area_index& areas, const actor& who,
                                             const std::optional<std::string>& district_id,
                                             const std::optional<std::string>& village_id,
                                             const std::optional<domain::geo_point>& location);

// The process's index, shared by the API's placements and the write commands' own.
area_index& shared_area_index();

// place_record for a write command: checks the ids given the same way; places the location
// only when neither id was given (a caller that placed the record already gave them), with the
// shared index, which it reads but does not fill (the batch may yet be rolled back).
core::result<domain::placement> locate_in_txn(storage::store_reader& tx, const actor& who,
                                              const std::optional<std::string>& district_id,
                                              const std::optional<std::string>& village_id,
                                              const std::optional<domain::geo_point>& location);

}  // namespace siaga::services
