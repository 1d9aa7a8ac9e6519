// The bulk reads of a write command: many rows looked up in one statement where the store can
// (the SQLite writer's transaction implements bulk_reader), one by one through the store
// contract elsewhere (PostgreSQL), so that every store answers the same. Kept beside
// bulk_writes.hpp, out of store.hpp: its readers are the commands that take large batches.
#pragma once

#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage {

class bulk_reader {
 public:
  virtual ~bulk_reader() = default;

  // As find_call_event for each of event_ids: the ones found, in no particular order.
  virtual result<std::vector<domain::stored_call_event>> find_call_events(const std::string& jurisdiction_id,
                                                                          const std::vector<std::string_view>& event_ids) = 0;
};

// The telephony events of the jurisdiction with these event ids (each found at most once, in
// no particular order; an id absent is not an error, and an id given twice is looked up once):
// what tx.find_call_event answers for each id, in one statement per 128 ids where the store
// allows. Fails with storage_failure.
result<std::vector<domain::stored_call_event>> find_call_events(store_txn& tx, const std::string& jurisdiction_id,
                                                                const std::vector<std::string_view>& event_ids);

}  // namespace siaga::storage
