#include "storage/sqlite/model_sql.hpp"

#include "storage/model_rows.hpp"
#include "storage/sqlite/query.hpp"

#include <algorithm>

namespace siaga::storage::sqlite::model_sql {

// The rows and their JSON columns are read and written as every store does (storage/model_rows,
// storage/row_codec), with the SQL both stores share (storage/model_sql.ipp) on this store's
// connection and query toolkit.
using namespace model_rows;
using row_codec::encode_holidays;
using row_codec::encode_run_card;
using row_codec::encode_sop;
using row_codec::encode_weekend;

result<void> read_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j) {
  return row_codec::decode_calendar(weekend, holidays, j);
}


#include "storage/model_sql.ipp"

// SQLite's own: instr finds the number in the payload text (PostgreSQL would say strpos, so
// the PostgreSQL store gets its own when its privacy facet is built).
result<std::vector<domain::event>> erasable_events(connection& c, const privacy_scope& scope, int limit) {
  if (limit <= 0) return std::vector<domain::event>{};
  if (scope.phone) {
    // A number is a JSON string in a payload: matched with its quotes, so that it is not found
    // inside a longer number.
    static const std::string sql = select(event_columns,
                                          "FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                                          "erased_at IS NULL AND at < ? AND (subject_id = ? OR instr(payload_json, '\"' || ? || '\"') > 0) "
                                          "ORDER BY seq LIMIT ?");
    return fetch_all(c, sql, "events", read_event<statement>, scope.jurisdiction_id, scope.before, *scope.phone,
                     *scope.phone, limit);
  }
  if (!scope.event_kinds.empty()) {
    // The kinds as a JSON array of strings (event kinds are plain dotted names).
    std::string kinds = "[";
    for (const auto& k : scope.event_kinds) kinds += (kinds.size() > 1 ? ",\"" : "\"") + k + "\"";
    kinds += "]";
    static const std::string by_kind = select(event_columns,
                                              "FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                                              "erased_at IS NULL AND at < ? AND kind IN (SELECT value FROM "
                                              "json_each(?)) ORDER BY seq LIMIT ?");
    return fetch_all(c, by_kind, "events", read_event<statement>, scope.jurisdiction_id, scope.before, kinds, limit);
  }
  static const std::string sql = select(event_columns,
                                        "FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                                        "erased_at IS NULL AND at < ? AND subject IN ('call', 'caller', 'callback', "
                                        "'location') ORDER BY seq LIMIT ?");
  return fetch_all(c, sql, "events", read_event<statement>, scope.jurisdiction_id, scope.before, limit);
}

}  // namespace siaga::storage::sqlite::model_sql
