// The SQL of the Open311 requests (PostgreSQL migration 11), the SQLite store's open311_sql on
// this store's connection (the SQL is shared: storage/open311_sql.ipp). postgres_store.cpp
// forwards its store_reader / store_txn methods here. Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::storage::postgres::open311_sql {

// The store contract's Open311 methods (storage/open311_store.hpp) over one connection.
result<std::optional<open311_record>> find(connection& c, const std::string& report_id);
result<void> insert(connection& c, const open311_record& r);

}  // namespace siaga::storage::postgres::open311_sql
