#include "storage/sqlite/rollup_rows_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::rollup_rows_sql {

#include "storage/rollup_rows_sql.ipp"

}  // namespace siaga::storage::sqlite::rollup_rows_sql
