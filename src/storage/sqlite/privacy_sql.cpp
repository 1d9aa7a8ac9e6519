#include "storage/sqlite/privacy_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::privacy_sql {
namespace {

// Runs one statement of an erasure and returns how many rows it changed. A NULL phone
// parameter means every number (retention); a bound one means that number only.
result<std::int64_t> run_scoped(connection& c, std::string_view sql, std::string_view table,
                                const privacy_scope& scope) {
  auto st = prepare_bound(c, sql, scope.jurisdiction_id, scope.before, scope.phone);
  if (!st) return st.error();
  if (auto r = st->run(table); !r) return r.error();
  return c.changes();
}

}  // namespace

result<std::int64_t> erase_reporter_contacts(connection& c, const privacy_scope& scope) {
  return run_scoped(c,
                    "UPDATE reports SET reporter_name = '', reporter_phone = '' WHERE jurisdiction_id = ?1 AND "
                    "created_at < ?2 AND (reporter_name <> '' OR reporter_phone <> '') AND "
                    "(?3 IS NULL OR reporter_phone = ?3)",
                    "reports", scope);
}

result<std::int64_t> erase_caller_numbers(connection& c, const privacy_scope& scope) {
  // The dependants first, while the calls still name the number; the count is the calls'.
  constexpr std::string_view calls_in_scope =
      "SELECT id FROM calls WHERE jurisdiction_id = ?1 AND ring_at < ?2 AND caller <> '' AND "
      "(?3 IS NULL OR caller = ?3)";
  const std::string of_calls = " IN (" + std::string(calls_in_scope) + ")";
  if (auto r =
          run_scoped(c, "UPDATE call_events SET caller = '' WHERE call_record_id" + of_calls, "call_events", scope);
      !r) {
    return r.error();
  }
  if (auto r = run_scoped(c, "UPDATE callbacks SET caller = '' WHERE call_id" + of_calls, "callbacks", scope); !r) {
    return r.error();
  }
  if (auto r = run_scoped(c, "UPDATE location_records SET number = '', raw = '' WHERE call_id" + of_calls,
                          "location_records", scope);
      !r) {
    return r.error();
  }
  if (scope.phone) {
    // Location fixes that reached no call still name the number.
    if (auto r = run_scoped(c,
                            "UPDATE location_records SET number = '', raw = '' WHERE jurisdiction_id = ?1 AND "
                            "received_at < ?2 AND number = ?3",
                            "location_records", scope);
        !r) {
      return r.error();
    }
  }
  auto calls = run_scoped(c,
                          "UPDATE calls SET caller = '' WHERE jurisdiction_id = ?1 AND ring_at < ?2 AND caller <> '' "
                          "AND (?3 IS NULL OR caller = ?3)",
                          "calls", scope);
  if (!calls) return calls.error();
  // A caller row (flags, block) is kept while a newer call still holds its number.
  if (auto r = run_scoped(c,
                          "DELETE FROM callers WHERE jurisdiction_id = ?1 AND updated_at < ?2 AND "
                          "(?3 IS NULL OR number = ?3) AND NOT EXISTS (SELECT 1 FROM calls WHERE "
                          "calls.jurisdiction_id = callers.jurisdiction_id AND calls.caller = callers.number)",
                          "callers", scope);
      !r) {
    return r.error();
  }
  return *calls;
}

result<void> write_erased_event(connection& c, const domain::event& e) {
  auto st = prepare_bound(c, "UPDATE events SET payload_json = ?, subject_id = ?, erased_at = ? WHERE seq = ?",
                          e.payload_json, e.subject_id, e.erased_at.value_or(timestamp{}), e.seq);
  if (!st) return st.error();
  if (auto r = st->run("events"); !r) return r;
  if (c.changes() == 0) return core::not_found("event " + std::to_string(e.seq) + " not found");
  return {};
}

}  // namespace siaga::storage::sqlite::privacy_sql
