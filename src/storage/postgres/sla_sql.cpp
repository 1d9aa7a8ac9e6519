#include "storage/postgres/sla_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::sla_sql {

#include "storage/sla_sql.ipp"

}  // namespace siaga::storage::postgres::sla_sql
