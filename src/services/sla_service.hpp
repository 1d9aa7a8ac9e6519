// Service levels (issue 10): the clocks the consoles show, the monitor that turns a clock passing
// its warning point or its due time (or a decline nobody replaced) into one alert, told once to
// the agency and the centre's supervisors through the outbox, and the alerts as lists and counts.
#pragma once

#include "domain/sla.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace siaga::services {

// The clocks of one jurisdiction's records as of one instant, for views: the categories' limits
// and the calendar read once per request, or taken from the process's cache while the store's
// directory_version of the jurisdiction has not moved.
class clock_board {
 public:
  // Reads the jurisdiction's categories and calendar; not_found for an unknown jurisdiction.
  // For readers inside a write batch, whose uncommitted view may yet be rolled back.
  static core::result<clock_board> load(storage::store_reader& rd, const std::string& jurisdiction_id,
                                        core::timestamp now);
  // Like load, for a reader of committed data: one read of the directory version, and the
  // categories and calendar read again only when it moved (on any node), then kept for the next
  // request. Thread-safe.
  static core::result<clock_board> load_cached(storage::store_reader& rd, const std::string& jurisdiction_id,
                                               core::timestamp now);

  // Also remembers the incident's category for of_dispatch.
  std::vector<domain::sla_clock> of_incident(const domain::incident& i) const;
  // A dispatch runs on its incident's category: the one of_incident saw, else looked up (and
  // remembered) through rd.
  core::result<std::vector<domain::sla_clock>> of_dispatch(storage::store_reader& rd, const domain::dispatch& d);

  // What a board reads of the directory: the categories' limits by category id and the calendar.
  struct settings {
    std::map<std::string, domain::sla_policy, std::less<>> limits;
    domain::work_calendar calendar;
  };

 private:
  static core::result<std::shared_ptr<const settings>> read_settings(storage::store_reader& rd,
                                                                     const std::string& jurisdiction_id);
  std::string jurisdiction_id_;
  std::shared_ptr<const settings> settings_;
  core::timestamp now_{};
  // A cache of what the board was shown or read, not its state: of_incident (const) adds to it.
  mutable std::map<std::string, std::string, std::less<>> category_of_incident_;
};

// What one check of the monitor did.
struct sla_check_result {
  int raised = 0;    // new alerts (each told once)
  int resolved = 0;  // open alerts whose step came or whose clock stopped
};

// The monitor's check, in two parts so that the writer does only what changes (with thousands of
// open incidents the whole check held the writer for 110 ms, and every command queued behind it;
// docs/benchmarks.md, session 14).
//
// The look, on a reader: every incident of the jurisdiction still being handled (open,
// dispatched, in progress, resolved; at most max_incidents, oldest activity first) and its
// dispatches as of now. A clock due soon calls for a warning, one past its due time a breach
// (without the warning when the check comes late), a decline nobody replaced an escalation, each
// once per clock, step and level; an open alert whose step came or whose clock stopped is to be
// resolved. The plan names the incidents concerned and the alerts to resolve.
struct sla_plan {
  std::vector<std::string> incident_ids;     // with an alert to raise or to resolve
  std::vector<domain::sla_alert> to_resolve;  // open alerts whose clock the look found stopped
  bool empty() const { return incident_ids.empty() && to_resolve.empty(); }
};
core::result<sla_plan> plan_service_levels(storage::store_reader& rd, core::timestamp now,
                                           const std::string& jurisdiction_id, int max_incidents = 5000);

// The write, as one command: the plan's incidents read again, their clocks as of now; each alert
// still called for is raised unless it exists (the store's unique key), recorded as event
// "sla.warning", "sla.breached" or "sla.escalated" and told through the outbox to the dispatch's
// agency (dispatch clocks) and to the jurisdiction's alert endpoints; each alert to resolve whose
// clock has not started again is resolved. An empty plan writes nothing.
core::result<sla_check_result> apply_service_levels(storage::store_txn& tx, const context& ctx,
                                                    const std::string& jurisdiction_id, const sla_plan& plan);

// Both in one write command (the look through the transaction): for tests and tools.
core::result<sla_check_result> check_service_levels(storage::store_txn& tx, const context& ctx,
                                                    const std::string& jurisdiction_id, int max_incidents = 5000);

// The actor's jurisdiction's alerts, newest first; agency operators see only their agency's.
core::result<storage::page<domain::sla_alert>> list_sla_alerts_for(storage::store_reader& rd, const actor& who,
                                                                   storage::sla_alert_filter filter);

// SLA alerts counted for a local period (both dates included), grouped by at most one time
// grain and any of level, step, agency, category (in the order given).
enum class sla_dim { level, step, agency, category };
struct sla_stats_row {
  std::string period;             // "" without a time grain
  std::vector<std::string> dims;  // "" for an incident's own clock under agency
  std::int64_t count = 0;
};
struct sla_stats_request {
  domain::local_date from{};
  domain::local_date to{};
  std::optional<domain::time_grain> grain;
  std::vector<sla_dim> dims;
};

// Parses group ("month,agency,level"): invalid_input for an unknown or repeated name or two
// time grains. from/to as parse_stats_request reads them (default: this month; from after to
// or over 5 years refused).
core::result<sla_stats_request> parse_sla_stats_request(const std::optional<std::string>& from,
                                                        const std::optional<std::string>& to,
                                                        const std::optional<std::string>& group,
                                                        domain::local_date today);
std::string_view to_string(sla_dim d);

// The alerts raised in the period in the actor's jurisdiction (an agency operator: its agency's),
// by period then dims.
core::result<std::vector<sla_stats_row>> sla_stats(storage::store_reader& rd, const actor& who,
                                                   const sla_stats_request& req);

}  // namespace siaga::services
