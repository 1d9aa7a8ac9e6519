#include "storage/sqlite/areas_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::areas_sql {

#include "storage/areas_sql.ipp"

}  // namespace siaga::storage::sqlite::areas_sql
