// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// the places of a jurisdiction that call takers search by name (issue 16).
#pragma once

#include "domain/place.hpp"
#include "storage/store_types.hpp"

#include <string>
#include <vector>

namespace siaga::storage {

// Reads (see store_reader for the rules every read follows).
class places_reader {
 public:
  virtual ~places_reader() = default;

  // Places of the jurisdiction where every word of folded_query (as domain::fold_name gives
  // it; the first 6 words; empty matches nothing) starts a word of the folded name; those whose
  // name starts with the whole query first, then by kind (landmark, street, village, other),
  // shorter names and name; at most limit (clamped to 1..100).
  virtual result<std::vector<domain::place>> search_places(const std::string& jurisdiction_id,
                                                           const std::string& folded_query, int limit) = 0;
  // How many places the jurisdiction has from each source, by source.
  virtual result<std::vector<std::pair<std::string, std::int64_t>>> place_sources(
      const std::string& jurisdiction_id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class places_writer {
 public:
  virtual ~places_writer() = default;

  // Replaces every place of the jurisdiction from source with places (each with that
  // jurisdiction and source); returns how many were removed.
  virtual result<std::int64_t> replace_places(const std::string& jurisdiction_id, const std::string& source,
                                              const std::vector<domain::place>& places) = 0;
};

}  // namespace siaga::storage
