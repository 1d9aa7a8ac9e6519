// Store contract: the statistics rollups (issue 10). A random history of writes and rewrites
// (categories, districts, statuses and step times changing, a category's limits changing)
// must leave every count equal to the truth the test keeps itself, the dispatch rollups equal
// to the dispatches' own times, and a rebuild with nothing to correct; a tampered rollup is
// found and corrected by the rebuild.
#include "storage/store_test_fixture.hpp"

#include "domain/duration_histogram.hpp"
#include "domain/sla.hpp"

#include <random>
#include <set>

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
  auto villages = s.write([&](store_txn& t) -> result<void> {
    for (auto [id, district] : {std::pair{"v1", "d1"}, std::pair{"v2", "d2"}}) {
      domain::village v;
      v.id = id;
      v.jurisdiction_id = "j1";
      v.district_id = district;
      v.code = std::string("81.71.0") + (district[1]) + ".100" + id[1];
      v.name = id;
      SIAGA_CHECK(t.insert_village(v));
    }
    return {};
  });
  EXPECT_EQ(outcome(villages), "ok");
  for (int round = 0; round < 6; ++round) {
    auto r = s.write([&](store_txn& t) -> result<void> {
      for (int k = 0; k < 40; ++k) {
        int n = round * 40 + k;
        auto created = at(static_cast<std::int64_t>(seconds(-20 * 86400, 20 * 86400)));
        auto i = make_incident("j1", "i" + std::to_string(n), pick("c_fire", "c_medical"), created);
        i.urgency_class = chance(70) ? domain::urgency::emergency : domain::urgency::urgent;
        i.created_by = pick("u1", "u2", "u3");
        if (chance(80)) i.district_id = pick("d1", "d2");
        if (chance(70)) i.village_id = pick("v1", "v2");
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
          // Its first dispatch makes the incident dispatched, as the service writes it.
          auto& written = h.incidents[i.id];
          if (!written.first_dispatched_at) {
            written.first_dispatched_at = d.notified_at;
            if (auto w = t.update_incident(written); !w) return w;
          }
        }
      }
      // Rewrites of rows written so far, this round's included.
      for (auto& [id, i] : h.incidents) {
        if (!chance(25)) continue;
        if (chance(40)) i.category_id = i.category_id == "c_fire" ? "c_medical" : "c_fire";
        if (chance(40)) i.district_id = chance(30) ? std::nullopt : std::optional<std::string>(pick("d1", "d2"));
        if (chance(30)) i.village_id = chance(30) ? std::nullopt : std::optional<std::string>(pick("v1", "v2"));
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
        // Days late, for the limits in working days.
        if (chance(15)) d.acknowledged_at = d.notified_at + std::chrono::seconds(seconds(3600, 5 * 86400));
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
      // The medical category's limits are in working days, and change too; so does the
      // jurisdiction's calendar (a holiday, then a six-day week).
      auto medical = make_category("j1", "c_medical", "medical");
      medical.sla.acknowledge_within_days = 1 + round % 3;
      medical.sla.on_scene_within_days = round >= 3 ? 1 : 0;
      if (auto w = t.upsert_category(medical); !w) return w;
      if (round == 2 || round == 4) {
        SIAGA_TRY(j, t.find_jurisdiction("j1"));
        if (round == 2) j->holidays.push_back({core::format_utc(t0).substr(0, 10), "Libur"});
        if (round == 4) j->weekend_days = {0};
        if (auto w = t.update_jurisdiction(*j); !w) return w;
      }
      auto other = make_incident("j2", "o" + std::to_string(round), "c_other", at(round * 3600));
      return t.insert_incident(other);
    });
    EXPECT_EQ(outcome(r), "ok");
  }
  return h;
}

std::string district_of(const std::optional<std::string>& d) { return d.value_or(""); }

TEST_P(store_rollups_contract, rollups_count_exactly_what_the_rows_hold_after_any_rewrite) {
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
  auto medical = rd.find_category("j1", "c_medical");
  auto j1 = rd.find_jurisdiction("j1");
  ASSERT_TRUE(medical && *medical && j1 && *j1);
  auto cal = domain::calendar_of(**j1);
  for (const auto& r : *rows) {
    counts_truth[{r.agency_id, r.category_id, r.status}]++;
    auto limits = r.category_id == "c_fire" ? (*fire)->sla : (*medical)->sla;
    auto add = [&](std::string step, const std::optional<std::int64_t>& s, std::int64_t limit,
                   const std::optional<core::timestamp>& when = {}, int days = 0) {
      if (!s) return;
      auto& cell = steps_truth[{r.agency_id, r.category_id, step}];
      std::get<0>(cell)++;
      std::get<1>(cell) += limit > 0 || days > 0;
      std::get<2>(cell) += days > 0 ? *when <= domain::working_deadline(cal, r.notified_at, days) : limit > 0 && *s <= limit;
      histograms[{r.agency_id, r.category_id, step}].add(*s);
    };
    add("acknowledged", r.acknowledged_s, limits.acknowledge_within_s, r.acknowledged_at, limits.acknowledge_within_days);
    add("en_route", r.en_route_s, 0);
    add("on_scene", r.on_scene_s, limits.on_scene_within_s, r.on_scene_at, limits.on_scene_within_days);
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
  // The five of this history, the three of calls and the callers' counters (none here); the
  // PostgreSQL store keeps no callers' counters (postgres/README.md): eight.
  ASSERT_EQ(checks.size(), GetParam().name == "postgres" ? 8u : 9u);
  for (const auto& c : checks) {
    EXPECT_EQ(c.differing, 0) << c.table;
    if (c.table.find("call") == std::string::npos) EXPECT_GT(c.rows, 0) << c.table;
  }
  auto other = rd.count_incidents(whole_history("j2", stats_bucket::all, {}));
  ASSERT_EQ(outcome(other), "ok");
  EXPECT_EQ(as_map(*other), (count_map{{{0, {}}, 6}}));
}

TEST_P(store_rollups_contract, incident_grains_and_dispatched_count_exactly_what_the_rows_hold) {
  auto h = write_history(*store_);
  auto& rd = reader();
  // Every grouping that the incident grains and the dispatched column answer, against the truth
  // kept by the test: the bucket is the local hour (by hour) or the whole history.
  auto hour_of = [](core::timestamp t) { return (core::to_micros(t) / 1'000'000 + zone_minutes * 60) / 3600; };
  auto text = [](auto v) { return std::string(domain::to_string(v)); };
  struct grouping {
    stats_bucket bucket;
    std::vector<stats_dim> dims;
  };
  const grouping groupings[] = {
      {stats_bucket::hour, {}},
      {stats_bucket::hour, {stats_dim::category, stats_dim::status}},
      {stats_bucket::all, {stats_dim::call_taker}},
      {stats_bucket::all, {stats_dim::call_taker, stats_dim::urgency, stats_dim::status}},
      {stats_bucket::all, {stats_dim::village, stats_dim::category}},
      {stats_bucket::all, {stats_dim::urgency, stats_dim::dispatched}},
      {stats_bucket::all, {stats_dim::dispatched, stats_dim::district, stats_dim::status}},
  };
  std::set<std::string> with_dispatch;
  for (const auto& [id, d] : h.dispatches) with_dispatch.insert(d.incident_id);
  for (const auto& g : groupings) {
    count_map truth;
    for (const auto& [id, i] : h.incidents) {
      std::vector<std::string> dims;
      for (auto d : g.dims) {
        switch (d) {
          case stats_dim::category: dims.push_back(i.category_id); break;
          case stats_dim::urgency: dims.push_back(text(i.urgency_class)); break;
          case stats_dim::status: dims.push_back(text(i.status)); break;
          case stats_dim::district: dims.push_back(district_of(i.district_id)); break;
          case stats_dim::call_taker: dims.push_back(i.created_by); break;
          case stats_dim::village: dims.push_back(i.village_id.value_or("")); break;
          case stats_dim::dispatched: dims.push_back(with_dispatch.count(i.id) ? "yes" : "no"); break;
          default: ADD_FAILURE() << "not a grouping of this test";
        }
      }
      truth[{g.bucket == stats_bucket::hour ? hour_of(i.created_at) : 0, dims}]++;
    }
    auto got = rd.count_incidents(whole_history("j1", g.bucket, g.dims));
    ASSERT_EQ(outcome(got), "ok");
    EXPECT_EQ(as_map(*got), truth) << "grouping " << static_cast<int>(g.bucket) << " with " << g.dims.size() << " dims";
  }
  // The grains' rows are the ones read: the rollup was not bypassed by a row count.
  ASSERT_EQ(outcome(GetParam().raw_sql(location_, "UPDATE roll_incident_grains SET n = n + 1 WHERE dim = 'call_taker' "
                                                  "AND grain = 1")),
            "ok");
  auto tampered = rd.count_incidents(whole_history("j1", stats_bucket::month, {stats_dim::call_taker}));
  ASSERT_EQ(outcome(tampered), "ok");
  std::int64_t sum = 0;
  for (const auto& r : *tampered) sum += r.count;
  EXPECT_GT(sum, static_cast<std::int64_t>(h.incidents.size()));
}

TEST_P(store_rollups_contract, dispatch_steps_by_status_and_working_day_limits_equal_the_rows) {
  auto h = write_history(*store_);
  auto& rd = reader();
  auto j = rd.find_jurisdiction("j1");
  ASSERT_TRUE(j && *j);
  auto cal = domain::calendar_of(**j);
  EXPECT_EQ(cal.weekend[0], true);
  EXPECT_EQ(cal.weekend[6], false);  // the history's last calendar change
  auto fire = rd.find_category("j1", "c_fire");
  auto medical = rd.find_category("j1", "c_medical");
  ASSERT_TRUE(fire && *fire && medical && *medical);
  ASSERT_GT((*medical)->sla.acknowledge_within_days, 0);
  // Per agency, status and step: reached, limited, within and the histogram.
  using cell = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>;
  std::map<std::tuple<std::string, std::string, std::string>, cell> truth, got;
  std::map<std::tuple<std::string, std::string, std::string>, domain::duration_histogram> histograms;
  std::int64_t late_by_days = 0;
  for (const auto& [id, d] : h.dispatches) {
    const auto& category = h.incidents.at(d.incident_id).category_id;
    auto limits = category == "c_fire" ? (*fire)->sla : (*medical)->sla;
    auto status = std::string(domain::to_string(d.status));
    auto add = [&](std::string step, const std::optional<core::timestamp>& when, std::int64_t limit_s, int limit_days) {
      if (!when) return;
      auto s = (core::to_micros(*when) - core::to_micros(d.notified_at)) / 1'000'000;
      auto& c = truth[{d.agency_id, status, step}];
      std::get<0>(c)++;
      bool limited = limit_days > 0 || limit_s > 0;
      bool within = limit_days > 0 ? *when <= domain::working_deadline(cal, d.notified_at, limit_days) : s <= limit_s;
      std::get<1>(c) += limited;
      std::get<2>(c) += limited && within;
      if (limit_days > 0 && !within) ++late_by_days;
      histograms[{d.agency_id, status, step}].add(s);
    };
    add("acknowledged", d.acknowledged_at, limits.acknowledge_within_s, limits.acknowledge_within_days);
    add("en_route", d.en_route_at, 0, 0);
    add("on_scene", d.on_scene_at, limits.on_scene_within_s, limits.on_scene_within_days);
    add("completed", d.completed_at, 0, 0);
  }
  EXPECT_GT(late_by_days, 0) << "the history must hold steps late by working days";
  for (auto& [k, c] : truth) std::get<3>(c) = histograms[k].encode();
  auto roll = rd.dispatch_rollups(whole_history("j1", stats_bucket::month, {stats_dim::agency, stats_dim::status}));
  ASSERT_EQ(outcome(roll), "ok");
  std::map<std::tuple<std::string, std::string, std::string>, domain::duration_histogram> merged;
  for (const auto& s : roll->steps) {
    auto& c = got[{s.agency_id, s.status, s.step}];
    std::get<0>(c) += s.count;
    std::get<1>(c) += s.limited;
    std::get<2>(c) += s.within;
    auto values = domain::duration_histogram::decode(s.histogram);
    ASSERT_TRUE(values);
    merged[{s.agency_id, s.status, s.step}].merge(*values);
  }
  for (auto& [k, c] : got) std::get<3>(c) = merged[k].encode();
  EXPECT_EQ(got, truth);
}

TEST_P(store_rollups_contract, a_rebuild_finds_and_corrects_a_tampered_rollup) {
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
