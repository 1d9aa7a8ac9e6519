#include "storage/postgres/calls_sql.hpp"

#include "storage/postgres/query.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <type_traits>
#include <variant>
#include <vector>

namespace siaga::storage::postgres::calls_sql {

#include "storage/calls_sql.ipp"

result<domain::caller_history> caller_history_of(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& number) {
  return caller_history_counted(c, jurisdiction_id, number);
}

}  // namespace siaga::storage::postgres::calls_sql
