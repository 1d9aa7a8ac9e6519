// Which store a --database value names (open_database.hpp), and that a password never gets
// into what is printed of it.
#include "storage/open_database.hpp"

#include "storage/store_test_fixture.hpp"

namespace siaga::storage::contract {
namespace {

TEST(open_database, connection_strings_name_postgresql_and_everything_else_is_a_path) {
  for (std::string_view pg : {"postgresql://siaga@db1,db2/siaga?target_session_attrs=read-write",
                              "postgres://localhost/siaga", "host=127.0.0.1 port=5432 dbname=siaga",
                              "  dbname = siaga", "service=siaga"}) {
    EXPECT_TRUE(is_postgres_location(pg)) << pg;
  }
  for (std::string_view path : {"data/siaga.db", "/var/lib/siaga/siaga.db", "siaga.db", "./a=b.db", "data/x=1.db",
                                "Host=x", "=x", ""}) {
    EXPECT_FALSE(is_postgres_location(path)) << path;
  }
}

TEST(open_database, a_printed_location_has_no_password) {
  EXPECT_EQ(printable_location("data/siaga.db"), "data/siaga.db");
  EXPECT_EQ(printable_location("postgresql://siaga:rahasia123@db1:5432,db2/siaga"),
            "postgresql://siaga:***@db1:5432,db2/siaga");
  EXPECT_EQ(printable_location("postgresql://db1/siaga?user=siaga&password=rahasia123&sslmode=require"),
            "postgresql://db1/siaga?user=siaga&password=***&sslmode=require");
  EXPECT_EQ(printable_location("postgres://siaga@db1/siaga"), "postgres://siaga@db1/siaga");
  EXPECT_EQ(printable_location("host=db1 password=rahasia123 dbname=siaga"), "host=db1 password=*** dbname=siaga");
  EXPECT_EQ(printable_location("host=db1 password = 'rahasia 123' dbname=siaga"),
            "host=db1 password = *** dbname=siaga");
  EXPECT_EQ(printable_location("host=db1 user=siaga"), "host=db1 user=siaga");
}

TEST(open_database, a_connection_string_opens_postgresql_and_a_path_opens_sqlite) {
  auto pg = make_postgres_backend();
  auto conninfo = pg.make_location();
  {
    auto st = open_database(conninfo);
    ASSERT_EQ(outcome(st), "ok");
    EXPECT_NE(dynamic_cast<postgres::postgres_store*>(st->get()), nullptr);
    EXPECT_EQ(outcome((*st)->migrate()), "ok");
    (*st)->close();
  }
  pg.destroy(conninfo);

  // An unreachable server is unavailable, naming where, and no file is made of the string.
  auto cwd = std::filesystem::current_path();
  auto unreachable = open_database("host=127.0.0.1 port=1 dbname=siaga password=rahasia123");
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(code_of(unreachable), "unavailable");
  EXPECT_EQ(unreachable.error().message.find("rahasia123"), std::string::npos) << unreachable.error().message;
  EXPECT_FALSE(std::filesystem::exists(cwd / "host=127.0.0.1 port=1 dbname=siaga password=rahasia123"));

  auto sqlite = make_sqlite_backend();
  auto path = sqlite.make_location();
  {
    auto st = open_database(path);
    ASSERT_EQ(outcome(st), "ok");
    EXPECT_NE(dynamic_cast<sqlite::sqlite_store*>(st->get()), nullptr);
    (*st)->close();
  }
  sqlite.destroy(path);
}

}  // namespace
}  // namespace siaga::storage::contract
