#include "domain/sla.hpp"

#include <gtest/gtest.h>

namespace siaga::domain {
namespace {

using namespace std::chrono;

timestamp at(std::string_view iso) { return core::parse_iso8601(iso).value(); }

const sla_clock* find(const std::vector<sla_clock>& clocks, sla_step s) {
  for (const auto& c : clocks) {
    if (c.step == s) return &c;
  }
  return nullptr;
}

sla_policy emergency() {
  sla_policy p;
  p.dispatch_within_s = 60;
  p.acknowledge_within_s = 120;
  p.on_scene_within_s = 900;
  return p;
}

work_calendar ambon() {
  jurisdiction j;
  j.timezone = "Asia/Jayapura";
  j.holidays = {{"2025-06-17", "Libur"}};
  return calendar_of(j);
}

TEST(sla, incident_clock_runs_warns_breaches_and_stops) {
  incident i;
  i.created_at = at("2025-06-13T10:00:00Z");
  auto p = emergency();
  auto cal = ambon();
  auto clocks = incident_clocks(i, p, cal, at("2025-06-13T10:00:30Z"));
  ASSERT_EQ(clocks.size(), 1u);  // complete and close have no limit
  EXPECT_EQ(clocks[0].step, sla_step::dispatch);
  EXPECT_EQ(clocks[0].due_at, at("2025-06-13T10:01:00Z"));
  EXPECT_EQ(clocks[0].warn_at, at("2025-06-13T10:00:48Z"));  // 80 % of 60 s
  EXPECT_EQ(clocks[0].state, clock_state::on_time);
  EXPECT_EQ(incident_clocks(i, p, cal, at("2025-06-13T10:00:48Z"))[0].state, clock_state::due_soon);
  EXPECT_EQ(incident_clocks(i, p, cal, at("2025-06-13T10:01:00Z"))[0].state, clock_state::breached);

  i.first_dispatched_at = at("2025-06-13T10:00:59Z");
  EXPECT_EQ(incident_clocks(i, p, cal, at("2025-06-14T00:00:00Z"))[0].state, clock_state::met);
  i.first_dispatched_at = at("2025-06-13T10:01:01Z");
  EXPECT_EQ(incident_clocks(i, p, cal, at("2025-06-14T00:00:00Z"))[0].state, clock_state::met_late);

  // A cancelled incident keeps only what it met.
  i.first_dispatched_at.reset();
  i.status = incident_status::cancelled;
  EXPECT_TRUE(incident_clocks(i, p, cal, at("2025-06-14T00:00:00Z")).empty());
}

TEST(sla, working_day_limits_follow_the_calendar) {
  // A complaint received on Friday 13 June 2025 10:00 WIT, 3 working days to forward it; Tuesday
  // 17 June is a holiday: Monday, Wednesday, Thursday, so due at the start of Friday 20 June WIT.
  sla_policy p;
  p.dispatch_within_days = 3;
  p.dispatch_within_s = 60;  // working days win
  p.close_within_days = 1;
  incident i;
  i.created_at = at("2025-06-13T10:00:00+09:00");
  auto clocks = incident_clocks(i, p, ambon(), at("2025-06-19T08:00:00+09:00"));
  const auto* d = find(clocks, sla_step::dispatch);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->working_days);
  EXPECT_EQ(d->limit, 3);
  EXPECT_EQ(d->due_at, at("2025-06-20T00:00:00+09:00"));
  EXPECT_EQ(d->warn_at, at("2025-06-19T00:00:00+09:00"));  // the last working day
  EXPECT_EQ(d->state, clock_state::due_soon);
  const auto* c = find(clocks, sla_step::close);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->due_at, at("2025-06-17T00:00:00+09:00"));  // Monday was the one working day
  EXPECT_EQ(c->state, clock_state::breached);

  // Saturday as a working day and Sunday only as weekend: Saturday counts.
  jurisdiction j;
  j.timezone = "Asia/Jayapura";
  j.weekend_days = {0};
  auto six_day = calendar_of(j);
  auto sat = incident_clocks(i, p, six_day, at("2025-06-13T12:00:00+09:00"));
  EXPECT_EQ(find(sat, sla_step::close)->due_at, at("2025-06-15T00:00:00+09:00"));
}

TEST(sla, dispatch_steps_passed_over_count_as_met) {
  dispatch d;
  d.notified_at = at("2025-06-13T10:00:00Z");
  auto p = emergency();
  p.complete_within_s = 3600;
  auto cal = ambon();
  auto running = dispatch_clocks(d, p, cal, at("2025-06-13T10:01:00Z"));
  ASSERT_EQ(running.size(), 3u);
  EXPECT_EQ(find(running, sla_step::acknowledge)->state, clock_state::on_time);
  EXPECT_EQ(find(running, sla_step::acknowledge)->due_at, at("2025-06-13T10:02:00Z"));

  // On scene without pressing acknowledge: acknowledged then, late.
  d.status = dispatch_status::on_scene;
  d.on_scene_at = at("2025-06-13T10:10:00Z");
  auto later = dispatch_clocks(d, p, cal, at("2025-06-13T10:20:00Z"));
  EXPECT_EQ(find(later, sla_step::acknowledge)->state, clock_state::met_late);
  EXPECT_EQ(find(later, sla_step::on_scene)->state, clock_state::met);
  EXPECT_EQ(find(later, sla_step::complete)->state, clock_state::on_time);

  // Declined: only the clocks it met stay.
  dispatch declined;
  declined.notified_at = d.notified_at;
  declined.status = dispatch_status::declined;
  declined.acknowledged_at = at("2025-06-13T10:00:30Z");
  declined.declined_at = at("2025-06-13T10:01:00Z");
  auto gone = dispatch_clocks(declined, p, cal, at("2025-06-13T12:00:00Z"));
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].step, sla_step::acknowledge);
  EXPECT_EQ(gone[0].state, clock_state::met);
}

TEST(sla, a_decline_escalates_until_someone_replaces_it) {
  incident i;
  i.id = "i1";
  i.status = incident_status::dispatched;
  dispatch pln;
  pln.id = "d1";
  pln.incident_id = "i1";
  pln.notified_at = at("2025-06-13T10:00:00Z");
  pln.status = dispatch_status::declined;
  pln.declined_at = at("2025-06-13T10:02:00Z");
  dispatch damkar = pln;
  damkar.id = "d2";
  damkar.status = dispatch_status::en_route;
  damkar.declined_at.reset();
  // Another agency sent before the decline does not replace it.
  EXPECT_TRUE(needs_escalation(pln, i, {pln, damkar}));
  dispatch replacement = damkar;
  replacement.id = "d3";
  replacement.notified_at = at("2025-06-13T10:03:00Z");
  replacement.status = dispatch_status::notified;
  EXPECT_FALSE(needs_escalation(pln, i, {pln, damkar, replacement}));
  // A replacement that declined too replaces nothing.
  replacement.status = dispatch_status::declined;
  EXPECT_TRUE(needs_escalation(pln, i, {pln, damkar, replacement}));
  // A finished incident needs nobody.
  i.status = incident_status::resolved;
  EXPECT_FALSE(needs_escalation(pln, i, {pln}));
  i.status = incident_status::open;
  EXPECT_FALSE(needs_escalation(damkar, i, {damkar}));
}

TEST(sla, calendars_are_checked_and_sorted) {
  std::vector<int> weekend{6, 0};
  std::vector<holiday> holidays{{"2025-08-17", "Hari Kemerdekaan"}, {"2025-01-01", "Tahun Baru"}};
  ASSERT_TRUE(check_calendar(weekend, holidays));
  EXPECT_EQ(weekend, (std::vector<int>{0, 6}));
  EXPECT_EQ(holidays[0].date, "2025-01-01");

  auto refused = [](std::vector<int> w, std::vector<holiday> h) {
    auto r = check_calendar(w, h);
    return !r && r.error().code == core::errc::invalid_input;
  };
  EXPECT_TRUE(refused({7}, {}));
  EXPECT_TRUE(refused({1, 1}, {}));
  EXPECT_TRUE(refused({0, 1, 2, 3, 4, 5, 6}, {}));
  EXPECT_TRUE(refused({}, {{"2025-02-30", "x"}}));
  EXPECT_TRUE(refused({}, {{"2025-02-03", ""}}));
  EXPECT_TRUE(refused({}, {{"2025-02-03", "a"}, {"2025-02-03", "b"}}));
  EXPECT_EQ(parse_sla_step("on_scene").value(), sla_step::on_scene);
  EXPECT_FALSE(parse_sla_level("late"));
}

}  // namespace
}  // namespace siaga::domain
