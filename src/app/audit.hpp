// `siaga audit verify`: checks the hash chain of every jurisdiction's event log.
// `siaga stats rebuild`: rebuilds the statistics rollups from the event log (or, for an old
// log, from the records) and says whether the kept ones were exact.
#pragma once

#include "core/error.hpp"
#include "domain/lifecycle.hpp"
#include "services/rollup_replay.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::app {

struct chain_report {
  std::string jurisdiction_code;
  std::size_t events = 0;
  std::optional<domain::chain_break> first_break;  // nullopt: the chain is whole
};

// Verifies each jurisdiction's events in seq order. Fails only when the store cannot be read.
core::result<std::vector<chain_report>> verify_event_chains(storage::store_reader& reader);

// Opens the database (an SQLite file or a PostgreSQL location, storage/open_database.hpp)
// read-only in spirit (no migration), prints one line per jurisdiction and
// returns 0 when every chain is whole, 1 when a link is broken or the database cannot be read.
int run_audit_verify(const std::string& database);

// Migrates the database and, in one write, replays every jurisdiction's event log into the
// statistics rollups (services/rollup_replay.hpp), compares them with the kept ones and keeps
// the replayed ones; when a log cannot be replayed (events written before the payloads carried
// the replay fields) or from_records, recounts from the records instead and says so. Prints which of the two
// ran, per rollup table its rows and how many were corrected, each differing row (key, kept,
// replayed), and "HASIL cocok (match)" or "HASIL dibetulkan (corrected)". Returns 0 when the
// kept rollups were exact, 1 when some were corrected or the database cannot be opened.
int run_stats_rebuild(const std::string& database, bool from_records = false);

}  // namespace siaga::app
