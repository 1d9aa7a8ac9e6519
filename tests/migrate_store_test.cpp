// `siaga migrate-store` (issue 13 item 5): a city moved from its SQLite file to PostgreSQL and
// back comes back the same, row for row (media bytes, booleans, times, the event chain), with
// its statistics rebuilt equal; wrong requests are refused and write nothing.
#include "domain/media.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_cluster.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace siaga::testing {
namespace json = boost::json;
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A PNG header and every byte value, NUL included: bytes that must cross both stores unchanged.
std::string photo_bytes() {
  std::string out("\x89PNG\r\n\x1A\n", 8);
  out += std::string("\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90\x77\x53\xDE", 25);
  for (int i = 0; i < 512; ++i) out.push_back(static_cast<char>(i * 7));
  return out;
}

std::vector<std::string> column_of(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto* t = sqlite3_column_text(st, 0);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(st);
  return out;
}

// The tables whose rows both copies must hold alike: all but what a store keeps for itself.
bool compared(const std::string& table) {
  return !table.starts_with("sqlite_") && table != "schema_migrations" && table != "directory_versions" &&
         table != "area_versions";
}

}  // namespace

TEST(migrate_store, a_city_moves_to_postgresql_and_back_row_for_row) {
  test_cluster cluster;
  ASSERT_FALSE(cluster.conninfo().empty()) << "the test cluster did not start: " << cluster.start_log();
  auto pg = cluster.new_database("siaga_move_" + std::to_string(::getpid()));
  ASSERT_FALSE(pg.empty());

  std::string tmpl = "/tmp/siaga-move-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  const std::string source = dir + "/siaga.db";
  ASSERT_EQ(run_siaga({"seed", "--demo", "--database", source}, dir + "/seed.log"), 0) << slurp(dir + "/seed.log");
  std::string photo_id;
  {
    auto server = server_process::reuse(dir, {"--max-new-reports-per-reporter", "0"});
    http_client c("127.0.0.1", server.port());
    auto ct = c.login("calltaker", demo_password);
    auto damkar = c.login("damkar", demo_password);
    auto fire = category(c, ct, "fire");
    auto rep = c.post("/api/v1/reports",
                      json::object{{"description", "Kebakaran gudang, pindah basis data diuji"},
                                   {"category_id", fire.at("id")}},
                      ct);
    ASSERT_EQ(rep.status, 201) << rep.body;
    auto inc = c.post("/api/v1/reports/" + str(rep.json(), "id") + "/accept", json::object{}, ct);
    ASSERT_EQ(inc.status, 200) << inc.body;
    auto damkar_id = agency_id(c, ct, "DAMKAR");
    std::string dispatch;
    for (const auto& d : inc.json().at("dispatches").as_array()) {
      if (str(d, "agency_id") == damkar_id) dispatch = str(d, "id");
    }
    ASSERT_FALSE(dispatch.empty());
    auto up = c.request("POST", "/api/v1/dispatches/" + dispatch + "/media", photo_bytes(), damkar, "image/png",
                        {{"Content-Type", "image/png"}});
    ASSERT_EQ(up.status, 201) << up.body;
    photo_id = str(up.json(), "id");
  }

  // Refused before anything is written: both SQLite, a source that is not there.
  EXPECT_EQ(run_siaga({"migrate-store", "--from", source, "--to", dir + "/b.db"}, dir + "/refused1.log"), 2)
      << slurp(dir + "/refused1.log");
  EXPECT_NE(slurp(dir + "/refused1.log").find("siaga backup"), std::string::npos) << slurp(dir + "/refused1.log");
  EXPECT_FALSE(std::filesystem::exists(dir + "/b.db"));
  EXPECT_EQ(run_siaga({"migrate-store", "--from", dir + "/none.db", "--to", pg}, dir + "/refused2.log"), 2)
      << slurp(dir + "/refused2.log");
  EXPECT_EQ(pg_scalar(pg, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'events'"), "0")
      << "nothing was made in the target";

  ASSERT_EQ(run_siaga({"migrate-store", "--from", source, "--to", pg}, dir + "/there.log"), 0)
      << slurp(dir + "/there.log");
  auto there = slurp(dir + "/there.log");
  EXPECT_NE(there.find("DISALIN events: "), std::string::npos) << there;
  EXPECT_NE(there.find("DIBANGUN "), std::string::npos) << there;
  EXPECT_NE(there.find("UTUH"), std::string::npos) << there;
  EXPECT_NE(there.find("SELESAI"), std::string::npos) << there;
  EXPECT_EQ(std::to_string(count_rows(source, "events")), pg_scalar(pg, "SELECT count(*) FROM events"));
  EXPECT_EQ(pg_scalar(pg, "SELECT encode(sha256(bytes), 'hex') FROM media WHERE id = '" + photo_id + "'"),
            domain::sha256_hex(photo_bytes()));
  ASSERT_EQ(run_siaga({"audit", "verify", "--database", pg}, dir + "/verify.log"), 0) << slurp(dir + "/verify.log");

  // The target now holds a city: a second copy into it is refused and changes nothing.
  auto events_there = pg_scalar(pg, "SELECT count(*) FROM events");
  EXPECT_EQ(run_siaga({"migrate-store", "--from", source, "--to", pg}, dir + "/again.log"), 2)
      << slurp(dir + "/again.log");
  EXPECT_NE(slurp(dir + "/again.log").find("not empty"), std::string::npos) << slurp(dir + "/again.log");
  EXPECT_EQ(pg_scalar(pg, "SELECT count(*) FROM events"), events_there);

  // And back into a new file: every table's rows as they were, the rebuilt statistics included.
  auto back = dir + "/back.db";
  ASSERT_EQ(run_siaga({"migrate-store", "--from", pg, "--to", back}, dir + "/back.log"), 0) << slurp(dir + "/back.log");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(back.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, ("ATTACH DATABASE '" + source + "' AS original").c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  auto tables = column_of(db, "SELECT name FROM original.sqlite_master WHERE type = 'table' ORDER BY name");
  ASSERT_GT(tables.size(), 30u);
  int checked = 0;
  for (const auto& t : tables) {
    if (!compared(t)) continue;
    // A rollup row whose count went back to 0 stays where it was kept and is not made by a
    // rebuild: the rollups are compared by their counted rows.
    bool counted = column_of(db, "SELECT count(*) FROM pragma_table_info('" + t + "') WHERE name = 'n'")[0] == "1";
    const std::string where = counted ? " WHERE n <> 0" : "";
    auto rows_of = [&](const std::string& schema) { return "SELECT * FROM " + schema + ".\"" + t + "\"" + where; };
    auto only_original = column_of(db, "SELECT count(*) FROM (" + rows_of("original") + " EXCEPT " + rows_of("main") + ")");
    auto only_copy = column_of(db, "SELECT count(*) FROM (" + rows_of("main") + " EXCEPT " + rows_of("original") + ")");
    auto rows = column_of(db, "SELECT count(*) FROM (" + rows_of("main") + ")");
    EXPECT_EQ(only_original, std::vector<std::string>{"0"}) << t << ": rows of the original missing in the copy";
    EXPECT_EQ(only_copy, std::vector<std::string>{"0"}) << t << ": rows of the copy not in the original";
    EXPECT_EQ(rows, column_of(db, "SELECT count(*) FROM (" + rows_of("original") + ")")) << t;
    ++checked;
  }
  EXPECT_GT(checked, 30);
  EXPECT_EQ(column_of(db, "SELECT count(*) FROM main.media")[0], "1");
  sqlite3_close(db);
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", back}, dir + "/verify2.log"), 0) << slurp(dir + "/verify2.log");
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace siaga::testing
