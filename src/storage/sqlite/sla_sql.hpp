// The SQL of SLA alerts (migration 8), forwarded to by sqlite_store.cpp.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

namespace siaga::storage::sqlite::sla_sql {

// The store contract's SLA alert methods (storage/sla_store.hpp) over one connection.
result<page<domain::sla_alert>> list(connection& c, const sla_alert_filter& f);
result<std::vector<sla_alert_count>> count(connection& c, const std::string& jurisdiction_id, timestamp from,
                                           timestamp to, int offset_minutes);
result<bool> insert(connection& c, const domain::sla_alert& a);
result<void> resolve(connection& c, const std::string& jurisdiction_id, const std::string& id, timestamp at);

}  // namespace siaga::storage::sqlite::sla_sql
