// The PostgreSQL implementation of the store contract (storage/store.hpp), built facet by
// facet (README.md says which are done).
//
// One writer thread owns a connection and commits queued commands in batches (group commit):
// BEGIN, one savepoint per command, one COMMIT and so one durable commit per batch. Readers
// get a connection of their own per thread.
#pragma once

#include "storage/node_link.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <memory>

namespace siaga::storage::postgres {

// What the writer has done since the store was opened.
struct write_stats {
  std::int64_t batches = 0;   // transactions committed
  std::int64_t commands = 0;  // commands committed in them (failed commands not counted)
};

// Several nodes may share its database: it is their node_link too (../node_link.hpp).
class postgres_store : public store, public node_link {
 public:
  // A consistent-enough snapshot for monitoring and benchmarks; safe from any thread.
  virtual write_stats stats() const = 0;
};

// As storage::open_postgres, but keeps the PostgreSQL-specific interface.
result<std::unique_ptr<postgres_store>> open(const postgres_options& options);

}  // namespace siaga::storage::postgres
