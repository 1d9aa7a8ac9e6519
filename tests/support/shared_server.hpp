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
