#include "storage/sqlite/migrations.hpp"

#include "storage/sqlite/call_rollups_sql.hpp"
#include "storage/sqlite/caller_counts_sql.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migration_texts.hpp"
#include "storage/sqlite/rollups_sql.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <regex>
#include <string>

namespace siaga::storage::sqlite {
namespace {

using namespace migration_texts;

// Statistics rollups (issue 10): built from one description in rollups_sql, which also
// rebuilds them, so the migration's text is made once at start-up.
const std::array<migration, 26>& migrations_table() {
  static const std::string schema_v7(rollups_sql::schema_v7());
  static const std::string schema_v10 = call_rollups_sql::schema_v10();
  static const std::string schema_v9 = schema_villages();
  static const std::string schema_v13 = call_rollups_sql::schema_v13();
  static const std::string schema_v15 = call_rollups_sql::schema_v15();
  static const std::string schema_v16 = rollups_sql::schema_v16();
  static const std::string schema_v21 = caller_counts_sql::schema_v21();
  static const std::string schema_v22 = rollups_sql::pack_step_histograms();
  static const std::string schema_v23 = caller_counts_sql::schema_v23();
  static const std::string schema_v26 = caller_counts_sql::schema_v26();
  static const std::array<migration, 26> table{{
      {1, "domain model: jurisdictions to events", schema_v1},
      {2, "agency endpoints and the notification outbox", schema_v2},
      {3, "calls, callers, callbacks, location fixes and api keys", schema_v3},
      {4, "media attached to dispatches", schema_v4},
      {5, "users' PBX agents; callbacks merged per number", schema_v5},
      {6, "places that call takers search by name", schema_v6},
      {7, "statistics rollups per local day, kept by triggers", schema_v7},
      {8, "service levels: working-day calendar, limits in working days, SLA alerts", schema_v8},
      {9, "villages, boundaries marked approximate, village_id on reports and incidents", schema_v9},
      {10, "call rollups per local hour, with exact answer times and follow-ups", schema_v10},
      {11, "users obliged to change their password; security events of the login limits", schema_hardening},
      {12, "public channels: public categories, agencies' public notes, photos of reports", schema_public_channels},
      {13, "call rollups per local hour and per local day without agent and line, filled from the calls", schema_v13},
      {14, "messaging channels: conversations, seen messages, reporters' contacts, delivery receipts",
       schema_messaging_channels},
      {15, "call answer times as mergeable histograms per rollup row, from the exact milliseconds", schema_v15},
      {16,
       "statistics rollups: incidents by whether dispatched, by call taker, village and hour; dispatch steps by "
       "status and limits in working days; filled from the rows",
       schema_v16},
      {17, "open311 requests: service code, attributes, media url and the client's contact fields", schema_open311},
      {18, "event hash version 2: payload digest and erasure of personal payloads", schema_erasable_events},
      {19, "SP4N-LAPOR! imports by tracking id and the import's cursor", schema_lapor},
      {20, "retention: when photos were erased and location fixes coarsened", schema_retention},
      {21, "callers' call counters kept by triggers, the strikes index, directory versions for caches", schema_v21},
      {22, "dispatch step histograms packed as varint bytes instead of text", schema_v22},
      {23, "callers' call counters kept by the writer: the counting triggers dropped", schema_v23},
      {24, "Idempotency-Keys of the requests that created incidents and reports", schema_idempotency},
      {25, "callbacks indexed by number only while they wait (open or in progress)", schema_waiting_callbacks},
      {26, "writer_state: whether the callers' counters were left behind in a writer's memory", schema_v26},
  }};
  return table;
}

constexpr std::string_view create_ledger = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;
)sql";

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

// The tables a migration's sql writes or reshapes: those after CREATE TABLE, DROP TABLE, INSERT
// INTO, REPLACE INTO, UPDATE and DELETE FROM (also inside a trigger's body, which only adds a
// check), and a table given a column with REFERENCES (its default may point at nothing). A table
// it merely names, as in REFERENCES, or gives a plain column (ALTER TABLE reports ADD COLUMN: a
// full check of 14 million reports for nothing) is not changed in its references.
std::vector<std::string> written_tables(std::string_view sql) {
  static const std::regex verb(
      R"re(\b(?:CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TABLE|DROP\s+TABLE|INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?["`]?(\w+)|\bALTER\s+TABLE\s+["`]?(\w+)["`]?\s+ADD\s+[^;]*\bREFERENCES\b)re",
      std::regex::icase | std::regex::ECMAScript);
  std::vector<std::string> out;
  std::string text(sql);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), verb); it != std::sregex_iterator(); ++it) {
    auto name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

// The tables whose references a migration's sql may have broken: those it writes or reshapes,
// and those that refer to one of them (a rebuilt or emptied table may have lost a row that
// another points at). Checking only these keeps an upgrade's cost to what it changed: PRAGMA
// foreign_key_check of the whole database took minutes a migration at 10 M incidents.
result<std::vector<std::string>> touched_tables(connection& conn, std::string_view sql) {
  auto written = written_tables(sql);
  auto in_written = [&](const std::string& t) {
    return std::any_of(written.begin(), written.end(), [&](const std::string& w) {
      return w.size() == t.size() && std::equal(w.begin(), w.end(), t.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
             });
    });
  };
  auto st = conn.prepare(
      "SELECT s.name, f.\"table\" FROM sqlite_schema s LEFT JOIN pragma_foreign_key_list(s.name) f "
      "WHERE s.type = 'table' AND s.name NOT LIKE 'sqlite_%'");
  if (!st) return st.error();
  std::vector<std::string> out;
  for (;;) {
    auto row = st->step("sqlite_schema");
    if (!row) return row.error();
    if (!*row) break;
    auto table = st->text(0);
    bool check = in_written(table) || (!st->is_null(1) && in_written(st->text(1)));
    if (check && std::find(out.begin(), out.end(), table) == out.end()) out.push_back(std::move(table));
  }
  return out;
}

// Runs one migration inside the caller's transaction. False when it was already applied.
result<bool> apply(connection& conn, const migration& m) {
  {
    auto st = conn.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
    if (!st) return st.error();
    st->bind(m.version);
    auto row = st->step("schema_migrations");
    if (!row) return row.error();
    if (*row) return false;
  }
  if (auto r = conn.exec_script(std::string(m.sql), "schema"); !r) return prefixed(m, r.error());
  // The schema is built with foreign keys off (so that a future migration may rebuild a
  // table), so dangling references are looked for explicitly before committing.
  SIAGA_TRY(tables, touched_tables(conn, m.sql));
  for (const auto& table : tables) {
    auto st = conn.prepare("SELECT \"table\" FROM pragma_foreign_key_check(?)");
    if (!st) return st.error();
    st->bind(table);
    auto row = st->step("foreign_key_check");
    if (!row) return row.error();
    if (*row) return prefixed(m, failure("leaves a dangling foreign key in table " + st->text(0)));
  }
  auto st = conn.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
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
  return migrate(conn, migrations_table());
}

result<int> migrate(connection& conn, std::span<const migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return core::make_error(core::errc::internal, "migration versions must be 1, 2, 3, ... in order");
    }
  }
  if (auto r = conn.exec_script(std::string(create_ledger), "schema_migrations"); !r) return r.error();
  {
    auto st = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!st) return st.error();
    auto row = st->step("schema_migrations");
    if (!row) return row.error();
    auto newest = st->int64(0);
    if (newest > static_cast<std::int64_t>(migrations.size())) {
      return failure("the database has schema version " + std::to_string(newest) + ", newer than this program's " +
                     std::to_string(migrations.size()));
    }
  }
  int applied = 0;
  for (const auto& m : migrations) {
    if (auto r = conn.run("BEGIN IMMEDIATE"); !r) return r.error();
    auto done = apply(conn, m);
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

}  // namespace siaga::storage::sqlite
