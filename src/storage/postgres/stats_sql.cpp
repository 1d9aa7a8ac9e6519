#include "storage/postgres/stats_sql.hpp"

#include "domain/duration_histogram.hpp"
#include "storage/postgres/query.hpp"

#include <algorithm>
#include <chrono>
#include <string>

namespace siaga::storage::postgres::stats_sql {
namespace {

// PostgreSQL's dialect of the shared SQL (storage/stats_sql.ipp). A local day number is days
// since 1970-01-01; its month's (year's) first day by date arithmetic on a timestamp without
// zone, so that the session's time zone plays no part.
std::string first_day_sql(std::string_view day, std::string_view unit) {
  return cat({"(CAST(date_trunc('", unit, "', CAST(DATE '1970-01-01' + CAST(", day,
              " AS INTEGER) AS TIMESTAMP)) AS DATE) - DATE '1970-01-01')"});
}
// The rollup tables' keys are in the "C" collation already (rollups_sql.cpp); the rows' are not.
std::string text_key(std::string_view expr) { return cat({"(", expr, ") COLLATE \"C\""}); }
// The histograms of a group as their texts joined by ';' (no item of encode()'s text holds
// one), merged here with the domain's own merge rather than by a plpgsql port of it.
constexpr std::string_view histogram_merge_sql = "string_agg(histogram, ';')";
result<std::string> merged_histogram(std::string_view texts) {
  domain::duration_histogram h;
  for (std::size_t start = 0; start <= texts.size();) {
    auto end = std::min(texts.find(';', start), texts.size());
    if (auto r = h.merge_encoded(texts.substr(start, end - start)); !r) {
      return failure("roll_dispatch_steps: " + r.error().message + "; run siaga stats rebuild");
    }
    start = end + 1;
  }
  return h.encode();
}

}  // namespace

#include "storage/stats_sql.ipp"

}  // namespace siaga::storage::postgres::stats_sql
