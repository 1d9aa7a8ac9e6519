#include "storage/postgres/rollup_rows_sql.hpp"

#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::rollup_rows_sql {

namespace {
// The step histograms: encode()'s text (rollups_sql.cpp says why).
constexpr std::string_view histogram_read_sql = "histogram";
constexpr std::string_view histogram_write_sql = "?";
}  // namespace

#include "storage/rollup_rows_sql.ipp"

}  // namespace siaga::storage::postgres::rollup_rows_sql
