// The writer's side of the statistics rollups, for every store (issue 10; the PostgreSQL store,
// issue 13): told of every row a command writes (with the row as it was), it gathers the
// command's rollup changes (storage/rollup_deltas.hpp, call_rollup_deltas.hpp), keeps them when
// the command succeeds and drops them when it rolls back, and writes the batch's changes in one
// go just before the batch commits, so that the rollups are always exactly the rows that are
// committed with them.
//
// Sql is the store's SQL behind it: a type with `using connection_type = ...;` and static functions
//   find_jurisdiction(c, id), find_category(c, jurisdiction_id, id), dispatches_of_incident(c, id),
//   category_of_incident(c, id), calls_of_incident(c, id), calls_of_report(c, id),
//   incident_dispatched(c, optional id), stat_row_of(c, call),
//   flush(c, rollup_deltas), flush_calls(c, call_rollup_deltas),
//   recount_category_steps(c, jurisdiction_id, category_id), recount_working_day_steps(c, jurisdiction_id)
// with the contracts of their SQLite originals (sqlite/model_sql.hpp, rollups_sql.hpp,
// call_rollups_sql.hpp). Each store instantiates it once (extern template in its header).
#pragma once

#include "core/time.hpp"
#include "domain/sla.hpp"
#include "storage/call_rollup_deltas.hpp"
#include "storage/rollup_deltas.hpp"
#include "storage/store.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace siaga::storage {

template <class Sql>
class basic_rollup_keeper {
 public:
  using connection = typename Sql::connection_type;
  // A keeper that is not enabled does nothing (a benchmark's baseline): the rollups go stale.
  basic_rollup_keeper(connection& conn, bool enabled) : conn_(conn), enabled_(enabled) {}

  bool enabled() const { return enabled_; }

  // A row was written: old is what it was before (nullopt for an insert). Fail only when the
  // store cannot be read (the command then fails, as its write would have).
  result<void> incident(const std::optional<domain::incident>& old, const domain::incident& now);
  result<void> report(const std::optional<domain::report>& old, const domain::report& now);
  result<void> dispatch(const std::optional<domain::dispatch>& old, const domain::dispatch& now);
  // A call was written (its rollup row moves with its outcome, classification, agent and
  // report). report() and incident() also move the calls whose follow-up flag the write turns
  // on or off: a report joining or leaving a dispatched incident, an incident's first dispatch.
  result<void> call(const std::optional<domain::call_record>& old, const domain::call_record& now);
  // A category whose limits for acknowledged or on scene changed has its dispatches' steps
  // counted again at the flush.
  void category(const std::optional<domain::category>& old, const domain::category& now);
  // A jurisdiction whose calendar changed (weekend days, holidays, zone) has the steps of its
  // categories with limits in working days counted again at the flush.
  void jurisdiction(const std::optional<domain::jurisdiction>& old, const domain::jurisdiction& now);

  // The command's changes join the batch's; or are forgotten (rolled back).
  void command_succeeded();
  void command_failed();
  // The transaction was lost (SQLite rolled it back): every change gathered is forgotten.
  void batch_lost();
  // Writes the batch's changes and recounts; the caller commits after it, or rolls back the
  // whole batch when it fails. Forgets the batch's changes either way.
  result<void> flush();
  // Whether any command of the batch changed a rollup (a rebuild must run alone).
  bool pending() const {
    return !batch_.empty() || !command_.empty() || !batch_recounts_.empty() || !call_batch_.empty() ||
           !call_command_.empty() || !batch_calendars_.empty() || !command_calendars_.empty();
  }

 private:
  result<int> offset_of(const std::string& jurisdiction_id);
  result<domain::work_calendar> calendar_of(const std::string& jurisdiction_id);
  result<domain::sla_policy> limits_of(const std::string& jurisdiction_id, const std::string& category_id);
  result<void> add_dispatch(const domain::dispatch& d, int sign, const std::optional<std::string>& category = {});
  // Moves calls from one follow-up flag to the other (the rows' other fields unchanged).
  result<void> flip_calls(const std::vector<std::pair<std::string, call_stat_row>>& calls, bool was, bool now);

  connection& conn_;
  bool enabled_;
  rollup_deltas command_, batch_;
  call_rollup_deltas call_command_, call_batch_;
  std::set<std::pair<std::string, std::string>> command_recounts_, batch_recounts_;  // (jurisdiction, category)
  std::set<std::string> command_calendars_, batch_calendars_;  // jurisdictions whose calendar changed
  // A jurisdiction's zone never changes once written; a category's limits are read once and
  // forgotten when it is written or a command rolls back (which may undo such a write).
  std::map<std::string, int, std::less<>> offsets_;
  std::map<std::string, domain::work_calendar, std::less<>> calendars_;
  std::map<std::string, domain::sla_policy, std::less<>> limits_;
};

template <class Sql>
result<int> basic_rollup_keeper<Sql>::offset_of(const std::string& jurisdiction_id) {
  if (auto it = offsets_.find(jurisdiction_id); it != offsets_.end()) return it->second;
  auto j = Sql::find_jurisdiction(conn_, jurisdiction_id);
  if (!j) return j.error();
  if (!*j) return core::make_error(core::errc::storage_failure, "rollups: no jurisdiction " + jurisdiction_id);
  auto offset = core::zone_offset_minutes((*j)->timezone);
  if (!offset) return offset.error();
  offsets_.emplace(jurisdiction_id, *offset);
  return *offset;
}

template <class Sql>
result<domain::work_calendar> basic_rollup_keeper<Sql>::calendar_of(const std::string& jurisdiction_id) {
  if (auto it = calendars_.find(jurisdiction_id); it != calendars_.end()) return it->second;
  auto j = Sql::find_jurisdiction(conn_, jurisdiction_id);
  if (!j) return j.error();
  if (!*j) return core::make_error(core::errc::storage_failure, "rollups: no jurisdiction " + jurisdiction_id);
  auto offset = offset_of(jurisdiction_id);
  if (!offset) return offset.error();
  auto cal = domain::calendar_of(**j);
  cal.offset_minutes = *offset;
  calendars_.emplace(jurisdiction_id, cal);
  return cal;
}

template <class Sql>
result<domain::sla_policy> basic_rollup_keeper<Sql>::limits_of(const std::string& jurisdiction_id, const std::string& category_id) {
  if (auto it = limits_.find(category_id); it != limits_.end()) return it->second;
  auto c = Sql::find_category(conn_, jurisdiction_id, category_id);
  if (!c) return c.error();
  auto limits = *c ? (*c)->sla : domain::sla_policy{};
  limits_.emplace(category_id, limits);
  return limits;
}

template <class Sql>
result<void> basic_rollup_keeper<Sql>::incident(const std::optional<domain::incident>& old, const domain::incident& now) {
  if (!enabled_) return {};
  auto offset = offset_of(now.jurisdiction_id);
  if (!offset) return offset.error();
  if (old) command_.add_incident(*old, *offset, -1);
  command_.add_incident(now, *offset, 1);
  // Calls counted before the incident row existed (a new one) were counted as not dispatched.
  bool was_dispatched = old && old->first_dispatched_at.has_value();
  if (was_dispatched != now.first_dispatched_at.has_value()) {
    auto calls = Sql::calls_of_incident(conn_, now.id);
    if (!calls) return calls.error();
    if (auto r = flip_calls(*calls, was_dispatched, !was_dispatched); !r) return r;
  }
  if (!old || old->category_id == now.category_id) return {};
  // The incident's dispatches count under its category: they move with it.
  auto dispatches = Sql::dispatches_of_incident(conn_, now.id);
  if (!dispatches) return dispatches.error();
  for (const auto& d : *dispatches) {
    if (auto r = add_dispatch(d, -1, old->category_id); !r) return r;
    if (auto r = add_dispatch(d, 1, now.category_id); !r) return r;
  }
  return {};
}

template <class Sql>
result<void> basic_rollup_keeper<Sql>::report(const std::optional<domain::report>& old, const domain::report& now) {
  if (!enabled_) return {};
  auto offset = offset_of(now.jurisdiction_id);
  if (!offset) return offset.error();
  if (old) command_.add_report(*old, *offset, -1);
  command_.add_report(now, *offset, 1);
  // The report's calls are follow-ups when its incident was dispatched: it may have moved (a
  // new report's calls, written before it, were counted as not dispatched).
  std::optional<std::string> old_incident = old ? old->incident_id : std::nullopt;
  if (old_incident == now.incident_id) return {};
  auto was = Sql::incident_dispatched(conn_, old_incident);
  if (!was) return was.error();
  auto is = Sql::incident_dispatched(conn_, now.incident_id);
  if (!is) return is.error();
  if (*was == *is) return {};
  auto calls = Sql::calls_of_report(conn_, now.id);
  if (!calls) return calls.error();
  return flip_calls(*calls, *was, *is);
}

template <class Sql>
result<void> basic_rollup_keeper<Sql>::flip_calls(const std::vector<std::pair<std::string, call_stat_row>>& calls, bool was,
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

template <class Sql>
result<void> basic_rollup_keeper<Sql>::call(const std::optional<domain::call_record>& old, const domain::call_record& now) {
  if (!enabled_) return {};
  auto offset = offset_of(now.jurisdiction_id);
  if (!offset) return offset.error();
  // Both flags as the reports and incidents stand now: the old row was counted with them.
  if (old) {
    auto row = Sql::stat_row_of(conn_, *old);
    if (!row) return row.error();
    call_command_.add_call(old->jurisdiction_id, *row, *offset, -1);
  }
  auto row = Sql::stat_row_of(conn_, now);
  if (!row) return row.error();
  call_command_.add_call(now.jurisdiction_id, *row, *offset, 1);
  return {};
}

template <class Sql>
result<void> basic_rollup_keeper<Sql>::add_dispatch(const domain::dispatch& d, int sign, const std::optional<std::string>& category) {
  auto cal = calendar_of(d.jurisdiction_id);
  if (!cal) return cal.error();
  std::string category_id;
  if (category) {
    category_id = *category;
  } else {
    auto c = Sql::category_of_incident(conn_, d.incident_id);
    if (!c) return c.error();
    category_id = c->value_or("");
  }
  auto limits = limits_of(d.jurisdiction_id, category_id);
  if (!limits) return limits.error();
  command_.add_dispatch(d, category_id, *limits, *cal, sign);
  return {};
}

template <class Sql>
result<void> basic_rollup_keeper<Sql>::dispatch(const std::optional<domain::dispatch>& old, const domain::dispatch& now) {
  if (!enabled_) return {};
  if (old) {
    if (auto r = add_dispatch(*old, -1); !r) return r;
  }
  return add_dispatch(now, 1);
}

template <class Sql>
void basic_rollup_keeper<Sql>::category(const std::optional<domain::category>& old, const domain::category& now) {
  if (!enabled_) return;
  limits_.erase(now.id);
  if (old && (old->sla.acknowledge_within_s != now.sla.acknowledge_within_s ||
              old->sla.on_scene_within_s != now.sla.on_scene_within_s ||
              old->sla.acknowledge_within_days != now.sla.acknowledge_within_days ||
              old->sla.on_scene_within_days != now.sla.on_scene_within_days)) {
    command_recounts_.emplace(now.jurisdiction_id, now.id);
  }
}

template <class Sql>
void basic_rollup_keeper<Sql>::jurisdiction(const std::optional<domain::jurisdiction>& old, const domain::jurisdiction& now) {
  if (!enabled_) return;
  calendars_.erase(now.id);
  if (old && (old->weekend_days != now.weekend_days || old->holidays != now.holidays || old->timezone != now.timezone)) {
    command_calendars_.insert(now.id);
  }
}

template <class Sql>
void basic_rollup_keeper<Sql>::command_succeeded() {
  batch_.merge(std::move(command_));
  call_batch_.merge(std::move(call_command_));
  batch_recounts_.merge(command_recounts_);
  command_recounts_.clear();
  batch_calendars_.merge(command_calendars_);
  command_calendars_.clear();
}

template <class Sql>
void basic_rollup_keeper<Sql>::command_failed() {
  command_.clear();
  call_command_.clear();
  command_recounts_.clear();
  command_calendars_.clear();
  limits_.clear();
  offsets_.clear();
  calendars_.clear();
}

template <class Sql>
void basic_rollup_keeper<Sql>::batch_lost() {
  command_failed();
  batch_.clear();
  call_batch_.clear();
  batch_recounts_.clear();
  batch_calendars_.clear();
}

template <class Sql>
result<void> basic_rollup_keeper<Sql>::flush() {
  auto flushed = Sql::flush(conn_, batch_);
  if (flushed) flushed = Sql::flush_calls(conn_, call_batch_);
  for (const auto& [j, c] : batch_recounts_) {
    if (!flushed) break;
    flushed = Sql::recount_category_steps(conn_, j, c);
  }
  for (const auto& j : batch_calendars_) {
    if (!flushed) break;
    flushed = Sql::recount_working_day_steps(conn_, j);
  }
  batch_lost();
  return flushed;
}


}  // namespace siaga::storage
