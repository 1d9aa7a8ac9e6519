// The fixture and helpers of the calls facet's contract tests (calls_store_test.cpp,
// callers_store_test.cpp): a store of each backend (store_test_fixture.hpp) with two jurisdictions
// and a user, and calls made and answered at fixed times.
#pragma once

#include "storage/store.hpp"
#include "storage/store_test_fixture.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <memory>
#include <string>

namespace siaga::storage::calls_test {

using namespace std::chrono_literals;

inline const core::timestamp t0 = core::from_micros(1'795'000'000'000'000);

template <class T>
std::string code_of(const result<T>& r) {
  if (!r) std::cerr << "  (" << r.error().message << ")\n";
  return r ? "ok" : std::string(core::to_string(r.error().code));
}

inline domain::call_record make_call(std::string id, std::string external, std::string caller,
                                     std::chrono::seconds ring) {
  domain::call_record c;
  c.id = std::move(id);
  c.jurisdiction_id = "j1";
  c.external_id = std::move(external);
  c.state.caller = std::move(caller);
  c.state.line = "112";
  c.state.ring_at = t0 + ring;
  c.created_at = t0 + ring;
  c.updated_at = t0 + ring;
  return c;
}

inline domain::call_record answered(domain::call_record c, std::optional<domain::call_class> cls = {}) {
  c.state.answered_at = *c.state.ring_at + 5s;
  c.state.ended_at = *c.state.ring_at + 60s;
  c.state.outcome = domain::call_outcome::answered;
  c.classification = cls;
  if (cls) c.classified_source = domain::classification_source::manual;
  return c;
}

// The backends are the contract suites' (store_test_fixture.hpp); this suite seeds its own rows.
class calls_store : public ::testing::TestWithParam<contract::backend> {
 protected:
  void SetUp() override {
    location_ = GetParam().make_location();
    auto s = GetParam().open(location_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto m = store_->migrate();
    ASSERT_TRUE(m) << m.error().message;
    auto seeded = store_->write([](store_txn& t) -> result<void> {
      for (auto [id, code] : {std::pair{"j1", "81.71"}, std::pair{"j2", "32.73"}}) {
        if (auto r = t.insert_jurisdiction({id, code, "Kota", "Asia/Jayapura", "AMB", {0, 6}, {}, {}}); !r) return r;
      }
      domain::user u;
      u.id = "u1";
      u.jurisdiction_id = "j1";
      u.username = "ct";
      u.display_name = "CT";
      u.password_hash = "x";
      u.created_at = t0;
      return t.insert_user(u);
    });
    ASSERT_TRUE(seeded) << seeded.error().message;
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    GetParam().destroy(location_);
  }

  result<void> write(std::function<result<void>(store_txn&)> f) { return store_->write(std::move(f)); }
  store_reader& rd() { return store_->reader(); }

  std::string location_;
  std::unique_ptr<store> store_;
};

}  // namespace siaga::storage::calls_test
