#include "storage/postgres/call_rollups_sql.hpp"

#include "core/time.hpp"
#include "storage/multi_row_upsert.hpp"
#include "storage/postgres/model_sql.hpp"
#include "storage/postgres/query.hpp"

#include <array>
#include <chrono>
#include <vector>

namespace siaga::storage::postgres::call_rollups_sql {

#include "storage/call_rollup_rows.ipp"
#include "storage/call_rollups_flush.ipp"

namespace {

// The tables as SQLite keeps them (its migrations 10, 13 and 15), in PostgreSQL's types: keys
// TEXT COLLATE "C" (they sort by bytes as SQLite's), counts BIGINT, the answer times'
// histograms domain::millis_histogram's bytes as bytea (as SQLite's BLOB: the shared flush
// binds and reads them unchanged).
std::string schema_text() {
  std::string periods;
  for (auto c : call_period_columns) periods += cat({c, " BIGINT NOT NULL, "});
  return cat({R"sql(
CREATE TABLE roll_calls (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, hour INTEGER NOT NULL,
  agent TEXT COLLATE "C" NOT NULL, line TEXT COLLATE "C" NOT NULL, outcome TEXT COLLATE "C" NOT NULL,
  classification TEXT COLLATE "C" NOT NULL, n BIGINT NOT NULL, follow_ups BIGINT NOT NULL, within_10 BIGINT NOT NULL,
  within_15 BIGINT NOT NULL, within_20 BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, hour, agent, line, outcome, classification)
);
CREATE TABLE roll_call_answers (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, hour INTEGER NOT NULL,
  agent TEXT COLLATE "C" NOT NULL, line TEXT COLLATE "C" NOT NULL, n BIGINT NOT NULL, hist BYTEA NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, hour, agent, line)
);
CREATE TABLE roll_call_periods (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, hour INTEGER NOT NULL,
  )sql",
              periods, R"sql(hist BYTEA NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, hour)
);
CREATE INDEX calls_by_report ON calls (report_id) WHERE report_id IS NOT NULL;
)sql"});
}

constexpr std::array<std::string_view, 3> call_tables{"roll_calls", "roll_call_answers", "roll_call_periods"};

result<std::int64_t> count_of(connection& c, const std::string& sql) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  auto row = st->step("call rollups");
  if (!row) return row.error();
  return *row ? st->int64(0) : 0;
}

// Every call of a jurisdiction as the rollups count it (its dispatched flag as the rows stand
// now), added to d. One query a jurisdiction: the rows are small (a call_stat_row each).
result<void> add_calls(connection& c, const domain::jurisdiction& j, call_rollup_deltas& d) {
  SIAGA_TRY(offset, core::zone_offset_minutes(j.timezone));
  static const std::string sql =
      "SELECT c.jurisdiction_id, c.ring_at, c.answered_at, c.ended_at, c.outcome, c.classification, c.answered_by, "
      "c.line, i.first_dispatched_at IS NOT NULL FROM calls c LEFT JOIN reports r ON r.id = c.report_id "
      "LEFT JOIN incidents i ON i.id = r.incident_id WHERE c.jurisdiction_id = ?";
  SIAGA_TRY(calls, calls_where(c, sql, j.id));
  for (const auto& [jurisdiction_id, row] : calls) d.add_call(jurisdiction_id, row, offset, 1);
  return {};
}

}  // namespace

std::string_view schema_v15() {
  static const std::string text = schema_text();
  return text;
}

result<std::vector<rollup_check>> rebuild(connection& c) {
  // The kept rows (a row of zero counts as no row) set aside, the tables counted again from
  // the calls through the writer's own flush, then the two compared.
  for (auto t : call_tables) {
    auto keep = cat({"DROP TABLE IF EXISTS kept_", t, "; CREATE TEMP TABLE kept_", t, " AS SELECT * FROM ", t,
                     " WHERE n <> 0; DELETE FROM ", t});
    if (auto r = c.run(keep, "call rollups"); !r) return r.error();
  }
  SIAGA_TRY(jurisdictions, model_sql::list_jurisdictions(c));
  for (const auto& j : jurisdictions) {
    call_rollup_deltas d;
    if (auto r = add_calls(c, j, d); !r) return r.error();
    if (auto r = flush(c, d); !r) return r.error();
  }
  std::vector<rollup_check> out;
  for (auto t : call_tables) {
    rollup_check check{std::string(t)};
    auto fresh = cat({"SELECT * FROM ", t, " WHERE n <> 0"});
    auto kept = cat({"SELECT * FROM kept_", t});
    SIAGA_TRY(rows, count_of(c, cat({"SELECT count(*) FROM ", t})));
    SIAGA_TRY(missing, count_of(c, cat({"SELECT count(*) FROM (", fresh, " EXCEPT ", kept, ") x"})));
    SIAGA_TRY(extra, count_of(c, cat({"SELECT count(*) FROM (", kept, " EXCEPT ", fresh, ") x"})));
    check.rows = rows;
    check.differing = missing + extra;
    out.push_back(std::move(check));
    if (auto r = c.run(cat({"DROP TABLE kept_", t}), "call rollups"); !r) return r.error();
  }
  return out;
}

}  // namespace siaga::storage::postgres::call_rollups_sql
