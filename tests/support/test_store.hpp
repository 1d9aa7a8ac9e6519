// Which store the integration tests run siaga on (issue 13 item 2): SQLite by default, or
// PostgreSQL when TEST_SIAGA_STORE=postgres (not SIAGA_: siaga refuses an unknown SIAGA_ variable), each test server
// then on a database of its own in the cluster that SIAGA_TEST_POSTGRES (libpq keywords) or SIAGA_TEST_POSTGRES_FILE
// (the file scripts/pg-test-cluster.sh writes) names, or TEST_SIAGA_STORE=postgres:FILE (that file). CTest runs the
// suite both ways (the "pg." tests).
#pragma once

#include <string>

namespace siaga::testing {

// True when the tests run on PostgreSQL.
bool on_postgres();

// True when database is a PostgreSQL location rather than an SQLite file.
bool is_postgres_database(const std::string& database);

// A new, empty database for a test server whose files live in dir: dir/siaga.db on SQLite, a new
// PostgreSQL database (its libpq keyword string) otherwise, recorded in dir so that
// database_of(dir) finds it again (a restart on the same data). A test failure when PostgreSQL
// is asked for and cannot be reached.
std::string new_test_database(const std::string& dir);

// A new database for a test server in dir holding the demo city as `siaga seed --demo` writes
// it, recorded as new_test_database records it; log gets the seed's output. On SQLite the file
// is seeded in place. On PostgreSQL the database is a copy (CREATE DATABASE ... TEMPLATE) of
// siaga_demo_template, which the first test to need it seeds once per cluster, under an advisory
// lock that serialises the test processes; the template is seeded again when the siaga binary
// changed or when it is older than template_max_age_s (the demo's history ends at the moment of
// seeding, so a copy differs from a fresh seed only in that moment). A test failure (and the
// unseeded database) when seeding fails.
std::string new_seeded_test_database(const std::string& dir, const std::string& log);

// How old (seconds) the PostgreSQL template may be before it is seeded again.
inline constexpr long long template_max_age_s = 600;

// The database new_test_database made for dir.
std::string database_of(const std::string& dir);

// Removes a PostgreSQL database made by new_test_database (an SQLite file goes with its folder).
void drop_test_database(const std::string& database);

}  // namespace siaga::testing
