// The SQL of the notification outbox (migration 2; agencies' endpoints are in storage/row_codec), kept apart from
// sqlite_store.cpp, which forwards its store_reader / store_txn methods here. The SQL both
// stores share is storage/outbox_sql.ipp; the leases of claimed rows are kept here, in memory.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace siaga::storage::sqlite::outbox_sql {

// The leases of the rows due() handed out (the contract's due_notifications, outbox_store.hpp):
// row id -> the end of its lease. In memory, since one process delivers an SQLite database's
// rows; a restart forgets them, so that a restarted node takes up at once what it was sending.
// Shared by the store's readers and its writer; thread-safe.
class leases {
 public:
  explicit leases(std::chrono::microseconds length) : length_(length) {}

  // Claims up to limit of the due rows that are not leased at now, soonest first, and
  // leases them until now + the lease length.
  result<std::vector<domain::notification>> claim_due(connection& c, timestamp now, int limit);
  // Ends a row's lease (its attempt was recorded): due again as soon as its next attempt is.
  void release(const std::string& id);

 private:
  std::mutex mutex_;
  std::chrono::microseconds length_;
  std::unordered_map<std::string, timestamp> until_;
};

// The store contract's notification methods (storage/store.hpp) over one connection.
result<std::optional<domain::notification>> find(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& id);
result<page<domain::notification>> list(connection& c, const notification_filter& f);
result<std::optional<timestamp>> next_due(connection& c);
result<void> insert(connection& c, const domain::notification& n);
result<void> update(connection& c, const domain::notification& n);

// The privacy facet's outbox part (storage/privacy_store.hpp): the rows that carry personal
// data, those that write any number (the retention job's search), the erasure of their
// payloads, and the rewrite of one payload.
result<std::vector<domain::notification>> holding(connection& c, const privacy_scope& scope, int limit);
result<std::vector<domain::notification>> writing_numbers(connection& c, const privacy_scope& scope,
                                                          const outbox_position& after, int limit);
result<std::int64_t> erase_payloads(connection& c, const privacy_scope& scope, const std::string& erased_payload);
result<void> write_payload(connection& c, const std::string& jurisdiction_id, const std::string& id,
                           const std::string& payload_json);

}  // namespace siaga::storage::sqlite::outbox_sql
