// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// Reports, incidents and dispatches, with their list filters.
// A new query of the area touches this header, the area's sqlite/<area>_sql.cpp and the
// forwarding in sqlite/sqlite_store.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "domain/model.hpp"
#include "storage/store_types.hpp"

namespace siaga::storage {

struct report_filter {
  std::string jurisdiction_id;
  std::optional<domain::report_status> status;
  std::optional<domain::channel> source;
  std::optional<std::string> category_id;
  std::optional<std::string> incident_id;
  std::optional<timestamp> from;  // created_at >= from
  std::optional<timestamp> to;    // created_at < to
  page_request page;
};

struct incident_filter {
  std::string jurisdiction_id;
  std::vector<domain::incident_status> statuses;  // empty: any
  std::vector<domain::urgency> urgencies;         // empty: any
  std::optional<std::string> category_id;
  std::optional<std::string> district_id;
  bool without_district = false;  // only incidents in no district (district_id is then ignored)
  std::optional<std::string> village_id;
  std::optional<std::string> agency_id;  // has a dispatch to this agency
  std::optional<timestamp> from;
  std::optional<timestamp> to;
  page_request page;
  keyset_paging walk;  // exports: keyset pages without a total
};

struct dispatch_filter {
  std::string jurisdiction_id;
  std::optional<std::string> agency_id;
  std::optional<std::string> incident_id;
  std::vector<domain::dispatch_status> statuses;  // empty: any
  std::optional<std::string> category_id;         // its incident's category
  std::optional<timestamp> from;                  // notified_at >= from
  std::optional<timestamp> to;                    // notified_at < to
  page_request page;
  keyset_paging walk;  // exports: keyset pages without a total
};

// Reads (see store_reader for the rules every read follows).
class incident_reader {
 public:
  virtual ~incident_reader() = default;

  virtual result<std::optional<domain::report>> find_report(const std::string& jurisdiction_id,
                                                            const std::string& id) = 0;
  virtual result<page<domain::report>> list_reports(const report_filter& filter) = 0;
  // The report with this public tracking code in any jurisdiction (codes are unique across
  // all), or nullopt.
  virtual result<std::optional<domain::report>> find_report_by_tracking_code(const std::string& code) = 0;
  virtual result<std::vector<domain::report>> reports_of_incident(const std::string& incident_id) = 0;
  virtual result<std::optional<domain::incident>> find_incident(const std::string& jurisdiction_id,
                                                                const std::string& id) = 0;
  virtual result<page<domain::incident>> list_incidents(const incident_filter& filter) = 0;
  virtual result<std::optional<domain::dispatch>> find_dispatch(const std::string& jurisdiction_id,
                                                                const std::string& id) = 0;
  virtual result<std::vector<domain::dispatch>> dispatches_of_incident(const std::string& incident_id) = 0;
  virtual result<page<domain::dispatch>> list_dispatches(const dispatch_filter& filter) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class incident_writer {
 public:
  virtual ~incident_writer() = default;

  virtual result<void> insert_report(const domain::report& r) = 0;
  virtual result<void> update_report(const domain::report& r) = 0;
  virtual result<void> insert_incident(const domain::incident& i) = 0;
  virtual result<void> update_incident(const domain::incident& i) = 0;
  virtual result<void> insert_dispatch(const domain::dispatch& d) = 0;
  virtual result<void> update_dispatch(const domain::dispatch& d) = 0;
};

}  // namespace siaga::storage
