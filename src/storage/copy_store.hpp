// Copying a whole database from one store to the other (issue 13 item 5): a city moved from its
// SQLite file onto PostgreSQL, or a PostgreSQL database copied into an SQLite file for a backup
// on a laptop. `siaga migrate-store` (app/migrate_store) runs it and then has the target rebuild
// what is derived and verify its chain.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace siaga::storage {

struct copied_table {
  std::string name;
  std::int64_t rows = 0;  // in the source's snapshot, and counted again in the target
};

// A jurisdiction's event chain as the copy ends: equal in source and target.
struct chain_head {
  std::string jurisdiction_id;
  std::int64_t events = 0;
  std::int64_t last_seq = 0;
  std::string hash;  // the hash of its newest event
};

struct copy_summary {
  std::vector<copied_table> tables;  // in the order copied (a table after those it refers to)
  // Tables not copied because the target derives them from the copied ones (the statistics
  // rollups `roll_*` and the callers' counters): the caller rebuilds them (services
  // rebuild_rollups). Tables a store keeps for itself (its migrations, the directory and area
  // versions its triggers write) are neither copied nor listed.
  std::vector<std::string> derived;
  std::vector<chain_head> heads;
};

// Called every 10,000 rows of a table and at its end with the rows copied so far.
using copy_progress = std::function<void(const std::string& table, std::int64_t rows)>;

// Copies every table of the database at from into the one at to, one of them an SQLite file and
// the other PostgreSQL (open_database.hpp says which a location is). Both are migrated to this
// program's schema first. The source is read in one snapshot (a server may keep writing to it;
// what it writes after the snapshot is not copied); the target is written in one transaction,
// rows as they are (ids, times, the event log's seqs, payloads and hashes unchanged, media bytes
// included), and is committed only after each table's rows counted in the target equal the
// source's and each jurisdiction's chain head (event count, last seq, hash) is the same in both.
// Fails with invalid_input when both or neither are PostgreSQL, when the source does not exist,
// or when the target holds any row of a table to copy (nothing is written); with
// storage_failure when a table of the source is missing in the target or lacks a column, or a
// row is refused, or the check finds a difference (the target's transaction is rolled back, an
// SQLite target made by this call is removed).
core::result<copy_summary> copy_store(const std::string& from, const std::string& to,
                                      const copy_progress& progress = {});

}  // namespace siaga::storage
