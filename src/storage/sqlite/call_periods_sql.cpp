#include "storage/sqlite/call_periods_sql.hpp"

#include "storage/sqlite/query.hpp"


namespace siaga::storage::sqlite::call_periods_sql {
namespace {

constexpr std::string_view key_columns = "jurisdiction_id, grain, day, hour";

// The figure columns and the column of the answer times: "millis" (migration 13's exact
// milliseconds, TEXT) or "hist" (migration 15's histogram, BLOB).
std::string value_list(std::string_view times) {
  std::string out;
  for (auto c : call_period_columns) {
    out += c;
    out += ", ";
  }
  return out + std::string(times);
}

// How the recount counts each figure over calls_inner's columns (in call_period_columns'
// order): as compute_call_stats does, ms NULL for a call not answered; times_agg gathers the
// answer times.
std::string figure_sums(std::string_view times_agg) {
  std::string out = "count(*), count(CASE WHEN outcome = 'answered' THEN 1 END), "
                    "count(CASE WHEN outcome = 'abandoned' THEN 1 END), count(CASE WHEN outcome = 'missed' THEN 1 END), "
                    "count(CASE WHEN outcome = '' THEN 1 END), ";
  for (std::size_t i = 5; i < 11; ++i) {
    out += cat({"count(CASE WHEN classification = '", call_period_columns[i], "' THEN 1 END), "});
  }
  out += "count(CASE WHEN classification = '' AND outcome = 'answered' THEN 1 END), sum(follow), "
         "count(CASE WHEN ms <= 10000 THEN 1 END), count(CASE WHEN ms <= 15000 THEN 1 END), "
         "count(CASE WHEN ms <= 20000 THEN 1 END), ";
  return out + std::string(times_agg);
}

std::string table_with(std::string_view prefix, std::string_view name, std::string_view times_column) {
  std::string out = cat({"CREATE TABLE ", prefix, name,
                         " (jurisdiction_id TEXT NOT NULL, grain INTEGER NOT NULL, day INTEGER NOT NULL, "
                         "hour INTEGER NOT NULL, "});
  for (auto c : call_period_columns) out += cat({c, " INTEGER NOT NULL, "});
  return out + cat({times_column, " NOT NULL, PRIMARY KEY (", key_columns, ")) STRICT, WITHOUT ROWID;\n"});
}

std::string fill_with(std::string_view prefix, std::string_view calls_inner, std::string_view times,
                      std::string_view times_agg, std::string_view times_merge) {
  std::string day_sums;
  for (auto c : call_period_columns) day_sums += cat({"sum(", c, "), "});
  return cat({"INSERT INTO ", prefix, table_name, " (", key_columns, ", ", value_list(times),
              ") SELECT jurisdiction_id, 0, day, hour, ", figure_sums(times_agg), " FROM (", calls_inner,
              ") GROUP BY jurisdiction_id, day, hour;\n", "INSERT INTO ", prefix, table_name, " (", key_columns, ", ",
              value_list(times), ") SELECT jurisdiction_id, 1, day, -1, ", day_sums, times_merge, " FROM ", prefix,
              table_name, " WHERE grain = 0 GROUP BY jurisdiction_id, day;\n"});
}

}  // namespace

std::string_view keys() { return key_columns; }
std::string values() { return value_list("hist"); }

std::string table(std::string_view prefix) { return table_with(prefix, table_name, "hist BLOB"); }

std::string fill(std::string_view prefix, std::string_view calls_inner) {
  return fill_with(prefix, calls_inner, "hist", "siaga_ms_hist_agg(ms)", "siaga_ms_hist_merge(hist)");
}

std::string table_v13(std::string_view prefix) { return table_with(prefix, table_name, "millis TEXT"); }

std::string fill_v13(std::string_view prefix, std::string_view calls_inner) {
  return fill_with(prefix, calls_inner, "millis", "siaga_counts_agg(ms, 1)", "siaga_counts_merge(millis)");
}

std::string convert_v15() {
  std::string figures;
  for (auto c : call_period_columns) figures += cat({c, ", "});
  return table_with("", "roll_call_periods_v15", "hist BLOB") +
         cat({"INSERT INTO roll_call_periods_v15 (", key_columns, ", ", value_list("hist"), ") SELECT ", key_columns, ", ",
              figures, "siaga_ms_hist_from_counts(millis) FROM ", table_name, " GROUP BY ", key_columns, ";\n",
              "DROP TABLE ", table_name, ";\nALTER TABLE roll_call_periods_v15 RENAME TO ", table_name, ";\n"});
}

}  // namespace siaga::storage::sqlite::call_periods_sql
