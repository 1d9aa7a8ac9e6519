#include "storage/sqlite/calls_sql.hpp"

#include "storage/sqlite/caller_counts_sql.hpp"
#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <initializer_list>
#include <variant>

namespace siaga::storage::sqlite::calls_sql {

#include "storage/calls_sql.ipp"

result<domain::caller_history> caller_history_of(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& number) {
  // One row of caller_counts (migration 21), kept by triggers on calls, not a count of the calls.
  return caller_counts_sql::history_of(c, jurisdiction_id, number);
}

}  // namespace siaga::storage::sqlite::calls_sql
