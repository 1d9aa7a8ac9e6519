// The SQL of the SP4N-LAPOR! imports (PostgreSQL migration 12), the SQLite store's lapor_sql on
// this store's connection (the SQL is shared: storage/lapor_sql.ipp). postgres_store.cpp forwards
// its store_reader / store_txn methods here. Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::storage::postgres::lapor_sql {

// The store contract's LAPOR! methods (storage/lapor_store.hpp) over one connection.
result<std::optional<lapor_record>> find(connection& c, const std::string& jurisdiction_id,
                                         const std::string& lapor_id);
result<std::optional<lapor_record>> find_of(connection& c, const std::string& report_id);
result<std::optional<std::string>> cursor(connection& c, const std::string& jurisdiction_id);
result<void> insert(connection& c, const lapor_record& r);
result<void> set_cursor(connection& c, const std::string& jurisdiction_id, const std::string& cursor, timestamp at);

}  // namespace siaga::storage::postgres::lapor_sql
