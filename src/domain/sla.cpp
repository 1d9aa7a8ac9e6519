#include "domain/sla.hpp"

#include "core/enum_names.hpp"

#include <algorithm>
#include <set>

namespace siaga::domain {
namespace {

using namespace std::chrono;

constexpr auto step_names =
    core::make_enum_names<sla_step>("step", {"dispatch", "acknowledge", "on_scene", "complete", "close"});
constexpr auto level_names = core::make_enum_names<sla_level>("level", {"warning", "breach", "escalation"});
constexpr auto state_names =
    core::make_enum_names<clock_state>("state", {"on_time", "due_soon", "breached", "met", "met_late"});

struct limit {
  std::int64_t seconds = 0;
  int days = 0;
};

limit limit_of(const sla_policy& p, sla_step s) {
  switch (s) {
    case sla_step::dispatch:
      return {p.dispatch_within_s, p.dispatch_within_days};
    case sla_step::acknowledge:
      return {p.acknowledge_within_s, p.acknowledge_within_days};
    case sla_step::on_scene:
      return {p.on_scene_within_s, p.on_scene_within_days};
    case sla_step::complete:
      return {p.complete_within_s, p.complete_within_days};
    case sla_step::close:
      return {p.close_within_s, p.close_within_days};
  }
  return {};
}

// One clock from its start and the time its step came (if it did), or nothing without a limit.
// A clock whose step can no longer come (stopped) is kept only when the step came.
std::optional<sla_clock> clock_of(sla_step step, const sla_policy& p, const work_calendar& cal, timestamp start,
                                  std::optional<timestamp> met, bool stopped, timestamp now) {
  auto l = limit_of(p, step);
  if (l.days <= 0 && l.seconds <= 0) return std::nullopt;
  if (stopped && !met) return std::nullopt;
  sla_clock c;
  c.step = step;
  c.started_at = start;
  c.met_at = met;
  if (l.days > 0) {
    c.working_days = true;
    c.limit = l.days;
    c.due_at = working_deadline(cal, start, l.days);
    c.warn_at = c.due_at - hours(24);
  } else {
    c.limit = l.seconds;
    auto span = seconds(l.seconds);
    c.due_at = start + span;
    c.warn_at = start + duration_cast<microseconds>(span) * warn_at_percent / 100;
  }
  if (met) {
    c.state = *met <= c.due_at ? clock_state::met : clock_state::met_late;
  } else if (now >= c.due_at) {
    c.state = clock_state::breached;
  } else if (now >= c.warn_at) {
    c.state = clock_state::due_soon;
  } else {
    c.state = clock_state::on_time;
  }
  return c;
}

// The earliest of the times given, or nothing.
std::optional<timestamp> first_of(std::initializer_list<std::optional<timestamp>> times) {
  std::optional<timestamp> out;
  for (const auto& t : times) {
    if (t && (!out || *t < *out)) out = t;
  }
  return out;
}

}  // namespace

std::string_view to_string(sla_step v) { return step_names.name(v); }
std::string_view to_string(sla_level v) { return level_names.name(v); }
std::string_view to_string(clock_state v) { return state_names.name(v); }
core::result<sla_step> parse_sla_step(std::string_view s) { return step_names.parse(s); }
core::result<sla_level> parse_sla_level(std::string_view s) { return level_names.parse(s); }

work_calendar calendar_of(const jurisdiction& j) {
  work_calendar cal;
  auto offset = core::zone_offset_minutes(j.timezone);
  cal.offset_minutes = offset ? *offset : 420;
  cal.weekend.fill(false);
  for (int d : j.weekend_days) {
    if (d >= 0 && d < 7) cal.weekend[static_cast<std::size_t>(d)] = true;
  }
  for (const auto& h : j.holidays) {
    if (auto d = parse_local_date(h.date)) cal.holidays.insert(*d);
  }
  return cal;
}

core::result<void> check_calendar(std::vector<int>& weekend_days, std::vector<holiday>& holidays) {
  std::set<int> days;
  for (int d : weekend_days) {
    if (d < 0 || d > 6) return core::invalid("weekend_days: " + std::to_string(d) + " is not a day (0 = Minggu .. 6 = Sabtu)");
    if (!days.insert(d).second) return core::invalid("weekend_days: day " + std::to_string(d) + " is given twice");
  }
  if (days.size() > 6) return core::invalid("weekend_days: at least one working day is needed");
  weekend_days.assign(days.begin(), days.end());
  if (holidays.size() > 366) return core::invalid("holidays: at most 366 holidays");
  std::set<std::string> dates;
  for (const auto& h : holidays) {
    if (!parse_local_date(h.date)) return core::invalid("holidays: '" + h.date + "' is not a date (YYYY-MM-DD)");
    if (h.name.empty() || h.name.size() > 100) {
      return core::invalid("holidays: the name of " + h.date + " must have 1 to 100 characters");
    }
    if (!dates.insert(h.date).second) return core::invalid("holidays: " + h.date + " is given twice");
  }
  std::sort(holidays.begin(), holidays.end(), [](const holiday& a, const holiday& b) { return a.date < b.date; });
  return {};
}

std::vector<sla_clock> incident_clocks(const incident& i, const sla_policy& p, const work_calendar& cal,
                                       timestamp now) {
  bool cancelled = i.status == incident_status::cancelled;
  std::vector<sla_clock> out;
  auto add = [&](sla_step s, std::optional<timestamp> met) {
    if (auto c = clock_of(s, p, cal, i.created_at, met, cancelled, now)) out.push_back(*c);
  };
  add(sla_step::dispatch, i.first_dispatched_at);
  add(sla_step::complete, first_of({i.resolved_at, i.closed_at}));
  add(sla_step::close, i.closed_at);
  return out;
}

std::vector<sla_clock> dispatch_clocks(const dispatch& d, const sla_policy& p, const work_calendar& cal,
                                       timestamp now) {
  bool stopped = d.status == dispatch_status::declined || d.status == dispatch_status::cancelled;
  std::vector<sla_clock> out;
  auto add = [&](sla_step s, std::optional<timestamp> met) {
    if (auto c = clock_of(s, p, cal, d.notified_at, met, stopped, now)) out.push_back(*c);
  };
  add(sla_step::acknowledge, first_of({d.acknowledged_at, d.en_route_at, d.on_scene_at, d.completed_at}));
  add(sla_step::on_scene, first_of({d.on_scene_at, d.completed_at}));
  add(sla_step::complete, d.completed_at);
  return out;
}

bool needs_escalation(const dispatch& d, const incident& i, const std::vector<dispatch>& all) {
  if (d.status != dispatch_status::declined || !d.declined_at) return false;
  if (i.status != incident_status::open && i.status != incident_status::dispatched &&
      i.status != incident_status::in_progress) {
    return false;
  }
  for (const auto& other : all) {
    if (other.id == d.id || other.incident_id != d.incident_id) continue;
    bool replaced = other.status != dispatch_status::declined && other.status != dispatch_status::cancelled;
    if (other.notified_at >= *d.declined_at && replaced) return false;
  }
  return true;
}

}  // namespace siaga::domain
