#include "storage/sqlite/media_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::media_sql {

#include "storage/media_sql.ipp"

}  // namespace siaga::storage::sqlite::media_sql
