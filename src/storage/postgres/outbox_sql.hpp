// The SQL of the notification outbox (migration 3), the SQLite store's outbox_sql on this
// store's connection (the shared part is storage/outbox_sql.ipp), with claiming by lease for
// several nodes. Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::storage::postgres::outbox_sql {

// The store contract's notification methods (storage/outbox_store.hpp) over one connection.
result<std::optional<domain::notification>> find(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& id);
result<page<domain::notification>> list(connection& c, const notification_filter& f);
result<std::optional<timestamp>> next_due(connection& c);
result<void> insert(connection& c, const domain::notification& n);
// Also ends the row's lease.
result<void> update(connection& c, const domain::notification& n);

// Claims up to limit due rows that no lease holds at now, soonest first, and leases them
// until lease_until, in one statement: rows another transaction is claiming or updating at
// that moment are skipped (FOR UPDATE SKIP LOCKED), never waited for, so claimers on several
// nodes never block one another and never get the same row while its lease lasts.
result<std::vector<domain::notification>> claim_due(connection& c, timestamp now, int limit, timestamp lease_until);
// Ends the lease of row id, if any (outbox_reader::release_notification).
result<void> release(connection& c, const std::string& id);


// The privacy facet's outbox part (storage/privacy_store.hpp): the rows that carry personal
// data, those that write any number (the retention job's search), the erasure of their
// payloads, and the rewrite of one payload.
result<std::vector<domain::notification>> holding(connection& c, const privacy_scope& scope, int limit);
result<std::vector<domain::notification>> writing_numbers(connection& c, const privacy_scope& scope,
                                                          const outbox_position& after, int limit);
result<std::int64_t> erase_payloads(connection& c, const privacy_scope& scope, const std::string& erased_payload);
result<void> write_payload(connection& c, const std::string& jurisdiction_id, const std::string& id,
                           const std::string& payload_json);

}  // namespace siaga::storage::postgres::outbox_sql
