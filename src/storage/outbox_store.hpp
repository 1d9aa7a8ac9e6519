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
  // list_notifications: newest first (created_at, then id, descending).
  // due_notifications claims rows for delivery - the delivery worker's scan: pending rows of
  // every jurisdiction whose next_attempt_at <= now and that no lease holds at now, soonest
  // first, at most limit (none when limit <= 0), each then leased until now + the store's
  // outbox_lease. A leased row is returned to no one else (no other reader, thread or node on
  // the same database) until its lease ends or update_notification records its attempt; a
  // claimer that dies leaves its rows to be claimed again when their leases end, so delivery
  // stays at least once. The rows themselves are not changed (find and list show them as
  // before); a store shared by several nodes keeps the lease in the database.
  // next_notification_due: the earliest next_attempt_at of any pending row, nullopt when none
  // is pending (leased or not: a wake-up hint, not a promise that a claim will succeed).
  // release_notification ends the lease of a row this node claimed and could not record an
  // attempt of (the database failed after the send): the row is then due again at its
  // next_attempt_at, as if never claimed, rather than when the lease would end. A row that is
  // unknown or not leased is left as it is (ok). It takes the claimer's word that the lease is
  // still its own: a claimer releases only at once after its attempt, well within its lease.
  virtual result<std::optional<domain::notification>> find_notification(const std::string& jurisdiction_id,
                                                                        const std::string& id) = 0;
  virtual result<page<domain::notification>> list_notifications(const notification_filter& filter) = 0;
  virtual result<std::vector<domain::notification>> due_notifications(timestamp now, int limit) = 0;
  virtual result<std::optional<timestamp>> next_notification_due() = 0;
  virtual result<void> release_notification(const std::string& id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class outbox_writer {
 public:
  virtual ~outbox_writer() = default;

  // ---- Notifications: the outbox (issue 3) ----
  // insert_notification writes a new row (conflict on a duplicate id); update_notification
  // writes its delivery state (status, attempts, next_attempt_at, last_error, updated_at,
  // delivered_at), the rest of a row being fixed once enqueued, ends the row's lease (see
  // due_notifications), and fails with not_found when no row has that id in that jurisdiction.
  virtual result<void> insert_notification(const domain::notification& n) = 0;
  virtual result<void> update_notification(const domain::notification& n) = 0;
};

}  // namespace siaga::storage
