#include "storage/bulk_writes.hpp"

namespace siaga::storage {

result<void> insert_calls(store_txn& tx, const std::vector<domain::call_record>& calls) {
  if (auto* bulk = dynamic_cast<bulk_writer*>(&tx)) return bulk->insert_calls(calls);
  for (const auto& c : calls) {
    if (auto r = tx.insert_call(c); !r) return r;
  }
  return {};
}

result<void> insert_call_events(store_txn& tx, const std::vector<domain::stored_call_event>& events) {
  if (auto* bulk = dynamic_cast<bulk_writer*>(&tx)) return bulk->insert_call_events(events);
  for (const auto& e : events) {
    if (auto r = tx.insert_call_event(e); !r) return r;
  }
  return {};
}

result<void> insert_callbacks(store_txn& tx, const std::vector<domain::callback_task>& tasks) {
  if (auto* bulk = dynamic_cast<bulk_writer*>(&tx)) return bulk->insert_callbacks(tasks);
  for (const auto& t : tasks) {
    if (auto r = tx.insert_callback(t); !r) return r;
  }
  return {};
}

result<void> append_events(store_txn& tx, std::vector<domain::event> events) {
  if (auto* bulk = dynamic_cast<bulk_writer*>(&tx)) return bulk->append_events(std::move(events));
  for (auto& e : events) {
    if (auto one = tx.append_event(std::move(e)); !one) return one.error();
  }
  return {};
}

result<void> set_wal_autocheckpoint(store_txn& tx, std::optional<int> pages) {
  if (auto* bulk = dynamic_cast<bulk_writer*>(&tx)) return bulk->set_wal_autocheckpoint(pages);
  return {};
}

}  // namespace siaga::storage
