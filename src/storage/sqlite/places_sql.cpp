#include "storage/sqlite/places_sql.hpp"

#include "storage/sqlite/query.hpp"

#include <algorithm>

namespace siaga::storage::sqlite::places_sql {

#include "storage/places_sql.ipp"

}  // namespace siaga::storage::sqlite::places_sql
