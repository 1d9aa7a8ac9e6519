// The SQLite schema as numbered migrations. A migration, once released, is never edited: a
// change to the schema is a new migration at the end of the list.
#pragma once

#include "core/error.hpp"

#include <span>
#include <string_view>

namespace siaga::storage::sqlite {

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
// Safe against a concurrent migrator: each version is re-checked under the write lock.
// Fails with storage_failure when the database was migrated by a newer program (a version
// this one does not know) or when a migration leaves a dangling foreign key.
core::result<int> migrate(connection& conn);
// The same over a given list (versions 1, 2, 3, ... in order; internal error otherwise), for
// tests of the migrator itself. A migration's foreign keys are checked in the tables its sql
// names and the tables that refer to those, not in the whole database.
core::result<int> migrate(connection& conn, std::span<const migration> migrations);

}  // namespace siaga::storage::sqlite
