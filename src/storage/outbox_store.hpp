// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// The notification outbox (issue 3).
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

// Outbox rows of one jurisdiction, optionally of one status.
struct notification_filter {
  std::string jurisdiction_id;
  std::optional<domain::notification_status> status;
  page_request page;
};

// Reads (see store_reader for the rules every read follows).
class outbox_reader {
 public:
  virtual ~outbox_reader() = default;

  // ---- Notifications: the outbox (issue 3) ----
  // list_notifications: newest first (created_at, then id, descending). due_notifications:
  // pending rows of every jurisdiction whose next_attempt_at <= now, soonest first, at most
  // limit (none when limit <= 0) - the delivery worker's scan. next_notification_due: the
  // earliest next_attempt_at of any pending row, nullopt when none is pending.
  virtual result<std::optional<domain::notification>> find_notification(const std::string& jurisdiction_id,
                                                                        const std::string& id) = 0;
  virtual result<page<domain::notification>> list_notifications(const notification_filter& filter) = 0;
  virtual result<std::vector<domain::notification>> due_notifications(timestamp now, int limit) = 0;
  virtual result<std::optional<timestamp>> next_notification_due() = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class outbox_writer {
 public:
  virtual ~outbox_writer() = default;

  // ---- Notifications: the outbox (issue 3) ----
  // insert_notification writes a new row (conflict on a duplicate id); update_notification
  // writes its delivery state (status, attempts, next_attempt_at, last_error, updated_at,
  // delivered_at), the rest of a row being fixed once enqueued, and fails with not_found when
  // no row has that id in that jurisdiction.
  virtual result<void> insert_notification(const domain::notification& n) = 0;
  virtual result<void> update_notification(const domain::notification& n) = 0;
};

}  // namespace siaga::storage
