// The SQL of media, photos of reports and dispatches with their bytes as bytea (PostgreSQL
// migration 7), the SQLite store's media_sql on this store's connection (the SQL is shared:
// storage/media_sql.ipp). postgres_store.cpp forwards its store_reader / store_txn methods here.
// Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage::postgres::media_sql {

// The store contract's media methods (storage/store.hpp) over one connection.
result<std::optional<domain::media>> find(connection& c, const std::string& jurisdiction_id, const std::string& id);
result<std::vector<domain::media>> of_incident(connection& c, const std::string& incident_id);
result<std::optional<std::string>> bytes(connection& c, const std::string& jurisdiction_id, const std::string& id);
result<void> insert(connection& c, const domain::media& m, std::string_view bytes);
result<std::vector<domain::media>> of_report(connection& c, const std::string& report_id);
result<void> update(connection& c, const domain::media& m);

}  // namespace siaga::storage::postgres::media_sql
