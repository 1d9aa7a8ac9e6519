// The SQL of the Idempotency-Keys of creating requests (issue 13 item 4), kept apart from
// sqlite_store.cpp, which forwards its store_reader / store_txn methods here (the SQL is shared:
// storage/idempotency_sql.ipp). Internal to storage/sqlite/.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace siaga::storage::sqlite::idempotency_sql {

// The store contract's Idempotency-Key methods (storage/idempotency_store.hpp) over one connection.
result<std::optional<idempotency_record>> find(connection& c, const std::string& jurisdiction_id,
                                               const std::string& kind, const std::string& key);
result<bool> claim(connection& c, const idempotency_record& r);
result<std::int64_t> purge(connection& c, timestamp cutoff);

}  // namespace siaga::storage::sqlite::idempotency_sql
