#include "storage/postgres/areas_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::areas_sql {

#include "storage/areas_sql.ipp"

}  // namespace siaga::storage::postgres::areas_sql
