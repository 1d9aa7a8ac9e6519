// The SQL of the messaging channels (migration 14): conversations, seen messages, reporters'
// contacts and delivery receipts, kept apart from sqlite_store.cpp, which forwards its
// store_reader / store_txn methods here.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace siaga::storage::sqlite::conversation_sql {

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

}  // namespace siaga::storage::sqlite::conversation_sql
