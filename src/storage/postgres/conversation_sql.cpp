#include "storage/postgres/conversation_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::conversation_sql {

#include "storage/conversation_sql.ipp"

}  // namespace siaga::storage::postgres::conversation_sql
