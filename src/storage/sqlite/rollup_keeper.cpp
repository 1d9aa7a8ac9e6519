#include "storage/sqlite/rollup_keeper.hpp"

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
  return {};
}

result<void> rollup_keeper::add_dispatch(const domain::dispatch& d, int sign, const std::optional<std::string>& category) {
  auto offset = offset_of(d.jurisdiction_id);
  if (!offset) return offset.error();
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
  command_.add_dispatch(d, category_id, *limits, *offset, sign);
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
              old->sla.on_scene_within_s != now.sla.on_scene_within_s)) {
    command_recounts_.emplace(now.jurisdiction_id, now.id);
  }
}

void rollup_keeper::command_succeeded() {
  batch_.merge(std::move(command_));
  batch_recounts_.merge(command_recounts_);
  command_recounts_.clear();
}

void rollup_keeper::command_failed() {
  command_.clear();
  command_recounts_.clear();
  limits_.clear();
  offsets_.clear();
}

void rollup_keeper::batch_lost() {
  command_failed();
  batch_.clear();
  batch_recounts_.clear();
}

result<void> rollup_keeper::flush() {
  auto flushed = rollups_sql::flush(conn_, batch_);
  for (const auto& [j, c] : batch_recounts_) {
    if (!flushed) break;
    flushed = rollups_sql::recount_category_steps(conn_, j, c);
  }
  batch_lost();
  return flushed;
}

}  // namespace siaga::storage::sqlite
