// Nothing lost: the real server takes concurrent writes and is killed with SIGKILL at random
// moments, many times, each time restarted on the same database.
//
// - acknowledged_writes_survive_sigkill: every report the server had acknowledged with a 2xx
//   is there after all the kills, and the event chain verifies (`siaga audit verify`).
// - every_acknowledged_dispatch_is_notified_at_least_once: the writers create incidents
//   dispatched to two agencies whose webhook endpoints point at a stand-in receiver in this
//   process (so it lives through the kills, and the servers' changing ports do not matter).
//   The receiver fails a few requests each cycle, so retries are under way when a kill comes.
//   Once the last server has drained its outbox: every acknowledged dispatch reached its
//   agency's webhook at least once, every request is signed under that agency's secret, every
//   repeat (a delivery sent but not yet recorded when the server died) carries the key and the
//   body of the first, each dispatch has exactly one key, nothing is pending or dead, every
//   row the server calls delivered was received, and the event chain verifies.
#include "domain/notification.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"
#include "support/telephony.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;

namespace {

// Posts the bodies make_body(i) gives, i = 0, 1, ..., until stop is set or the server goes
// away; on_created gets every 201 reply, then acknowledged is counted up.
void post_until_gone(std::uint16_t port, const std::string& token, const std::string& target,
                     const std::function<json::value(int)>& make_body,
                     const std::function<void(const http_reply&)>& on_created, std::atomic<bool>& stop,
                     std::atomic<std::size_t>& acknowledged) {
  try {
    http_client c{"127.0.0.1", port};
    for (int i = 0; !stop; ++i) {
      auto r = c.post(target, make_body(i), token);
      if (r.status == 201) {
        on_created(r);
        ++acknowledged;
      } else if (r.status != 0) {
        ADD_FAILURE() << "unexpected status " << r.status << ": " << r.body;
        break;
      }
    }
  } catch (const std::exception&) {
    // The server was killed mid-request: whatever was not acknowledged may be lost.
  }
}

// A writer thread's work in one cycle: writes to the server on port as the call taker until
// stop is set or the server goes away, counting acknowledged writes in acknowledged.
using writer_fn = std::function<void(std::uint16_t port, const std::string& token, int writer, std::atomic<bool>& stop,
                                     std::atomic<std::size_t>& acknowledged)>;

// A seeded server that is killed and restarted on the same database, cycle after cycle.
class kill_loop {
 public:
  explicit kill_loop(std::vector<std::string> flags = {}) : flags_(flags), first_(true, std::move(flags)) {}

  server_process& server() { return restarted_ ? *restarted_ : first_; }
  const std::string& dir() const { return first_.dir(); }

  // cycles times: runs `writers` threads of write for a random 150 to 600 ms (and at least
  // until one write is acknowledged, so that every cycle has something to lose), SIGKILLs the
  // server in the middle of their writes, waits for them and starts a new server on the same
  // database (on a new port). Fails the test when a server does not start.
  void run(int cycles, int writers, const writer_fn& write) {
    std::mt19937 rng{20261123};
    std::uniform_int_distribution<int> run_ms{150, 600};
    for (int cycle = 0; cycle < cycles; ++cycle) {
      ASSERT_NE(server().port(), 0) << "cycle " << cycle;
      std::string token;
      {
        http_client c{"127.0.0.1", server().port()};
        token = c.login("calltaker", demo_password);
      }
      std::atomic<bool> stop{false};
      std::atomic<std::size_t> acknowledged{0};
      std::vector<std::thread> threads;
      auto port = server().port();
      for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] { write(port, token, w, stop, acknowledged); });
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(run_ms(rng)));
      EXPECT_TRUE(eventually([&] { return acknowledged > 0; })) << "cycle " << cycle << " acknowledged nothing";
      server().kill_hard();
      stop = true;
      for (auto& t : threads) t.join();

      restarted_.reset();
      restarted_.emplace(server_process::reuse(dir(), flags_));
      ASSERT_NE(server().port(), 0) << "restart after cycle " << cycle;
    }
  }

  // Stops the last server with SIGTERM and checks the event chain of the database.
  void stop_and_verify_chain() {
    EXPECT_EQ(server().stop(), 0);
    EXPECT_EQ(run_siaga({"audit", "verify", "--database", first_.database()}, dir() + "/audit.log"), 0);
  }

 private:
  std::vector<std::string> flags_;
  // The first server owns the directory (and removes it at the end); restarts reuse it.
  server_process first_;
  std::optional<server_process> restarted_;
};

// Retries after milliseconds, not seconds, so that the outbox drains quickly.
std::vector<std::string> quick_retries(int max_attempts) {
  return {"--notify-backoff-ms",     "20",
          "--notify-backoff-cap-ms", "200",
          "--notify-max-attempts",   std::to_string(max_attempts),
          "--notify-poll-ms",        "50"};
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The outbox rows with this status (all when empty), every page of them.
std::vector<json::object> notifications_with(http_client& c, const std::string& token, const std::string& status) {
  std::vector<json::object> out;
  for (int offset = 0;; offset += 500) {
    auto r = c.get("/api/v1/notifications?limit=500&offset=" + std::to_string(offset) +
                       (status.empty() ? "" : "&status=" + status),
                   token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    const auto& items = r.json().at("items").as_array();
    for (const auto& n : items) out.push_back(n.as_object());
    if (items.size() < 500) return out;
  }
}

// How many outbox rows have this status, or -1 when the server does not say.
std::int64_t count_notifications(http_client& c, const std::string& token, const std::string& status) {
  auto r = c.get("/api/v1/notifications?limit=1&status=" + status, token);
  if (r.status != 200) return -1;
  return r.json().at("total").as_int64();
}

}  // namespace

TEST(crash, acknowledged_writes_survive_sigkill) {
  constexpr int writers = 6;
  kill_loop loop;
  std::vector<std::vector<std::string>> acknowledged(writers);  // each writer fills its own
  loop.run(
      8, writers,
      [&](std::uint16_t port, const std::string& token, int writer, std::atomic<bool>& stop,
          std::atomic<std::size_t>& acknowledged_now) {
        post_until_gone(
            port, token, "/api/v1/reports",
            [&](int i) {
              return json::object{{"channel", "call"},
                                  {"description", "Laporan uji " + std::to_string(writer) + "-" + std::to_string(i)}};
            },
            [&](const http_reply& r) { acknowledged[writer].push_back(str(r.json(), "id")); }, stop, acknowledged_now);
      });
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  // Every acknowledged report is there, after all those kills.
  http_client c{"127.0.0.1", loop.server().port()};
  auto token = c.login("calltaker", demo_password);
  std::size_t missing = 0, total = 0;
  for (const auto& ids : acknowledged) {
    for (const auto& id : ids) {
      ++total;
      auto r = c.get("/api/v1/reports/" + id, token);
      if (r.status != 200 && missing++ < 3) ADD_FAILURE() << id << ": " << r.status << " " << r.body;
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << total << " acknowledged reports";
  EXPECT_GT(total, 100u);
  loop.stop_and_verify_chain();
}

TEST(crash, every_acknowledged_dispatch_is_notified_at_least_once) {
  constexpr int cycles = 8;
  constexpr int writers = 4;
  constexpr int failures_per_cycle = 2;  // answers of 500 from the receiver in each cycle
  // Quick retries, and more attempts than the receiver can fail in the whole test, so that no
  // row can end up dead through the receiver: a dead letter here is the crashes' doing.
  // The shortest lease: on PostgreSQL the rows a killed server had claimed wait for theirs to
  // end before the next server sends them (SQLite keeps leases in memory, gone with the process).
  auto flags = quick_retries(cycles * failures_per_cycle + 2);
  flags.insert(flags.end(), {"--outbox-lease-s", "15"});
  const std::map<std::string, std::string> secrets{{"DAMKAR", "damkar-webhook-secret-2026"},
                                                   {"PLN", "pln-up3-ambon-webhook-secret"}};

  // The receiver outlives every server; its port stays the same across them.
  stand_in_receiver receiver;
  kill_loop loop{flags};
  std::map<std::string, std::string> agency_ids;  // code -> id
  json::value fire_id;
  {
    http_client c{"127.0.0.1", loop.server().port()};
    auto admin = c.login("admin", demo_password);
    auto r = c.get("/api/v1/agencies", admin);
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& a : r.json().at("items").as_array()) {
      auto code = str(a, "code");
      auto secret = secrets.find(code);
      if (secret == secrets.end()) continue;
      agency_ids[code] = str(a, "id");
      json::object body{
          {"code", a.at("code")},
          {"name", a.at("name")},
          {"kind", a.at("kind")},
          {"phone", a.at("phone")},
          {"active", a.at("active")},
          {"endpoints", json::array{json::object{
                            {"kind", "webhook"}, {"url", receiver.url("/hook/" + code)}, {"secret", secret->second}}}}};
      auto put = c.request("PUT", "/api/v1/agencies/" + str(a, "id"), json::serialize(body), admin);
      ASSERT_EQ(put.status, 200) << put.body;
    }
    ASSERT_EQ(agency_ids.size(), secrets.size());
    auto call_taker = c.login("calltaker", demo_password);
    fire_id = category(c, call_taker, "fire").at("id");
  }
  std::map<std::string, std::string> code_of;  // agency id -> code
  json::array dispatch_to;
  for (const auto& [code, id] : agency_ids) {
    code_of[id] = code;
    dispatch_to.emplace_back(id);
  }

  struct dispatch_ack {
    std::string id;
    std::string agency_code;
    std::string incident_id;
  };
  std::vector<std::vector<dispatch_ack>> acknowledged(writers);  // each writer fills its own
  std::atomic<int> incidents{0};
  loop.run(cycles, writers,
           [&](std::uint16_t port, const std::string& token, int writer, std::atomic<bool>& stop,
               std::atomic<std::size_t>& acknowledged_now) {
             if (writer == 0) receiver.fail_next(failures_per_cycle);
             post_until_gone(
                 port, token, "/api/v1/incidents",
                 [&](int i) {
                   auto tag = std::to_string(writer) + "-" + std::to_string(i) + " #" + std::to_string(incidents++);
                   return json::object{{"category_id", fire_id},
                                       {"summary", "Kebakaran uji " + tag},
                                       {"address", "Jl. Yos Sudarso, Batu Merah"},
                                       {"location", json::object{{"lat", -3.6871}, {"lon", 128.1902}}},
                                       {"agency_ids", dispatch_to}};
                 },
                 [&](const http_reply& r) {
                   // A throw here would pass for the server's death: look before taking.
                   const auto* dispatches =
                       r.json().is_object() ? r.json().as_object().if_contains("dispatches") : nullptr;
                   if (!dispatches || !dispatches->is_array() || dispatches->as_array().size() != 2) {
                     ADD_FAILURE() << "an incident dispatched to two agencies: " << r.body;
                     return;
                   }
                   for (const auto& d : dispatches->as_array()) {
                     auto agency = code_of.find(str(d, "agency_id"));
                     EXPECT_NE(agency, code_of.end()) << r.body;
                     if (agency != code_of.end())
                       acknowledged[writer].push_back({str(d, "id"), agency->second, str(r.json(), "id")});
                   }
                 },
                 stop, acknowledged_now);
           });
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  // The last server drains the outbox: nothing pending. The deadline is for a broken build.
  http_client c{"127.0.0.1", loop.server().port()};
  auto supervisor = c.login("supervisor", demo_password);
  auto drain_started = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return count_notifications(c, supervisor, "pending") == 0; }))
      << count_notifications(c, supervisor, "pending") << " notifications still pending";
  auto drain_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - drain_started).count();
  EXPECT_EQ(count_notifications(c, supervisor, "dead"), 0) << "no notification is dead-lettered";

  // Every request the receiver got: signed under its agency's secret, with one key in the
  // headers and the body, the same body on every attempt of a key.
  auto now = unix_now();
  auto got = receiver.requests();
  std::map<std::string, std::string> body_of_key;                 // key -> the first body
  std::map<std::string, std::set<std::string>> keys_of_dispatch;  // dispatch id -> keys
  std::map<std::string, int> received_of_key;                     // key -> 200 answers
  std::size_t repeats = 0, failed = 0;
  for (const auto& r : got) {
    auto code = r.target.substr(r.target.rfind('/') + 1);
    auto secret = secrets.find(code);
    ASSERT_NE(secret, secrets.end()) << r.target;
    EXPECT_TRUE(domain::verify_webhook_signature(secret->second, r.header("x-siaga-timestamp"), r.body,
                                                 r.header("x-siaga-signature"), now))
        << r.target << " signature " << r.header("x-siaga-signature");
    EXPECT_EQ(r.header("x-siaga-event"), "dispatch.notified");
    auto key = r.header("idempotency-key");
    ASSERT_FALSE(key.empty()) << r.body;
    EXPECT_EQ(r.header("x-siaga-delivery"), key);
    auto body = json::parse(r.body);
    EXPECT_EQ(str(body, "id"), key);
    EXPECT_EQ(str(body.at("agency"), "code"), code);
    auto first = body_of_key.emplace(key, r.body).first;
    EXPECT_EQ(r.body, first->second) << "every attempt of " << key << " carries the same body";
    keys_of_dispatch[str(body.at("dispatch"), "id")].insert(key);
    if (r.answered == 200) {
      if (received_of_key[key]++ > 0) ++repeats;
    } else {
      ++failed;
    }
  }
  for (const auto& [dispatch, keys] : keys_of_dispatch) {
    EXPECT_EQ(keys.size(), 1u) << "dispatch " << dispatch << " was sent under " << keys.size() << " keys";
  }

  // Every acknowledged dispatch reached its agency at least once.
  std::size_t total = 0, missing = 0;
  for (const auto& per_writer : acknowledged) {
    for (const auto& d : per_writer) {
      ++total;
      auto keys = keys_of_dispatch.find(d.id);
      bool delivered = keys != keys_of_dispatch.end() && received_of_key[*keys->second.begin()] > 0;
      if (!delivered && missing++ < 3) {
        ADD_FAILURE() << "dispatch " << d.id << " to " << d.agency_code << " (incident " << d.incident_id
                      << ") was acknowledged but never delivered";
      }
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << total << " acknowledged dispatches";
  EXPECT_GT(total, 50u);

  // The server's side agrees: every row is delivered, and the receiver got each of them.
  auto rows = notifications_with(c, supervisor, "");
  std::size_t unseen = 0;
  for (const auto& n : rows) {
    EXPECT_EQ(str(n, "status"), "delivered") << json::serialize(n);
    EXPECT_EQ(str(n, "idempotency_key"), str(n, "id"));
    if (received_of_key[str(n, "id")] == 0 && unseen++ < 3)
      ADD_FAILURE() << "delivered but not received: " << json::serialize(n);
  }
  EXPECT_EQ(unseen, 0u);
  EXPECT_EQ(rows.size(), body_of_key.size()) << "one row per key the receiver saw";
  EXPECT_GE(rows.size(), total);
  std::cout << "[ crash    ] " << total << " acknowledged dispatches, " << rows.size() << " notifications, "
            << got.size() << " requests (" << failed << " answered 500, " << repeats
            << " repeats after a kill); waited " << drain_ms << " ms for the drain\n";

  loop.stop_and_verify_chain();
}

// The callers' counters are held by the writer between flushes (storage/sqlite/
// caller_counts_behind.hpp): a SIGKILL loses the held ones, never the calls, and the next start
// counts them again, so that after the kills every number's counters equal its calls (stats
// rebuild exits 0) and its card counts at least the calls acknowledged.
TEST(crash, the_callers_counters_held_at_a_sigkill_are_counted_again_from_the_calls) {
  constexpr int writers = 3;
  constexpr int numbers = 4;  // per writer: each number calls many times
  kill_loop loop;
  std::string key;
  {
    http_client c{"127.0.0.1", loop.server().port()};
    auto r = c.post("/api/v1/api_keys", json::object{{"name", "PBX uji"}}, c.login("admin", demo_password));
    ASSERT_EQ(r.status, 201) << r.body;
    key = str(r.json(), "secret");
  }
  auto number = [](int writer, int n) { return "+6281277" + std::to_string(writer) + "0000" + std::to_string(n); };
  std::vector<std::map<std::string, std::int64_t>> acknowledged(writers);  // each writer fills its own
  std::atomic<int> next_call{0};
  const auto start = core::from_micros(1'764'547'200'000'000LL);  // 2025-12-01T00:00:00Z
  loop.run(4, writers,
           [&](std::uint16_t port, const std::string&, int writer, std::atomic<bool>& stop,
               std::atomic<std::size_t>& acknowledged_now) {
             try {
               http_client c{"127.0.0.1", port};
               for (int i = 0; !stop; ++i) {
                 int call = next_call++;
                 auto from = number(writer, i % numbers);
                 auto events = simple_call_events("crash-" + std::to_string(call), from,
                                                  start + std::chrono::seconds(call * 90), i % 3 == 0);
                 auto r = c.request("POST", "/api/v1/telephony/events",
                                    json::serialize(json::object{{"events", json::array(events.begin(), events.end())}}),
                                    {}, "application/json", {{"X-Api-Key", key}});
                 if (r.status == 200) {
                   ++acknowledged[writer][from];
                   ++acknowledged_now;
                 } else if (r.status != 0) {
                   ADD_FAILURE() << "unexpected status " << r.status << ": " << r.body;
                   break;
                 }
               }
             } catch (const std::exception&) {
               // The server was killed mid-request: what was not acknowledged may be lost.
             }
           });
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  http_client c{"127.0.0.1", loop.server().port()};
  auto token = c.login("calltaker", demo_password);
  std::int64_t total = 0;
  for (int w = 0; w < writers; ++w) {
    for (const auto& [from, calls] : acknowledged[w]) {
      total += calls;
      auto card = c.get("/api/v1/callers/" + from, token);
      ASSERT_EQ(card.status, 200) << card.body;
      EXPECT_GE(card.json().at("history").at("calls").as_int64(), calls) << from;
    }
  }
  EXPECT_GT(total, 50);
  EXPECT_EQ(loop.server().stop(), 0);
  const auto log = loop.dir() + "/rebuild.log";
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", loop.server().database()}, log), 0)
      << std::ifstream(log).rdbuf();
}

}  // namespace siaga::testing
