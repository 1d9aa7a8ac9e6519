// The SQL of media, photos attached to dispatches (migration 4), kept apart from
// sqlite_store.cpp, which forwards its store_reader / store_txn methods here.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage::sqlite::media_sql {

// The store contract's media methods (storage/store.hpp) over one connection.
result<std::optional<domain::media>> find(connection& c, const std::string& jurisdiction_id, const std::string& id);
result<std::vector<domain::media>> of_incident(connection& c, const std::string& incident_id);
result<std::optional<std::string>> bytes(connection& c, const std::string& jurisdiction_id, const std::string& id);
result<void> insert(connection& c, const domain::media& m, std::string_view bytes);
result<std::vector<domain::media>> of_report(connection& c, const std::string& report_id);
result<void> update(connection& c, const domain::media& m);

}  // namespace siaga::storage::sqlite::media_sql
