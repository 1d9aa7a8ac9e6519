// `siaga migrate-store --from A --to B`: a whole database moved between the stores (issue 13
// item 5), SQLite to PostgreSQL when a city outgrows one machine, PostgreSQL to SQLite for a
// copy on a laptop.
#pragma once

#include <ostream>
#include <string>

namespace siaga::app {

// Copies from into to (storage/copy_store.hpp: every table in one snapshot and one
// transaction, counted and the chain heads compared), then has the target rebuild its statistics
// rollups and callers' counters from the copied records (services::rebuild_rollups) and
// verifies every jurisdiction's chain in the target. Progress goes to err (a line per table and
// every 10,000 rows), the summary to out: a line per table with its rows, the rollups rebuilt,
// each chain "UTUH" and "SELESAI". Returns 0 when all of it held; 2 when the request is wrong
// (both or neither PostgreSQL, no source, a target that is not empty: nothing written); 1 when
// the copy, the rebuild or the check fails.
int run_migrate_store(const std::string& from, const std::string& to, std::ostream& out, std::ostream& err);

}  // namespace siaga::app
