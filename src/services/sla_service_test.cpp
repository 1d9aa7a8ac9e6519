// The clock boards' cache of the directory (issue 14 item 1): kept while the store's
// directory_version stays, read again when the jurisdiction's row or a category changes, never
// mistaken for another database's.
#include "services/sla_service.hpp"
#include "services/incident_service.hpp"
#include "services/service_test_fixture.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

using namespace std::chrono_literals;

class clock_cache_test : public testing::store_fixture {
 protected:
  void SetUp() override {
    store_fixture::SetUp();
    ASSERT_TRUE(write_limit(*store_, 600));
  }

  // Category c1 of j1 with its dispatch due `seconds` after the incident's creation.
  static core::result<void> write_limit(storage::store& s, std::int64_t seconds) {
    return s.write([&](storage::store_txn& tx) {
      domain::category c;
      c.id = "c1";
      c.jurisdiction_id = "j1";
      c.code = "fire";
      c.name_id = "Kebakaran";
      c.name_en = "Fire";
      c.sla.dispatch_within_s = seconds;
      return tx.upsert_category(c);
    });
  }

  // When the dispatch clock of a fresh incident of c1 falls due, through the cached board.
  std::optional<core::timestamp> dispatch_due(storage::store& s) {
    auto now = clock_.now();
    auto board = clock_board::load_cached(s.reader(), "j1", now);
    EXPECT_TRUE(board) << board.error().message;
    if (!board) return std::nullopt;
    domain::incident inc;
    inc.id = "i1";
    inc.jurisdiction_id = "j1";
    inc.category_id = "c1";
    inc.created_at = now;
    for (const auto& c : board->of_incident(inc)) {
      if (c.step == domain::sla_step::dispatch) return c.due_at;
    }
    return std::nullopt;
  }

  std::int64_t version() { return store_->reader().directory_version("j1").value(); }
};

TEST_F(clock_cache_test, a_changed_category_or_jurisdiction_moves_the_version_and_the_board_follows) {
  const auto now = clock_.now();
  EXPECT_EQ(dispatch_due(*store_), now + 600s);
  auto v1 = version();
  EXPECT_EQ(dispatch_due(*store_), now + 600s);
  EXPECT_EQ(version(), v1);

  // Writes outside the jurisdiction's row and its categories leave it.
  ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
    auto n = tx.next_counter("j1", "incident:2026");
    if (!n) return n.error();
    return {};
  }));
  EXPECT_EQ(version(), v1);

  ASSERT_TRUE(write_limit(*store_, 1200));
  auto v2 = version();
  EXPECT_NE(v2, v1);
  EXPECT_EQ(dispatch_due(*store_), now + 1200s);

  ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
    auto j = tx.find_jurisdiction("j1");
    if (!j) return j.error();
    auto changed = **j;
    changed.name = "Kota Ambon (baru)";
    return tx.update_jurisdiction(changed);
  }));
  EXPECT_NE(version(), v2);
  EXPECT_EQ(dispatch_due(*store_), now + 1200s);
  EXPECT_FALSE(store_->reader().directory_version("j-unknown").value());
  EXPECT_FALSE(clock_board::load_cached(store_->reader(), "j-unknown", now));
}

TEST_F(clock_cache_test, another_database_with_the_same_jurisdiction_id_is_not_served_from_the_cache) {
  const auto now = clock_.now();
  EXPECT_EQ(dispatch_due(*store_), now + 600s);
  // A second database of the same jurisdiction id and the same writes, only a different limit.
  auto path = (dir_ / "other.db").string();
  auto opened = storage::open_sqlite({path});
  ASSERT_TRUE(opened) << opened.error().message;
  auto& other = **opened;
  ASSERT_TRUE(other.migrate());
  ASSERT_TRUE(other.write([](storage::store_txn& tx) {
    return tx.insert_jurisdiction({"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
  }));
  ASSERT_TRUE(write_limit(other, 900));
  EXPECT_EQ(dispatch_due(other), now + 900s);
  EXPECT_EQ(dispatch_due(*store_), now + 600s);
  other.close();
}

// The monitor looks at the clocks through a reader, then writes: the write reads the plan's
// incidents again, so a clock that stopped between the two raises nothing; a plan applied twice
// raises once; an alert whose clock stopped is resolved; an empty plan writes nothing.
TEST_F(clock_cache_test, the_monitors_write_reads_its_plans_incidents_again) {
  const actor who{"u1", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
  new_incident in;
  in.category_id = "c1";
  in.summary = "Kebakaran gudang";
  in.location = domain::geo_point{-3.69, 128.18};
  in.dispatch_now = false;
  auto made = run<domain::incident>([&](storage::store_txn& tx) { return create_incident(tx, ctx(), who, in); });
  ASSERT_TRUE(made) << made.error().message;
  clock_.advance(700s);  // the dispatch was due after 600 s
  auto open_alerts = [&] {
    storage::sla_alert_filter f;
    f.jurisdiction_id = "j1";
    f.open_only = true;
    return store_->reader().list_sla_alerts(f).value().items.size();
  };
  auto apply = [&](const sla_plan& p) {
    return run<sla_check_result>([&](storage::store_txn& tx) { return apply_service_levels(tx, ctx(), "j1", p); });
  };

  auto plan = plan_service_levels(store_->reader(), clock_.now(), "j1");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->incident_ids, std::vector<std::string>{made->id});
  // Between the look and the write the category gets an hour: the write finds no breach.
  ASSERT_TRUE(write_limit(*store_, 3600));
  auto stale = apply(*plan);
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_EQ(stale->raised, 0);
  EXPECT_EQ(open_alerts(), 0u);

  ASSERT_TRUE(write_limit(*store_, 600));
  plan = plan_service_levels(store_->reader(), clock_.now(), "j1");
  ASSERT_TRUE(plan) << plan.error().message;
  auto raised = apply(*plan);
  ASSERT_TRUE(raised) << raised.error().message;
  EXPECT_EQ(raised->raised, 1);
  auto again = apply(*plan);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->raised, 0) << "the alert is raised once";
  EXPECT_EQ(open_alerts(), 1u);
  EXPECT_TRUE(plan_service_levels(store_->reader(), clock_.now(), "j1").value().empty()) << "nothing changes";

  ASSERT_TRUE(write_limit(*store_, 3600));
  plan = plan_service_levels(store_->reader(), clock_.now(), "j1");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->to_resolve.size(), 1u);
  auto resolved = apply(*plan);
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(resolved->resolved, 1);
  EXPECT_EQ(open_alerts(), 0u);
  auto nothing = apply(sla_plan{});
  ASSERT_TRUE(nothing) << nothing.error().message;
  EXPECT_EQ(nothing->raised + nothing->resolved, 0);
}

}  // namespace
}  // namespace siaga::services
