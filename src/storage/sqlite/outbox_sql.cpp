#include "storage/sqlite/outbox_sql.hpp"

#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <iterator>

namespace siaga::storage::sqlite::outbox_sql {

// The leases live in memory (leases below): an update changes only the row.
constexpr std::string_view update_also_sets = "";

#include "storage/outbox_sql.ipp"

result<std::vector<domain::notification>> leases::claim_due(connection& c, timestamp now, int limit) {
  if (limit <= 0) return std::vector<domain::notification>{};
  std::lock_guard lock(mutex_);
  std::erase_if(until_, [now](const auto& lease) { return lease.second <= now; });
  // Every row still leased may be among the soonest due: read that many more, then skip them.
  static const std::string sql =
      select("WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
  auto due = fetch_all(c, sql, "outbox", read_row, now, static_cast<std::int64_t>(limit) +
                                                            static_cast<std::int64_t>(until_.size()));
  if (!due) return due.error();
  std::vector<domain::notification> out;
  for (auto& n : *due) {
    if (static_cast<int>(out.size()) == limit) break;
    if (!until_.try_emplace(n.id, now + length_).second) continue;
    out.push_back(std::move(n));
  }
  return out;
}

void leases::release(const std::string& id) {
  std::lock_guard lock(mutex_);
  until_.erase(id);
}

namespace {

// The rows that carry personal data (?1 jurisdiction, ?2 before, ?3 phone or NULL), payload not
// yet erased. A number is looked for anywhere in the payload (the notice's text names it
// unquoted, after the reporter's name) and as the target, with or without its '+' (WhatsApp's
// sender ids have none); erring towards a longer number that contains it erases too much of a
// delivered message, never too little. Without a number: the delivered and dead rows that
// carry a shared contact, and replies (their target is a reporter's chat).
constexpr std::string_view holding_rows =
    "jurisdiction_id = ?1 AND created_at < ?2 AND json_extract(payload_json, '$.erased') IS NULL AND "
    "((?3 IS NOT NULL AND (instr(payload_json, ?3) > 0 OR target = ?3 OR '+' || target = ?3)) OR "
    "(?3 IS NULL AND status IN ('delivered', 'dead') AND "
    "(json_extract(payload_json, '$.contact') IS NOT NULL OR event_kind LIKE 'reply.%')))";

}  // namespace

result<std::vector<domain::notification>> holding(connection& c, const privacy_scope& scope, int limit) {
  if (limit <= 0) return std::vector<domain::notification>{};
  static const std::string sql = select(cat({"WHERE ", holding_rows, " ORDER BY created_at, id LIMIT ?4"}));
  return fetch_all(c, sql, "outbox", read_row, scope.jurisdiction_id, scope.before, scope.phone, limit);
}

result<std::int64_t> erase_payloads(connection& c, const privacy_scope& scope, const std::string& erased_payload) {
  // A pending reply to the number is not sent any more; a pending notice to an agency is left
  // to the caller (it delivers, without the contact: write_payload).
  static const std::string sql =
      cat({"UPDATE outbox SET payload_json = ?4, target = CASE WHEN event_kind LIKE 'reply.%' THEN '' ELSE target END, "
           "last_error = CASE WHEN status = 'pending' THEN 'dibatalkan: data pelapor dihapus atas permintaannya' "
           "ELSE last_error END, status = CASE WHEN status = 'pending' THEN 'dead' ELSE status END, updated_at = ?5 "
           "WHERE ",
           holding_rows, " AND (status <> 'pending' OR event_kind LIKE 'reply.%')"});
  auto st = prepare_bound(c, sql, scope.jurisdiction_id, scope.before, scope.phone, erased_payload, scope.at);
  if (!st) return st.error();
  if (auto r = st->run("outbox"); !r) return r.error();
  return c.changes();
}

result<void> write_payload(connection& c, const std::string& jurisdiction_id, const std::string& id,
                           const std::string& payload_json) {
  auto st = prepare_bound(c, "UPDATE outbox SET payload_json = ? WHERE jurisdiction_id = ? AND id = ?", payload_json,
                          jurisdiction_id, id);
  if (!st) return st.error();
  if (auto r = st->run("outbox"); !r) return r;
  if (c.changes() == 0) return core::not_found("notification " + id + " not found");
  return {};
}

}  // namespace siaga::storage::sqlite::outbox_sql
