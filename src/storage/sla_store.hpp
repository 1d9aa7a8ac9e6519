// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// SLA alerts (issue 10): one row per clock, step and level, the proof that an alert went out once.
// A new query of the area touches this header, the SQL both stores share (sla_sql.ipp) and the
// forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "domain/sla.hpp"
#include "storage/store_types.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

// Alerts of one jurisdiction raised in [from, to), optionally only those not resolved.
struct sla_alert_filter {
  std::string jurisdiction_id;
  bool open_only = false;
  std::optional<timestamp> from;
  std::optional<timestamp> to;
  std::optional<std::string> agency_id;
  page_request page;
};

// How many alerts of one kind were raised on one local day.
struct sla_alert_count {
  std::int64_t local_day = 0;  // days since 1970-01-01 in the jurisdiction's zone
  domain::sla_level level = domain::sla_level::warning;
  domain::sla_step step = domain::sla_step::dispatch;
  std::string agency_id;  // empty for an incident's own clocks
  std::string category_id;
  std::int64_t n = 0;
};

class sla_reader {
 public:
  virtual ~sla_reader() = default;

  // Newest first (raised_at, then id, descending).
  virtual result<page<domain::sla_alert>> list_sla_alerts(const sla_alert_filter& filter) = 0;
  // The alerts raised in [from, to) counted per local day (at offset_minutes), level, step,
  // agency and category.
  virtual result<std::vector<sla_alert_count>> count_sla_alerts(const std::string& jurisdiction_id, timestamp from,
                                                                timestamp to, int offset_minutes) = 0;
};

class sla_writer {
 public:
  virtual ~sla_writer() = default;

  // Writes a new alert; false (and nothing written) when its clock already has an alert of that
  // level (same incident, dispatch, step and level).
  virtual result<bool> insert_sla_alert(const domain::sla_alert& a) = 0;
  // Sets resolved_at of an open alert; not_found when no open alert has that id.
  virtual result<void> resolve_sla_alert(const std::string& jurisdiction_id, const std::string& id,
                                         timestamp at) = 0;
};

}  // namespace siaga::storage
