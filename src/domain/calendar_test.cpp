#include "domain/calendar.hpp"

#include <gtest/gtest.h>

namespace siaga::domain {
namespace {

using namespace std::chrono;

timestamp at(std::string_view iso) { return core::parse_iso8601(iso).value(); }
local_date date(std::string_view text) { return parse_local_date(text).value(); }

constexpr int wib = 420, wit = 540;

TEST(calendar, local_dates_follow_the_zone) {
  // 23:30 WIB on Friday is already Saturday in Ambon (WIT).
  auto t = at("2025-06-13T16:30:00Z");
  EXPECT_EQ(local_date_of(t, wib), date("2025-06-13"));
  EXPECT_EQ(local_date_of(t, wit), date("2025-06-14"));
  EXPECT_EQ(start_of_day(date("2025-06-14"), wit), at("2025-06-13T15:00:00Z"));
  EXPECT_FALSE(parse_local_date("2025-02-29"));
  EXPECT_TRUE(parse_local_date("2024-02-29"));
  EXPECT_FALSE(parse_local_date("2025-6-1"));
  EXPECT_FALSE(parse_local_date("2025-06-01x"));
}

TEST(calendar, working_days_skip_weekends_and_holidays) {
  work_calendar cal;
  cal.offset_minutes = wit;
  // A complaint on Friday 10:00 WIT with 3 working days is due at the end of Wednesday.
  EXPECT_EQ(working_deadline(cal, at("2025-06-13T10:00:00+09:00"), 3), at("2025-06-19T00:00:00+09:00"));
  // With Tuesday a holiday, Thursday.
  cal.holidays.insert(date("2025-06-17"));
  EXPECT_EQ(working_deadline(cal, at("2025-06-13T10:00:00+09:00"), 3), at("2025-06-20T00:00:00+09:00"));
  // Received on a Saturday evening: Monday is the first working day.
  EXPECT_EQ(working_deadline(cal, at("2025-06-14T21:00:00+09:00"), 1), at("2025-06-17T00:00:00+09:00"));
  EXPECT_EQ(working_days_between(cal, at("2025-06-13T10:00:00+09:00"), at("2025-06-13T23:00:00+09:00")), 0);
  EXPECT_EQ(working_days_between(cal, at("2025-06-13T10:00:00+09:00"), at("2025-06-20T08:00:00+09:00")), 4);
  EXPECT_EQ(working_days_between(cal, at("2025-06-20T10:00:00+09:00"), at("2025-06-13T10:00:00+09:00")), 0);
}

TEST(calendar, working_days_cross_month_and_year_ends_and_other_weekends) {
  work_calendar cal;
  cal.offset_minutes = wib;
  EXPECT_EQ(working_deadline(cal, at("2025-01-31T09:00:00+07:00"), 1), at("2025-02-04T00:00:00+07:00"));
  EXPECT_EQ(working_deadline(cal, at("2024-02-28T09:00:00+07:00"), 1), at("2024-03-01T00:00:00+07:00")) << "leap day";
  EXPECT_EQ(working_deadline(cal, at("2025-12-31T09:00:00+07:00"), 2), at("2026-01-03T00:00:00+07:00"));
  // An office closed on Fridays only (some regions), with n < 1 taken as 1.
  cal.weekend = {false, false, false, false, false, true, false};
  EXPECT_EQ(working_deadline(cal, at("2025-06-12T09:00:00+07:00"), 0), at("2025-06-15T00:00:00+07:00"));
  // A calendar closed every day still ends.
  cal.weekend.fill(true);
  EXPECT_GT(working_deadline(cal, at("2025-06-12T09:00:00+07:00"), 2), at("2035-01-01T00:00:00Z"));
}

TEST(calendar, period_labels_in_local_time) {
  auto t = at("2025-06-13T16:30:00Z");  // Saturday 01:30 WIT
  EXPECT_EQ(period_label(t, wit, time_grain::hour), "2025-06-14T01");
  EXPECT_EQ(period_label(t, wit, time_grain::day), "2025-06-14");
  EXPECT_EQ(period_label(t, wib, time_grain::day), "2025-06-13");
  EXPECT_EQ(period_label(t, wit, time_grain::week), "2025-W24");
  EXPECT_EQ(period_label(t, wit, time_grain::month), "2025-06");
  EXPECT_EQ(period_label(t, wit, time_grain::year), "2025");
  // ISO weeks at year ends: 30 Dec 2024 is in 2025-W01; 3 Jan 2021 is in 2020-W53.
  EXPECT_EQ(period_label(at("2024-12-30T12:00:00+07:00"), wib, time_grain::week), "2025-W01");
  EXPECT_EQ(period_label(at("2021-01-03T12:00:00+07:00"), wib, time_grain::week), "2020-W53");
  // New Year's Eve at 23:00 in Jakarta is 2025 there and 2026 in Ambon.
  auto eve = at("2025-12-31T16:00:00Z");
  EXPECT_EQ(period_label(eve, wib, time_grain::year), "2025");
  EXPECT_EQ(period_label(eve, wit, time_grain::year), "2026");
  EXPECT_EQ(parse_time_grain("month").value(), time_grain::month);
  EXPECT_FALSE(parse_time_grain("fortnight"));
}

}  // namespace
}  // namespace siaga::domain
