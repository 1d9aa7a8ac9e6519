#include "storage/rollup_deltas.hpp"

#include "domain/duration_histogram.hpp"

#include <algorithm>
#include <chrono>

namespace siaga::storage {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Seconds from notified to a step, truncated toward zero as SQL's integer division does (the
// recount in SQL must give the same buckets).
std::int64_t seconds_between(core::timestamp from, core::timestamp to) {
  return (core::to_micros(to) - core::to_micros(from)) / 1'000'000;
}

}  // namespace

std::int64_t local_day_number(core::timestamp t, int offset_minutes) {
  return floor_div(floor_div(core::to_micros(t), 1'000'000) + std::int64_t{offset_minutes} * 60, 86400);
}

void rollup_deltas::add_incident(const domain::incident& i, int offset_minutes, int sign) {
  auto day = local_day_number(i.created_at, offset_minutes);
  std::string urgency(domain::to_string(i.urgency_class));
  std::string status(domain::to_string(i.status));
  incidents_[{i.jurisdiction_id, day, i.category_id, urgency, i.district_id.value_or(""), status,
              i.first_dispatched_at ? "yes" : "no"}] += sign;
  auto local_s = floor_div(core::to_micros(i.created_at), 1'000'000) + std::int64_t{offset_minutes} * 60;
  auto hour = (local_s - day * 86400) / 3600;
  char hh[3] = {static_cast<char>('0' + hour / 10), static_cast<char>('0' + hour % 10), 0};
  grains_[{i.jurisdiction_id, day, "call_taker", i.created_by, i.category_id, urgency, status}] += sign;
  grains_[{i.jurisdiction_id, day, "village", i.village_id.value_or(""), i.category_id, urgency, status}] += sign;
  grains_[{i.jurisdiction_id, day, "hour", hh, i.category_id, urgency, status}] += sign;
}

void rollup_deltas::add_report(const domain::report& r, int offset_minutes, int sign) {
  reports_[{r.jurisdiction_id, local_day_number(r.created_at, offset_minutes), r.category_id.value_or(""),
            r.district_id.value_or(""), std::string(domain::to_string(r.status)),
            std::string(domain::to_string(r.source)),
            r.rejection ? std::string(domain::to_string(*r.rejection)) : std::string()}] += sign;
}

void rollup_deltas::add_dispatch(const domain::dispatch& d, const std::string& category_id,
                                 const domain::sla_policy& limits, const domain::work_calendar& cal, int sign) {
  auto day = local_day_number(d.notified_at, cal.offset_minutes);
  std::string status(domain::to_string(d.status));
  dispatches_[{d.jurisdiction_id, day, d.agency_id, category_id, status}] += sign;
  auto step = [&](const char* name, const std::optional<core::timestamp>& at, std::int64_t limit_s, int limit_days) {
    if (!at) return;
    auto s = seconds_between(d.notified_at, *at);
    auto& c = steps_[{d.jurisdiction_id, day, d.agency_id, category_id, name, status,
                      domain::duration_histogram::bucket_of(s)}];
    c.n += sign;
    if (limit_days > 0) {
      c.limited += sign;
      if (*at <= domain::working_deadline(cal, d.notified_at, limit_days)) c.within += sign;
    } else if (limit_s > 0) {
      c.limited += sign;
      if (s <= limit_s) c.within += sign;
    }
  };
  step("acknowledged", d.acknowledged_at, limits.acknowledge_within_s, limits.acknowledge_within_days);
  step("en_route", d.en_route_at, 0, 0);
  step("on_scene", d.on_scene_at, limits.on_scene_within_s, limits.on_scene_within_days);
  step("completed", d.completed_at, 0, 0);
}

void rollup_deltas::merge(rollup_deltas&& other) {
  for (auto& [k, n] : other.incidents_) incidents_[k] += n;
  for (auto& [k, n] : other.grains_) grains_[k] += n;
  for (auto& [k, n] : other.reports_) reports_[k] += n;
  for (auto& [k, n] : other.dispatches_) dispatches_[k] += n;
  for (auto& [k, c] : other.steps_) {
    auto& mine = steps_[k];
    mine.n += c.n;
    mine.limited += c.limited;
    mine.within += c.within;
  }
  other.clear();
}

bool rollup_deltas::empty() const {
  auto zero = [](const auto& kv) { return kv.second == 0; };
  auto zero_steps = [](const auto& kv) { return kv.second.n == 0 && kv.second.limited == 0 && kv.second.within == 0; };
  return std::all_of(incidents_.begin(), incidents_.end(), zero) && std::all_of(grains_.begin(), grains_.end(), zero) &&
         std::all_of(reports_.begin(), reports_.end(), zero) &&
         std::all_of(dispatches_.begin(), dispatches_.end(), zero) &&
         std::all_of(steps_.begin(), steps_.end(), zero_steps);
}

void rollup_deltas::clear() {
  incidents_.clear();
  grains_.clear();
  reports_.clear();
  dispatches_.clear();
  steps_.clear();
}

}  // namespace siaga::storage
