#include "storage/postgres/media_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::media_sql {

#include "storage/media_sql.ipp"

}  // namespace siaga::storage::postgres::media_sql
