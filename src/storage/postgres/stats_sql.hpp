// The SQL of the counts behind statistics (issue 10) in PostgreSQL: ../stats_sql.ipp, shared
// with SQLite, in this store's dialect; postgres_store.cpp forwards its store_reader methods
// here.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

namespace siaga::storage::postgres::stats_sql {

result<std::vector<stats_count_row>> count(connection& c, std::string_view table, const stats_count_query& q);
result<std::vector<dispatch_time_row>> dispatch_times(connection& c, const stats_count_query& q);
result<dispatch_rollup> dispatch_rollups(connection& c, const stats_count_query& q);

}  // namespace siaga::storage::postgres::stats_sql
