#include "storage/postgres/lapor_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::lapor_sql {

#include "storage/lapor_sql.ipp"

}  // namespace siaga::storage::postgres::lapor_sql
