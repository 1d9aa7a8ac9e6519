// Nothing lost: the real server takes concurrent writes and is killed with SIGKILL at random
// moments, many times; after each restart every write it had acknowledged with a 2xx is
// there, and the event chain verifies.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;

namespace {

// Writes reports until the server goes away; returns the ids it got a 201 for.
std::vector<std::string> write_until_gone(std::uint16_t port, const std::string& token, int writer,
                                          std::atomic<bool>& stop) {
  std::vector<std::string> acknowledged;
  try {
    http_client c{"127.0.0.1", port};
    for (int i = 0; !stop; ++i) {
      auto r = c.post("/api/v1/reports",
                      json::object{{"channel", "call"},
                                   {"description", "Laporan uji " + std::to_string(writer) + "-" + std::to_string(i)}},
                      token);
      if (r.status == 201) {
        acknowledged.push_back(str(r.json(), "id"));
      } else if (r.status != 0) {
        ADD_FAILURE() << "unexpected status " << r.status << ": " << r.body;
        break;
      }
    }
  } catch (const std::exception&) {
    // The server was killed mid-request: whatever was not acknowledged may be lost.
  }
  return acknowledged;
}

}  // namespace

TEST(crash, acknowledged_writes_survive_sigkill) {
  constexpr int cycles = 8;
  constexpr int writers = 6;
  std::mt19937 rng{20261123};
  std::uniform_int_distribution<int> run_ms{150, 600};

  // The first server owns the directory (and removes it at the end); restarts reuse it.
  server_process first;
  const std::string dir = first.dir();
  std::vector<std::string> all_acknowledged;
  std::optional<server_process> restarted;
  server_process* server = &first;

  for (int cycle = 0; cycle < cycles; ++cycle) {
    ASSERT_NE(server->port(), 0) << "cycle " << cycle;
    std::string token;
    {
      http_client c{"127.0.0.1", server->port()};
      token = c.login("calltaker", demo_password);
    }
    std::atomic<bool> stop{false};
    std::vector<std::vector<std::string>> results(writers);
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] { results[w] = write_until_gone(server->port(), token, w, stop); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(run_ms(rng)));
    server->kill_hard();
    stop = true;
    for (auto& t : threads) t.join();
    std::size_t this_cycle = 0;
    for (auto& r : results) {
      this_cycle += r.size();
      all_acknowledged.insert(all_acknowledged.end(), r.begin(), r.end());
    }
    EXPECT_GT(this_cycle, 0u) << "cycle " << cycle << " acknowledged nothing before the kill";

    restarted.reset();
    restarted.emplace(server_process::reuse(dir));
    server = &*restarted;
    ASSERT_NE(server->port(), 0) << "restart after cycle " << cycle;
  }

  // Every acknowledged report is there, after all those kills.
  http_client c{"127.0.0.1", server->port()};
  auto token = c.login("calltaker", demo_password);
  std::size_t missing = 0;
  for (const auto& id : all_acknowledged) {
    auto r = c.get("/api/v1/reports/" + id, token);
    if (r.status != 200 && missing++ < 3) ADD_FAILURE() << id << ": " << r.status << " " << r.body;
  }
  EXPECT_EQ(missing, 0u) << "of " << all_acknowledged.size() << " acknowledged reports";
  EXPECT_GT(all_acknowledged.size(), 100u);
  ASSERT_EQ(server->stop(), 0);
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", dir + "/siaga.db"}, dir + "/audit.log"), 0);
}

}  // namespace siaga::testing
