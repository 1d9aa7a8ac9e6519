// The fixture most integration suites share: one seeded siaga for the whole suite (started
// before its first test, stopped after its last) and an HTTP client to it per test.
#pragma once

#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

namespace siaga::testing {

class shared_server_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new server_process(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static inline server_process* server_ = nullptr;
  http_client client_{"127.0.0.1", server_->port()};
};

}  // namespace siaga::testing

namespace siaga::testing {

// The fixture of suites whose tests each need a fresh seeded siaga of their own that delivers
// notifications within milliseconds (to a stand_in_receiver the test owns), with the demo's
// admin, call taker and DAMKAR operator signed in.
class own_server_test : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<server_process>(
        true, std::vector<std::string>{"--notify-backoff-ms", "40", "--notify-poll-ms", "50"});
    client_ = std::make_unique<http_client>("127.0.0.1", server_->port());
    admin_ = client_->login("admin", "siaga112demo");
    call_taker_ = client_->login("calltaker", "siaga112demo");
    damkar_ = client_->login("damkar", "siaga112demo");
  }

  std::unique_ptr<server_process> server_;
  std::unique_ptr<http_client> client_;
  std::string admin_, call_taker_, damkar_;
};

}  // namespace siaga::testing
