#include "storage/postgres/open311_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::open311_sql {

#include "storage/open311_sql.ipp"

}  // namespace siaga::storage::postgres::open311_sql
