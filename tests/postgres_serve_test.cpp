// `siaga seed --demo`, `siaga serve`, `stats rebuild`, `import calls` and `audit verify` on
// PostgreSQL (issue 13 item 1): a --database that is a
// libpq connection string selects the PostgreSQL store (storage/open_database.hpp), with the
// same API over it; the password in the string never reaches the log. The server is a
// throw-away cluster this test starts and removes (scripts/pg-test-cluster.sh, as the storage
// tests' fixture does), or the one SIAGA_TEST_POSTGRES names.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_cluster.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace siaga::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(postgres_serve, the_demo_city_is_seeded_and_served_from_postgresql) {
  test_cluster cluster;
  auto server = cluster.conninfo();
  ASSERT_FALSE(server.empty()) << "the test cluster did not start: " << cluster.start_log();
  auto name = "siaga_serve_" + std::to_string(::getpid());
  (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  ASSERT_EQ(pg_exec(server, "CREATE DATABASE " + name), "");
  // The cluster trusts loopback, so the password is never checked: it is there to be hidden.
  auto conninfo = server + " dbname=" + name + " password=rahasia123";

  std::string tmpl = "/tmp/siaga-pgserve-XXXXXX";
  std::string dir = mkdtemp(tmpl.data());
  ASSERT_EQ(run_siaga({"seed", "--demo", "--database", conninfo}, dir + "/seed.log"), 0) << slurp(dir + "/seed.log");
  EXPECT_EQ(slurp(dir + "/seed.log").find("rahasia123"), std::string::npos) << "the password is not printed";
  EXPECT_NE(slurp(dir + "/seed.log").find("password=***"), std::string::npos) << slurp(dir + "/seed.log");
  // Seeding again finds the city there, in PostgreSQL.
  ASSERT_EQ(run_siaga({"seed", "--demo", "--database", conninfo}, dir + "/seed2.log"), 0);
  EXPECT_NE(slurp(dir + "/seed2.log").find("sudah ada"), std::string::npos) << slurp(dir + "/seed2.log");

  {
    // The later --database wins over the one the fixture gives (a file that is never made).
    server_process siaga(false, {"--database", conninfo, "--log-level", "info"});
    ASSERT_NE(siaga.port(), 0);
    EXPECT_FALSE(std::filesystem::exists(siaga.database())) << "no SQLite file was made";
    http_client client("127.0.0.1", siaga.port());
    auto token = client.login("calltaker", demo_password);
    auto incidents = client.get("/api/v1/incidents?limit=5", token);
    ASSERT_EQ(incidents.status, 200) << incidents.body;
    EXPECT_EQ(incidents.json().at("items").as_array().size(), 5u) << "the demo's incidents, read from PostgreSQL";
    auto places = client.get("/api/v1/places?q=gong", token);
    ASSERT_EQ(places.status, 200) << places.body;
    EXPECT_EQ(places.json().at("items").at(0).at("name").as_string(), "Gong Perdamaian Dunia");

    auto categories = client.get("/api/v1/categories", token);
    ASSERT_EQ(categories.status, 200) << categories.body;
    std::string category(categories.json().at("items").at(0).at("id").as_string());
    auto made = client.request("POST", "/api/v1/reports",
                               R"({"channel":"call","description":"Kebakaran rumah di Jl. Pattimura","category_id":")" +
                                   category + R"(","reporter_phone":"+6281234500001","location":{"lat":-3.69,"lon":128.18}})",
                               token);
    ASSERT_EQ(made.status, 201) << made.body;
    std::string id(made.json().at("id").as_string());
    auto back = client.get("/api/v1/reports/" + id, token);
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(back.json().at("description").as_string(), "Kebakaran rumah di Jl. Pattimura");
    // Bad input is refused and changes nothing, as on SQLite.
    auto bad = client.request("POST", "/api/v1/reports", R"({"channel":"call","description":""})", token);
    EXPECT_EQ(bad.status, 400) << bad.body;
    siaga.stop();
    auto log = slurp(siaga.dir() + "/siaga.log");
    EXPECT_EQ(log.find("rahasia123"), std::string::npos) << log;
    EXPECT_NE(log.find("dbname=" + name), std::string::npos) << "the log says which database: " << log;
  }

  // The commands that write or recount open PostgreSQL as serve does (storage/open_database.hpp).
  // The rollups the writer kept while seeding and serving equal the event log's replay.
  ASSERT_EQ(run_siaga({"stats", "rebuild", "--database", conninfo}, dir + "/rebuild.log"), 0) << slurp(dir + "/rebuild.log");
  EXPECT_EQ(slurp(dir + "/rebuild.log").find("rahasia123"), std::string::npos);
  // A PBX's CDR file goes in once (a bad row refused by its line, exit 3), and the call
  // rollups stay equal to their recount.
  std::ofstream(dir + "/cdr.csv") << "call_id,number,line,ring,answer,end,agent,outcome,classification\n"
                                     "pgx-1,0812-3456-7001,112,2026-11-20T01:00:00Z,2026-11-20T01:00:07Z,"
                                     "2026-11-20T01:03:00Z,2001,answered,prank\n"
                                     "pgx-2,0812-3456-7002,112,2026-11-20T02:00:00Z,,2026-11-20T02:00:30Z,,missed,\n"
                                     "pgx-3,,112,2026-11-20T03:00:00Z,,2026-11-20T03:01:00Z,,hilang,\n";
  EXPECT_EQ(run_siaga({"import", "calls", dir + "/cdr.csv", "--format", "generic", "--database", conninfo},
                      dir + "/import.log"),
            3)
      << slurp(dir + "/import.log");
  EXPECT_NE(slurp(dir + "/import.log").find("2 panggilan dibaca"), std::string::npos) << slurp(dir + "/import.log");
  EXPECT_NE(slurp(dir + "/import.log").find("DITOLAK baris 4"), std::string::npos) << slurp(dir + "/import.log");
  EXPECT_EQ(run_siaga({"import", "calls", dir + "/cdr.csv", "--database", conninfo}, dir + "/import2.log"), 3);
  EXPECT_NE(slurp(dir + "/import2.log").find(" 0 event telepon baru"), std::string::npos) << slurp(dir + "/import2.log");
  ASSERT_EQ(run_siaga({"stats", "rebuild", "--database", conninfo}, dir + "/rebuild2.log"), 0)
      << slurp(dir + "/rebuild2.log");

  // The chain written on PostgreSQL verifies there, and an edited event is found.
  ASSERT_EQ(run_siaga({"audit", "verify", "--database", conninfo}, dir + "/verify.log"), 0) << slurp(dir + "/verify.log");
  EXPECT_NE(slurp(dir + "/verify.log").find("rantai hash utuh"), std::string::npos) << slurp(dir + "/verify.log");
  auto db = server + " dbname=" + name;
  ASSERT_EQ(pg_exec(db, "ALTER TABLE events DISABLE TRIGGER USER"), "");
  ASSERT_EQ(pg_exec(db, "UPDATE events SET kind = 'report.edited' WHERE seq = (SELECT max(seq) FROM events)"), "");
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", conninfo}, dir + "/verify2.log"), 1)
      << slurp(dir + "/verify2.log");
  EXPECT_NE(slurp(dir + "/verify2.log").find("RUSAK"), std::string::npos) << slurp(dir + "/verify2.log");
  EXPECT_EQ(slurp(dir + "/verify2.log").find("rahasia123"), std::string::npos);

  // An unreachable server stops `siaga serve` at start with a clear error, not a crash.
  EXPECT_EQ(run_siaga({"serve", "--database", "host=127.0.0.1 port=1 dbname=siaga password=rahasia123", "--port", "0",
                       "--web-root", ""},
                      dir + "/down.log"),
            1);
  auto down = slurp(dir + "/down.log");
  EXPECT_NE(down.find("cannot connect to 127.0.0.1:1/siaga"), std::string::npos) << down;
  EXPECT_EQ(down.find("rahasia123"), std::string::npos) << down;

  (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace siaga::testing
