// What a write changes in the statistics rollups (issue 10), computed from the rows themselves
// so that every store keeps its rollups the same way: each write adds its row's contribution
// (+1) and takes away the old row's (-1); a command's changes are kept apart until it
// succeeds, and a batch's are written once before its commit (many incidents of the same day,
// category and kecamatan then cost one row update). Pure: no I/O.
//
// The rollups, per local day of the jurisdiction's zone:
//   incidents   (day, category, urgency, district, status, dispatched)  -> n
//   incident grains (day, dim, value, category, urgency, status)        -> n, where dim is
//               call_taker (value: who created it), village (its village id) or hour (its
//               local hour of the day, "00" to "23": day and hour together are its local hour)
//   reports     (day, category, district, status, channel, reject reason) -> n
//   dispatches  (day of notification, agency, incident's category, status) -> n
//   steps       (day, agency, category, step, dispatch status now, duration_histogram bucket)
//               -> n, limited (a limit for the step in the category), within (met it)
// Absent optional values count as "" (no district, no category yet, no reason).
// dispatched is "yes" when the incident has been dispatched to the field (first_dispatched_at
// is set, written with its first dispatch; a later decline or cancellation leaves it on, as the
// call statistics' follow-ups), "no" otherwise. A step's limit is in working days when the
// category gives days for it (met when the step came before the end of the n-th working day
// after the notification's local day, domain::working_deadline), else in seconds.
#pragma once

#include "domain/calendar.hpp"
#include "domain/model.hpp"

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace siaga::storage {

struct incident_roll_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::string category_id, urgency, district_id, status, dispatched;
  auto operator<=>(const incident_roll_key&) const = default;
};

// The incident grains the day rollup leaves out (see above): one row per dim and value.
struct incident_grain_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::string dim, value, category_id, urgency, status;
  auto operator<=>(const incident_grain_key&) const = default;
};

// The dims of incident_grain_key, in the order they are kept.
inline constexpr const char* incident_grain_dims[] = {"call_taker", "village", "hour"};

struct report_roll_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::string category_id, district_id, status, channel, reject_reason;
  auto operator<=>(const report_roll_key&) const = default;
};

struct dispatch_roll_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::string agency_id, category_id, status;
  auto operator<=>(const dispatch_roll_key&) const = default;
};

struct step_roll_key {
  std::string jurisdiction_id;
  std::int64_t day = 0;
  std::string agency_id, category_id, step, status;
  int bucket = 0;
  auto operator<=>(const step_roll_key&) const = default;
};

struct step_roll_counts {
  std::int64_t n = 0, limited = 0, within = 0;
};

// The local day number (days since 1970-01-01 in the zone) of t at a fixed offset.
std::int64_t local_day_number(core::timestamp t, int offset_minutes);

class rollup_deltas {
 public:
  // Adds (sign +1) or takes away (sign -1) a row's contribution; offset_minutes is its
  // jurisdiction's zone. A dispatch counts under its incident's category, with that category's
  // limits for acknowledged and on scene; cal is its jurisdiction's working-day calendar (for
  // limits in working days; its offset is the jurisdiction's too).
  void add_incident(const domain::incident& i, int offset_minutes, int sign);
  void add_report(const domain::report& r, int offset_minutes, int sign);
  void add_dispatch(const domain::dispatch& d, const std::string& category_id, const domain::sla_policy& limits,
                    const domain::work_calendar& cal, int sign);

  // Moves every change of other into this one.
  void merge(rollup_deltas&& other);
  // Whether any count changes (a +1 and a -1 of the same key cancel out).
  bool empty() const;
  void clear();

  const std::map<incident_roll_key, std::int64_t>& incidents() const { return incidents_; }
  const std::map<incident_grain_key, std::int64_t>& incident_grains() const { return grains_; }
  const std::map<report_roll_key, std::int64_t>& reports() const { return reports_; }
  const std::map<dispatch_roll_key, std::int64_t>& dispatches() const { return dispatches_; }
  const std::map<step_roll_key, step_roll_counts>& steps() const { return steps_; }

 private:
  std::map<incident_roll_key, std::int64_t> incidents_;
  std::map<incident_grain_key, std::int64_t> grains_;
  std::map<report_roll_key, std::int64_t> reports_;
  std::map<dispatch_roll_key, std::int64_t> dispatches_;
  std::map<step_roll_key, step_roll_counts> steps_;
};

}  // namespace siaga::storage
