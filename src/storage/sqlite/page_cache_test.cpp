#include "storage/sqlite/page_cache.hpp"

#include "core/test_dir.hpp"
#include "storage/sqlite/connection.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace siaga::storage::sqlite {
namespace {

constexpr unsigned lock_page = 262'145;  // 4 KiB pages

// In the server the first use of SQLite is connection::open, which installs the wrapper first.
// Here other tests open files with SQLite's own API (which initialises it) before any
// connection::open, so the wrapper is installed when the test program starts, as the server's
// first connection would.
class install_first : public ::testing::Environment {
 public:
  void SetUp() override { install_page_cache(); }
};
[[maybe_unused]] const auto* const install_environment = ::testing::AddGlobalTestEnvironment(new install_first);

TEST(page_key_bound, a_truncation_past_every_page_is_not_forwarded_and_one_below_a_page_is) {
  page_key_bound b(lock_page);
  for (unsigned k = 1; k <= 100; ++k) b.fetched(k);
  EXPECT_FALSE(b.must_truncate(101)) << "nothing is keyed 101 or more";
  EXPECT_TRUE(b.must_truncate(90)) << "pages 90 to 100 are there";
  EXPECT_FALSE(b.must_truncate(90)) << "dropped by the truncation before";
  b.fetched(95);
  EXPECT_TRUE(b.must_truncate(91));
}

TEST(page_key_bound, the_splits_swap_through_the_lock_page_leaves_no_bound_behind) {
  page_key_bound b(lock_page);
  for (unsigned k = 1; k <= 100; ++k) b.fetched(k);
  // balance_nonroot: A (40) to the lock page, B (30) to 40, A to 30.
  b.rekeyed(40, lock_page);
  b.rekeyed(30, 40);
  b.rekeyed(lock_page, 30);
  EXPECT_FALSE(b.must_truncate(101)) << "no page is keyed past the database's end";
}

TEST(page_key_bound, a_page_still_keyed_by_the_lock_page_makes_every_truncation_forwarded) {
  page_key_bound b(lock_page);
  b.fetched(10);
  b.rekeyed(10, lock_page);
  EXPECT_TRUE(b.must_truncate(11));
  EXPECT_TRUE(b.must_truncate(11)) << "still there";
  b.rekeyed(lock_page, 10);
  EXPECT_TRUE(b.must_truncate(5)) << "page 10 is past 5";
  EXPECT_FALSE(b.must_truncate(11));
}

TEST(page_key_bound, a_page_moved_past_the_bound_raises_it) {
  page_key_bound b(lock_page);
  b.fetched(10);
  b.rekeyed(10, 500);
  EXPECT_TRUE(b.must_truncate(400));
  EXPECT_EQ(lock_page_of(4096), lock_page);
  EXPECT_EQ(lock_page_of(65536), 16'385u);
}

// Rows with random keys split index pages in most transactions: with the wrapper installed the
// transactions' truncations find nothing past the database's end, and the data stay whole.
TEST(page_cache, the_wrapper_is_installed_and_splits_leave_no_truncation_to_do) {
  ASSERT_TRUE(install_page_cache()) << "installed before SQLite is initialised";
  const auto dir = core::fresh_test_dir("siaga-page-cache");
  auto conn = connection::open((dir / "t.db").string(), false);
  ASSERT_TRUE(conn) << conn.error().message;
  auto& c = **conn;
  ASSERT_TRUE(c.exec_script("PRAGMA journal_mode = WAL; PRAGMA cache_size = -16384;"
                            "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;",
                            "schema"));
  const auto before = page_cache_totals();
  for (int tx = 0; tx < 200; ++tx) {
    ASSERT_TRUE(c.exec_script("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
                              "INSERT INTO t SELECT hex(randomblob(16)), printf('%.200c', 'v') FROM n; COMMIT;",
                              "insert"))
        << tx;
  }
  const auto after = page_cache_totals();
  EXPECT_GT(after.skipped - before.skipped, 150) << "most transactions ended without walking the cache";
  auto st = c.prepare("SELECT count(*), (SELECT integrity_check FROM pragma_integrity_check) FROM t");
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->step("count").value());
  EXPECT_EQ(st->int64(0), 10'000);
  EXPECT_EQ(st->text(1), "ok");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace siaga::storage::sqlite
