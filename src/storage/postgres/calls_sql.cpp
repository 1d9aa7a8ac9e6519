#include "storage/postgres/calls_sql.hpp"

#include "storage/postgres/query.hpp"

#include <algorithm>
#include <initializer_list>
#include <variant>

namespace siaga::storage::postgres::calls_sql {

#include "storage/calls_sql.ipp"

}  // namespace siaga::storage::postgres::calls_sql
