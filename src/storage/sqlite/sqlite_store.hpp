// The SQLite implementation of the store contract (storage/store.hpp).
//
// One writer thread owns a read-write connection and commits queued commands in batches
// (group commit): BEGIN IMMEDIATE, one savepoint per command, one COMMIT and so one fsync
// per batch. Readers get a read-only connection of their own per thread; WAL lets them read
// while the writer writes. A checkpointer thread copies the WAL back into the database file
// (checkpointer.hpp), so the writer's commits never do.
#pragma once

#include "storage/sqlite/checkpointer.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <memory>

namespace siaga::storage::sqlite {

// What the writer has done since the store was opened.
struct write_stats {
  std::int64_t batches = 0;   // transactions committed
  std::int64_t commands = 0;  // commands committed in them (failed commands not counted)
};

// The writer connection's cache and memory mapping as SQLite reported them back at open.
struct tuning {
  std::int64_t cache_kib = 0;   // PRAGMA cache_size, in KiB
  std::int64_t mmap_bytes = 0;  // PRAGMA mmap_size (0 when SQLite was built without mmap)
};

class sqlite_store : public store {
 public:
  // A consistent-enough snapshot for monitoring and benchmarks; safe from any thread.
  virtual write_stats stats() const = 0;

  // The settings in effect on the writer's connection; safe from any thread.
  virtual tuning applied_tuning() const = 0;

  // What the checkpointer has done (all zero when checkpoint_mib is 0); safe from any thread.
  virtual checkpoint_counts checkpoints() const = 0;
};

// As storage::open_sqlite, but keeps the SQLite-specific interface.
result<std::unique_ptr<sqlite_store>> open(const sqlite_options& options);

}  // namespace siaga::storage::sqlite
