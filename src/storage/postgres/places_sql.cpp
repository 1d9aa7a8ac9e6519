#include "storage/postgres/places_sql.hpp"

#include "storage/postgres/query.hpp"

#include <algorithm>

namespace siaga::storage::postgres::places_sql {

#include "storage/places_sql.ipp"

}  // namespace siaga::storage::postgres::places_sql
