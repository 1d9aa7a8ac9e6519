// SIGTERM stops the server gracefully: requests in flight are answered, what was acknowledged
// is kept, and the process exits 0.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;

TEST(shutdown, sigterm_finishes_requests_in_flight_and_exits_zero) {
  server_process server;
  std::string token;
  {
    http_client c{"127.0.0.1", server.port()};
    token = c.login("calltaker", demo_password);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> bad{0};
  std::vector<std::vector<std::string>> acknowledged(4);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      try {
        http_client c{"127.0.0.1", server.port()};
        while (!stop) {
          auto r = c.post("/api/v1/reports", json::object{{"description", "Uji berhenti"}}, token);
          if (r.status == 0) break;
          if (r.status == 201) {
            acknowledged[w].push_back(str(r.json(), "id"));
            ++answered;
          } else {
            ++bad;
          }
        }
      } catch (const std::exception&) {
        // The connection closed after the server stopped: expected.
      }
    });
  }
  while (answered < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(server.stop(), 0) << "the server did not exit cleanly on SIGTERM";
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(bad.load(), 0) << "a request in flight got an error answer during shutdown";

  auto again = server_process::reuse(server.dir());
  http_client c{"127.0.0.1", again.port()};
  auto t = c.login("calltaker", demo_password);
  std::size_t total = 0;
  for (const auto& ids : acknowledged) {
    for (const auto& id : ids) {
      EXPECT_EQ(c.get("/api/v1/reports/" + id, t).status, 200) << id;
      ++total;
    }
  }
  EXPECT_GE(total, 50u);
}

}  // namespace siaga::testing
