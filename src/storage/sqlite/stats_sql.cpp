#include "storage/sqlite/stats_sql.hpp"

#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <chrono>
#include <string>

namespace siaga::storage::sqlite::stats_sql {
namespace {

// SQLite's dialect of the shared SQL (storage/stats_sql.ipp).
std::string first_day_sql(std::string_view day, std::string_view unit) {
  return cat({"CAST(julianday(", day, " * 86400, 'unixepoch', 'start of ", unit, "') - 2440587.5 AS INTEGER)"});
}
std::string text_key(std::string_view expr) { return std::string(expr); }
// sql_functions.hpp: the merge answers packed bytes for the packed rows (migration 22), read as text.
constexpr std::string_view histogram_merge_sql = "siaga_hist_text(siaga_hist_merge(histogram))";
result<std::string> merged_histogram(std::string_view text) { return std::string(text); }

}  // namespace

#include "storage/stats_sql.ipp"

}  // namespace siaga::storage::sqlite::stats_sql
