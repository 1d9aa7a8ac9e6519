// The PostgreSQL schema as numbered migrations of its own (they do not follow the SQLite
// store's numbers: migration 1 here is the SQLite schema as of its migration 17, for the
// tables of the facets done so far). A migration, once released, is never edited: a change to
// the schema is a new migration at the end of the list.
#pragma once

#include "core/error.hpp"

#include <span>
#include <string_view>

namespace siaga::storage::postgres {

class connection;

struct migration {
  int version;            // 1, 2, 3, ... without gaps, in list order
  std::string_view name;  // what it does, recorded in schema_migrations
  std::string_view sql;   // one or more statements
};

// Every migration this program knows, oldest first.
std::span<const migration> all_migrations();

// Applies the migrations not yet recorded in schema_migrations (created when missing), each
// in its own transaction together with its schema_migrations row, and returns how many ran.
// Safe against a concurrent migrator (another node starting): every migration transaction
// holds one advisory lock, and each version is re-checked under it. Fails with
// storage_failure when the database was migrated by a newer program.
core::result<int> migrate(connection& conn);

}  // namespace siaga::storage::postgres
