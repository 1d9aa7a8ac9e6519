// Local days, working days and reporting periods of a jurisdiction (issue 10): complaint and
// information SLAs run in working days (the jurisdiction's weekend days and holidays), and the
// statistics group by local hour, day, ISO week, month and year. Indonesia keeps no daylight
// saving time, so a zone is a fixed offset in minutes.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <array>
#include <chrono>
#include <set>
#include <string>
#include <string_view>

namespace siaga::domain {

using core::timestamp;

// A civil date in the jurisdiction's local time (days since 1970-01-01 of that calendar).
using local_date = std::chrono::sys_days;

// The local date of an instant, and the instant its local day starts.
local_date local_date_of(timestamp at, int offset_minutes);
timestamp start_of_day(local_date d, int offset_minutes);

// "YYYY-MM-DD" as a local date; invalid_input for anything else (2025-02-30 included).
core::result<local_date> parse_local_date(std::string_view text);

// The days a jurisdiction's offices are closed.
struct work_calendar {
  int offset_minutes = 420;
  std::array<bool, 7> weekend{true, false, false, false, false, false, true};  // Sunday .. Saturday
  std::set<local_date> holidays;

  bool is_working_day(local_date d) const;
};

// The deadline of n working days (n >= 1) after an instant: the end (the start of the next
// day) of the n-th working day after its local day; the day of receipt never counts, as in
// "3 hari kerja". n < 1 is taken as 1.
timestamp working_deadline(const work_calendar& cal, timestamp from, int n);

// Working days that have passed between two instants: the working days after from's local day
// up to and including to's local day; 0 when to is on from's day or before.
int working_days_between(const work_calendar& cal, timestamp from, timestamp to);

enum class time_grain { hour, day, week, month, year };

std::string_view to_string(time_grain g);
core::result<time_grain> parse_time_grain(std::string_view s);

// The label of the period an instant falls in, in local time: "2025-06-14T09" (hour),
// "2025-06-14" (day), "2025-W24" (ISO 8601 week: Monday to Sunday, the year of its Thursday),
// "2025-06" (month), "2025" (year). Labels of one grain sort in time order.
std::string period_label(timestamp at, int offset_minutes, time_grain g);

}  // namespace siaga::domain
