// Statistics of reports and incidents for any local period, grouped by time and dimensions
// (issue 10, first slice: counts read from the rows; rollups and response times come next).
#pragma once

#include "domain/calendar.hpp"
#include "services/call_stats.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

enum class stats_subject { reports, incidents, dispatches };

struct stats_request {
  domain::local_date from{};  // local dates, both included
  domain::local_date to{};
  std::optional<domain::time_grain> grain;  // at most one time grouping
  std::vector<storage::stats_dim> dims;     // then these, in this order
};

// Reads from and to ("YYYY-MM-DD", the jurisdiction's local dates, both included; default: the
// month of today) and group (a comma list of at most one of hour, day, week, month, year and
// any of the subject's dimensions: incidents category, urgency, district, village, status,
// call_taker; reports category, district, village, status, channel, reject_reason, call_taker;
// dispatches agency,
// category, status). invalid_input for an unknown or repeated
// name, two time groupings, from after to, or a range over 5 years.
core::result<stats_request> parse_stats_request(stats_subject subject, const std::optional<std::string>& from,
                                                const std::optional<std::string>& to,
                                                const std::optional<std::string>& group, domain::local_date today);

std::string_view to_string(storage::stats_dim d);

struct stats_row {
  std::string period;             // "" without a time grouping
  std::vector<std::string> dims;  // values of request.dims, "" for none
  std::int64_t count = 0;
};

struct stats_answer {
  std::vector<stats_row> rows;  // by period, then dims
  std::int64_t total = 0;
};

// Counts the subject's records created in the period, in the actor's jurisdiction and zone.
core::result<stats_answer> count_stats(storage::store_reader& rd, const actor& who, stats_subject subject,
                                       const stats_request& req);

// One step of a dispatch (notified -> acknowledged, en route, on scene, completed): how many
// reached it, percentiles of the seconds it took (domain::duration_histogram: within 1/64),
// and how many of those with a limit in their category's SLA made it in time.
struct step_stats {
  std::int64_t reached = 0;
  std::int64_t p50_s = -1, p90_s = -1, p95_s = -1;  // -1 when none reached it
  std::int64_t with_limit = 0;  // reached, in a category with a limit for this step
  std::int64_t within = 0;      // of those, in time
};

struct dispatch_stats_row {
  std::string period;
  std::vector<std::string> dims;
  std::int64_t count = 0;
  std::map<std::string, std::int64_t> by_status;
  step_stats acknowledged, en_route, on_scene, completed;
};

// Dispatches notified in the period, grouped like count_stats, with their outcomes and
// response times; the limits are the categories' for acknowledged and on scene, in working
// days of the jurisdiction's calendar when the category gives days (met by the end of the n-th
// working day after the notification's local day), else in seconds. Grouped by status, the
// step times are those of the dispatches in each status now.
core::result<std::vector<dispatch_stats_row>> dispatch_stats(storage::store_reader& rd, const actor& who,
                                                             const stats_request& req);

// The figures a centre quotes for a period, in one answer: its calls (call_stats' total), its
// reports by outcome and reject reason, its incidents by urgency, its dispatches by status,
// and the line in Bahasa Indonesia ("5.982 panggilan, 2.522 valid, 1.222 iseng atau diam, 99
// tindak lanjut ke lapangan": calls, calls classified valid, prank and silent calls, calls
// whose report joined an incident dispatched to the field).
struct stats_summary {
  call_stats_bucket calls;
  std::int64_t reports = 0;
  std::map<std::string, std::int64_t> reports_by_status, rejected_by_reason;
  std::int64_t incidents = 0;
  std::map<std::string, std::int64_t> incidents_by_urgency;
  std::int64_t dispatches = 0;
  std::map<std::string, std::int64_t> dispatches_by_status;
  std::string line;
};

// req's groupings are ignored.
core::result<stats_summary> summary_stats(storage::store_reader& rd, const actor& who, const stats_request& req);

// "5.982": a count with the Indonesian thousands separator.
std::string indonesian_count(std::int64_t n);

// The zone offset of the actor's jurisdiction in minutes east of UTC.
core::result<int> zone_offset_of(storage::store_reader& rd, const actor& who);

// Today's local date in the actor's jurisdiction.
core::result<domain::local_date> local_today(storage::store_reader& rd, const actor& who, core::timestamp now);

}  // namespace siaga::services
