// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// counts of reports and incidents grouped by local time and their dimensions (issue 10). These
// count the rows themselves; the rollups that keep a year of a large city fast come next.
#pragma once

#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

// The columns a count may be grouped by (a closed list: never SQL from input).
enum class stats_dim { category, urgency, district, status, channel, reject_reason, agency, call_taker };

struct stats_count_query {
  std::string jurisdiction_id;
  timestamp from{};  // [from, to) by created_at
  timestamp to{};
  int offset_minutes = 0;      // the jurisdiction's zone, for the time buckets
  bool by_hour = false;        // bucket = local hours since the epoch; else local days
  std::vector<stats_dim> dims;  // grouped by these too, in this order
};

struct stats_count_row {
  std::int64_t bucket = 0;         // local day (or hour) number since 1970-01-01 local time
  std::vector<std::string> dims;   // the dims' values, "" for none
  std::int64_t count = 0;
};

// One dispatch as response-time statistics need it: seconds from notified to each step it
// reached (nullopt when it did not), with its agency, its incident's category and its status.
struct dispatch_time_row {
  std::int64_t bucket = 0;  // local day (or hour) of notified_at, as stats_count_row
  std::string agency_id;
  std::string category_id;
  std::string status;
  std::optional<std::int64_t> acknowledged_s, en_route_s, on_scene_s, completed_s;
};

class stats_reader {
 public:
  virtual ~stats_reader() = default;

  // Rows per time bucket and dims value, by bucket then dims. Incidents know category,
  // urgency, district, status, call_taker (who created it); reports know category, district,
  // status, channel, reject_reason, call_taker (who took it); another dim is invalid_input.
  virtual result<std::vector<stats_count_row>> count_incidents(const stats_count_query& q) = 0;
  virtual result<std::vector<stats_count_row>> count_reports(const stats_count_query& q) = 0;
  // The dispatches notified in [q.from, q.to) of the jurisdiction (q.dims is ignored), by
  // notified_at.
  virtual result<std::vector<dispatch_time_row>> dispatch_times(const stats_count_query& q) = 0;
};

}  // namespace siaga::storage
