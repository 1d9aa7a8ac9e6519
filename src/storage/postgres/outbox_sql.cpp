#include "storage/postgres/outbox_sql.hpp"

#include "storage/phone_text_sql.hpp"
#include "storage/postgres/query.hpp"

#include <algorithm>

namespace siaga::storage::postgres::outbox_sql {

// An update records an attempt, which ends the lease of the claimer that made it.
constexpr std::string_view update_also_sets = ", lease_until = NULL";

// The rows that carry personal data, as SQLite's (sqlite/outbox_sql.cpp) in PostgreSQL's words:
// strpos for instr, ->> for json_extract (both NULL for a key absent or JSON null), and the
// number's type said where IS NULL comes first (PostgreSQL cannot infer it from there).
constexpr std::string_view holding_rows =
    "jurisdiction_id = ?1 AND created_at < ?2 AND (CAST(payload_json AS jsonb) ->> 'erased') IS NULL AND "
    "((CAST(?3 AS TEXT) IS NOT NULL AND (strpos(payload_json, ?3) > 0 OR target = ?3 OR '+' || target = ?3)) OR "
    "(CAST(?3 AS TEXT) IS NULL AND status IN ('delivered', 'dead') AND "
    "((CAST(payload_json AS jsonb) ->> 'contact') IS NOT NULL OR event_kind LIKE 'reply.%')))";

// The rows whose payload may write the number in a text, as SQLite's (sqlite/outbox_sql.cpp).
std::string written_rows() {
  return cat({"jurisdiction_id = ?1 AND created_at < ?2 AND (CAST(payload_json AS jsonb) ->> 'erased') IS NULL AND "
              "CAST(?3 AS TEXT) IS NOT NULL AND strpos(",
              without_separators("payload_json"), ", right(?3, 3)) > 0"});
}

#include "storage/outbox_sql.ipp"

result<std::vector<domain::notification>> claim_due(connection& c, timestamp now, int limit, timestamp lease_until) {
  if (limit <= 0) return std::vector<domain::notification>{};
  // The lease is written in the same statement that picks the rows, so that a claim is one
  // round trip and atomic outside a transaction too; the row locks of the pick last until the
  // statement's (or the writer's batch's) commit, by which time the lease is what others see.
  static const std::string sql = cat(
      {"WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1 "
       "AND (lease_until IS NULL OR lease_until <= ?1) ORDER BY next_attempt_at, id LIMIT ?2 FOR UPDATE SKIP LOCKED), "
       "claimed AS (UPDATE outbox SET lease_until = ?3 FROM due WHERE outbox.id = due.id RETURNING outbox.*) "
       "SELECT ",
       columns, " FROM claimed ORDER BY next_attempt_at, id"});
  return fetch_all(c, sql, "outbox", read_row, now, static_cast<std::int64_t>(limit), lease_until);
}

result<void> release(connection& c, const std::string& id) {
  auto st = prepare_bound(c, "UPDATE outbox SET lease_until = NULL WHERE id = ?1 AND lease_until IS NOT NULL", id);
  if (!st) return st.error();
  return st->run("outbox");
}

}  // namespace siaga::storage::postgres::outbox_sql
