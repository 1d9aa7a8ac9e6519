#include "storage/sqlite/sla_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::sla_sql {

#include "storage/sla_sql.ipp"

}  // namespace siaga::storage::sqlite::sla_sql
