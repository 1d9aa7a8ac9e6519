#include "storage/sqlite/idempotency_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::idempotency_sql {

#include "storage/idempotency_sql.ipp"

}  // namespace siaga::storage::sqlite::idempotency_sql
