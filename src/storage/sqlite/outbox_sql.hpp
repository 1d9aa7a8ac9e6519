// The SQL of the notification outbox (migration 2; agencies' endpoints are in storage/row_codec), kept apart from
// sqlite_store.cpp, which forwards its store_reader / store_txn methods here.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage::sqlite::outbox_sql {

// The store contract's notification methods (storage/store.hpp) over one connection.
result<std::optional<domain::notification>> find(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& id);
result<page<domain::notification>> list(connection& c, const notification_filter& f);
result<std::vector<domain::notification>> due(connection& c, timestamp now, int limit);
result<std::optional<timestamp>> next_due(connection& c);
result<void> insert(connection& c, const domain::notification& n);
result<void> update(connection& c, const domain::notification& n);

// The privacy facet's outbox part (storage/privacy_store.hpp): the rows that carry personal
// data, the erasure of their payloads, and the rewrite of one payload.
result<std::vector<domain::notification>> holding(connection& c, const privacy_scope& scope, int limit);
result<std::int64_t> erase_payloads(connection& c, const privacy_scope& scope, const std::string& erased_payload);
result<void> write_payload(connection& c, const std::string& jurisdiction_id, const std::string& id,
                           const std::string& payload_json);

}  // namespace siaga::storage::sqlite::outbox_sql
