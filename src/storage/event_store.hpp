// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// The append-only event log (with its hash chain) and the named counters.
// A new query of the area touches this header, the area's sqlite/<area>_sql.cpp and the
// forwarding in sqlite/sqlite_store.cpp.
#pragma once

#include "domain/model.hpp"
#include "storage/store_types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage {

// Reads (see store_reader for the rules every read follows).
class event_reader {
 public:
  virtual ~event_reader() = default;

  // Events in seq order; events_after returns at most limit of them (none when limit <= 0).
  virtual result<std::vector<domain::event>> events_of_incident(const std::string& incident_id) = 0;
  virtual result<std::vector<domain::event>> events_after(std::int64_t after_seq, int limit) = 0;
  virtual result<std::vector<domain::event>> events_of_jurisdiction(const std::string& jurisdiction_id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class event_writer {
 public:
  virtual ~event_writer() = default;

  // Increments and returns a named counter of a jurisdiction, starting at 1 (e.g. the daily
  // incident sequence under key "incident:2026-11-22").
  virtual result<std::int64_t> next_counter(const std::string& jurisdiction_id, const std::string& key) = 0;
  // Appends an event: assigns seq (global, strictly increasing), prev_hash (the hash of the
  // jurisdiction's latest event, empty for its first) and hash; returns the stored event.
  // Events are never updated or deleted.
  virtual result<domain::event> append_event(domain::event e) = 0;
};

}  // namespace siaga::storage
