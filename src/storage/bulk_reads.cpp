#include "storage/bulk_reads.hpp"

#include <set>

namespace siaga::storage {

result<std::vector<domain::stored_call_event>> find_call_events(store_txn& tx, const std::string& jurisdiction_id,
                                                                const std::vector<std::string_view>& event_ids) {
  if (auto* bulk = dynamic_cast<bulk_reader*>(&tx)) return bulk->find_call_events(jurisdiction_id, event_ids);
  std::vector<domain::stored_call_event> found;
  std::set<std::string_view> asked;
  for (const auto& id : event_ids) {
    if (!asked.insert(id).second) continue;
    auto one = tx.find_call_event(jurisdiction_id, std::string(id));
    if (!one) return one.error();
    if (*one) found.push_back(std::move(**one));
  }
  return found;
}

}  // namespace siaga::storage
