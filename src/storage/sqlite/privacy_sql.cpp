#include "storage/sqlite/privacy_sql.hpp"

#include "storage/model_rows.hpp"
#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::privacy_sql {
namespace {

// SQLite's words where the dialects differ (see ../privacy_sql.ipp).
constexpr std::string_view no_bytes = "X''";
constexpr std::string_view larger = "max";  // max() of two arguments is the larger
constexpr std::string_view holds_quoted = "instr(payload_json, '\"' || ? || '\"') > 0";
constexpr std::string_view kind_in_json = "kind IN (SELECT value FROM json_each(?))";

std::string rounded(std::string_view column) {
  return cat({"round(", column, ", 2)"});
}

}  // namespace

#include "storage/privacy_sql.ipp"

}  // namespace siaga::storage::sqlite::privacy_sql
