// A store facet, one feature area's narrow interface (storage/store.hpp composes them): the
// Idempotency-Key of a request that created a record (issue 13 item 4; SQLite migration 24,
// PostgreSQL 16), one row per jurisdiction, kind of route and key, written in the same command
// as the record, so that a client retrying after a lost answer (a 503 whose COMMIT's outcome is
// unknown, a dropped connection) gets the first record back instead of filing it twice.
// A new query of the area touches this header, the SQL both stores share (idempotency_sql.ipp)
// and the forwarding in sqlite/sqlite_store.cpp and postgres/postgres_store.cpp.
#pragma once

#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace siaga::storage {

// One key as the first request left it.
struct idempotency_record {
  std::string jurisdiction_id;
  std::string kind;            // the route that created: "incident", "report", "public_report"
  std::string key;             // the client's Idempotency-Key, 1-128 printable ASCII characters
  std::string record_id;       // the incident's or report's id
  std::string request_digest;  // SHA-256 (hex) of the first request's body
  timestamp created_at{};
};

// Reads (see store_reader for the rules every read follows).
class idempotency_reader {
 public:
  virtual ~idempotency_reader() = default;

  // The key of kind in the jurisdiction, nullopt when no request used it (or it was purged).
  virtual result<std::optional<idempotency_record>> find_idempotency_key(const std::string& jurisdiction_id,
                                                                         const std::string& kind,
                                                                         const std::string& key) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class idempotency_writer {
 public:
  virtual ~idempotency_writer() = default;

  // Stores the key unless (jurisdiction, kind, key) is stored already (INSERT ... ON CONFLICT
  // DO NOTHING): true when this call stored it, false when another request's row was there
  // first (a replay; that row is left as it was).
  virtual result<bool> claim_idempotency_key(const idempotency_record& r) = 0;
  // Deletes the keys created before cutoff (a retry comes within seconds; a day is plenty).
  // Returns how many.
  virtual result<std::int64_t> purge_idempotency_keys(timestamp cutoff) = 0;
};

}  // namespace siaga::storage
