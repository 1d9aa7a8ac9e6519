// The writer's side of the statistics rollups: told of every row a command writes (with the
// row as it was), it gathers the command's rollup changes (storage/rollup_deltas.hpp), keeps
// them when the command succeeds and drops them when it rolls back, and writes the batch's
// changes in one go just before the batch commits, so that the rollups are always exactly the
// rows that are committed with them.
#pragma once

#include "storage/call_rollup_deltas.hpp"
#include "storage/rollup_deltas.hpp"
#include "storage/sqlite/connection.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace siaga::storage::sqlite {

class rollup_keeper {
 public:
  // A keeper that is not enabled does nothing (a benchmark's baseline): the rollups go stale.
  rollup_keeper(connection& conn, bool enabled) : conn_(conn), enabled_(enabled) {}

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

}  // namespace siaga::storage::sqlite
