// What the PostgreSQL store does beyond the shared contract (store_test_fixture.hpp runs that
// on it): clear errors for a bad connection string and an unreachable server, the facets not
// built yet failing by name, its own migrations, SQLite's statement-level rollback inside a
// command, reconnecting after the server cut its connections, a batch lost before COMMIT run
// again once (issue 13 item 4), and two stores (nodes) on one
// database claiming outbox rows by lease.
#include "storage/postgres/postgres_store.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/store_test_fixture.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

namespace siaga::storage::contract {
namespace {

// Ends the connections to the test database that match which (SQL on pg_stat_activity) from
// a connection of its own, and waits until the server has let them go.
void end_connections(backend& b, const std::string& location, const std::string& which) {
  auto ended = b.raw_sql(location, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                                   "current_database() AND " + which);
  ASSERT_TRUE(ended) << ended.error().message;
  for (int i = 0; i < 500; ++i) {
    auto left = b.raw_sql(location,
                          "DO $$ BEGIN IF (SELECT count(*) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND " + which + ") > 0 THEN RAISE EXCEPTION 'still there'; END IF; END $$");
    if (left) return;
    std::this_thread::sleep_for(10ms);
  }
  FAIL() << "the server did not end the connections";
}

class postgres_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = make_postgres_backend();
    location_ = backend_.make_location();
    auto opened = backend_.open(location_);
    ASSERT_EQ(outcome(opened), "ok");
    store_ = std::move(*opened);
    ASSERT_EQ(outcome(store_->migrate()), "ok");
    ASSERT_EQ(outcome(store_->write(
                  [](store_txn& t) { return t.insert_jurisdiction(make_jurisdiction("j1", "81.71", "AMB")); })),
              "ok");
  }

  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    backend_.destroy(location_);
  }

  // Ends every other connection to the test database, as a server restart or a failover
  // would, and waits until the server has let them go.
  void cut_connections() { end_connections(backend_, location_, "pid <> pg_backend_pid()"); }

  backend backend_;
  std::string location_;
  std::unique_ptr<store> store_;
};

TEST(postgres_sql, sqlite_placeholders_become_numbered_ones_outside_quotes) {
  using postgres::numbered_placeholders;
  EXPECT_EQ(numbered_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ? OFFSET ?"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4 OFFSET $5");
  EXPECT_EQ(numbered_placeholders("SELECT CAST(?1 AS TEXT), x FROM t WHERE id = ?12"),
            "SELECT CAST($1 AS TEXT), x FROM t WHERE id = $12");
  EXPECT_EQ(numbered_placeholders("SELECT '?', 'it''s ?', \"odd?\" FROM t WHERE a = ?"),
            "SELECT '?', 'it''s ?', \"odd?\" FROM t WHERE a = $1");
  EXPECT_EQ(numbered_placeholders("SELECT $1, $2"), "SELECT $1, $2");
}

TEST(postgres_open, a_connection_string_that_does_not_parse_is_invalid_input_saying_what_to_give) {
  auto opened = open_postgres({.conninfo = "host=127.0.0.1 port"});
  ASSERT_FALSE(opened);
  EXPECT_EQ(code_of(opened), "invalid_input");
  EXPECT_NE(opened.error().message.find("connection string is not valid"), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("postgresql://"), std::string::npos);

  auto empty = open_postgres({.conninfo = ""});
  EXPECT_EQ(code_of(empty), "invalid_input");
  auto uri = open_postgres({.conninfo = "postgresql://siaga@127.0.0.1:5432/x?nonsense=1"});
  EXPECT_EQ(code_of(uri), "invalid_input");
}

TEST(postgres_open, an_unreachable_server_is_unavailable_naming_where_but_not_the_password) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto opened = open_postgres({.conninfo = "host=127.0.0.1 port=1 dbname=siaga user=siaga password=rahasia123 "
                                           "connect_timeout=5"});
  ASSERT_FALSE(opened);
  EXPECT_EQ(code_of(opened), "unavailable");
  const auto& message = opened.error().message;
  EXPECT_NE(message.find("cannot connect to 127.0.0.1:1/siaga"), std::string::npos) << message;
  EXPECT_EQ(message.find("rahasia123"), std::string::npos) << message;

  auto batch = open_postgres({.conninfo = postgres_test_server(), .max_batch = 0});
  EXPECT_EQ(code_of(batch), "invalid_input");
}

TEST_F(postgres_store_test, a_database_that_does_not_exist_is_unavailable_naming_it) {
  auto opened = open_postgres({.conninfo = postgres_test_server() + " dbname=siaga_no_such_database"});
  ASSERT_FALSE(opened);
  EXPECT_EQ(code_of(opened), "unavailable");
  EXPECT_NE(opened.error().message.find("siaga_no_such_database"), std::string::npos) << opened.error().message;
}

TEST_F(postgres_store_test, migrations_are_recorded_and_a_newer_schema_is_refused) {
  ASSERT_EQ(outcome(backend_.raw_sql(location_, "DO $$ BEGIN IF (SELECT count(*) FROM schema_migrations) <> " +
                                                    std::to_string(postgres::all_migrations().size()) +
                                                    " THEN RAISE EXCEPTION 'not recorded'; END IF; END $$")),
            "ok");
  EXPECT_EQ(store_->migrate().value(), 0);
  ASSERT_EQ(outcome(backend_.raw_sql(location_, "INSERT INTO schema_migrations VALUES (999, 'from the future', 0)")),
            "ok");
  auto again = store_->migrate();
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("newer than this program"), std::string::npos) << again.error().message;
}

TEST_F(postgres_store_test, a_failed_statement_is_undone_alone_and_its_command_goes_on) {
  // As in SQLite: a command may try a write, see it refused and carry on in the same
  // transaction (PostgreSQL alone would refuse everything until a rollback).
  ASSERT_EQ(outcome(store_->write([](store_txn& t) -> result<void> {
              auto again = t.insert_jurisdiction(make_jurisdiction("j1", "81.71", "AMB"));
              EXPECT_EQ(code_of(again), "conflict");
              auto dangling = t.insert_district(make_district("nowhere", "d0", "00.00.00"));
              EXPECT_EQ(code_of(dangling), "storage_failure");
              return t.insert_district(make_district("j1", "d1", "81.71.01"));
            })),
            "ok");
  EXPECT_EQ(ids_of(store_->reader().list_districts("j1").value()), std::vector<std::string>{"d1"});
}

// A statement PostgreSQL cannot prepare (a parameter whose type nothing says) fails with
// PostgreSQL's reason and, on the writer's connection, is undone alone as a failed statement
// is: the transaction goes on and commits what came before and after it.
TEST_F(postgres_store_test, a_statement_that_cannot_be_prepared_fails_alone_naming_why) {
  auto opened = postgres::connection::open(location_);
  ASSERT_EQ(outcome(opened), "ok");
  auto& c = **opened;
  c.set_statement_rollback(true);
  ASSERT_EQ(outcome(c.run("BEGIN")), "ok");
  c.defer("SAVEPOINT command");
  auto before = c.prepare("INSERT INTO counters (jurisdiction_id, key, value) VALUES ('j1', 'before', 1)");
  ASSERT_EQ(outcome(before), "ok");
  ASSERT_EQ(outcome(before->run("counters")), "ok");
  auto bad = c.prepare("SELECT 1 WHERE $1 IS NULL");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("could not determine data type of parameter $1"), std::string::npos)
      << bad.error().message;
  EXPECT_FALSE(c.in_failed_transaction());
  auto after = c.prepare("INSERT INTO counters (jurisdiction_id, key, value) VALUES ('j1', 'after', 1)");
  ASSERT_EQ(outcome(after), "ok");
  ASSERT_EQ(outcome(after->run("counters")), "ok");
  ASSERT_EQ(outcome(c.run("RELEASE SAVEPOINT command; COMMIT")), "ok");
  auto count = c.prepare("SELECT count(*) FROM counters WHERE key IN ('before', 'after')");
  ASSERT_EQ(outcome(count), "ok");
  ASSERT_EQ(outcome(count->step("counters")), "ok");
  EXPECT_EQ(count->int64(0), 2);
}

// The writer sends each statement in one pipeline with its savepoint and the commands deferred
// until then (the command's savepoint, the previous command's release, the events lock): a
// failure in the middle of a command that appends events is still undone alone, the chain
// stays gapless, and a command failing after its statements leaves none of them behind.
TEST_F(postgres_store_test, a_pipelined_failure_between_event_appends_is_undone_alone) {
  ASSERT_EQ(outcome(store_->write([](store_txn& t) -> result<void> {
              if (auto e = t.append_event(make_event("j1", "e1", "i1")); !e) return e.error();
              EXPECT_EQ(code_of(t.insert_jurisdiction(make_jurisdiction("j1", "81.71", "AMB"))), "conflict");
              if (auto e = t.append_event(make_event("j1", "e2", "i1")); !e) return e.error();
              EXPECT_EQ(code_of(t.insert_district(make_district("nowhere", "d0", "00.00.00"))), "storage_failure");
              return t.insert_district(make_district("j1", "d1", "81.71.01"));
            })),
            "ok");
  EXPECT_EQ(code_of(store_->write([](store_txn& t) -> result<void> {
              if (auto e = t.append_event(make_event("j1", "e3", "i1")); !e) return e.error();
              if (auto r = t.insert_district(make_district("j1", "d2", "81.71.02")); !r) return r;
              return core::conflict("refused after its writes");
            })),
            "conflict");
  ASSERT_EQ(outcome(store_->write([](store_txn& t) -> result<void> {
              auto e = t.append_event(make_event("j1", "e4", "i1"));
              if (!e) return e.error();
              return {};
            })),
            "ok");
  auto chain = store_->reader().events_of_jurisdiction("j1").value();
  EXPECT_EQ(ids_of(chain), (std::vector<std::string>{"e1", "e2", "e4"}));
  EXPECT_EQ(seqs_of(chain), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_FALSE(domain::verify_chain(chain));
  EXPECT_EQ(ids_of(store_->reader().list_districts("j1").value()), std::vector<std::string>{"d1"});
}

TEST_F(postgres_store_test, readers_and_the_writer_reconnect_after_the_server_cut_them) {
  ASSERT_EQ(store_->reader().list_jurisdictions().value().size(), 1u);
  cut_connections();
  // The read is retried once on a new connection; the batch is begun on a new connection.
  auto read = store_->reader().list_jurisdictions();
  ASSERT_EQ(outcome(read), "ok");
  EXPECT_EQ(read->size(), 1u);
  EXPECT_EQ(
      outcome(store_->write([](store_txn& t) { return t.insert_district(make_district("j1", "d1", "81.71.01")); })),
      "ok");
  EXPECT_EQ(store_->reader().list_districts("j1").value().size(), 1u);
}

// Ends the writer's connection while its batch is open (the server restarting, the primary
// dying in a failover): the writer is the one connection "idle in transaction" while a
// command's C++ runs.
void kill_the_writer_mid_batch(backend& b, const std::string& location) {
  end_connections(b, location, "state LIKE 'idle in transaction%'");
}

// Issue 13 item 4: a batch whose connection is lost before COMMIT left nothing committed, and
// is run again once on a new connection. Every command of it succeeds once: its rows are there
// once, the counter counted once, the chain carried on from the committed head (the carried
// head of the lost run forgotten) and verifies, the rollups are those of the rows (the lost
// run's changes dropped), and the next batch goes on as usual.
TEST_F(postgres_store_test, a_batch_lost_before_commit_runs_again_once_and_commits_once) {
  ASSERT_EQ(outcome(store_->write([](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.upsert_category(make_category("j1", "c_fire", "fire")));
              SIAGA_TRY(e, t.append_event(make_event("j1", "e0")));
              (void)e;
              return {};
            })),
            "ok");
  std::atomic<int> runs{0};
  std::atomic<int> counted{0};
  std::atomic<int> second_ran{0};
  // Two commands in one batch: the first kills the connection on its first run, after its
  // writes; the second is queued behind it and must not be lost either.
  std::promise<result<void>> first_done, second_done;
  store_->submit(
      [&](store_txn& t) -> result<void> {
        int run = ++runs;
        SIAGA_TRY(n, t.next_counter("j1", "incident_number"));
        counted = static_cast<int>(n);
        SIAGA_TRY(e1, t.append_event(make_event("j1", "e1", "i1")));
        (void)e1;
        SIAGA_CHECK(t.insert_incident(make_incident("j1", "i1", "c_fire", core::timestamp{} + 1000h)));
        if (run == 1) {
          kill_the_writer_mid_batch(backend_, location_);
          // The next statement finds the connection gone.
          EXPECT_EQ(code_of(t.insert_district(make_district("j1", "d1", "81.71.01"))), "unavailable");
          return core::make_error(core::errc::unavailable, "lost");
        }
        SIAGA_CHECK(t.insert_district(make_district("j1", "d1", "81.71.01")));
        SIAGA_TRY(e2, t.append_event(make_event("j1", "e2", "i1")));
        (void)e2;
        return {};
      },
      [&](result<void> r) { first_done.set_value(r); });
  store_->submit(
      [&](store_txn& t) -> result<void> {
        ++second_ran;
        SIAGA_TRY(e3, t.append_event(make_event("j1", "e3")));
        (void)e3;
        return t.insert_district(make_district("j1", "d2", "81.71.02"));
      },
      [&](result<void> r) { second_done.set_value(r); });
  auto first = first_done.get_future().get();
  auto second = second_done.get_future().get();
  EXPECT_EQ(outcome(first), "ok");
  EXPECT_EQ(outcome(second), "ok");
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(counted.load(), 1);  // the lost run's count was not kept
  EXPECT_GE(second_ran.load(), 1);

  auto chain = store_->reader().events_of_jurisdiction("j1").value();
  std::multiset<std::string> ids;
  for (const auto& e : chain) ids.insert(e.id);
  EXPECT_EQ(ids, (std::multiset<std::string>{"e0", "e1", "e2", "e3"}));
  EXPECT_EQ(seqs_of(chain), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_FALSE(domain::verify_chain(chain));
  EXPECT_EQ(ids_of(store_->reader().list_districts("j1").value()), (std::vector<std::string>{"d1", "d2"}));
  std::map<std::string, std::int64_t> differing;
  ASSERT_EQ(outcome(store_->write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(checks, t.rebuild_rollups());
              for (const auto& c : checks) differing[c.table] = c.differing;
              return {};
            })),
            "ok");
  EXPECT_EQ(differing["roll_incidents"], 0);
  EXPECT_EQ(outcome(store_->write([](store_txn& t) -> result<void> {
              SIAGA_TRY(e, t.append_event(make_event("j1", "e4")));
              EXPECT_EQ(e.seq, 5);
              return {};
            })),
            "ok");
  EXPECT_FALSE(domain::verify_chain(store_->reader().events_of_jurisdiction("j1").value()));
}

// A batch lost again on its second run fails with unavailable (503 and Retry-After above):
// nothing of it saved, the command run twice and not more, the store still writing after.
TEST_F(postgres_store_test, a_batch_lost_twice_fails_unavailable_and_saves_nothing) {
  int runs = 0;
  auto lost = store_->write([&](store_txn& t) -> result<void> {
    ++runs;
    SIAGA_CHECK(t.insert_district(make_district("j1", "d1", "81.71.01")));
    kill_the_writer_mid_batch(backend_, location_);
    return t.insert_district(make_district("j1", "d2", "81.71.02"));
  });
  EXPECT_EQ(code_of(lost), "unavailable");
  EXPECT_NE(lost.error().message.find("try again"), std::string::npos) << lost.error().message;
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(store_->reader().list_districts("j1").value().empty());
  EXPECT_EQ(
      outcome(store_->write([](store_txn& t) { return t.insert_district(make_district("j1", "d3", "81.71.03")); })),
      "ok");
  EXPECT_EQ(ids_of(store_->reader().list_districts("j1").value()), std::vector<std::string>{"d3"});
}

// Issue 13 item 3: several nodes deliver one outbox. Two stores on one database (two nodes),
// two claiming threads each: every due row is claimed by exactly one of them; the rows of a
// node that dies before recording its attempts are claimed again once their lease ends, and
// the rows whose delivery was recorded are not.
TEST_F(postgres_store_test, two_stores_on_one_database_never_claim_the_same_row_at_once) {
  constexpr int rows = 200;
  ASSERT_EQ(outcome(store_->write([](store_txn& t) -> result<void> {
              if (auto r = t.upsert_agency(make_agency("j1", "a_fire", "DAMKAR", domain::agency_kind::fire)); !r) return r;
              for (int i = 0; i < rows; ++i) {
                domain::notification n;
                n.id = "n" + std::to_string(1000 + i);
                n.jurisdiction_id = "j1";
                n.agency_id = "a_fire";
                n.target = "https://damkar.example/hook";
                n.event_kind = "dispatch.notified";
                n.payload_json = "{}";
                n.next_attempt_at = n.created_at = n.updated_at = at(0);
                if (auto r = t.insert_notification(n); !r) return r;
              }
              return {};
            })),
            "ok");
  auto other = backend_.open(location_);
  ASSERT_EQ(outcome(other), "ok");
  std::array<store*, 2> nodes{store_.get(), other->get()};

  std::array<std::vector<domain::notification>, 4> claimed;  // threads 0, 1 on node 0; 2, 3 on node 1
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < claimed.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < rows; ++round) {  // bounded: a store that never leases fails, not hangs
        auto got = nodes[t / 2]->reader().due_notifications(at(1), 7);
        if (!got) failures++;
        if (!got || got->empty()) return;
        claimed[t].insert(claimed[t].end(), got->begin(), got->end());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::map<std::string, int> times;
  for (const auto& c : claimed) {
    for (const auto& n : c) times[n.id]++;
  }
  EXPECT_EQ(times.size(), static_cast<std::size_t>(rows)) << "every due row claimed";
  EXPECT_TRUE(std::all_of(times.begin(), times.end(), [](const auto& kv) { return kv.second == 1; }))
      << "no row claimed by two claimers";

  // Node 0 delivers what it claimed and records it; node 1 dies before recording anything.
  std::set<std::string> of_node1;
  for (std::size_t t = 0; t < 2; ++t) {
    for (auto n : claimed[t]) {
      n.status = domain::notification_status::delivered;
      n.attempts = 1;
      n.delivered_at = n.updated_at = at(2);
      ASSERT_EQ(outcome(store_->write([&](store_txn& tx) { return tx.update_notification(n); })), "ok");
    }
  }
  for (std::size_t t = 2; t < 4; ++t) {
    for (const auto& n : claimed[t]) of_node1.insert(n.id);
  }
  (*other)->close();
  EXPECT_TRUE(store_->reader().due_notifications(at(2), rows).value().empty()) << "node 1's leases still hold";
  auto again = store_->reader().due_notifications(at(1 + 60), rows).value();
  std::set<std::string> taken_over;
  for (const auto& n : again) taken_over.insert(n.id);
  EXPECT_EQ(taken_over, of_node1) << "what node 1 left undelivered, and only that, is claimed when its leases end";
}

}  // namespace
}  // namespace siaga::storage::contract
