#include "services/call_stats.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

using namespace std::chrono_literals;
using domain::call_class;
using domain::call_outcome;

// 2026-11-22T00:00:00Z; in Asia/Jayapura (+09:00) that is 09:00 the same day.
const core::timestamp t0 = core::parse_iso8601("2026-11-22T00:00:00Z").value();

storage::call_stat_row row(std::chrono::seconds ring, std::optional<call_outcome> outcome,
                           std::optional<std::chrono::milliseconds> wait = {}, std::optional<call_class> cls = {},
                           std::string agent = "", bool dispatched = false) {
  storage::call_stat_row r;
  r.ring_at = t0 + ring;
  r.outcome = outcome;
  if (wait && outcome == call_outcome::answered) r.answered_at = r.ring_at + *wait;
  if (outcome) r.ended_at = r.ring_at + 60s;
  r.classification = cls;
  r.agent = std::move(agent);
  r.line = "112";
  r.dispatched = dispatched;
  return r;
}

TEST(call_stats, counts_percentiles_and_shares) {
  std::vector<storage::call_stat_row> rows = {
      row(0s, call_outcome::answered, 4000ms, call_class::valid, "ext1", true),
      row(60s, call_outcome::answered, 10000ms, call_class::prank, "ext1"),
      row(120s, call_outcome::answered, 15000ms, call_class::ghost, "ext2"),
      row(180s, call_outcome::answered, 21000ms, std::nullopt, "ext2"),
      row(240s, call_outcome::abandoned),
      row(300s, call_outcome::missed),
      row(360s, std::nullopt),
  };
  auto report = compute_call_stats(rows, stats_group::day, 540);
  const auto& t = report.total;
  EXPECT_EQ(t.total, 7);
  EXPECT_EQ(t.answered, 4);
  EXPECT_EQ(t.abandoned, 1);
  EXPECT_EQ(t.missed, 1);
  EXPECT_EQ(t.live, 1);
  EXPECT_EQ(t.by_classification.at("valid"), 1);
  EXPECT_EQ(t.by_classification.at("prank"), 1);
  EXPECT_EQ(t.by_classification.at("ghost"), 1);
  EXPECT_EQ(t.by_classification.at("unclassified"), 1);
  EXPECT_EQ(t.by_classification.at("test"), 0);
  EXPECT_EQ(t.answer_p50_s, 10.0);
  EXPECT_EQ(t.answer_p90_s, 21.0);
  EXPECT_EQ(t.answer_p95_s, 21.0);
  EXPECT_EQ(t.answered_within.at(10), 2);
  EXPECT_EQ(t.answered_within.at(15), 3);
  EXPECT_EQ(t.answered_within.at(20), 3);
  EXPECT_DOUBLE_EQ(*t.share_within.at(10), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(*t.share_within.at(20), 3.0 / 5.0);
  EXPECT_EQ(t.follow_ups, 1);
  ASSERT_EQ(report.groups.size(), 1u);
  EXPECT_EQ(report.groups[0].key, "2026-11-22");
}

TEST(call_stats, groups_by_local_hour_day_month_agent_and_line) {
  std::vector<storage::call_stat_row> rows = {row(0s, call_outcome::answered, 5000ms, {}, "ext1"),
                                              row(14h + 59min, call_outcome::answered, 5000ms, {}, "ext2"),
                                              row(15h, call_outcome::missed)};
  auto hours = compute_call_stats(rows, stats_group::hour, 540);
  ASSERT_EQ(hours.groups.size(), 3u);
  EXPECT_EQ(hours.groups[0].key, "2026-11-22T09");
  EXPECT_EQ(hours.groups[1].key, "2026-11-22T23");
  EXPECT_EQ(hours.groups[2].key, "2026-11-23T00");
  auto days = compute_call_stats(rows, stats_group::day, 540);
  ASSERT_EQ(days.groups.size(), 2u);
  EXPECT_EQ(days.groups[0].total, 2);
  EXPECT_EQ(days.groups[1].key, "2026-11-23");
  auto utc_days = compute_call_stats(rows, stats_group::day, 0);
  ASSERT_EQ(utc_days.groups.size(), 1u);
  EXPECT_EQ(compute_call_stats(rows, stats_group::month, 540).groups[0].key, "2026-11");
  auto agents = compute_call_stats(rows, stats_group::agent, 540);
  ASSERT_EQ(agents.groups.size(), 3u);
  EXPECT_EQ(agents.groups[0].key, "");
  EXPECT_EQ(agents.groups[1].key, "ext1");
  EXPECT_EQ(compute_call_stats(rows, stats_group::line, 540).groups[0].total, 3);
}

TEST(call_stats, no_calls_have_no_percentiles_or_shares) {
  auto report = compute_call_stats({}, stats_group::day, 0);
  EXPECT_TRUE(report.groups.empty());
  EXPECT_EQ(report.total.total, 0);
  EXPECT_FALSE(report.total.answer_p50_s);
  EXPECT_FALSE(report.total.share_within.at(10));
}

TEST(call_stats, group_names_parse) {
  EXPECT_EQ(parse_stats_group("agent").value(), stats_group::agent);
  EXPECT_FALSE(parse_stats_group("week"));
}

}  // namespace
}  // namespace siaga::services
