// Which store a --database value names, and opening it: what lets `siaga serve` run on either
// store without knowing which (issue 13 item 1). A header of its own so that the commands
// that open a database include it, not every user of store.hpp.
#pragma once

#include "storage/store.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace siaga::storage {

// True when database names a PostgreSQL database rather than an SQLite file: a postgresql:// or
// postgres:// URI, or libpq keywords ("host=127.0.0.1 dbname=siaga": the first word a keyword
// of letters and underscores followed by '='). A path whose first word looks so ("a=b.db")
// needs a folder in front ("./a=b.db").
bool is_postgres_location(std::string_view database);

// database as it may be printed: a PostgreSQL location without its password (a URI's user
// info after the user name, a password= keyword's value), a path as it is.
std::string printable_location(std::string_view database);

// Opens the store database names: PostgreSQL (is_postgres_location) with postgres's options and
// that connection string, else the SQLite file at that path with sqlite's options. Fails as
// open_postgres or open_sqlite does.
result<std::unique_ptr<store>> open_database(const std::string& database, sqlite_options sqlite = {},
                                             postgres_options postgres = {});

}  // namespace siaga::storage
