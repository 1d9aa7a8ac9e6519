// The SQLite store's rollup keeper: storage/rollup_keeper.hpp over this store's SQL
// (model_sql, rollups_sql, call_rollups_sql), instantiated once in rollup_keeper.cpp.
#pragma once

#include "storage/rollup_keeper.hpp"
#include "storage/sqlite/connection.hpp"

namespace siaga::storage::sqlite {

#include "storage/keeper_sql.hpp.ipp"

using rollup_keeper = basic_rollup_keeper<keeper_sql>;

}  // namespace siaga::storage::sqlite

extern template class siaga::storage::basic_rollup_keeper<siaga::storage::sqlite::keeper_sql>;
