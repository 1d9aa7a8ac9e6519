#include "storage/sqlite/rollup_rows_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::rollup_rows_sql {

namespace {
// The step histograms: packed bytes since migration 22 (sql_functions.hpp).
constexpr std::string_view histogram_read_sql = "siaga_hist_text(histogram)";
constexpr std::string_view histogram_write_sql = "siaga_hist_pack(?)";
}  // namespace

#include "storage/rollup_rows_sql.ipp"

}  // namespace siaga::storage::sqlite::rollup_rows_sql
