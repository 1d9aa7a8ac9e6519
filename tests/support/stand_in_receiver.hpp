// A stand-in for the outside receivers of notifications (an agency's webhook, the Telegram
// Bot API, the WhatsApp Graph API, an SMS gateway): a small HTTP server in the test process, on 127.0.0.1, that records every POST and
// answers 500 to the first few, or to all while told to fail, and 200 otherwise. It can go down
// (stop listening, so connections are refused) and come back on the same port.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace siaga::testing {

struct received_request {
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int answered = 0;                            // the status it was given
  const std::string& header(const std::string& lower_name) const;
};

class stand_in_receiver {
 public:
  // Starts listening on port (0: a free one).
  explicit stand_in_receiver(std::uint16_t port = 0);
  ~stand_in_receiver();
  stand_in_receiver(const stand_in_receiver&) = delete;
  stand_in_receiver& operator=(const stand_in_receiver&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port><path>".
  std::string url(const std::string& path) const;

  // Answers failure_status to the next n requests, then 200.
  void fail_next(int n, int failure_status = 500);
  // Answers failure_status to every request until called with false.
  void fail_always(bool on, int failure_status = 503);

  // While on, a POST is recorded as it arrives (answered 0) and waits unanswered until called
  // with false, as a receiver that hangs mid-delivery; then it is answered as usual.
  void hold(bool on);

  // Answers GET path (without its query) with this body and content type (200), as a
  // provider's media endpoint would; other GETs answer 404.
  void serve(const std::string& path, const std::string& content_type, const std::string& body);

  // Stops listening (connections are refused) and starts again on the same port.
  void go_down();
  void come_up();

  // Every request received so far, oldest first.
  std::vector<received_request> requests() const;

 private:
  void start();
  void stop();
  int next_status();  // with mutex_ held
  int answer(received_request r);
  int answer_held(std::size_t index);
  bool held() const;
  struct served {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, served> served_;

  struct server;
  std::uint16_t port_ = 0;
  std::unique_ptr<server> server_;
  mutable std::mutex mutex_;
  std::vector<received_request> requests_;
  int fail_next_ = 0;
  bool fail_always_ = false;
  bool hold_ = false;
  int failure_status_ = 500;
};

// Polls condition every 20 ms until it holds or the deadline passes; true when it held. The
// deadline is a limit for a broken build, not a performance expectation.
bool eventually(const std::function<bool()>& condition, std::chrono::seconds deadline = std::chrono::seconds{30});

}  // namespace siaga::testing
