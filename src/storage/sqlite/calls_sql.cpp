#include "storage/sqlite/calls_sql.hpp"

#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <initializer_list>
#include <variant>

namespace siaga::storage::sqlite::calls_sql {

#include "storage/calls_sql.ipp"

}  // namespace siaga::storage::sqlite::calls_sql
