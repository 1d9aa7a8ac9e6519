#include "storage/postgres/rollup_rows_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::rollup_rows_sql {

#include "storage/rollup_rows_sql.ipp"

}  // namespace siaga::storage::postgres::rollup_rows_sql
