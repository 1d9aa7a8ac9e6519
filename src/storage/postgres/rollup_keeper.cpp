#include "storage/postgres/rollup_keeper.hpp"

#include "storage/postgres/call_rollups_sql.hpp"
#include "storage/postgres/model_sql.hpp"
#include "storage/postgres/rollups_sql.hpp"

namespace siaga::storage::postgres {

#include "storage/keeper_sql.ipp"

}  // namespace siaga::storage::postgres

template class siaga::storage::basic_rollup_keeper<siaga::storage::postgres::keeper_sql>;
