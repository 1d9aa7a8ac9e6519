#include "storage/postgres/idempotency_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::idempotency_sql {

#include "storage/idempotency_sql.ipp"

}  // namespace siaga::storage::postgres::idempotency_sql
