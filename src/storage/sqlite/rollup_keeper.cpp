#include "storage/sqlite/rollup_keeper.hpp"

#include "domain/sla.hpp"
#include "storage/sqlite/call_rollups_sql.hpp"
#include "storage/sqlite/model_sql.hpp"
#include "storage/sqlite/rollups_sql.hpp"

namespace siaga::storage::sqlite {

result<int> rollup_keeper::offset_of(const std::string& jurisdiction_id) {
  if (auto it = offsets_.find(jurisdiction_id); it != offsets_.end()) return it->second;
  auto j = model_sql::find_jurisdiction(conn_, jurisdiction_id);
  if (!j) return j.error();
  if (!*j) return core::make_error(core::errc::storage_failure, "rollups: no jurisdiction " + jurisdiction_id);
  auto offset = core::zone_offset_minutes((*j)->timezone);
  if (!offset) return offset.error();
  offsets_.emplace(jurisdiction_id, *offset);
  return *offset;
}

result<domain::work_calendar> rollup_keeper::calendar_of(const std::string& jurisdiction_id) {
  if (auto it = calendars_.find(jurisdiction_id); it != calendars_.end()) return it->second;
  auto j = model_sql::find_jurisdiction(conn_, jurisdiction_id);
  if (!j) return j.error();
  if (!*j) return core::make_error(core::errc::storage_failure, "rollups: no jurisdiction " + jurisdiction_id);
  auto offset = offset_of(jurisdiction_id);
  if (!offset) return offset.error();
  auto cal = domain::calendar_of(**j);
  cal.offset_minutes = *offset;
  calendars_.emplace(jurisdiction_id, cal);
  return cal;
}

result<domain::sla_policy> rollup_keeper::limits_of(const std::string& jurisdiction_id, const std::string& category_id) {
  if (auto it = limits_.find(category_id); it != limits_.end()) return it->second;
  auto c = model_sql::find_category(conn_, jurisdiction_id, category_id);
  if (!c) return c.error();
  auto limits = *c ? (*c)->sla : domain::sla_policy{};
  limits_.emplace(category_id, limits);
  return limits;
}

result<void> rollup_keeper::incident(const std::optional<domain::incident>& old, const domain::incident& now) {
  if (!enabled_) return {};
  auto offset = offset_of(now.jurisdiction_id);
  if (!offset) return offset.error();
  if (old) command_.add_incident(*old, *offset, -1);
  command_.add_incident(now, *offset, 1);
  // Calls counted before the incident row existed (a new one) were counted as not dispatched.
  bool was_dispatched = old && old->first_dispatched_at.has_value();
  if (was_dispatched != now.first_dispatched_at.has_value()) {
    auto calls = call_rollups_sql::calls_of_incident(conn_, now.id);
    if (!calls) return calls.error();
    if (auto r = flip_calls(*calls, was_dispatched, !was_dispatched); !r) return r;
  }
  if (!old || old->category_id == now.category_id) return {};
  // The incident's dispatches count under its category: they move with it.
  auto dispatches = model_sql::dispatches_of_incident(conn_, now.id);
  if (!dispatches) return dispatches.error();
  for (const auto& d : *dispatches) {
    if (auto r = add_dispatch(d, -1, old->category_id); !r) return r;
    if (auto r = add_dispatch(d, 1, now.category_id); !r) return r;
  }
  return {};
}

result<void> rollup_keeper::report(const std::optional<domain::report>& old, const domain::report& now) {
  if (!enabled_) return {};
  auto offset = offset_of(now.jurisdiction_id);
  if (!offset) return offset.error();
  if (old) command_.add_report(*old, *offset, -1);
  command_.add_report(now, *offset, 1);
  // The report's calls are follow-ups when its incident was dispatched: it may have moved (a
  // new report's calls, written before it, were counted as not dispatched).
  std::optional<std::string> old_incident = old ? old->incident_id : std::nullopt;
  if (old_incident == now.incident_id) return {};
  auto was = call_rollups_sql::incident_dispatched(conn_, old_incident);
  if (!was) return was.error();
  auto is = call_rollups_sql::incident_dispatched(conn_, now.incident_id);
  if (!is) return is.error();
  if (*was == *is) return {};
  auto calls = call_rollups_sql::calls_of_report(conn_, now.id);
  if (!calls) return calls.error();
  return flip_calls(*calls, *was, *is);
}

result<void> rollup_keeper::flip_calls(const std::vector<std::pair<std::string, call_stat_row>>& calls, bool was,
                                       bool now) {
  for (auto [jurisdiction_id, row] : calls) {
    auto offset = offset_of(jurisdiction_id);
    if (!offset) return offset.error();
    row.dispatched = was;
    call_command_.add_call(jurisdiction_id, row, *offset, -1);
    row.dispatched = now;
    call_command_.add_call(jurisdiction_id, row, *offset, 1);
  }
  return {};
}

result<void> rollup_keeper::call(const std::optional<domain::call_record>& old, const domain::call_record& now) {
  if (!enabled_) return {};
  auto offset = offset_of(now.jurisdiction_id);
  if (!offset) return offset.error();
  // Both flags as the reports and incidents stand now: the old row was counted with them.
  if (old) {
    auto row = call_rollups_sql::stat_row_of(conn_, *old);
    if (!row) return row.error();
    call_command_.add_call(old->jurisdiction_id, *row, *offset, -1);
  }
  auto row = call_rollups_sql::stat_row_of(conn_, now);
  if (!row) return row.error();
  call_command_.add_call(now.jurisdiction_id, *row, *offset, 1);
  return {};
}

result<void> rollup_keeper::add_dispatch(const domain::dispatch& d, int sign, const std::optional<std::string>& category) {
  auto cal = calendar_of(d.jurisdiction_id);
  if (!cal) return cal.error();
  std::string category_id;
  if (category) {
    category_id = *category;
  } else {
    auto c = rollups_sql::category_of_incident(conn_, d.incident_id);
    if (!c) return c.error();
    category_id = c->value_or("");
  }
  auto limits = limits_of(d.jurisdiction_id, category_id);
  if (!limits) return limits.error();
  command_.add_dispatch(d, category_id, *limits, *cal, sign);
  return {};
}

result<void> rollup_keeper::dispatch(const std::optional<domain::dispatch>& old, const domain::dispatch& now) {
  if (!enabled_) return {};
  if (old) {
    if (auto r = add_dispatch(*old, -1); !r) return r;
  }
  return add_dispatch(now, 1);
}

void rollup_keeper::category(const std::optional<domain::category>& old, const domain::category& now) {
  if (!enabled_) return;
  limits_.erase(now.id);
  if (old && (old->sla.acknowledge_within_s != now.sla.acknowledge_within_s ||
              old->sla.on_scene_within_s != now.sla.on_scene_within_s ||
              old->sla.acknowledge_within_days != now.sla.acknowledge_within_days ||
              old->sla.on_scene_within_days != now.sla.on_scene_within_days)) {
    command_recounts_.emplace(now.jurisdiction_id, now.id);
  }
}

void rollup_keeper::jurisdiction(const std::optional<domain::jurisdiction>& old, const domain::jurisdiction& now) {
  if (!enabled_) return;
  calendars_.erase(now.id);
  if (old && (old->weekend_days != now.weekend_days || old->holidays != now.holidays || old->timezone != now.timezone)) {
    command_calendars_.insert(now.id);
  }
}

void rollup_keeper::command_succeeded() {
  batch_.merge(std::move(command_));
  call_batch_.merge(std::move(call_command_));
  batch_recounts_.merge(command_recounts_);
  command_recounts_.clear();
  batch_calendars_.merge(command_calendars_);
  command_calendars_.clear();
}

void rollup_keeper::command_failed() {
  command_.clear();
  call_command_.clear();
  command_recounts_.clear();
  command_calendars_.clear();
  limits_.clear();
  offsets_.clear();
  calendars_.clear();
}

void rollup_keeper::batch_lost() {
  command_failed();
  batch_.clear();
  call_batch_.clear();
  batch_recounts_.clear();
  batch_calendars_.clear();
}

result<void> rollup_keeper::flush() {
  auto flushed = rollups_sql::flush(conn_, batch_);
  if (flushed) flushed = call_rollups_sql::flush(conn_, call_batch_);
  for (const auto& [j, c] : batch_recounts_) {
    if (!flushed) break;
    flushed = rollups_sql::recount_category_steps(conn_, j, c);
  }
  for (const auto& j : batch_calendars_) {
    if (!flushed) break;
    flushed = rollups_sql::recount_working_day_steps(conn_, j);
  }
  batch_lost();
  return flushed;
}

}  // namespace siaga::storage::sqlite
