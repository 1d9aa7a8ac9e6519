// The SQL of villages and of the boundaries of districts and villages (PostgreSQL migration 6),
// the SQLite store's areas_sql on this store's connection (the SQL is shared:
// storage/areas_sql.ipp). postgres_store.cpp forwards its store_reader / store_txn methods
// here. Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage::postgres::areas_sql {

result<std::vector<domain::village>> list_villages(connection& c, const std::string& jurisdiction_id,
                                                   const std::optional<std::string>& district_id);
result<std::optional<domain::village>> find_village(connection& c, const std::string& jurisdiction_id,
                                                    const std::string& id);
result<std::int64_t> area_version(connection& c, const std::string& jurisdiction_id);

result<void> insert_village(connection& c, const domain::village& v);
result<void> set_district_boundary(connection& c, const std::string& jurisdiction_id, const std::string& id,
                                   const std::string& geojson, bool approximate);
result<void> set_village_boundary(connection& c, const std::string& jurisdiction_id, const std::string& id,
                                  const std::string& geojson, bool approximate);

}  // namespace siaga::storage::postgres::areas_sql
