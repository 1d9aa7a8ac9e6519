// The SQL of places that call takers search by name (PostgreSQL migration 8), the SQLite store's
// places_sql on this store's connection (the SQL is shared: storage/places_sql.ipp).
// postgres_store.cpp forwards its store_reader / store_txn methods here. Internal to
// storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <utility>
#include <vector>

namespace siaga::storage::postgres::places_sql {

// The store contract's places methods (storage/places_store.hpp) over one connection.
result<std::vector<domain::place>> search(connection& c, const std::string& jurisdiction_id,
                                          const std::string& folded_query, int limit);
result<std::vector<std::pair<std::string, std::int64_t>>> sources(connection& c, const std::string& jurisdiction_id);
result<std::int64_t> replace(connection& c, const std::string& jurisdiction_id, const std::string& source,
                             const std::vector<domain::place>& places);

}  // namespace siaga::storage::postgres::places_sql
