// A copy of a live SQLite database (issue 13 item 5: backups): `siaga backup --to FILE`.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace siaga::storage::sqlite {

struct backup_summary {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  std::int64_t events = 0;    // rows of the event log in the copy
  std::int64_t last_seq = 0;  // the highest event seq in the copy (0: none)
};

// Called after each step with the pages copied so far and the database's pages.
using backup_progress = std::function<void(std::int64_t copied, std::int64_t total)>;

// Copies the database at source into a new file at target with SQLite's online backup API,
// pages_per_step pages a step, while a running server goes on writing: the copy is the one
// snapshot that a read transaction held for the whole copy sees (WAL mode), so it is
// consistent and never restarts. Then checks the copy (`PRAGMA quick_check`) and that it holds
// the snapshot's event log (count and highest seq). Fails with invalid_input when source does
// not exist, target already exists or target's folder does not; with storage_failure when a
// step or the check fails (the partial target is removed).
core::result<backup_summary> backup_database(const std::string& source, const std::string& target,
                                             const backup_progress& progress = {}, int pages_per_step = 4096);

}  // namespace siaga::storage::sqlite
