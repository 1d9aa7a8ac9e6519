#include "domain/calendar.hpp"

#include "core/enum_names.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace siaga::domain {
namespace {

using namespace std::chrono;

constexpr auto grain_names = core::make_enum_names<time_grain>("grouping", {"hour", "day", "week", "month", "year"});

std::string two(unsigned v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

std::string ymd_text(const year_month_day& ymd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

local_date local_date_of(timestamp at, int offset_minutes) {
  return floor<days>(at + minutes(offset_minutes));
}

timestamp start_of_day(local_date d, int offset_minutes) {
  return timestamp(d) - minutes(offset_minutes);
}

core::result<local_date> parse_local_date(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  auto bad = [&] { return core::invalid("'" + std::string(text) + "' is not a date YYYY-MM-DD"); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  auto num = [&](std::string_view part, auto& out) {
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc{} && p == part.data() + part.size();
  };
  if (!num(text.substr(0, 4), y) || !num(text.substr(5, 2), m) || !num(text.substr(8, 2), d)) return bad();
  year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return bad();
  return local_date(ymd);
}

bool work_calendar::is_working_day(local_date d) const {
  return !weekend[weekday(d).c_encoding()] && !holidays.contains(d);
}

timestamp working_deadline(const work_calendar& cal, timestamp from, int n) {
  n = std::max(n, 1);
  auto d = local_date_of(from, cal.offset_minutes);
  // A year of holidays cannot stop the count: a calendar with every day closed ends after a year.
  for (int guard = 0; n > 0 && guard < 3660; ++guard) {
    d += days(1);
    if (cal.is_working_day(d)) --n;
  }
  return start_of_day(d + days(1), cal.offset_minutes);
}

int working_days_between(const work_calendar& cal, timestamp from, timestamp to) {
  auto a = local_date_of(from, cal.offset_minutes);
  auto b = local_date_of(to, cal.offset_minutes);
  int n = 0;
  for (auto d = a + days(1); d <= b; d += days(1)) {
    if (cal.is_working_day(d)) ++n;
  }
  return n;
}

std::string_view to_string(time_grain g) {
  return grain_names.name(g);
}

core::result<time_grain> parse_time_grain(std::string_view s) {
  return grain_names.parse(s);
}

std::string period_label(timestamp at, int offset_minutes, time_grain g) {
  auto local = at + minutes(offset_minutes);
  auto d = floor<days>(local);
  year_month_day ymd{d};
  switch (g) {
    case time_grain::hour:
      return ymd_text(ymd) + "T" + two(static_cast<unsigned>(floor<hours>(local - d).count()));
    case time_grain::day:
      return ymd_text(ymd);
    case time_grain::week: {
      // The ISO week belongs to the year of its Thursday.
      auto monday_based = (weekday(d).c_encoding() + 6) % 7;
      auto thursday = d + days(3 - static_cast<int>(monday_based));
      year_month_day t{thursday};
      auto jan1 = sys_days(year_month_day{t.year(), January, day{1}});
      auto week = (thursday - jan1).count() / 7 + 1;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(t.year()), static_cast<int>(week));
      return buf;
    }
    case time_grain::month: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
      return buf;
    }
    case time_grain::year:
      return std::to_string(static_cast<int>(ymd.year()));
  }
  return {};
}

}  // namespace siaga::domain
