// call_stats() reads the call rollups (issue 10): a known history checked figure by figure
// (across a local midnight, a classification change, the follow-up flag turning on with a
// dispatch, staying on when it is cancelled, and moving with the report's incident), a random
// history checked against compute_call_stats over the rows for many periods and every
// grouping (counts exact, percentiles within the histograms' bound of the rows' exact ones),
// and a tampered rollup found and corrected by rebuild_rollups.
#include "services/call_stats.hpp"

#include "services/ministry_report.hpp"
#include "storage/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>

namespace siaga::services {
namespace {

using namespace std::chrono_literals;
using domain::call_class;
using domain::call_outcome;

// 2026-11-22T00:00:00+09:00 (Asia/Jayapura): a local midnight.
const core::timestamp midnight = core::parse_iso8601("2026-11-22T00:00:00+09:00").value();

class call_rollups : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() / ("siaga-call-rollups-" + std::to_string(::getpid()) + "-" +
                                                       ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                                                       ".db"))
                .string();
    remove_files();
    auto s = storage::open_sqlite({.path = path_});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->migrate());
    auto seeded = write([](storage::store_txn& t) -> core::result<void> {
      SIAGA_CHECK(t.insert_jurisdiction({"j1", "81.71", "Kota", "Asia/Jayapura", "AMB", {0, 6}, {}, {}}));
      domain::user u;
      u.id = "u1";
      u.jurisdiction_id = "j1";
      u.username = "ct";
      u.display_name = "CT";
      u.password_hash = "x";
      u.created_at = midnight;
      SIAGA_CHECK(t.insert_user(u));
      domain::category c;
      c.id = "cat";
      c.jurisdiction_id = "j1";
      c.code = "fire";
      c.name_id = "Kebakaran";
      SIAGA_CHECK(t.upsert_category(c));
      domain::agency a;
      a.id = "a1";
      a.jurisdiction_id = "j1";
      a.code = "damkar";
      a.name = "Damkar";
      a.kind = domain::agency_kind::fire;
      a.phone = "+62911312345";
      return t.upsert_agency(a);
    });
    ASSERT_TRUE(seeded) << seeded.error().message;
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    remove_files();
  }
  void remove_files() {
    for (auto suffix : {"", "-wal", "-shm", "-counters"}) std::filesystem::remove(path_ + suffix);
  }

  core::result<void> write(std::function<core::result<void>(storage::store_txn&)> f) {
    return store_->write(std::move(f));
  }
  storage::store_reader& rd() { return store_->reader(); }

  call_stats_report stats(core::timestamp from, core::timestamp to, stats_group g) {
    auto r = call_stats(rd(), "j1", from, to, g);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : call_stats_report{};
  }
  // The same figures from the rows, as call_stats computed them before the rollups.
  call_stats_report from_rows(core::timestamp from, core::timestamp to, stats_group g) {
    auto rows = rd().calls_between("j1", from, to);
    EXPECT_TRUE(rows);
    return compute_call_stats(rows ? *rows : std::vector<storage::call_stat_row>{}, g, 540);
  }
  // Rebuilds the rollups: each table's count of rows that differed from its recount.
  std::map<std::string, std::int64_t> rebuild_differing() {
    std::map<std::string, std::int64_t> differing;
    auto done = write([&](storage::store_txn& t) -> core::result<void> {
      SIAGA_TRY(checks, t.rebuild_rollups());
      for (const auto& c : checks) differing[c.table] = c.differing;
      return {};
    });
    EXPECT_TRUE(done) << done.error().message;
    return differing;
  }
  void expect_rollups_match_their_recount() {
    auto differing = rebuild_differing();
    for (auto table : {"roll_calls", "roll_call_answers", "roll_call_periods"}) EXPECT_EQ(differing[table], 0) << table;
  }
  void raw_sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  std::string path_;
  std::unique_ptr<storage::store> store_;
};

domain::call_record make_call(std::string id, core::timestamp ring, std::string line = "112") {
  domain::call_record c;
  c.id = id;
  c.jurisdiction_id = "j1";
  c.external_id = "pbx-" + id;
  c.state.caller = "+628111" + id;
  c.state.line = std::move(line);
  c.state.ring_at = ring;
  c.created_at = ring;
  c.updated_at = ring;
  return c;
}

domain::call_record answer(domain::call_record c, std::chrono::milliseconds wait, std::string agent,
                           std::optional<call_class> cls = {}) {
  c.state.answered_at = *c.state.ring_at + wait;
  c.state.ended_at = *c.state.answered_at + 60s;
  c.state.answered_by = std::move(agent);
  c.state.outcome = call_outcome::answered;
  c.classification = cls;
  return c;
}

domain::call_record end(domain::call_record c, call_outcome outcome) {
  c.state.ended_at = *c.state.ring_at + 30s;
  c.state.outcome = outcome;
  return c;
}

// A percentile from the rollups' histograms against the rows' exact one: within 1/128 of it
// (domain::millis_histogram), and absent together.
void expect_within_bound(std::optional<double> got, std::optional<double> want, const char* which) {
  ASSERT_EQ(got.has_value(), want.has_value()) << which;
  if (!want) return;
  EXPECT_LE(std::abs(*got - *want), *want / 128 + 1e-9) << which << ": " << *got << " against " << *want;
}

void expect_same(const call_stats_bucket& got, const call_stats_bucket& want, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(got.key, want.key);
  EXPECT_EQ(got.total, want.total);
  EXPECT_EQ(got.answered, want.answered);
  EXPECT_EQ(got.abandoned, want.abandoned);
  EXPECT_EQ(got.missed, want.missed);
  EXPECT_EQ(got.live, want.live);
  EXPECT_EQ(got.by_classification, want.by_classification);
  expect_within_bound(got.answer_p50_s, want.answer_p50_s, "p50");
  expect_within_bound(got.answer_p90_s, want.answer_p90_s, "p90");
  expect_within_bound(got.answer_p95_s, want.answer_p95_s, "p95");
  EXPECT_EQ(got.answered_within, want.answered_within);
  EXPECT_EQ(got.share_within, want.share_within);
  EXPECT_EQ(got.follow_ups, want.follow_ups);
}

void expect_same(const call_stats_report& got, const call_stats_report& want, const std::string& where) {
  ASSERT_EQ(got.groups.size(), want.groups.size()) << where;
  for (std::size_t i = 0; i < got.groups.size(); ++i) expect_same(got.groups[i], want.groups[i], where);
  expect_same(got.total, want.total, where + " total");
}

TEST_F(call_rollups, a_known_history_figure_by_figure) {
  // The evening before: c1 valid (its report r1 in incident i1), c2 rang two seconds before
  // midnight and was answered after it (it counts on the day it rang). After midnight: c3
  // missed, c4 abandoned, c5 answered, first unclassified, then prank, then valid; c6 live.
  auto c1 = answer(make_call("c1", midnight - 10min), 4000ms, "ext1", call_class::valid);
  auto c2 = answer(make_call("c2", midnight - 2s), 12345ms, "ext2", call_class::prank);
  auto c3 = end(make_call("c3", midnight + 5s), call_outcome::missed);
  auto c4 = end(make_call("c4", midnight + 10min), call_outcome::abandoned);
  auto c5 = answer(make_call("c5", midnight + 20min, "110"), 21500ms, "ext1");
  auto c6 = make_call("c6", midnight + 1h);
  auto inc = [](std::string id) {
    domain::incident i;
    i.id = id;
    i.jurisdiction_id = "j1";
    i.number = "AMB-" + id;
    i.category_id = "cat";
    i.created_by = "u1";
    i.created_at = midnight - 5min;
    i.updated_at = i.created_at;
    return i;
  };
  auto i1 = inc("i1");
  auto i2 = inc("i2");
  domain::report r1;
  r1.id = "r1";
  r1.jurisdiction_id = "j1";
  r1.tracking_code = "T1";
  r1.incident_id = "i1";
  r1.created_by = "u1";
  r1.created_at = midnight - 6min;
  r1.updated_at = r1.created_at;
  c1.report_id = "r1";
  ASSERT_TRUE(write([&](storage::store_txn& t) -> core::result<void> {
    SIAGA_CHECK(t.insert_incident(i1));
    SIAGA_CHECK(t.insert_incident(i2));
    SIAGA_CHECK(t.insert_report(r1));
    for (const auto& c : {c1, c2, c3, c4, c5, c6}) SIAGA_CHECK(t.insert_call(c));
    return {};
  }));
  auto check_days = [&](std::int64_t follow_before, std::int64_t follow_after, const std::string& where) {
    SCOPED_TRACE(where);
    auto s = stats(midnight - 24h, midnight + 24h, stats_group::day);
    ASSERT_EQ(s.groups.size(), 2u);
    const auto& before = s.groups[0];
    EXPECT_EQ(before.key, "2026-11-21");
    EXPECT_EQ(before.total, 2);
    EXPECT_EQ(before.answered, 2);
    EXPECT_EQ(before.by_classification.at("valid"), 1);
    EXPECT_EQ(before.by_classification.at("prank"), 1);
    expect_within_bound(before.answer_p50_s, 4.0, "p50");
    expect_within_bound(before.answer_p90_s, 12.345, "p90");
    EXPECT_EQ(before.answered_within.at(10), 1);
    EXPECT_EQ(before.answered_within.at(15), 2);
    EXPECT_EQ(before.share_within.at(10), 0.5);
    EXPECT_EQ(before.follow_ups, follow_before);
    const auto& after = s.groups[1];
    EXPECT_EQ(after.key, "2026-11-22");
    EXPECT_EQ(after.total, 4);
    EXPECT_EQ(after.answered, 1);
    EXPECT_EQ(after.missed, 1);
    EXPECT_EQ(after.abandoned, 1);
    EXPECT_EQ(after.live, 1);
    expect_within_bound(after.answer_p50_s, 21.5, "p50");
    EXPECT_EQ(after.answered_within.at(20), 0);
    EXPECT_EQ(after.share_within.at(20), 0.0);
    EXPECT_EQ(after.follow_ups, follow_after);
    EXPECT_EQ(s.total.total, 6);
    expect_within_bound(s.total.answer_p50_s, 12.345, "p50");
    expect_within_bound(s.total.answer_p95_s, 21.5, "p95");
    EXPECT_EQ(s.total.follow_ups, follow_before + follow_after);
    expect_same(s, from_rows(midnight - 24h, midnight + 24h, stats_group::day), where);
  };
  check_days(0, 0, "written");
  EXPECT_EQ(stats(midnight - 24h, midnight + 24h, stats_group::day).groups[1].by_classification.at("unclassified"), 1);

  // Classified prank, then valid: the day's classes follow.
  c5.classification = call_class::prank;
  ASSERT_TRUE(write([&](storage::store_txn& t) { return t.update_call(c5); }));
  auto s = stats(midnight - 24h, midnight + 24h, stats_group::day);
  EXPECT_EQ(s.groups[1].by_classification.at("prank"), 1);
  EXPECT_EQ(s.groups[1].by_classification.at("unclassified"), 0);
  c5.classification = call_class::valid;
  ASSERT_TRUE(write([&](storage::store_txn& t) { return t.update_call(c5); }));
  s = stats(midnight - 24h, midnight + 24h, stats_group::day);
  EXPECT_EQ(s.groups[1].by_classification.at("prank"), 0);
  EXPECT_EQ(s.groups[1].by_classification.at("valid"), 1);

  // By hour across midnight, by agent and by line, and a period cut inside hours.
  auto hours = stats(midnight - 24h, midnight + 24h, stats_group::hour);
  ASSERT_EQ(hours.groups.size(), 3u);
  EXPECT_EQ(hours.groups[0].key, "2026-11-21T23");
  EXPECT_EQ(hours.groups[0].total, 2);
  EXPECT_EQ(hours.groups[1].key, "2026-11-22T00");
  EXPECT_EQ(hours.groups[1].total, 3);
  EXPECT_EQ(hours.groups[2].key, "2026-11-22T01");
  auto agents = stats(midnight - 24h, midnight + 24h, stats_group::agent);
  ASSERT_EQ(agents.groups.size(), 3u);  // "", ext1, ext2
  EXPECT_EQ(agents.groups[1].key, "ext1");
  EXPECT_EQ(agents.groups[1].answered, 2);
  expect_within_bound(agents.groups[1].answer_p50_s, 4.0, "p50");
  expect_within_bound(agents.groups[1].answer_p90_s, 21.5, "p90");
  auto lines = stats(midnight - 24h, midnight + 24h, stats_group::line);
  ASSERT_EQ(lines.groups.size(), 2u);
  EXPECT_EQ(lines.groups[0].key, "110");
  EXPECT_EQ(lines.groups[0].total, 1);
  auto cut = stats(midnight - 5min, midnight + 15min, stats_group::day);
  EXPECT_EQ(cut.total.total, 3);  // c2, c3, c4
  expect_within_bound(cut.total.answer_p50_s, 12.345, "p50");
  for (auto g : {stats_group::hour, stats_group::day, stats_group::month, stats_group::agent, stats_group::line}) {
    expect_same(stats(midnight - 5min, midnight + 15min, g), from_rows(midnight - 5min, midnight + 15min, g), "cut");
    expect_same(stats(midnight - 24h, midnight + 24h, g), from_rows(midnight - 24h, midnight + 24h, g), "days");
  }

  // i1 is dispatched: c1 becomes a follow-up.
  auto d = domain::dispatch{};
  d.id = "x1";
  d.jurisdiction_id = "j1";
  d.incident_id = "i1";
  d.agency_id = "a1";
  d.notified_at = midnight - 4min;
  d.updated_at = d.notified_at;
  ASSERT_TRUE(write([&](storage::store_txn& t) -> core::result<void> {
    i1.first_dispatched_at = d.notified_at;
    i1.status = domain::incident_status::dispatched;
    SIAGA_CHECK(t.insert_dispatch(d));
    return t.update_incident(i1);
  }));
  check_days(1, 0, "dispatched");
  // The dispatch is cancelled: the incident was still dispatched to the field, as the rows say.
  d.status = domain::dispatch_status::cancelled;
  d.cancelled_at = midnight;
  ASSERT_TRUE(write([&](storage::store_txn& t) { return t.update_dispatch(d); }));
  check_days(1, 0, "cancelled");
  // c5 joins r1 (dispatched): a follow-up after midnight too.
  c5.report_id = "r1";
  ASSERT_TRUE(write([&](storage::store_txn& t) { return t.update_call(c5); }));
  check_days(1, 1, "c5 joined r1");
  // r1 moves to i2, never dispatched: neither call is a follow-up any more.
  r1.incident_id = "i2";
  ASSERT_TRUE(write([&](storage::store_txn& t) { return t.update_report(r1); }));
  check_days(0, 0, "r1 moved to i2");
  // i2 is dispatched: both again.
  ASSERT_TRUE(write([&](storage::store_txn& t) {
    i2.first_dispatched_at = midnight + 2h;
    return t.update_incident(i2);
  }));
  check_days(1, 1, "i2 dispatched");
  // A command that fails leaves the rollups as they were.
  auto failed = write([&](storage::store_txn& t) -> core::result<void> {
    auto c = answer(make_call("c7", midnight + 3h), 1000ms, "ext9", call_class::valid);
    SIAGA_CHECK(t.insert_call(c));
    return core::invalid("batal");
  });
  EXPECT_FALSE(failed);
  check_days(1, 1, "after a failed command");
  expect_rollups_match_their_recount();
}

// A random history written in many commands (calls rewritten as their events arrive,
// classifications changed, reports linked and incidents dispatched), then every grouping of
// many periods, whole and cut, against the rows.
TEST_F(call_rollups, a_random_history_gives_the_figures_of_the_rows) {
  std::mt19937 rng(20261205);
  auto chance = [&](int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; };
  auto between = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  const auto start = midnight - std::chrono::days{45};
  std::vector<domain::call_record> calls;
  std::vector<domain::incident> incidents;
  std::vector<domain::report> reports;
  for (int round = 0; round < 8; ++round) {
    auto w = write([&](storage::store_txn& t) -> core::result<void> {
      for (int k = 0; k < 60; ++k) {
        auto n = std::to_string(round * 60 + k);
        auto ring = start + std::chrono::seconds(between(0, 90 * 86400));
        auto c = make_call("c" + n, ring, chance(80) ? "112" : "110");
        SIAGA_CHECK(t.insert_call(c));
        int kind = static_cast<int>(between(0, 9));
        if (kind < 5) {
          // Waits in milliseconds, a few sharing a value, some past 20 s.
          auto wait = chance(20) ? std::chrono::milliseconds(between(0, 3) * 1000) : std::chrono::milliseconds(between(300, 40000));
          c = answer(c, wait, "ext" + std::to_string(between(1, 4)),
                     chance(80) ? std::optional<call_class>(static_cast<call_class>(between(0, 5))) : std::nullopt);
        } else if (kind < 9) {
          c = end(c, chance(50) ? call_outcome::missed : call_outcome::abandoned);
        }
        if (c.classification == call_class::valid) {
          domain::incident i;
          i.id = "i" + n;
          i.jurisdiction_id = "j1";
          i.number = "AMB-" + n;
          i.category_id = "cat";
          i.created_by = "u1";
          i.created_at = ring;
          i.updated_at = ring;
          SIAGA_CHECK(t.insert_incident(i));
          incidents.push_back(i);
          domain::report r;
          r.id = "r" + n;
          r.jurisdiction_id = "j1";
          r.tracking_code = "T" + n;
          r.created_by = "u1";
          r.created_at = ring;
          r.updated_at = ring;
          r.incident_id = i.id;
          SIAGA_CHECK(t.insert_report(r));
          reports.push_back(r);
          c.report_id = r.id;
        }
        SIAGA_CHECK(t.update_call(c));
        calls.push_back(c);
      }
      // Rewrites: classifications change, reports move, incidents are dispatched.
      for (int k = 0; k < 20 && !calls.empty(); ++k) {
        auto& c = calls[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(calls.size()) - 1))];
        if (c.state.outcome == call_outcome::answered && !c.report_id) {
          c.classification = static_cast<call_class>(between(1, 5));
          SIAGA_CHECK(t.update_call(c));
        }
        if (!reports.empty() && chance(50)) {
          c.report_id = reports[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(reports.size()) - 1))].id;
          SIAGA_CHECK(t.update_call(c));
        }
      }
      for (int k = 0; k < 5 && !incidents.empty(); ++k) {
        auto& i = incidents[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(incidents.size()) - 1))];
        if (!i.first_dispatched_at) i.first_dispatched_at = i.created_at + 2min;
        SIAGA_CHECK(t.update_incident(i));
        if (reports.size() > 1) {
          auto& r = reports[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(reports.size()) - 1))];
          r.incident_id = incidents[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(incidents.size()) - 1))].id;
          SIAGA_CHECK(t.update_report(r));
        }
      }
      return {};
    });
    ASSERT_TRUE(w) << w.error().message;
  }
  std::vector<std::pair<core::timestamp, core::timestamp>> periods = {
      {start, start + std::chrono::days{91}},                       // everything, months inside
      {midnight - std::chrono::days{22}, midnight + std::chrono::days{9}},  // local midnights
      {start + 7h + 13min + 5s, start + std::chrono::days{70} + 3h + 1s},   // cut inside hours
      {midnight + 10min, midnight + 50min},                         // inside one hour
  };
  for (int k = 0; k < 4; ++k) {
    auto from = start + std::chrono::seconds(between(0, 80 * 86400));
    periods.emplace_back(from, from + std::chrono::seconds(between(600, 40 * 86400)));
  }
  for (const auto& [from, to] : periods) {
    for (auto g : {stats_group::hour, stats_group::day, stats_group::month, stats_group::agent, stats_group::line}) {
      expect_same(stats(from, to, g), from_rows(from, to, g),
                  core::format_utc(from) + " .. " + core::format_utc(to) + " by " + std::string(to_string(g)));
    }
  }
  EXPECT_GT(stats(start, start + std::chrono::days{91}, stats_group::day).total.follow_ups, 0);
}

TEST_F(call_rollups, a_rebuild_finds_and_corrects_a_tampered_call_rollup) {
  ASSERT_TRUE(write([&](storage::store_txn& t) -> core::result<void> {
    for (int k = 0; k < 30; ++k) {
      auto c = answer(make_call("c" + std::to_string(k), midnight + std::chrono::minutes(k * 37)),
                      std::chrono::milliseconds(700 * k + 1), "ext1", call_class::prank);
      SIAGA_CHECK(t.insert_call(c));
    }
    return {};
  }));
  auto want = from_rows(midnight, midnight + 48h, stats_group::day);
  raw_sql("UPDATE roll_calls SET n = n + 3 WHERE grain = 0 AND hour = 2;"
          "UPDATE roll_call_answers SET n = 1, hist = X'0001' WHERE grain = 0 AND hour = 2;"
          "UPDATE roll_call_periods SET n = n + 3, hist = X'0001' WHERE grain = 1;");
  EXPECT_EQ(stats(midnight, midnight + 48h, stats_group::day).total.total, want.total.total + 3);  // one local day
  auto counted = [&] {
    std::int64_t n = 0;
    auto rows = rd().call_rollup_counts({"j1", 0, 0, 1'000'000});
    EXPECT_TRUE(rows);
    for (const auto& r : rows ? *rows : std::vector<storage::call_rollup_row>{}) n += r.n;
    return n;
  };
  EXPECT_EQ(counted(), want.total.total + 3);  // local hour 2 holds one row (the call at 02:28)

  auto differing = rebuild_differing();
  EXPECT_GE(differing.at("roll_calls"), 1);
  EXPECT_GE(differing.at("roll_call_answers"), 1);
  EXPECT_EQ(differing.at("roll_call_periods"), 2);  // the day's row: the recount's missing, the kept one extra
  EXPECT_EQ(differing.at("roll_incidents"), 0);
  EXPECT_EQ(counted(), want.total.total);
  expect_same(stats(midnight, midnight + 48h, stats_group::day), want, "rebuilt");
  expect_rollups_match_their_recount();
}

// A database from before the histograms: migrations 10 and 13 fill the call rollups with exact
// milliseconds from the calls already written (as they did when they were applied), then
// migration 15 turns those into histograms without reading a call. Every grouping then gives
// the rows' figures, and the kept rollups equal their recount.
TEST_F(call_rollups, migrations_10_13_and_15_bring_existing_calls_into_the_histograms) {
  ASSERT_TRUE(write([&](storage::store_txn& t) -> core::result<void> {
    for (int k = 0; k < 40; ++k) {
      auto c = make_call("c" + std::to_string(k), midnight - 5h + std::chrono::minutes(k * 29), k % 7 ? "112" : "110");
      if (k % 4 != 3) {
        c = answer(c, std::chrono::milliseconds(913 * k + 17), "ext" + std::to_string(k % 3),
                   k % 5 == 0 ? std::nullopt : std::optional<call_class>(static_cast<call_class>(k % 6)));
      } else {
        c = end(c, call_outcome::missed);
      }
      SIAGA_CHECK(t.insert_call(c));
    }
    return {};
  }));
  store_->close();
  store_.reset();
  raw_sql("DROP TABLE roll_call_periods; DROP TABLE roll_call_answers; DROP TABLE roll_calls; "
          "DROP INDEX calls_by_report; DELETE FROM schema_migrations WHERE version IN (10, 13, 15);");
  auto s = storage::open_sqlite({.path = path_});
  ASSERT_TRUE(s) << s.error().message;
  store_ = std::move(*s);
  auto applied = store_->migrate();
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, 3);
  for (auto g : {stats_group::day, stats_group::hour, stats_group::month, stats_group::agent, stats_group::line}) {
    auto got = stats(midnight - 6h, midnight + 20h, g);
    expect_same(got, from_rows(midnight - 6h, midnight + 20h, g), "after migration 15 by " + std::string(to_string(g)));
    EXPECT_EQ(got.total.total, 40);
  }
  expect_rollups_match_their_recount();
}

// The ministry's staffing per shift counts the calls answered in each shift by agent from the
// rollups: against the rows, for waits that cross shift starts (seconds before, a long queue of
// up to two hours, a call answered the instant it rang) and the window's own edges.
TEST_F(call_rollups, calls_answered_per_shift_from_the_rollups_are_those_of_the_rows) {
  std::mt19937 rng(112);
  auto between = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  const shift_plan plan{{7, 15, 23}};
  const auto from = midnight + 7h;  // a morning shift's start
  const auto to = from + 48h;
  ASSERT_TRUE(write([&](storage::store_txn& t) -> core::result<void> {
    for (int k = 0; k < 900; ++k) {
      // Many rings just before a shift start (07, 15, 23 local), the rest anywhere.
      auto ring = k % 3 == 0 ? midnight - 30h + std::chrono::seconds(between(0, 110 * 3600))
                             : midnight + std::chrono::hours(7 + 8 * between(-3, 6)) - std::chrono::seconds(between(1, 120));
      auto c = make_call("c" + std::to_string(k), ring);
      auto kind = between(0, 9);
      if (kind == 0) {
        c = end(c, call_outcome::missed);
      } else {
        auto wait = kind == 1   ? std::chrono::milliseconds(between(0, 7200'000))
                    : kind == 2 ? std::chrono::milliseconds(0)
                                : std::chrono::milliseconds(between(1, 90'000));
        c = answer(c, wait, kind == 3 ? "" : "ext" + std::to_string(between(1, 4)));
      }
      SIAGA_CHECK(t.insert_call(c));
    }
    return {};
  }));
  auto got = answered_per_shift(rd(), "j1", from, to, 540, plan);
  ASSERT_TRUE(got) << got.error().message;
  // The rows: calls that rang from a day before, counted by the shift they were answered in.
  std::map<shift_slot, std::map<std::string, std::int64_t>> want;
  auto rows = rd().calls_between("j1", from - 24h, to);
  ASSERT_TRUE(rows);
  auto slot_of = [](core::timestamp t) {
    auto local = std::chrono::floor<std::chrono::seconds>(t) + 9h;
    auto day = std::chrono::floor<std::chrono::days>(local);
    auto hour = std::chrono::duration_cast<std::chrono::hours>(local - day).count();
    return hour < 7 ? shift_slot{domain::local_date(day) - std::chrono::days(1), 2}
                    : shift_slot{domain::local_date(day), hour < 15 ? 0 : hour < 23 ? 1 : 2};
  };
  std::int64_t crossing = 0;
  for (const auto& r : *rows) {
    if (!r.answered_at || r.agent.empty() || *r.answered_at < from || *r.answered_at >= to) continue;
    ++want[slot_of(*r.answered_at)][r.agent];
    if (slot_of(*r.answered_at) != slot_of(r.ring_at)) ++crossing;
  }
  EXPECT_GT(crossing, 20);  // the history does cross shift starts
  EXPECT_EQ(want.size(), 6u);
  EXPECT_EQ(*got, want);
}

}  // namespace
}  // namespace siaga::services
