// The SQL of the messaging channels: conversations, seen messages, reporters' contacts and
// delivery receipts (PostgreSQL migration 10), the SQLite store's conversation_sql on this store's
// connection (the SQL is shared: storage/conversation_sql.ipp). postgres_store.cpp forwards its
// store_reader / store_txn methods here. Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::storage::postgres::conversation_sql {

// The store contract's conversation methods (storage/conversation_store.hpp) over one connection.
result<std::optional<domain::conversation>> find(connection& c, domain::channel source, const std::string& sender);
result<void> upsert(connection& c, const domain::conversation& v);
result<void> remove(connection& c, domain::channel source, const std::string& sender);
result<std::optional<domain::channel_message_record>> find_message(connection& c, domain::channel source,
                                                                  const std::string& message_id);
result<void> insert_message(connection& c, const domain::channel_message_record& m);
result<std::vector<domain::channel_contact>> contacts_of_incident(connection& c, const std::string& incident_id);
result<std::optional<domain::channel_contact>> find_contact(connection& c, const std::string& report_id);
result<std::int64_t> count_new_reports_from(connection& c, const std::string& jurisdiction_id, const std::string& phone,
                                           domain::channel source, const std::string& address);
result<void> insert_contact(connection& c, const domain::channel_contact& v);
result<void> update_contact(connection& c, const domain::channel_contact& v);
result<std::vector<domain::channel_delivery_status>> statuses(connection& c, domain::channel source,
                                                             const std::string& message_id);
result<void> insert_status(connection& c, const domain::channel_delivery_status& s);

}  // namespace siaga::storage::postgres::conversation_sql
