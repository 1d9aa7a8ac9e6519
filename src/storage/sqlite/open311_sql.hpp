// The SQL of the Open311 requests (migration 17), kept apart from sqlite_store.cpp, which
// forwards its store_reader / store_txn methods here.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::storage::sqlite::open311_sql {

// The store contract's Open311 methods (storage/open311_store.hpp) over one connection.
result<std::optional<open311_record>> find(connection& c, const std::string& report_id);
result<void> insert(connection& c, const open311_record& r);

}  // namespace siaga::storage::sqlite::open311_sql
