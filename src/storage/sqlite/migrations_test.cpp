#include "storage/sqlite/migrations.hpp"

#include "storage/sqlite/connection.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>

namespace siaga::storage::sqlite {
namespace {

class migrator : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("siaga-migrations-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    auto c = connection::open(path_.string(), false);
    ASSERT_TRUE(c) << c.error().message;
    conn_ = std::move(*c);
  }
  void TearDown() override {
    conn_.reset();
    std::filesystem::remove(path_);
  }
  std::int64_t count(const std::string& sql) {
    auto st = conn_->prepare(sql);
    EXPECT_TRUE(st);
    auto row = st->step("test");
    EXPECT_TRUE(row && *row);
    return st->int64(0);
  }
  std::filesystem::path path_;
  std::unique_ptr<connection> conn_;
};

constexpr std::string_view parents = R"sql(
CREATE TABLE parents (id TEXT PRIMARY KEY) STRICT;
CREATE TABLE children (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parents (id)) STRICT;
CREATE TABLE others (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parents (id)) STRICT;
INSERT INTO parents VALUES ('p1');
)sql";

TEST_F(migrator, refuses_a_migration_that_leaves_a_dangling_reference_and_keeps_nothing_of_it) {
  const std::array<migration, 2> list{{
      {1, "tables", parents},
      {2, "a child of no parent", "INSERT INTO children VALUES ('c1', 'nobody');"},
  }};
  auto r = migrate(*conn_, list);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("migration 2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("dangling foreign key in table children"), std::string::npos) << r.error().message;
  EXPECT_EQ(count("SELECT count(*) FROM children"), 0);
  EXPECT_EQ(count("SELECT max(version) FROM schema_migrations"), 1);
}

TEST_F(migrator, checks_the_tables_that_refer_to_a_table_the_migration_changed) {
  const std::array<migration, 3> list{{
      {1, "tables", parents},
      {2, "a child", "INSERT INTO children VALUES ('c1', 'p1');"},
      // Names only parents: the child left pointing at the removed row must still be found.
      {3, "a parent removed", "DELETE FROM parents WHERE id = 'p1';"},
  }};
  auto r = migrate(*conn_, list);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("migration 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("children"), std::string::npos) << r.error().message;
  EXPECT_EQ(count("SELECT count(*) FROM parents"), 1);
}

TEST_F(migrator, applies_clean_migrations_once_and_refuses_a_gap_in_the_versions) {
  const std::array<migration, 2> list{{
      {1, "tables", parents},
      {2, "a child", "INSERT INTO children VALUES ('c1', 'p1');"},
  }};
  auto first = migrate(*conn_, list);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 2);
  auto again = migrate(*conn_, list);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, 0);
  const std::array<migration, 1> gap{{{2, "skips one", "SELECT 1;"}}};
  EXPECT_FALSE(migrate(*conn_, gap));
}

}  // namespace
}  // namespace siaga::storage::sqlite

namespace siaga::storage::sqlite {
namespace {

TEST_F(migrator, checks_only_what_a_migration_writes_so_an_upgrade_costs_what_it_changed) {
  // A dangling row that an earlier program left in others: a migration that neither writes
  // others nor parents does not read others again (at 10 M incidents a whole-database check
  // took minutes per migration); one that writes parents does, and finds it.
  const std::array<migration, 3> list{{
      {1, "tables", parents},
      {2, "a table of its own, referring to parents", R"sql(
CREATE TABLE notes (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parents (id)) STRICT;
INSERT INTO notes VALUES ('n1', 'p1');)sql"},
      {3, "a parent renamed", "UPDATE parents SET id = 'p2' WHERE id = 'p1';"},
  }};
  ASSERT_TRUE(migrate(*conn_, std::span(list).first(1)));
  ASSERT_TRUE(conn_->exec_script("INSERT INTO others VALUES ('o1', 'gone');", "test"));
  auto second = migrate(*conn_, std::span(list).first(2));
  ASSERT_TRUE(second) << second.error().message;
  auto third = migrate(*conn_, list);
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("migration 3"), std::string::npos) << third.error().message;
}

TEST_F(migrator, a_plain_new_column_is_not_checked_and_a_new_reference_is) {
  const std::array<migration, 3> list{{
      {1, "tables", parents},
      {2, "a plain column", "ALTER TABLE others ADD COLUMN note TEXT NOT NULL DEFAULT '';"},
      {3, "a reference with a default that points at nothing",
       "ALTER TABLE children ADD COLUMN other_parent TEXT REFERENCES parents (id) DEFAULT 'nobody';"},
  }};
  ASSERT_TRUE(migrate(*conn_, std::span(list).first(1)));
  ASSERT_TRUE(conn_->exec_script("INSERT INTO others VALUES ('o1', 'gone');", "test"));
  ASSERT_TRUE(conn_->exec_script("INSERT INTO children VALUES ('c1', 'p1');", "test"));
  auto second = migrate(*conn_, std::span(list).first(2));
  ASSERT_TRUE(second) << second.error().message;
  auto third = migrate(*conn_, list);
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("migration 3"), std::string::npos) << third.error().message;
  EXPECT_NE(third.error().message.find("children"), std::string::npos) << third.error().message;
}

TEST_F(migrator, packs_the_step_histograms_that_earlier_migrations_kept_as_text) {
  auto all = all_migrations();
  auto packing = std::find_if(all.begin(), all.end(), [](const migration& m) {
    return m.name.find("dispatch step histograms packed") != std::string_view::npos;
  });
  ASSERT_NE(packing, all.end());
  auto before = static_cast<std::size_t>(packing - all.begin());
  ASSERT_TRUE(migrate(*conn_, all.first(before)));
  ASSERT_TRUE(conn_->exec_script(
      "INSERT INTO roll_dispatch_steps VALUES ('j', 0, 20000, 'a', 'c', 'on_scene', 'completed', 5, 4, 3, "
      "'3:2,70:1,500:2'), ('j', 1, 19997, 'a', 'c', 'on_scene', 'completed', 5, 4, 3, '3:2,70:1,500:2'), "
      "('j', 0, 20001, 'a', 'c', 'acknowledged', 'completed', 0, 0, 0, '');",
      "test"));
  auto rest = migrate(*conn_, all);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(count("SELECT count(*) FROM roll_dispatch_steps WHERE typeof(histogram) = 'blob'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM roll_dispatch_steps WHERE siaga_hist_text(histogram) = '3:2,70:1,500:2' AND "
                  "n = 5 AND limited = 4 AND within = 3"),
            2);
  EXPECT_EQ(count("SELECT length(histogram) FROM roll_dispatch_steps WHERE day = 20001"), 0);
  // A text value no longer fits the column.
  EXPECT_FALSE(conn_->exec_script(
      "INSERT INTO roll_dispatch_steps VALUES ('j', 0, 20002, 'a', 'c', 'on_scene', 'completed', 1, 0, 0, '3:1');",
      "test"));
}

}  // namespace
}  // namespace siaga::storage::sqlite
