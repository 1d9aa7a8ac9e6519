#include "storage/sqlite/privacy_sql.hpp"

#include "storage/model_rows.hpp"
#include "storage/sqlite/query.hpp"

#include "domain/phone_text.hpp"
#include "storage/phone_text_sql.hpp"

#include <algorithm>
#include <array>

namespace siaga::storage::sqlite::privacy_sql {
namespace {

// SQLite's words where the dialects differ (see ../privacy_sql.ipp).
constexpr std::string_view no_bytes = "X''";
constexpr std::string_view larger = "max";  // max() of two arguments is the larger
constexpr std::string_view holds_quoted = "instr(payload_json, '\"' || ? || '\"') > 0";
constexpr std::string_view kind_in_json = "kind IN (SELECT value FROM json_each(?))";

// Whether the text expr holds the ?-bound text (the free-text searches).
std::string contains(std::string_view expr) {
  return cat({"instr(", expr, ", ?) > 0"});
}

std::string rounded(std::string_view column) {
  return cat({"round(", column, ", 2)"});
}

}  // namespace

#include "storage/privacy_sql.ipp"

}  // namespace siaga::storage::sqlite::privacy_sql
