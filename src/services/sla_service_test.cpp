// The clock boards' cache of the directory (issue 14 item 1): kept while the store's
// directory_version stays, read again when the jurisdiction's row or a category changes, never
// mistaken for another database's.
#include "services/sla_service.hpp"
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

}  // namespace
}  // namespace siaga::services
