#include "storage/postgres/call_rollups_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::call_rollups_sql {

#include "storage/call_rollup_rows.ipp"

// The call rollups' tables are not built yet (README.md): a batch's call changes are dropped,
// not failed, so that a report joining a dispatched incident that has calls still commits.
// Their reads fail by name (facets_to_come.hpp), so no figure is answered from them; the
// rebuild that comes with their tables fills them from the calls.
result<void> flush(connection&, const call_rollup_deltas&) { return {}; }

}  // namespace siaga::storage::postgres::call_rollups_sql
