#include "storage/postgres/privacy_sql.hpp"

#include "domain/phone_text.hpp"
#include "storage/phone_text_sql.hpp"

#include <algorithm>
#include <array>

#include "storage/model_rows.hpp"
#include "storage/postgres/query.hpp"

namespace siaga::storage::postgres::privacy_sql {
namespace {

// PostgreSQL's words where the dialects differ (see ../privacy_sql.ipp). round() with a number
// of places takes NUMERIC, not DOUBLE PRECISION; the result goes back to the column's type.
constexpr std::string_view no_bytes = "''::bytea";
constexpr std::string_view larger = "greatest";
constexpr std::string_view holds_quoted = "strpos(payload_json, '\"' || ? || '\"') > 0";
constexpr std::string_view kind_in_json = "kind IN (SELECT jsonb_array_elements_text(CAST(? AS jsonb)))";

// Whether the text expr holds the ?-bound text (the free-text searches).
std::string contains(std::string_view expr) {
  return cat({"strpos(", expr, ", ?) > 0"});
}

std::string rounded(std::string_view column) {
  return cat({"CAST(round(CAST(", column, " AS NUMERIC), 2) AS DOUBLE PRECISION)"});
}

}  // namespace

#include "storage/privacy_sql.ipp"

}  // namespace siaga::storage::postgres::privacy_sql
