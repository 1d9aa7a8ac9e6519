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

}  // namespace siaga::storage::sqlite::outbox_sql
