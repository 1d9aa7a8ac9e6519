// The SQL of the SP4N-LAPOR! imports (migration 19), kept apart from sqlite_store.cpp, which
// forwards its store_reader / store_txn methods here.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::storage::sqlite::lapor_sql {

// The store contract's LAPOR! methods (storage/lapor_store.hpp) over one connection.
result<std::optional<lapor_record>> find(connection& c, const std::string& jurisdiction_id,
                                         const std::string& lapor_id);
result<std::optional<lapor_record>> find_of(connection& c, const std::string& report_id);
result<std::optional<std::string>> cursor(connection& c, const std::string& jurisdiction_id);
result<void> insert(connection& c, const lapor_record& r);
result<void> set_cursor(connection& c, const std::string& jurisdiction_id, const std::string& cursor, timestamp at);

}  // namespace siaga::storage::sqlite::lapor_sql
