// The gazetteer: places of a jurisdiction imported from an OpenStreetMap extract or an admin's
// CSV (and the demo's), searched as the call taker types a landmark, a street or a kelurahan.
#pragma once

#include "domain/place.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::services {

enum class place_format { csv, osm };

// A parsed import, ready for import_places: source names it ("osm", "csv:<name>").
struct place_import {
  std::string source;
  std::vector<domain::place> places;
  std::vector<domain::import_problem> skipped;  // OSM elements left out (a way clipped away)
};

// Parses an import (pure; runs before the write command). A CSV is taken whole or not at all:
// invalid_input naming up to 20 bad rows ("line 7: ...") when any row is bad. An OSM extract
// keeps what it can and lists the rest as skipped. invalid_input as well for a name that is not
// 1-40 of [a-z0-9_-], for more than 200,000 places, and for a file with no place at all.
core::result<place_import> parse_place_import(place_format format, std::string_view text, const std::string& name);

// What an import did.
struct import_summary {
  std::string source;
  std::int64_t imported = 0;
  std::int64_t replaced = 0;  // places of the same source before
  std::vector<domain::import_problem> skipped;
};

// Replaces the jurisdiction's places of the import's source with its places (each given an id
// and the district its point lies in) and records "places.imported". Forbidden for all but
// admins.
core::result<import_summary> import_places(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const place_import& in);

// Places matching what was typed (folded; see storage::places_reader::search_places), at most
// limit (1..50). An empty query finds nothing.
core::result<std::vector<domain::place>> search_places_for(storage::store_reader& rd, const actor& who,
                                                           std::string_view query, int limit);

// How many places each import source holds.
core::result<std::vector<std::pair<std::string, std::int64_t>>> place_sources_for(storage::store_reader& rd,
                                                                                 const actor& who);

}  // namespace siaga::services
