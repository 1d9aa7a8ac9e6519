// A small blocking WebSocket client for integration tests (Boost.Beast). Every operation has
// a deadline, after which the connection is cut, so a misbehaving server fails a test instead
// of hanging it.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace siaga::testing {

class ws_client {
 public:
  // receive_buffer > 0 sets SO_RCVBUF before connecting (a client that is slow to read).
  explicit ws_client(std::uint16_t port, int receive_buffer = 0);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // Sends the upgrade request for target with extra headers; returns the HTTP status of the
  // answer: 101 when upgraded, else the refusal (its body in refusal_body()).
  int connect(const std::string& target, const std::map<std::string, std::string>& headers = {});
  const std::string& refusal_body() const;

  // The next message parsed as JSON, or nullopt when the connection ended or nothing came
  // within limit (then closed() tells which).
  std::optional<boost::json::value> next(std::chrono::milliseconds limit = std::chrono::seconds(10));

  // True once the server closed the connection with a close frame; close_code() and
  // close_reason() are then the server's.
  bool closed() const;
  int close_code() const;
  std::string close_reason() const;
  // The error that ended the last failed operation, as text.
  std::string last_error() const;

  // The client's own port, as the server's log names the connection (127.0.0.1:port).
  std::uint16_t local_port() const;

  // Starts and finishes the close handshake from the client side.
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Reads the hello message of a stream and returns its last_seq; -1 and a test failure when the
// first message is anything else or none comes.
std::int64_t read_hello(ws_client& ws);

// The messages of a stream until one satisfies done (inclusive); a test failure, and what came,
// when the stream ends or goes quiet for 15 s first.
std::vector<boost::json::value> read_messages_until(ws_client& ws,
                                                    const std::function<bool(const boost::json::value&)>& done);

}  // namespace siaga::testing
