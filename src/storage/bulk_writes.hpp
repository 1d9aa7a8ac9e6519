// The bulk facet: writes of many rows at once, for a bulk import (siaga import calls), giving
// the rows, seqs, chain and hashes that the store contract's single-row methods give one by one.
// A store's transaction that can write them with fewer statements also implements bulk_writer
// (the SQLite store: multi-row INSERTs); for any other (PostgreSQL) the functions below loop
// over the single-row methods, so every store keeps working. Kept beside store.hpp rather than
// in it so that the facet's readers are the import and the stores alone.
#pragma once

#include "storage/store.hpp"

#include <optional>
#include <vector>

namespace siaga::storage {

class bulk_writer {
 public:
  virtual ~bulk_writer() = default;

  // As insert_call for each call in order (counters and rollups included).
  virtual result<void> insert_calls(const std::vector<domain::call_record>& calls) = 0;
  // As insert_call_event for each event in order.
  virtual result<void> insert_call_events(const std::vector<domain::stored_call_event>& events) = 0;
  // As insert_callback for each task in order.
  virtual result<void> insert_callbacks(const std::vector<domain::callback_task>& tasks) = 0;
  // As append_event for each event in order. The events as stored are moved, not copied, to
  // the transaction's committed events (the commit listener, the event log's readers).
  virtual result<void> append_events(std::vector<domain::event> events) = 0;
  // Lets the write-ahead log grow by pages pages before it is checkpointed into the database
  // file (SQLite: the checkpointer's threshold, sqlite/checkpointer.hpp, or PRAGMA
  // wal_autocheckpoint on the writer's connection when the store runs without one); nullopt
  // sets back the store's own setting. A setting of the store, not part of the transaction: it
  // stays when the command rolls back.
  virtual result<void> set_wal_autocheckpoint(std::optional<int> pages) = 0;
};

// The same as tx.insert_call for each call in order; fails as it does (conflict on a taken id
// or external id), the command then rolled back whole.
result<void> insert_calls(store_txn& tx, const std::vector<domain::call_record>& calls);
// The same as tx.insert_call_event for each event in order; fails as it does.
result<void> insert_call_events(store_txn& tx, const std::vector<domain::stored_call_event>& events);
// The same as tx.insert_callback for each task in order; fails as it does (conflict on a taken
// id or a call that has a task already).
result<void> insert_callbacks(store_txn& tx, const std::vector<domain::callback_task>& tasks);
// The same as tx.append_event for each event in order (the same seqs, chain and hashes); fails as
// it does. The events as stored reach the commit listener (they are not returned: a batch's
// events are handed over once rather than copied for a caller that does not read them).
result<void> append_events(store_txn& tx, std::vector<domain::event> events);
// bulk_writer::set_wal_autocheckpoint where the store has a write-ahead log to tune; nothing
// elsewhere. A bulk import raises it for its run and sets it back when done.
result<void> set_wal_autocheckpoint(store_txn& tx, std::optional<int> pages);

}  // namespace siaga::storage
