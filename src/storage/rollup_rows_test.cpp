// The rollups as rows: day rows and the month rows summed from them, a step row's histogram
// whole, and the comparison that names each row that differs.
#include "storage/rollup_rows.hpp"

#include "domain/duration_histogram.hpp"

#include <gtest/gtest.h>

namespace siaga::storage {
namespace {

// 2025-06-30 (a Monday) and 2025-07-01 as local day numbers.
constexpr std::int64_t june30 = 20269;

// A calendar in UTC with Saturday and Sunday off.
const domain::work_calendar utc{0, {true, false, false, false, false, false, true}, {}};

domain::incident incident_on(std::int64_t day, std::string status) {
  domain::incident i;
  i.jurisdiction_id = "j1";
  i.category_id = "fire";
  i.status = domain::parse_incident_status(status).value();
  i.created_at = core::from_micros(day * 86400 * 1'000'000);
  return i;
}

TEST(rollup_rows, day_rows_and_their_month_rows_with_zero_rows_left_out) {
  ASSERT_EQ(month_first_day(june30), june30 - 29);
  ASSERT_EQ(month_first_day(june30 + 1), june30 + 1);
  rollup_deltas d;
  d.add_incident(incident_on(june30, "open"), 0, 1);
  d.add_incident(incident_on(june30 - 1, "open"), 0, 1);
  d.add_incident(incident_on(june30 + 1, "open"), 0, 1);
  d.add_incident(incident_on(june30 + 1, "closed"), 0, 1);
  d.add_incident(incident_on(june30 + 1, "closed"), 0, -1);  // taken back: no row
  auto rows = rows_of(d);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  std::map<std::pair<int, std::int64_t>, std::int64_t> got;
  for (const auto& [k, n] : rows->incidents) got[{k.first, k.second.day}] += n;
  EXPECT_EQ(got, (std::map<std::pair<int, std::int64_t>, std::int64_t>{
                     {{0, june30 - 1}, 1}, {{0, june30}, 1}, {{0, june30 + 1}, 1}, {{1, june30 - 29}, 2}, {{1, june30 + 1}, 1}}));
  EXPECT_EQ(rows_in(*rows, "roll_incidents"), 5);
  EXPECT_EQ(rows_in(*rows, "roll_calls"), 0);
}

TEST(rollup_rows, a_step_row_holds_its_buckets_as_one_histogram) {
  domain::dispatch d;
  d.jurisdiction_id = "j1";
  d.agency_id = "a1";
  d.status = domain::dispatch_status::acknowledged;
  d.notified_at = core::from_micros(june30 * 86400 * 1'000'000);
  domain::sla_policy limits;
  limits.acknowledge_within_s = 60;
  rollup_deltas deltas;
  for (int s : {30, 30, 90}) {
    d.acknowledged_at = d.notified_at + std::chrono::seconds(s);
    deltas.add_dispatch(d, "fire", limits, utc, 1);
  }
  auto rows = rows_of(deltas);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->steps.size(), 2u);  // the day and its month
  const auto& day = rows->steps.at({0, step_row_key{"j1", june30, "a1", "fire", "acknowledged", "acknowledged"}});
  domain::duration_histogram h;
  h.add(30, 2);
  h.add(90);
  EXPECT_EQ(day, (step_row{3, 3, 2, h.encode()}));
  EXPECT_EQ(rows->steps.at({1, step_row_key{"j1", june30 - 29, "a1", "fire", "acknowledged", "acknowledged"}}), day);
}

TEST(rollup_rows, a_step_limit_in_working_days_follows_the_calendar) {
  // Notified on Friday 27 June at 10:00, to be acknowledged within 1 working day: by the end of
  // Monday; with Monday a holiday, by the end of Tuesday. The step row is kept under the
  // dispatch's status now.
  domain::dispatch d;
  d.jurisdiction_id = "j1";
  d.agency_id = "a1";
  d.status = domain::dispatch_status::completed;
  d.notified_at = core::from_micros(((june30 - 3) * 86400 + 10 * 3600) * 1'000'000);
  domain::sla_policy limits;
  limits.acknowledge_within_s = 60;  // the days win over the seconds
  limits.acknowledge_within_days = 1;
  auto within = [&](const domain::work_calendar& cal, std::int64_t ack_day, int hour) {
    d.acknowledged_at = core::from_micros((ack_day * 86400 + hour * 3600) * 1'000'000);
    rollup_deltas deltas;
    deltas.add_dispatch(d, "fire", limits, cal, 1);
    const auto& steps = deltas.steps();
    EXPECT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps.begin()->first.status, "completed");
    EXPECT_EQ(steps.begin()->second.limited, 1);
    return steps.begin()->second.within == 1;
  };
  EXPECT_TRUE(within(utc, june30, 23));
  EXPECT_TRUE(within(utc, june30 + 1, 0));  // the deadline itself, midnight
  EXPECT_FALSE(within(utc, june30 + 1, 1));
  auto holiday = utc;
  holiday.holidays.insert(domain::local_date(std::chrono::days(june30)));
  EXPECT_TRUE(within(holiday, june30 + 1, 23));
  EXPECT_FALSE(within(holiday, june30 + 2, 1));
}

TEST(rollup_rows, a_count_below_zero_is_refused) {
  rollup_deltas d;
  d.add_incident(incident_on(june30, "open"), 0, -1);
  auto rows = rows_of(d);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error().code, core::errc::invalid_input);
}

TEST(rollup_rows, the_comparison_names_missing_extra_and_different_rows) {
  rollup_deltas a;
  a.add_incident(incident_on(june30, "open"), 0, 1);
  a.add_incident(incident_on(june30, "closed"), 0, 1);
  auto kept = rows_of(a).value();
  EXPECT_TRUE(compare_rows(kept, kept).empty());
  rollup_deltas b;
  b.add_incident(incident_on(june30, "open"), 0, 1);
  b.add_incident(incident_on(june30, "open"), 0, 1);
  b.add_incident(incident_on(june30 + 1, "open"), 0, 1);
  auto replayed = rows_of(b).value();
  auto diff = compare_rows(kept, replayed);
  std::vector<std::string> lines;
  for (const auto& m : diff) lines.push_back(m.table + " " + m.key + ": " + m.kept + " / " + m.replayed);
  // The same six rows differ in roll_incidents and, for each of its three dims, in
  // roll_incident_grains.
  ASSERT_EQ(lines.size(), 6u * 4);
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 6),
            (std::vector<std::string>{
                "roll_incidents day 2025-06-30 category_id=fire urgency=emergency district_id= status=closed dispatched=no: n=1 / -",
                "roll_incidents day 2025-06-30 category_id=fire urgency=emergency district_id= status=open dispatched=no: n=1 / n=2",
                "roll_incidents day 2025-07-01 category_id=fire urgency=emergency district_id= status=open dispatched=no: - / n=1",
                "roll_incidents month 2025-06 category_id=fire urgency=emergency district_id= status=closed dispatched=no: n=1 / -",
                "roll_incidents month 2025-06 category_id=fire urgency=emergency district_id= status=open dispatched=no: n=1 / n=2",
                "roll_incidents month 2025-07 category_id=fire urgency=emergency district_id= status=open dispatched=no: - / n=1",
            }));
  EXPECT_EQ(lines[6], "roll_incident_grains day 2025-06-30 call_taker= category_id=fire urgency=emergency status=closed: n=1 / -");
  EXPECT_EQ(lines[8], "roll_incident_grains day 2025-06-30 hour=00 category_id=fire urgency=emergency status=closed: n=1 / -");
}

}  // namespace
}  // namespace siaga::storage
