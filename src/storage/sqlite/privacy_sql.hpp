// The SQL of erasing personal data (issue 12, UU PDP; storage/privacy_store.hpp), kept apart
// from sqlite_store.cpp, which forwards its store_txn methods here. The reads live in
// model_sql, beside the report and event row decoders.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

namespace siaga::storage::sqlite::privacy_sql {

// The store contract's privacy writes (storage/privacy_store.hpp) over the writer's connection.
result<contact_erasure> erase_reporter_contacts(connection& c, const privacy_scope& scope);
result<std::int64_t> erase_photos(connection& c, const privacy_scope& scope);
result<std::int64_t> coarsen_locations(connection& c, const privacy_scope& scope);
result<std::int64_t> erase_caller_numbers(connection& c, const privacy_scope& scope);
result<void> write_erased_event(connection& c, const domain::event& e);

}  // namespace siaga::storage::sqlite::privacy_sql
