// Store contract: the statistics rollups (issue 10). A random history of writes and rewrites
// (categories, districts, statuses and step times changing, a category's limits changing)
// must leave every count equal to the truth the test keeps itself, the dispatch rollups equal
// to the dispatches' own times, and a rebuild with nothing to correct; a tampered rollup is
// found and corrected by the rebuild.
#include "storage/store_test_fixture.hpp"

#include "domain/duration_histogram.hpp"

#include <random>

namespace siaga::storage::contract {
namespace {

constexpr int zone_minutes = 540;  // make_jurisdiction's Asia/Jayapura

std::int64_t local_day(core::timestamp t) {
  return (core::to_micros(t) / 1'000'000 + zone_minutes * 60) / 86400;
}

stats_count_query whole_history(std::string jurisdiction, stats_bucket bucket, std::vector<stats_dim> dims) {
  stats_count_query q;
  q.jurisdiction_id = std::move(jurisdiction);
  q.from = core::from_micros((local_day(t0) - 40) * 86400'000'000LL - zone_minutes * 60'000'000LL);
  q.to = core::from_micros((local_day(t0) + 40) * 86400'000'000LL - zone_minutes * 60'000'000LL);
  q.offset_minutes = zone_minutes;
  q.bucket = bucket;
  q.dims = std::move(dims);
  return q;
}

using count_map = std::map<std::pair<std::int64_t, std::vector<std::string>>, std::int64_t>;

count_map as_map(const std::vector<stats_count_row>& rows) {
  count_map m;
  for (const auto& r : rows) m[{r.bucket, r.dims}] += r.count;
  return m;
}

struct history {
  std::map<std::string, domain::incident> incidents;
  std::map<std::string, domain::report> reports;
  std::map<std::string, domain::dispatch> dispatches;
};

// Writes a random history into j1 (and a little into j2), in several commands, rewriting rows
// as it goes, and returns the rows as they stand.
history write_history(store& s) {
  std::mt19937 rng(20261205);
  auto pick = [&](auto... options) {
    std::vector<std::string> v{options...};
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  auto chance = [&](int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; };
  auto seconds = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  history h;
  for (int round = 0; round < 6; ++round) {
    auto r = s.write([&](store_txn& t) -> result<void> {
      for (int k = 0; k < 40; ++k) {
        int n = round * 40 + k;
        auto created = at(static_cast<std::int64_t>(seconds(-20 * 86400, 20 * 86400)));
        auto i = make_incident("j1", "i" + std::to_string(n), pick("c_fire", "c_medical"), created);
        i.urgency_class = chance(70) ? domain::urgency::emergency : domain::urgency::urgent;
        if (chance(80)) i.district_id = pick("d1", "d2");
        if (auto w = t.insert_incident(i); !w) return w;
        h.incidents[i.id] = i;
        auto rep = make_report("j1", "r" + std::to_string(n), created);
        rep.source = chance(50) ? domain::channel::call : domain::channel::whatsapp;
        if (chance(60)) rep.category_id = i.category_id;
        if (chance(50)) rep.district_id = pick("d1", "d2");
        if (auto w = t.insert_report(rep); !w) return w;
        h.reports[rep.id] = rep;
        for (auto agency : {std::string("a_fire"), std::string("a_health")}) {
          if (!chance(60)) continue;
          auto d = make_dispatch("j1", "x" + std::to_string(n) + agency, i.id, agency,
                                 created + std::chrono::seconds(seconds(5, 200)));
          if (chance(30)) d.acknowledged_at = d.notified_at + std::chrono::seconds(seconds(1, 400));
          if (auto w = t.insert_dispatch(d); !w) return w;
          h.dispatches[d.id] = d;
        }
      }
      // Rewrites of rows written so far, this round's included.
      for (auto& [id, i] : h.incidents) {
        if (!chance(25)) continue;
        if (chance(40)) i.category_id = i.category_id == "c_fire" ? "c_medical" : "c_fire";
        if (chance(40)) i.district_id = chance(30) ? std::nullopt : std::optional<std::string>(pick("d1", "d2"));
        i.status = chance(50) ? domain::incident_status::closed : domain::incident_status::in_progress;
        if (auto w = t.update_incident(i); !w) return w;
      }
      for (auto& [id, rep] : h.reports) {
        if (!chance(25)) continue;
        rep.status = chance(50) ? domain::report_status::rejected : domain::report_status::accepted;
        rep.rejection = rep.status == domain::report_status::rejected
                            ? std::optional(chance(50) ? domain::reject_reason::prank : domain::reject_reason::ghost)
                            : std::nullopt;
        if (auto w = t.update_report(rep); !w) return w;
      }
      for (auto& [id, d] : h.dispatches) {
        if (!chance(30)) continue;
        if (!d.acknowledged_at) d.acknowledged_at = d.notified_at + std::chrono::seconds(seconds(1, 900));
        if (chance(60)) d.on_scene_at = d.notified_at + std::chrono::seconds(seconds(60, 3000));
        if (chance(40)) d.completed_at = d.notified_at + std::chrono::seconds(seconds(600, 20000));
        if (chance(10)) d.acknowledged_at = d.notified_at + std::chrono::seconds(seconds(1, 90));  // corrected
        d.status = d.completed_at    ? domain::dispatch_status::completed
                   : d.on_scene_at   ? domain::dispatch_status::on_scene
                                     : domain::dispatch_status::acknowledged;
        if (chance(5)) d.status = domain::dispatch_status::declined;
        if (auto w = t.update_dispatch(d); !w) return w;
      }
      // The fire category's limits change in the middle of the history.
      auto fire = make_category("j1", "c_fire", "fire");
      fire.sla.acknowledge_within_s = 30 + round * 20;
      fire.sla.on_scene_within_s = 600 + round * 100;
      if (auto w = t.upsert_category(fire); !w) return w;
      auto other = make_incident("j2", "o" + std::to_string(round), "c_other", at(round * 3600));
      return t.insert_incident(other);
    });
    EXPECT_EQ(outcome(r), "ok");
  }
  return h;
}

std::string district_of(const std::optional<std::string>& d) { return d.value_or(""); }

TEST_P(store_contract, rollups_count_exactly_what_the_rows_hold_after_any_rewrite) {
  auto h = write_history(*store_);
  auto& rd = reader();

  // Incidents by day, category, urgency, district and status; and by month and category.
  count_map truth_day, truth_month;
  for (const auto& [id, i] : h.incidents) {
    auto day = local_day(i.created_at);
    truth_day[{day, {i.category_id, std::string(domain::to_string(i.urgency_class)), district_of(i.district_id),
                     std::string(domain::to_string(i.status))}}]++;
  }
  auto got = rd.count_incidents(whole_history("j1", stats_bucket::day,
                                              {stats_dim::category, stats_dim::urgency, stats_dim::district,
                                               stats_dim::status}));
  ASSERT_EQ(outcome(got), "ok");
  EXPECT_EQ(as_map(*got), truth_day);
  auto total = rd.count_incidents(whole_history("j1", stats_bucket::all, {}));
  ASSERT_EQ(outcome(total), "ok");
  EXPECT_EQ(as_map(*total), (count_map{{{0, {}}, static_cast<std::int64_t>(h.incidents.size())}}));
  // The hour path counts the rows themselves: the same totals per category.
  count_map by_category_rows, by_category_rollup;
  auto hours = rd.count_incidents(whole_history("j1", stats_bucket::hour, {stats_dim::category}));
  auto days = rd.count_incidents(whole_history("j1", stats_bucket::month, {stats_dim::category}));
  ASSERT_EQ(outcome(hours), "ok");
  ASSERT_EQ(outcome(days), "ok");
  for (const auto& r : *hours) by_category_rows[{0, r.dims}] += r.count;
  for (const auto& r : *days) by_category_rollup[{0, r.dims}] += r.count;
  EXPECT_EQ(by_category_rows, by_category_rollup);

  // Reports by channel, status and reject reason.
  count_map truth_reports;
  for (const auto& [id, r] : h.reports) {
    truth_reports[{0, {std::string(domain::to_string(r.source)), std::string(domain::to_string(r.status)),
                       r.rejection ? std::string(domain::to_string(*r.rejection)) : ""}}]++;
  }
  auto reports = rd.count_reports(
      whole_history("j1", stats_bucket::all, {stats_dim::channel, stats_dim::status, stats_dim::reject_reason}));
  ASSERT_EQ(outcome(reports), "ok");
  EXPECT_EQ(as_map(*reports), truth_reports);

  // Dispatches: counts per agency, category and status, and each step's histogram with its
  // limits, equal to what the dispatches' own times give under the category's limits now.
  auto q = whole_history("j1", stats_bucket::all, {});
  auto roll = rd.dispatch_rollups(whole_history("j1", stats_bucket::all, {stats_dim::agency, stats_dim::category}));
  auto rows = rd.dispatch_times(q);
  ASSERT_EQ(outcome(roll), "ok");
  ASSERT_EQ(outcome(rows), "ok");
  EXPECT_EQ(rows->size(), h.dispatches.size());
  auto fire = rd.find_category("j1", "c_fire");
  ASSERT_TRUE(fire && *fire);
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts_truth, counts_got;
  // Per agency, category and step: reached, limited, within, and the histogram of the seconds.
  std::map<std::tuple<std::string, std::string, std::string>, std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>>
      steps_truth, steps_got;
  std::map<std::tuple<std::string, std::string, std::string>, domain::duration_histogram> histograms;
  for (const auto& r : *rows) {
    counts_truth[{r.agency_id, r.category_id, r.status}]++;
    auto limits = r.category_id == "c_fire" ? (*fire)->sla : domain::sla_policy{};
    auto add = [&](std::string step, const std::optional<std::int64_t>& s, std::int64_t limit) {
      if (!s) return;
      auto& cell = steps_truth[{r.agency_id, r.category_id, step}];
      std::get<0>(cell)++;
      std::get<1>(cell) += limit > 0;
      std::get<2>(cell) += limit > 0 && *s <= limit;
      histograms[{r.agency_id, r.category_id, step}].add(*s);
    };
    add("acknowledged", r.acknowledged_s, limits.acknowledge_within_s);
    add("en_route", r.en_route_s, 0);
    add("on_scene", r.on_scene_s, limits.on_scene_within_s);
    add("completed", r.completed_s, 0);
  }
  for (auto& [k, cell] : steps_truth) std::get<3>(cell) = histograms[k].encode();
  for (const auto& c : roll->counts) counts_got[{c.agency_id, c.category_id, c.status}] += c.count;
  for (const auto& s : roll->steps) {
    EXPECT_EQ(steps_got.count({s.agency_id, s.category_id, s.step}), 0u) << "one row per agency, category and step";
    steps_got[{s.agency_id, s.category_id, s.step}] = {s.count, s.limited, s.within, s.histogram};
  }
  EXPECT_EQ(counts_got, counts_truth);
  EXPECT_EQ(steps_got, steps_truth);
  EXPECT_FALSE(steps_truth.empty());

  // Nothing to correct; the other jurisdiction's rows are apart.
  std::vector<rollup_check> checks;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(c, t.rebuild_rollups());
              checks = std::move(c);
              return {};
            })),
            "ok");
  ASSERT_EQ(checks.size(), 7u);  // the four of this history, and the three of calls (none here)
  for (const auto& c : checks) {
    EXPECT_EQ(c.differing, 0) << c.table;
    if (c.table.find("call") == std::string::npos) EXPECT_GT(c.rows, 0) << c.table;
  }
  auto other = rd.count_incidents(whole_history("j2", stats_bucket::all, {}));
  ASSERT_EQ(outcome(other), "ok");
  EXPECT_EQ(as_map(*other), (count_map{{{0, {}}, 6}}));
}

TEST_P(store_contract, a_rebuild_finds_and_corrects_a_tampered_rollup) {
  auto h = write_history(*store_);
  ASSERT_EQ(outcome(GetParam().raw_sql(location_, "UPDATE roll_incidents SET n = n + 5 WHERE jurisdiction_id = 'j1' "
                                                  "AND status = 'closed'")),
            "ok");
  auto total = [&] {
    auto r = reader().count_incidents(whole_history("j1", stats_bucket::all, {}));
    return r ? as_map(*r)[{0, {}}] : -1;
  };
  EXPECT_GT(total(), static_cast<std::int64_t>(h.incidents.size()));
  std::map<std::string, std::int64_t> differing;
  auto rebuild = [&] {
    differing.clear();
    return write([&](store_txn& t) -> result<void> {
      SIAGA_TRY(checks, t.rebuild_rollups());
      for (const auto& c : checks) differing[c.table] = c.differing;
      return {};
    });
  };
  ASSERT_EQ(outcome(rebuild()), "ok");
  EXPECT_GE(differing["roll_incidents"], 1);
  EXPECT_EQ(differing["roll_reports"], 0);
  EXPECT_EQ(total(), static_cast<std::int64_t>(h.incidents.size()));
  ASSERT_EQ(outcome(rebuild()), "ok");
  EXPECT_EQ(differing["roll_incidents"], 0);
}

}  // namespace
}  // namespace siaga::storage::contract
