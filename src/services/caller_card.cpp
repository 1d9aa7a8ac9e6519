#include "services/caller_card.hpp"

#include "services/access.hpp"

#include <set>

namespace siaga::services {
namespace {

bool still_open(const domain::incident& i) {
  using s = domain::incident_status;
  return i.status == s::open || i.status == s::dispatched || i.status == s::in_progress;
}

}  // namespace

core::result<caller_card> read_caller_card(storage::store_reader& reader, const core::clock& clock, const actor& who,
                                           const std::string& number) {
  SIAGA_CHECK(require_dispatcher(who));
  const auto& j = who.jurisdiction_id;
  caller_card card;
  SIAGA_TRY(view, view_caller(reader, clock, j, number));
  card.view = std::move(view);

  storage::call_filter recent;
  recent.jurisdiction_id = j;
  recent.caller = number;
  recent.page = {20, 0};
  SIAGA_TRY(calls, reader.list_calls(recent));
  card.recent_calls = std::move(calls.items);

  storage::callback_filter waiting;
  waiting.jurisdiction_id = j;
  waiting.statuses = {domain::callback_status::open, domain::callback_status::in_progress};
  waiting.caller = number;
  SIAGA_TRY(tasks, reader.list_callbacks(waiting));
  card.open_callbacks = std::move(tasks.items);

  SIAGA_TRY(month, reader.calls_of_caller(j, number, clock.now() - std::chrono::hours(24 * 30)));
  std::set<std::string> seen;
  for (auto it = month.rbegin(); it != month.rend(); ++it) {
    if (!it->report_id || !seen.insert(*it->report_id).second) continue;
    SIAGA_TRY(rep, reader.find_report(j, *it->report_id));
    if (!rep) continue;
    open_matter m{std::move(*rep), std::nullopt};
    if (m.report.incident_id) {
      SIAGA_TRY(inc, reader.find_incident(j, *m.report.incident_id));
      if (!inc || !still_open(*inc)) continue;
      m.incident = std::move(*inc);
    } else if (m.report.status != domain::report_status::new_) {
      continue;
    }
    card.open_matters.push_back(std::move(m));
  }
  return card;
}

}  // namespace siaga::services
