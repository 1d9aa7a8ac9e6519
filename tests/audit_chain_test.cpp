// The event log is a hash chain: editing or deleting a row is detected.
#include "domain/lifecycle.hpp"
#include "storage/open_database.hpp"
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace siaga::testing {
namespace json = boost::json;

namespace {

// Runs SQL on the database directly, as an attacker with access to it would.
void tamper(const std::string& db, const std::string& sql) {
  // The append-only triggers must be dropped first: the attacker does that too.
  EXPECT_EQ(exec_sql(db, drop_event_triggers_sql(db) + sql), "");
}

std::optional<domain::chain_break> verify(const std::string& db, std::size_t& count) {
  auto st = storage::open_database(db);
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
  EXPECT_NE(exec_sql(server.database(), "UPDATE events SET kind = 'x' WHERE seq = 5"), "");
  EXPECT_NE(exec_sql(server.database(), "DELETE FROM events WHERE seq = 5"), "");

  auto copy = copy_database(server.database(), server.dir(), "edited");
  ASSERT_NE(copy, "");
  tamper(copy, "UPDATE events SET payload_json = '{\"note\":\"edited\"}' WHERE seq = 7;");
  auto edited = verify(copy, count);
  ASSERT_TRUE(edited.has_value());
  EXPECT_EQ(edited->seq, 7);
  auto log = server.dir() + "/audit.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", server.database()}, log), 0);
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", copy}, log), 1);

  auto copy2 = copy_database(server.database(), server.dir(), "deleted");
  ASSERT_NE(copy2, "");
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
  drop_test_database(copy);
  drop_test_database(copy2);
}

}  // namespace siaga::testing
