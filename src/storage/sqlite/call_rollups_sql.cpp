#include "storage/sqlite/call_rollups_sql.hpp"

#include "storage/multi_row_upsert.hpp"
#include "storage/sqlite/call_periods_sql.hpp"
#include "storage/sqlite/query.hpp"

#include <array>
#include <chrono>
#include <vector>

namespace siaga::storage::sqlite::call_rollups_sql {

#include "storage/call_rollup_rows.ipp"
#include "storage/call_rollups_flush.ipp"

namespace {

// The recount in SQL names its columns as the rollups do, each call's key computed with the
// project's SQL functions (sql_functions.hpp: the same C++ as call_rollup_deltas). H is the
// local hour number of the ring time; the dispatched flag is read exactly as calls_between
// reads it.
constexpr std::string_view calls_inner =
    "SELECT jurisdiction_id, 0 AS grain, (H - ((H % 24) + 24) % 24) / 24 AS day, ((H % 24) + 24) % 24 AS hour, "
    "agent, line, outcome, classification, follow, ms FROM (SELECT c.jurisdiction_id AS jurisdiction_id, "
    "siaga_local_hour(c.ring_at, (SELECT timezone FROM jurisdictions WHERE id = c.jurisdiction_id)) AS H, "
    "c.answered_by AS agent, c.line AS line, coalesce(c.outcome, '') AS outcome, "
    "coalesce(c.classification, '') AS classification, (i.first_dispatched_at IS NOT NULL) AS follow, "
    "(c.answered_at - c.ring_at) / 1000 AS ms FROM calls c LEFT JOIN reports r ON r.id = c.report_id "
    "LEFT JOIN incidents i ON i.id = r.incident_id)";

constexpr std::string_view wait_keys = "jurisdiction_id, grain, day, second, hour, agent, line";
constexpr std::string_view wait_values = "n, millis";

constexpr std::string_view month_of_day =
    "CAST(julianday(day * 86400, 'unixepoch', 'start of month') - 2440587.5 AS INTEGER)";

std::string calls_table(std::string_view prefix) {
  return cat({"CREATE TABLE ", prefix,
              "roll_calls (jurisdiction_id TEXT NOT NULL, grain INTEGER NOT NULL, day INTEGER NOT NULL, "
              "hour INTEGER NOT NULL, agent TEXT NOT NULL, line TEXT NOT NULL, outcome TEXT NOT NULL, "
              "classification TEXT NOT NULL, n INTEGER NOT NULL, follow_ups INTEGER NOT NULL, "
              "within_10 INTEGER NOT NULL, within_15 INTEGER NOT NULL, within_20 INTEGER NOT NULL, PRIMARY KEY (",
              call_keys, ")) STRICT, WITHOUT ROWID;\n"});
}

// Migration 10's table of exact answer times per second (dropped by migration 15): its text
// stays as it was applied.
std::string waits_table_v10(std::string_view prefix) {
  return cat({"CREATE TABLE ", prefix,
              "roll_call_waits (jurisdiction_id TEXT NOT NULL, grain INTEGER NOT NULL, day INTEGER NOT NULL, "
              "second INTEGER NOT NULL, hour INTEGER NOT NULL, agent TEXT NOT NULL, line TEXT NOT NULL, "
              "n INTEGER NOT NULL, millis TEXT NOT NULL, PRIMARY KEY (",
              wait_keys, ")) STRICT, WITHOUT ROWID;\n"});
}

std::string answers_table(std::string_view prefix) {
  return cat({"CREATE TABLE ", prefix,
              "roll_call_answers (jurisdiction_id TEXT NOT NULL, grain INTEGER NOT NULL, day INTEGER NOT NULL, "
              "hour INTEGER NOT NULL, agent TEXT NOT NULL, line TEXT NOT NULL, n INTEGER NOT NULL, "
              "hist BLOB NOT NULL, PRIMARY KEY (",
              answer_keys, ")) STRICT, WITHOUT ROWID;\n"});
}

std::string calls_day_fill(std::string_view prefix) {
  return cat({"INSERT INTO ", prefix, "roll_calls (", call_keys, ", ", call_values, ") SELECT ", call_keys,
              ", count(*), sum(follow), count(CASE WHEN ms <= 10000 THEN 1 END), count(CASE WHEN ms <= 15000 THEN 1 END), "
              "count(CASE WHEN ms <= 20000 THEN 1 END) FROM (",
              calls_inner, ") GROUP BY ", call_keys, ";\n"});
}

std::string calls_month_fill(std::string_view prefix) {
  return cat({"INSERT INTO ", prefix, "roll_calls (", call_keys, ", ", call_values, ") SELECT jurisdiction_id, 1, ",
              month_of_day, " AS month, -1, agent, line, outcome, classification, sum(n), sum(follow_ups), ",
              "sum(within_10), sum(within_15), sum(within_20) FROM ", prefix,
              "roll_calls WHERE grain = 0 GROUP BY jurisdiction_id, month, agent, line, outcome, classification;\n"});
}

// Migration 10: the hour rows (grain 0) from the calls, then the month rows (grain 1) from the
// hour rows; its text stays as it was applied.
std::string fill_v10(std::string_view prefix) {
  std::string out = calls_day_fill(prefix);
  out += cat({"INSERT INTO ", prefix, "roll_call_waits (", wait_keys, ", ", wait_values, ") SELECT ", wait_keys,
              ", sum(k), siaga_counts_agg(ms, k) FROM (SELECT jurisdiction_id, grain, day, ms / 1000 AS second, hour, "
              "agent, line, ms, count(*) AS k FROM (",
              calls_inner, ") WHERE ms IS NOT NULL GROUP BY ", wait_keys, ", ms) GROUP BY ", wait_keys, ";\n"});
  out += calls_month_fill(prefix);
  out += cat({"INSERT INTO ", prefix, "roll_call_waits (", wait_keys, ", ", wait_values, ") SELECT jurisdiction_id, 1, ",
              month_of_day, " AS month, second, -1, agent, line, sum(n), siaga_counts_merge(millis) FROM ", prefix,
              "roll_call_waits WHERE grain = 0 GROUP BY jurisdiction_id, month, second, agent, line;\n"});
  return out;
}

// The recount of today's tables: roll_calls as migration 10 fills it, roll_call_answers with
// the histograms of the calls' answer times (domain::millis_histogram), hours then months.
std::string fill(std::string_view prefix) {
  std::string out = calls_day_fill(prefix);
  out += cat({"INSERT INTO ", prefix, "roll_call_answers (", answer_keys, ", ", answer_values, ") SELECT ",
              answer_keys, ", count(*), siaga_ms_hist_agg(ms) FROM (", calls_inner, ") WHERE ms IS NOT NULL GROUP BY ",
              answer_keys, ";\n"});
  out += calls_month_fill(prefix);
  out += cat({"INSERT INTO ", prefix, "roll_call_answers (", answer_keys, ", ", answer_values,
              ") SELECT jurisdiction_id, 1, ", month_of_day, " AS month, -1, agent, line, sum(n), siaga_ms_hist_merge(hist) FROM ",
              prefix, "roll_call_answers WHERE grain = 0 GROUP BY jurisdiction_id, month, agent, line;\n"});
  return out;
}

struct table_def {
  std::string_view name, keys;
  std::string values;
};
const std::array<table_def, 3>& call_tables() {
  static const std::array<table_def, 3> tables{{
      {"roll_calls", call_keys, std::string(call_values)},
      {"roll_call_answers", answer_keys, std::string(answer_values)},
      {call_periods_sql::table_name, call_periods_sql::keys(), call_periods_sql::values()},
  }};
  return tables;
}

result<std::int64_t> count_of(connection& c, const std::string& sql) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  auto row = st->step("call rollups");
  if (!row) return row.error();
  return *row ? st->int64(0) : 0;
}

}  // namespace

std::string schema_v10() {
  return calls_table("") + waits_table_v10("") + fill_v10("") +
         "CREATE INDEX calls_by_report ON calls (report_id) WHERE report_id IS NOT NULL;\n";
}

std::string schema_v13() { return call_periods_sql::table_v13("") + call_periods_sql::fill_v13("", calls_inner); }

std::string schema_v15() {
  return answers_table("") + cat({"INSERT INTO roll_call_answers (", answer_keys, ", ", answer_values, ") SELECT ",
                                  answer_keys, ", sum(n), siaga_ms_hist_from_counts(millis) FROM roll_call_waits WHERE n <> 0 "
                                  "GROUP BY ", answer_keys, ";\nDROP TABLE roll_call_waits;\n"}) +
         call_periods_sql::convert_v15();
}

result<std::vector<rollup_check>> rebuild(connection& c) {
  for (const auto& t : call_tables()) {
    if (auto r = c.exec_script(cat({"DROP TABLE IF EXISTS temp.rebuilt_", t.name, ";"}), "call rollups"); !r) {
      return r.error();
    }
  }
  auto script = calls_table("temp.rebuilt_") + answers_table("temp.rebuilt_") + fill("temp.rebuilt_") +
                call_periods_sql::table("temp.rebuilt_") +
                call_periods_sql::fill("temp.rebuilt_", calls_inner);
  if (auto r = c.exec_script(script, "call rollups"); !r) return r.error();
  std::vector<rollup_check> out;
  for (const auto& t : call_tables()) {
    auto live = cat({"SELECT ", t.keys, ", ", t.values, " FROM main.", t.name, " WHERE n <> 0"});
    auto fresh = cat({"SELECT ", t.keys, ", ", t.values, " FROM temp.rebuilt_", t.name});
    rollup_check check{std::string(t.name)};
    SIAGA_TRY(rows, count_of(c, cat({"SELECT count(*) FROM temp.rebuilt_", t.name})));
    SIAGA_TRY(missing, count_of(c, cat({"SELECT count(*) FROM (", fresh, " EXCEPT ", live, ")"})));
    SIAGA_TRY(extra, count_of(c, cat({"SELECT count(*) FROM (", live, " EXCEPT ", fresh, ")"})));
    check.rows = rows;
    check.differing = missing + extra;
    out.push_back(std::move(check));
    auto replace = cat({"DELETE FROM main.", t.name, "; INSERT INTO main.", t.name, " SELECT * FROM temp.rebuilt_",
                        t.name, "; DROP TABLE temp.rebuilt_", t.name, ";"});
    if (auto r = c.exec_script(replace, "call rollups"); !r) return r.error();
  }
  return out;
}

}  // namespace siaga::storage::sqlite::call_rollups_sql
