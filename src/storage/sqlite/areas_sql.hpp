// The SQL of villages and of the boundaries of districts and villages (the villages
// migration): reads and writes that sqlite_store.cpp's reader and writer forward to. Internal
// to storage/sqlite/.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage::sqlite::areas_sql {

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

}  // namespace siaga::storage::sqlite::areas_sql
