// The SQL of SLA alerts (PostgreSQL migration 9), the SQLite store's sla_sql on this store's
// connection (the SQL is shared: storage/sla_sql.ipp). postgres_store.cpp forwards its
// store_reader / store_txn methods here. Internal to storage/postgres/.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

namespace siaga::storage::postgres::sla_sql {

// The store contract's SLA alert methods (storage/sla_store.hpp) over one connection.
result<page<domain::sla_alert>> list(connection& c, const sla_alert_filter& f);
result<std::vector<sla_alert_count>> count(connection& c, const std::string& jurisdiction_id, timestamp from,
                                           timestamp to, int offset_minutes);
result<bool> insert(connection& c, const domain::sla_alert& a);
result<void> resolve(connection& c, const std::string& jurisdiction_id, const std::string& id, timestamp at);

}  // namespace siaga::storage::postgres::sla_sql
