#include "storage/sqlite/rollup_keeper.hpp"

#include "storage/sqlite/call_rollups_sql.hpp"
#include "storage/sqlite/model_sql.hpp"
#include "storage/sqlite/rollups_sql.hpp"

namespace siaga::storage::sqlite {

#include "storage/keeper_sql.ipp"

}  // namespace siaga::storage::sqlite

template class siaga::storage::basic_rollup_keeper<siaga::storage::sqlite::keeper_sql>;
