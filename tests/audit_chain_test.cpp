// The event log is a hash chain: editing or deleting a row is detected.
#include "domain/lifecycle.hpp"
#include "storage/store.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

namespace siaga::testing {
namespace json = boost::json;

namespace {

// Runs SQL on the database file directly, as an attacker with file access would.
void tamper(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  // The append-only triggers must be dropped first: the attacker does that too.
  std::string all = "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete; " + sql;
  int rc = sqlite3_exec(h, all.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

std::optional<domain::chain_break> verify(const std::string& db, std::size_t& count) {
  auto st = storage::open_sqlite({db});
  EXPECT_TRUE(st.has_value());
  auto jurs = (*st)->reader().list_jurisdictions();
  EXPECT_TRUE(jurs.has_value());
  std::optional<domain::chain_break> first;
  count = 0;
  for (const auto& j : *jurs) {
    auto events = (*st)->reader().events_of_jurisdiction(j.id);
    EXPECT_TRUE(events.has_value());
    count += events->size();
    if (auto b = domain::verify_chain(*events); b && !first) first = b;
  }
  (*st)->close();
  return first;
}

}  // namespace

TEST(audit_chain, edited_or_deleted_events_are_detected) {
  server_process server;
  {
    http_client c{"127.0.0.1", server.port()};
    auto ct = c.login("calltaker", demo_password);
    auto r = c.post("/api/v1/reports", json::object{{"description", "Pohon tumbang menutup jalan"}}, ct);
    ASSERT_EQ(r.status, 201);
  }
  ASSERT_EQ(server.stop(), 0);

  std::size_t count = 0;
  auto whole = verify(server.database(), count);
  EXPECT_FALSE(whole.has_value()) << whole->reason;
  ASSERT_GT(count, 10u);

  // Appending through SQL is refused by the triggers while they stand.
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(server.database().c_str(), &h), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(h, "UPDATE events SET kind = 'x' WHERE seq = 5", nullptr, nullptr, nullptr), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(h, "DELETE FROM events WHERE seq = 5", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(h);
  }

  auto copy = server.dir() + "/edited.db";
  std::filesystem::copy_file(server.database(), copy);
  tamper(copy, "UPDATE events SET payload_json = '{\"note\":\"edited\"}' WHERE seq = 7;");
  auto edited = verify(copy, count);
  ASSERT_TRUE(edited.has_value());
  EXPECT_EQ(edited->seq, 7);
  auto log = server.dir() + "/audit.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", server.database()}, log), 0);
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", copy}, log), 1);

  auto copy2 = server.dir() + "/deleted.db";
  std::filesystem::copy_file(server.database(), copy2);
  tamper(copy2, "DELETE FROM events WHERE seq = 9;");
  auto deleted = verify(copy2, count);
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->seq, 10);
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", copy2}, log), 1);
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", server.dir() + "/missing.db"}, log), 1);
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("UTUH   81.71"), std::string::npos) << text;
  EXPECT_NE(text.find("rantai putus pada event seq 7"), std::string::npos) << text;
  EXPECT_NE(text.find("rantai putus pada event seq 10"), std::string::npos) << text;
}

}  // namespace siaga::testing
