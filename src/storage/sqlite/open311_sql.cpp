#include "storage/sqlite/open311_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::open311_sql {

#include "storage/open311_sql.ipp"

}  // namespace siaga::storage::sqlite::open311_sql
