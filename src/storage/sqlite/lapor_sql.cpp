#include "storage/sqlite/lapor_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::lapor_sql {

#include "storage/lapor_sql.ipp"

}  // namespace siaga::storage::sqlite::lapor_sql
