// Issue 12 item 6: one address, or a flood, cannot take every connection. Real sockets against
// the real server, from several loopback addresses (127.0.0.x are all this machine's).
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace siaga::testing {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// A TCP connection to the server from the local address `from`; -1 when it cannot be made.
int connect_from(const std::string& from, std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True when the server has closed fd (end of stream or reset) within `wait`.
bool closed_by_server(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c = 0;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

// The status of GET path from the local address `from` (with a bearer token when given), on a
// fresh connection; 0 when the connection was refused or closed without an answer.
int status_from(const std::string& from, std::uint16_t port, const std::string& path, const std::string& token = "") {
  int fd = connect_from(from, port);
  if (fd < 0) return 0;
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  req += "Connection: close\r\n\r\n";
  std::string got;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    const auto until = steady::now() + 5s;
    std::array<char, 4096> buf{};
    while (steady::now() < until) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      auto n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      got.append(buf.data(), static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!got.starts_with("HTTP/1.1 ") || got.size() < 12) return 0;
  return std::stoi(got.substr(9, 3));
}

// Opens n silent connections from `from`.
std::vector<int> open_silent(const std::string& from, std::uint16_t port, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = connect_from(from, port);
    if (fd >= 0) fds.push_back(fd);
  }
  return fds;
}

// How many of fds the server has not closed, waiting `settle` for it to act first.
std::size_t still_open(const std::vector<int>& fds, std::chrono::milliseconds settle) {
  std::this_thread::sleep_for(settle);
  std::size_t open = 0;
  for (int fd : fds) {
    if (!closed_by_server(fd, 0ms)) ++open;
  }
  return open;
}

// A session token of user, on a connection closed again before the test floods the server.
std::string sign_in(std::uint16_t port, const std::string& user) {
  std::string token;
  {
    http_client client("127.0.0.1", port);
    token = client.login(user, demo_password);
  }
  std::this_thread::sleep_for(200ms);  // the server sees the close and frees the place
  return token;
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

TEST(connection_limits, one_address_cannot_hold_more_than_its_share_and_silence_is_cut) {
  server_process server(true, {"--max-connections-per-address", "20", "--first-byte-timeout-ms", "3000"});
  const auto token = sign_in(server.port(), "calltaker");
  ASSERT_FALSE(token.empty());

  const auto opened_at = steady::now();
  auto flood = open_silent("127.0.0.1", server.port(), 200);
  ASSERT_EQ(flood.size(), 200u) << "the kernel's backlog takes every connect";
  // Everything past the address's 20 is closed at accept.
  EXPECT_EQ(still_open(flood, 1000ms), 20u);

  // Another client and a signed-in console are answered meanwhile.
  EXPECT_EQ(status_from("127.0.0.2", server.port(), "/api/v1/health"), 200);
  EXPECT_EQ(status_from("127.0.0.3", server.port(), "/api/v1/me", token), 200);
  // The flooding address itself gets nothing more while its 20 are held.
  EXPECT_EQ(status_from("127.0.0.1", server.port(), "/api/v1/health"), 0);

  // The 20 that were let in said nothing: cut after the first-byte timeout, not before.
  std::size_t left = 20;
  while (left > 0 && steady::now() - opened_at < 8s) {
    left = still_open(flood, 100ms);
    if (steady::now() - opened_at < 2500ms) EXPECT_EQ(left, 20u);
  }
  EXPECT_EQ(left, 0u) << "silent connections outlived the first-byte timeout";
  EXPECT_GE(steady::now() - opened_at, 2900ms);
  close_all(flood);

  // Their places are free again.
  EXPECT_EQ(status_from("127.0.0.1", server.port(), "/api/v1/health"), 200);
}

TEST(connection_limits, near_the_limit_the_last_places_are_kept_for_signed_in_consoles) {
  server_process server(true, {"--max-connections", "60", "--reserved-connections", "20",
                               "--max-connections-per-address", "1000", "--first-byte-timeout-ms", "10000"});
  const auto token = sign_in(server.port(), "supervisor");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(status_from("127.0.0.2", server.port(), "/api/v1/health"), 200);

  // 45 silent connections from many addresses: past 40, places are scarce.
  std::vector<int> flood;
  for (int i = 0; i < 45; ++i) {
    auto more = open_silent("127.0.1." + std::to_string(1 + i % 9), server.port(), 1);
    flood.insert(flood.end(), more.begin(), more.end());
  }
  ASSERT_EQ(still_open(flood, 300ms), 45u);

  // An anonymous request is turned away with 503; a signed-in console is served.
  EXPECT_EQ(status_from("127.0.0.2", server.port(), "/api/v1/health"), 503);
  EXPECT_EQ(status_from("127.0.0.3", server.port(), "/api/v1/health", token), 200);
  EXPECT_EQ(status_from("127.0.0.3", server.port(), "/api/v1/me", token), 200);

  // Past the whole limit a connection is closed at accept.
  auto more = open_silent("127.0.2.1", server.port(), 30);
  EXPECT_LE(still_open(more, 500ms), 15u);
  close_all(more);
  close_all(flood);

  // Once the flood is gone, anonymous clients are served again.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(status_from("127.0.0.2", server.port(), "/api/v1/health"), 200);
}

}  // namespace
}  // namespace siaga::testing
