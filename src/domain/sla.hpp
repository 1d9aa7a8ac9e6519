// Service-level clocks (issue 10): from a category's sla_policy, the jurisdiction's calendar and
// the times an incident and its dispatches reached each step, when each step is due, when to warn,
// and where it stands now. Pure: the monitor (services/sla_monitor) turns the clocks into alerts
// and the views show them.
#pragma once

#include "core/error.hpp"
#include "domain/calendar.hpp"
#include "domain/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

// The step a clock waits for. An incident's clocks: dispatch (created -> first dispatch),
// complete (created -> resolved), close (created -> closed). A dispatch's: acknowledge, on_scene,
// complete (each from its notification).
enum class sla_step { dispatch, acknowledge, on_scene, complete, close };

// What an alert says: the clock passed its warning point, passed its due time, or (escalation)
// an agency declined and nobody replaced it.
enum class sla_level { warning, breach, escalation };

// A clock's state at an instant: running and before its warning point, running past it, running
// past its due time; or stopped by its step, in time or late.
enum class clock_state { on_time, due_soon, breached, met, met_late };

std::string_view to_string(sla_step v);
std::string_view to_string(sla_level v);
std::string_view to_string(clock_state v);
core::result<sla_step> parse_sla_step(std::string_view s);
core::result<sla_level> parse_sla_level(std::string_view s);

// A warning comes when this share of a clock-time limit has passed; a working-day limit warns at
// the start of its last working day.
inline constexpr int warn_at_percent = 80;

struct sla_clock {
  sla_step step = sla_step::dispatch;
  timestamp started_at{};
  timestamp warn_at{};
  timestamp due_at{};
  std::optional<timestamp> met_at;
  clock_state state = clock_state::on_time;
  bool working_days = false;  // limit counts working days, else seconds
  std::int64_t limit = 0;
};

// One alert of one clock: raised once per incident or dispatch, step and level (the store's
// unique key), resolved when the step came or the clock stopped.
struct sla_alert {
  std::string id;
  std::string jurisdiction_id;
  std::string incident_id;
  std::string dispatch_id;  // empty for the incident's own clocks
  std::string agency_id;    // the dispatch's agency; empty for the incident's own clocks
  std::string category_id;
  sla_step step = sla_step::dispatch;
  sla_level level = sla_level::warning;
  timestamp due_at{};
  timestamp raised_at{};
  std::optional<timestamp> resolved_at;
};

// The working-day calendar of a jurisdiction: its zone's offset (an unknown zone falls back to
// UTC+7, as core::zone_offset_minutes refuses it long before), weekend days and valid holidays.
work_calendar calendar_of(const jurisdiction& j);

// Checks a calendar as an admin gives it: weekend days 0..6 (at most 6 of them, no repeats),
// holidays with a valid YYYY-MM-DD date, a name of 1 to 100 characters, no date twice, at most
// 366 of them. Fails with invalid_input saying what is wrong. Sorts both lists.
core::result<void> check_calendar(std::vector<int>& weekend_days, std::vector<holiday>& holidays);

// The clocks of an incident that has a limit, as of now. A cancelled incident keeps only the
// clocks its steps met; so does a clock whose step cannot come any more.
std::vector<sla_clock> incident_clocks(const incident& i, const sla_policy& p, const work_calendar& cal,
                                       timestamp now);

// The clocks of a dispatch that has a limit, as of now. A step passed over counts as met when a
// later one is reached (acknowledged at en route, on scene at completion); a declined or
// cancelled dispatch keeps only the clocks it met.
std::vector<sla_clock> dispatch_clocks(const dispatch& d, const sla_policy& p, const work_calendar& cal,
                                       timestamp now);

// True when d was declined, its incident is still being handled (open, dispatched, in progress)
// and no other dispatch of the incident notified at or after the decline is still active: the
// incident has lost an agency and nobody took its place, so the supervisor hears at once.
bool needs_escalation(const dispatch& d, const incident& i, const std::vector<dispatch>& all);

}  // namespace siaga::domain
