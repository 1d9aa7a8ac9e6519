#include "storage/sqlite/outbox_sql.hpp"

#include "storage/phone_text_sql.hpp"
#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <iterator>

namespace siaga::storage::sqlite::outbox_sql {

// The leases live in memory (leases below): an update changes only the row.
constexpr std::string_view update_also_sets = "";

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

// The rows whose payload may write the number in a text (a note or summary copied into a
// notice: "0812-3456-789"): the probe, its last 3 digits, in the payload with the separators
// removed; `holding` keeps those that domain::find_phone_in_text confirms.
std::string written_rows() {
  return cat({"jurisdiction_id = ?1 AND created_at < ?2 AND json_extract(payload_json, '$.erased') IS NULL AND "
              "?3 IS NOT NULL AND instr(",
              without_separators("payload_json"), ", substr(?3, -3)) > 0"});
}

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

}  // namespace siaga::storage::sqlite::outbox_sql
