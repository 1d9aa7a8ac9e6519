#include "storage/postgres/migrations.hpp"

#include "storage/postgres/call_rollups_sql.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/migration_texts.hpp"
#include "storage/postgres/rollups_sql.hpp"

#include <array>
#include <chrono>
#include <string>

namespace siaga::storage::postgres {
namespace {

using namespace migration_texts;

const std::array<migration, 17>& migrations_table() {
  static const std::array<migration, 17> table{{
      {1, "directory, reports, incidents, dispatches, counters and the event chain (SQLite schema 17)", schema_v1},
      {2, "event hash version 2: payload digest and erasure of personal payloads (SQLite 18)", schema_erasable_events},
      {3, "the notification outbox with leases for several nodes (SQLite 2 and 8)", schema_outbox},
      {4, "calls, callers, callbacks, location records and api keys (SQLite 3 and 5)", schema_calls},
      {5, "directory versions for caches of calendars and category limits (SQLite 21)", schema_directory_versions},
      {6, "villages' and districts' versions kept by triggers (SQLite 9)", schema_areas},
      {7, "media with their bytes, erased_at included (SQLite 4, 12 and 20)", schema_media},
      {8, "places that call takers search by name, with a trigram index (SQLite 6)", schema_places},
      {9, "SLA alerts (SQLite 8)", schema_sla},
      {10, "messaging channels: conversations, seen messages, contacts, delivery receipts (SQLite 14)",
       schema_conversations},
      {11, "open311 requests (SQLite 17)", schema_open311},
      {12, "SP4N-LAPOR! imports and their cursors (SQLite 19)", schema_lapor},
      {13, "retention: when location fixes were coarsened (SQLite 20)", schema_retention},
      {14, "the statistics rollups of incidents, reports and dispatches (SQLite 7, 16 and 22)",
       rollups_sql::schema_v14()},
      {15, "the call rollups: roll_calls, roll_call_answers, roll_call_periods (SQLite 10, 13 and 15)",
       call_rollups_sql::schema_v15()},
      {16, "Idempotency-Keys of the requests that created incidents and reports (SQLite 24)", schema_idempotency},
      {17, "callbacks indexed by number only while they wait (SQLite 25)", schema_waiting_callbacks},
  }};
  return table;
}

constexpr std::string_view create_ledger = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)
)sql";

// The advisory lock every migration transaction takes ("siaga" + "mig" as a number), so that
// nodes starting together migrate one after the other.
constexpr std::string_view lock_migrations = "SELECT pg_advisory_xact_lock(7306954337)";

std::int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

core::error failure(std::string message) {
  return core::make_error(core::errc::storage_failure, std::move(message));
}

core::error prefixed(const migration& m, const core::error& e) {
  return failure("migration " + std::to_string(m.version) + " (" + std::string(m.name) + "): " + e.message);
}

// The newest version recorded, 0 for none.
result<std::int64_t> newest_version(connection& conn) {
  auto st = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!st) return st.error();
  auto row = st->step("schema_migrations");
  if (!row) return row.error();
  return st->int64(0);
}

// Runs one migration inside the caller's transaction. False when it was already applied.
result<bool> apply(connection& conn, const migration& m) {
  {
    auto st = conn.prepare("SELECT 1 FROM schema_migrations WHERE version = $1");
    if (!st) return st.error();
    st->bind(m.version);
    auto row = st->step("schema_migrations");
    if (!row) return row.error();
    if (*row) return false;
  }
  if (auto r = conn.run(m.sql, "schema"); !r) return prefixed(m, r.error());
  auto st = conn.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
  if (!st) return st.error();
  st->bind(m.version).bind(m.name).bind(now_micros());
  if (auto r = st->run("schema_migrations"); !r) return r.error();
  return true;
}

}  // namespace

std::span<const migration> all_migrations() {
  return migrations_table();
}

result<int> migrate(connection& conn) {
  const auto& migrations = migrations_table();
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return core::make_error(core::errc::internal, "migration versions must be 1, 2, 3, ... in order");
    }
  }
  if (auto r = conn.run("BEGIN"); !r) return r.error();
  auto ledger = conn.run(lock_migrations, "migration lock");
  if (ledger) ledger = conn.run(create_ledger, "schema_migrations");
  if (ledger) ledger = conn.run("COMMIT");
  if (!ledger) {
    (void)conn.run("ROLLBACK");
    return ledger.error();
  }
  auto newest = newest_version(conn);
  if (!newest) return newest.error();
  if (*newest > static_cast<std::int64_t>(migrations.size())) {
    return failure("the database has schema version " + std::to_string(*newest) + ", newer than this program's " +
                   std::to_string(migrations.size()));
  }
  int applied = 0;
  for (const auto& m : migrations) {
    if (auto r = conn.run("BEGIN"); !r) return r.error();
    auto locked = conn.run(lock_migrations, "migration lock");
    auto done = locked ? apply(conn, m) : result<bool>(locked.error());
    if (!done) {
      (void)conn.run("ROLLBACK");
      return done.error();
    }
    if (!*done) {
      (void)conn.run("ROLLBACK");
      continue;
    }
    if (auto r = conn.run("COMMIT"); !r) {
      (void)conn.run("ROLLBACK");
      return prefixed(m, r.error());
    }
    ++applied;
  }
  return applied;
}

}  // namespace siaga::storage::postgres
