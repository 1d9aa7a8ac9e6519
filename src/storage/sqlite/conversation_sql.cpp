#include "storage/sqlite/conversation_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::conversation_sql {

#include "storage/conversation_sql.ipp"

}  // namespace siaga::storage::sqlite::conversation_sql
