// `siaga seed --demo`, `siaga serve`, `stats rebuild`, `import calls` and `audit verify` on
// PostgreSQL (issue 13 item 1): a --database that is a
// libpq connection string selects the PostgreSQL store (storage/open_database.hpp), with the
// same API over it; the password in the string never reaches the log. The server is a
// throw-away cluster this test starts and removes (scripts/pg-test-cluster.sh, as the storage
// tests' fixture does), or the one SIAGA_TEST_POSTGRES names.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"
#include "support/test_cluster.hpp"
#include "support/ws_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

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

// Runs one query on a database and returns the first column of every row; a test failure with
// libpq's message when it fails.
std::vector<std::string> column(const std::string& conninfo, const std::string& sql) {
  std::vector<std::string> out;
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_TUPLES_OK) ADD_FAILURE() << PQresultErrorMessage(res);
    else for (int i = 0; i < PQntuples(res); ++i) out.emplace_back(PQgetvalue(res, i, 0));
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

std::vector<std::int64_t> seqs_until(ws_client& ws, std::int64_t last) {
  std::vector<std::int64_t> seqs;
  auto messages = read_messages_until(ws, [&](const boost::json::value& m) {
    return m.at("type").as_string() == "event" && m.at("event").at("seq").to_number<std::int64_t>() >= last;
  });
  for (const auto& m : messages) {
    if (m.at("type").as_string() == "event") seqs.push_back(m.at("event").at("seq").to_number<std::int64_t>());
  }
  return seqs;
}

// A fresh database named prefix_<pid> on the cluster with the demo city seeded, and a
// temporary folder for the logs; both removed by the destructor. ok() is false (with a test
// failure saying why) when either could not be made.
struct seeded_city {
  seeded_city(const std::string& cluster_server, const std::string& prefix)
      : server(cluster_server), name(prefix + "_" + std::to_string(::getpid())), conninfo(server + " dbname=" + name) {
    std::string tmpl = "/tmp/siaga-" + prefix + "-XXXXXX";
    dir = mkdtemp(tmpl.data());
    (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    auto made = pg_exec(server, "CREATE DATABASE " + name);
    EXPECT_EQ(made, "");
    int seeded = made.empty() ? run_siaga({"seed", "--demo", "--database", conninfo}, dir + "/seed.log") : -1;
    EXPECT_EQ(seeded, 0) << slurp(dir + "/seed.log");
    ok_ = made.empty() && seeded == 0;
  }
  ~seeded_city() {
    (void)pg_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    std::filesystem::remove_all(dir);
  }
  bool ok() const { return ok_; }

  const std::string server;  // the cluster
  const std::string name;    // the database
  const std::string conninfo;
  std::string dir;

 private:
  bool ok_ = false;
};

// Issue 13 item 3: two `siaga serve` nodes on one database behave as one system.
TEST(postgres_serve, two_nodes_on_one_database_are_one_system) {
  test_cluster cluster;
  auto server = cluster.conninfo();
  ASSERT_FALSE(server.empty()) << "the test cluster did not start: " << cluster.start_log();
  seeded_city city(server, "siaga_nodes");
  ASSERT_TRUE(city.ok());
  const auto& conninfo = city.conninfo;
  const auto& dir = city.dir;

  stand_in_receiver receiver;
  const std::vector<std::string> flags{"--database", conninfo, "--max-new-reports-per-reporter", "0",
                                       "--notify-poll-ms", "50", "--notify-backoff-ms", "40"};
  {
    server_process a(false, flags);
    server_process b(false, flags);
    ASSERT_NE(a.port(), 0);
    ASSERT_NE(b.port(), 0);
    http_client ca("127.0.0.1", a.port());
    http_client cb("127.0.0.1", b.port());
    auto admin = ca.login("admin", demo_password);
    auto ct = ca.login("calltaker", demo_password);  // a session of node A, used on both nodes
    auto supervisor = cb.login("supervisor", demo_password);
    ASSERT_EQ(set_webhook(ca, admin, "DAMKAR", receiver.url("/hook")).status, 200);

    ws_client wa(a.port());
    ws_client wb(b.port());
    ASSERT_EQ(wa.connect("/api/v1/stream", {{"Authorization", "Bearer " + ct}}), 101) << wa.refusal_body();
    ASSERT_EQ(wb.connect("/api/v1/stream", {{"Authorization", "Bearer " + ct}}), 101) << wb.refusal_body();
    const auto start_a = read_hello(wa);
    const auto start_b = read_hello(wb);

    // Incidents (dispatched by the fire run card, DAMKAR's webhook among them) and reports,
    // written through both nodes, in turns.
    auto fire = category(ca, ct, "fire");
    std::set<std::string> numbers, codes;
    constexpr int rounds = 6;
    for (int i = 0; i < rounds; ++i) {
      for (auto* c : {&ca, &cb}) {
        auto inc = c->post("/api/v1/incidents",
                           boost::json::object{{"category_id", fire.at("id")}, {"summary", "Uji dua simpul"}}, ct);
        ASSERT_EQ(inc.status, 201) << inc.body;
        numbers.insert(str(inc.json(), "number"));
        auto rep = c->request("POST", "/api/v1/reports",
                              R"({"channel":"call","description":"Pohon tumbang","reporter_phone":"+6281234500002"})",
                              ct);
        ASSERT_EQ(rep.status, 201) << rep.body;
        codes.insert(str(rep.json(), "tracking_code"));
      }
    }
    EXPECT_EQ(numbers.size(), 2u * rounds) << "incident numbers are unique across nodes";
    EXPECT_EQ(codes.size(), 2u * rounds) << "tracking codes are unique across nodes";
    // Bad input through either node is refused and writes nothing.
    EXPECT_EQ(cb.request("POST", "/api/v1/reports", R"({"channel":"call","description":""})", ct).status, 400);

    // Every event committed since the streams opened, in the database's seq order: both
    // nodes' streams carry exactly these, wherever they were written.
    auto stored = column(conninfo, "SELECT seq FROM events WHERE seq > " + std::to_string(std::min(start_a, start_b)) +
                                       " ORDER BY seq");
    ASSERT_FALSE(stored.empty());
    const std::int64_t last = std::stoll(stored.back());
    std::vector<std::int64_t> expected_a, expected_b;
    for (const auto& seq : stored) {
      if (std::stoll(seq) > start_a) expected_a.push_back(std::stoll(seq));
      if (std::stoll(seq) > start_b) expected_b.push_back(std::stoll(seq));
    }
    EXPECT_EQ(seqs_until(wa, last), expected_a) << "node A's stream: every event in seq order, once";
    EXPECT_EQ(seqs_until(wb, last), expected_b) << "node B's stream: every event in seq order, once";

    // A client that read up to the middle on node A resumes on node B.
    const auto middle = expected_a[expected_a.size() / 2];
    ws_client resumed(b.port());
    ASSERT_EQ(resumed.connect("/api/v1/stream?after=" + std::to_string(middle), {{"Authorization", "Bearer " + ct}}),
              101);
    (void)read_hello(resumed);
    std::vector<std::int64_t> tail;
    for (auto seq : expected_a) {
      if (seq > middle) tail.push_back(seq);
    }
    EXPECT_EQ(seqs_until(resumed, last), tail) << "resume with ?after on the other node";

    // The supervisor, signed in and streaming on node B, is disabled through node A: the
    // stream on B closes and B forgets the token at once (it was just used there, so cached).
    ws_client ws_sup(b.port());
    ASSERT_EQ(ws_sup.connect("/api/v1/stream", {{"Authorization", "Bearer " + supervisor}}), 101);
    (void)read_hello(ws_sup);
    ASSERT_EQ(cb.get("/api/v1/incidents?limit=1", supervisor).status, 200);
    std::string supervisor_id;
    auto users = ca.get("/api/v1/users", admin);
    ASSERT_EQ(users.status, 200) << users.body;
    for (const auto& u : users.json().at("items").as_array()) {
      if (str(u, "username") == "supervisor") supervisor_id = str(u, "id");
    }
    ASSERT_FALSE(supervisor_id.empty());
    auto disabled = ca.request("PATCH", "/api/v1/users/" + supervisor_id, R"({"active":false})", admin);
    ASSERT_EQ(disabled.status, 200) << disabled.body;
    while (ws_sup.next(std::chrono::seconds(15))) {
    }
    EXPECT_TRUE(ws_sup.closed()) << ws_sup.last_error();
    EXPECT_EQ(ws_sup.close_code(), 4401);
    EXPECT_EQ(cb.get("/api/v1/incidents?limit=1", supervisor).status, 401) << "node B forgot the token";

    // The outbox: each DAMKAR notification delivered, once, with both nodes running.
    const auto expected_rows =
        column(conninfo, "SELECT id FROM outbox WHERE target = '" + receiver.url("/hook") + "'").size();
    ASSERT_GE(expected_rows, 2u * rounds);
    for (int i = 0; i < 400 && receiver.requests().size() < expected_rows; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::set<std::string> keys;
    for (const auto& r : receiver.requests()) keys.insert(r.header("idempotency-key"));
    EXPECT_EQ(keys.size(), expected_rows) << "every notification delivered";
    EXPECT_EQ(receiver.requests().size(), expected_rows) << "and each once";
    a.stop();
    b.stop();
  }
  ASSERT_EQ(run_siaga({"audit", "verify", "--database", conninfo}, dir + "/verify.log"), 0) << slurp(dir + "/verify.log");
  EXPECT_NE(slurp(dir + "/verify.log").find("rantai hash utuh"), std::string::npos) << slurp(dir + "/verify.log");
}

// A node SIGKILLed while its notification is on the wire (the receiver has it and has not
// answered) leaves the row claimed under its lease; another node delivers it once the lease
// ends, with the same idempotency key: at least once overall (two_nodes_… checks that two
// running nodes send each row once).
TEST(postgres_serve, a_node_killed_mid_delivery_leaves_the_notification_to_another_after_its_lease) {
  test_cluster cluster;
  auto server = cluster.conninfo();
  ASSERT_FALSE(server.empty()) << "the test cluster did not start: " << cluster.start_log();
  seeded_city city(server, "siaga_killed");
  ASSERT_TRUE(city.ok());
  const auto& conninfo = city.conninfo;
  const auto& dir = city.dir;

  stand_in_receiver receiver;
  receiver.hold(true);
  const std::vector<std::string> flags{"--database", conninfo, "--notify-poll-ms", "50", "--notify-backoff-ms", "40",
                                       "--outbox-lease-s", "15"};
  std::string row;
  {
    server_process a(false, flags);
    ASSERT_NE(a.port(), 0);
    http_client ca("127.0.0.1", a.port());
    auto admin = ca.login("admin", demo_password);
    auto ct = ca.login("calltaker", demo_password);
    ASSERT_EQ(set_webhook(ca, admin, "DAMKAR", receiver.url("/hook")).status, 200);
    auto fire = category(ca, ct, "fire");
    auto inc = ca.post("/api/v1/incidents",
                       boost::json::object{{"category_id", fire.at("id")}, {"summary", "Simpul mati saat mengirim"}}, ct);
    ASSERT_EQ(inc.status, 201) << inc.body;
    ASSERT_TRUE(eventually([&] { return !receiver.requests().empty(); })) << "node A never sent the notification";
    auto first = receiver.requests();
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].answered, 0) << "held: on the wire, unanswered";
    row = first[0].header("idempotency-key");
    ASSERT_FALSE(row.empty());
    a.kill_hard();
  }
  ASSERT_EQ(column(conninfo, "SELECT status FROM outbox WHERE id = '" + row + "'"), std::vector<std::string>{"pending"})
      << "the killed node's attempt was never recorded";
  receiver.hold(false);

  {
    server_process b(false, flags);
    ASSERT_NE(b.port(), 0);
    ASSERT_TRUE(eventually(
        [&] { return column(conninfo, "SELECT status FROM outbox WHERE id = '" + row + "'") == std::vector<std::string>{"delivered"}; },
        std::chrono::seconds(60)))
        << "node B did not deliver the row once node A's lease ended";
    auto got = receiver.requests();
    ASSERT_EQ(got.size(), 2u) << "once by A (cut), once by B";
    EXPECT_EQ(got[1].header("idempotency-key"), row);
    EXPECT_EQ(got[1].answered, 200);
    EXPECT_EQ(got[1].body, got[0].body) << "the same notification, redelivered";
    b.stop();
  }
  ASSERT_EQ(run_siaga({"audit", "verify", "--database", conninfo}, dir + "/verify.log"), 0) << slurp(dir + "/verify.log");
}

// "A lost connection while serving gives 503 with Retry-After, not a crash" (issue 13): the
// database refuses every connection for a while (as when the primary dies and no standby is
// promoted within --pg-failover-wait-s). Writes and reads answer 503 with Retry-After and
// write nothing; once the database is back the same node serves again, and the chain verifies.
TEST(postgres_serve, a_database_lost_while_serving_answers_503_with_retry_after_and_the_node_serves_again) {
  test_cluster cluster;
  auto server = cluster.conninfo();
  ASSERT_FALSE(server.empty()) << "the test cluster did not start: " << cluster.start_log();
  seeded_city city(server, "siaga_lost");
  ASSERT_TRUE(city.ok());
  const auto& conninfo = city.conninfo;
  auto count = [&] { return pg_scalar(conninfo, "SELECT COUNT(*) FROM incidents WHERE summary LIKE 'Basis data putus%'"); };

  server_process node(false, {"--database", conninfo, "--pg-failover-wait-s", "1"});
  ASSERT_NE(node.port(), 0);
  http_client client("127.0.0.1", node.port());
  auto ct = client.login("calltaker", demo_password);
  auto fire = category(client, ct, "fire");
  auto incident = [&](const char* summary) {
    return client.post("/api/v1/incidents", boost::json::object{{"category_id", fire.at("id")}, {"summary", summary}}, ct);
  };
  auto before = incident("Basis data putus: sebelum");
  ASSERT_EQ(before.status, 201) << before.body;

  // The database goes away: no new connection is let in and every open one is ended.
  ASSERT_EQ(pg_exec(server, "ALTER DATABASE " + city.name + " ALLOW_CONNECTIONS false"), "");
  ASSERT_EQ(pg_exec(server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + city.name +
                                "' AND pid <> pg_backend_pid()"),
            "");
  auto lost = incident("Basis data putus: saat hilang");
  EXPECT_EQ(lost.status, 503) << lost.body;
  EXPECT_FALSE(lost.headers["retry-after"].empty()) << "a client is told when to try again";
  EXPECT_NE(lost.body.find("\"error\""), std::string::npos) << lost.body;
  auto read = client.get("/api/v1/incidents?limit=5", ct);
  EXPECT_EQ(read.status, 503) << read.body;
  EXPECT_FALSE(read.headers["retry-after"].empty());

  // Back: the same process serves again, without a restart.
  ASSERT_EQ(pg_exec(server, "ALTER DATABASE " + city.name + " ALLOW_CONNECTIONS true"), "");
  http_reply after;
  ASSERT_TRUE(eventually([&] {
    after = incident("Basis data putus: sesudah");
    return after.status == 201;
  })) << after.status << " " << after.body;
  EXPECT_EQ(client.get("/api/v1/incidents?limit=5", ct).status, 200);
  EXPECT_EQ(count(), "2") << "the write answered 503 left nothing behind";
  node.stop();
  ASSERT_EQ(run_siaga({"audit", "verify", "--database", conninfo}, city.dir + "/verify.log"), 0)
      << slurp(city.dir + "/verify.log");
}

}  // namespace
}  // namespace siaga::testing
