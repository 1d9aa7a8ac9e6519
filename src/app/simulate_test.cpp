#include "app/simulate.hpp"

#include "app/seed.hpp"
#include "domain/lifecycle.hpp"
#include "core/test_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

namespace siaga::app {
namespace {

using namespace std::chrono_literals;

const core::timestamp t0 = core::parse_iso8601("2026-11-01T00:00:00Z").value();

simulation_params week() {
  simulation_params p;
  p.start = t0;
  p.duration = std::chrono::days{7};
  p.calls_per_hour = 10;
  p.seed = 5;
  return p;
}

TEST(generate_calls, is_the_same_for_the_same_seed_and_differs_for_another) {
  auto a = generate_calls(week());
  auto b = generate_calls(week());
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].call_id, b[i].call_id);
    EXPECT_EQ(a[i].caller, b[i].caller);
    EXPECT_EQ(a[i].ring_at, b[i].ring_at);
  }
  auto p = week();
  p.seed = 6;
  auto c = generate_calls(p);
  EXPECT_TRUE(c.size() != a.size() || c.front().ring_at != a.front().ring_at);
}

TEST(generate_calls, follows_the_shares_and_folds_back_to_its_truth) {
  auto p = week();
  auto calls = generate_calls(p);
  ASSERT_GT(calls.size(), 1000u);
  std::map<std::string, int> outcomes, classes;
  for (const auto& c : calls) {
    ++outcomes[std::string(domain::to_string(c.outcome))];
    if (c.classification) ++classes[std::string(domain::to_string(*c.classification))];
    EXPECT_GE(c.ring_at, p.start);
    EXPECT_LT(c.ring_at, p.start + p.duration + 15min);  // follow-ups ring minutes after
    // The events fold into exactly the generated call.
    auto s = domain::fold_call(c.events);
    EXPECT_EQ(s.outcome, c.outcome) << c.call_id;
    EXPECT_EQ(s.ring_at, c.ring_at) << c.call_id;
    EXPECT_EQ(s.answered_at, c.answered_at) << c.call_id;
    EXPECT_EQ(s.ended_at, c.ended_at) << c.call_id;
    EXPECT_EQ(s.answered_by, c.agent) << c.call_id;
    EXPECT_EQ(s.caller, c.caller) << c.call_id;
    EXPECT_EQ(domain::auto_classification(s) == domain::call_class::ghost,
              c.classification == domain::call_class::ghost)
        << c.call_id;
  }
  auto share = [&](int n) { return static_cast<double>(n) / static_cast<double>(calls.size()); };
  EXPECT_NEAR(share(outcomes["abandoned"]), p.abandon_share, 0.04);
  EXPECT_NEAR(share(classes["prank"]), p.prank_share, 0.05);
  EXPECT_NEAR(share(classes["ghost"]), p.ghost_share, 0.04);
  EXPECT_GT(classes["valid"], 0);
}

TEST(delivery_order, sends_every_event_some_twice_and_some_out_of_order) {
  auto calls = generate_calls(week());
  std::size_t total = 0;
  std::set<std::string> ids;
  for (const auto& c : calls) {
    total += c.events.size();
    for (const auto& e : c.events) ids.insert(e.event_id);
  }
  auto sent = delivery_order(calls, 0.05, 20, 1);
  EXPECT_GT(sent.size(), total);
  EXPECT_LT(sent.size(), total + total / 10);
  std::set<std::string> seen;
  bool out_of_order = false;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    seen.insert(sent[i].event_id);
    if (i && sent[i].at < sent[i - 1].at) out_of_order = true;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_TRUE(out_of_order);
  EXPECT_EQ(delivery_order(calls, 0, 0, 1).size(), total);
}

TEST(telephony_event_json, writes_the_api_format) {
  domain::call_event e;
  e.event_id = "x-ended";
  e.call_id = "x";
  e.kind = domain::call_event_kind::ended;
  e.at = t0;
  e.reason = domain::end_reason::no_agent;
  e.silent = true;
  auto o = telephony_event_json(e);
  EXPECT_EQ(o.at("type").as_string(), "ended");
  EXPECT_EQ(o.at("reason").as_string(), "no_agent");
  EXPECT_EQ(o.at("at").as_string(), "2026-11-01T00:00:00.000000Z");
  EXPECT_TRUE(o.at("silent").as_bool());
  EXPECT_FALSE(o.contains("caller"));
}

class seed_demo_calls_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = core::fresh_test_dir("siaga-simulate-test-");
    auto st = storage::open_sqlite({(dir_ / "demo.db").string()});
    ASSERT_TRUE(st) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate());
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  core::secure_random rnd_;
};

TEST_F(seed_demo_calls_test, adds_a_classified_week_of_calls_without_new_reports) {
  auto now = core::parse_iso8601("2026-11-22T04:00:00Z").value();
  auto city = seed_demo(*store_, rnd_, now);
  ASSERT_TRUE(city) << city.error().message;
  auto& rd = store_->reader();
  storage::report_filter all_reports;
  all_reports.jurisdiction_id = city->jurisdiction_id;
  auto reports_before = rd.list_reports(all_reports)->total;

  auto calls = seed_demo_calls(*store_, city->jurisdiction_id, rnd_, now);
  ASSERT_TRUE(calls) << calls.error().message;
  EXPECT_GT(calls->calls, 400);
  EXPECT_GT(calls->events, calls->calls * 3);
  storage::call_filter f;
  f.jurisdiction_id = city->jurisdiction_id;
  f.page = {1, 0};
  EXPECT_EQ(rd.list_calls(f)->total, calls->calls);
  f.unclassified = true;
  EXPECT_EQ(rd.list_calls(f)->total, 0) << "every answered call is classified";
  f.unclassified = false;
  f.live = true;
  EXPECT_EQ(rd.list_calls(f)->total, 0) << "every call has ended";
  EXPECT_EQ(rd.list_reports(all_reports)->total, reports_before);
  auto events = rd.events_of_jurisdiction(city->jurisdiction_id);
  ASSERT_TRUE(events);
  EXPECT_FALSE(domain::verify_chain(*events));
}

}  // namespace
}  // namespace siaga::app
