#include "storage/postgres/rollups_sql.hpp"

#include "core/time.hpp"
#include "domain/duration_histogram.hpp"
#include "domain/sla.hpp"
#include "storage/model_rows.hpp"
#include "storage/multi_row_upsert.hpp"
#include "storage/postgres/model_sql.hpp"
#include "storage/postgres/query.hpp"
#include "storage/postgres/rollup_rows_sql.hpp"
#include "storage/rollup_rows.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

namespace siaga::storage::postgres::rollups_sql {
namespace {

// The step histograms as encode()'s text for rollups_flush.ipp (the schema below says why).
core::result<domain::duration_histogram> stored_histogram(const statement& st, int col) {
  return domain::duration_histogram::decode(st.text(col));
}
std::string histogram_value(const domain::duration_histogram& h) { return h.encode(); }
void bind_histogram(statement& st, const std::string& value) { st.bind(value); }

}  // namespace

#include "storage/rollups_flush.ipp"

namespace {

// The tables as SQLite keeps them (sqlite/rollups_sql.cpp, migrations 7 and 16), in
// PostgreSQL's types: the keys TEXT ("" for none) in the "C" collation, so that they sort by
// their bytes as SQLite's do (the statistics come back in the same order), grain 0 (a local day) or 1 (a local month,
// day its first day), counts BIGINT, a step row's histogram its encoded text. Text, not bytea
// packed as SQLite's (migration 22): the packing paid off in SQLite for a year's rows read from
// a cold disk page by page, where PostgreSQL compresses a long value itself (TOAST, past 2 kB)
// and merges in C++ what string_agg hands it (stats_sql.cpp: no SQL functions of the
// project's on the server); text stays readable in psql and compares byte for byte as well.
constexpr std::string_view schema = R"sql(
CREATE TABLE roll_incidents (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, category_id TEXT COLLATE "C" NOT NULL,
  urgency_class TEXT COLLATE "C" NOT NULL, district_id TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C" NOT NULL, dispatched TEXT COLLATE "C" NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, category_id, urgency_class, district_id, status, dispatched)
);
CREATE TABLE roll_reports (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, category_id TEXT COLLATE "C" NOT NULL,
  district_id TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C" NOT NULL, channel TEXT COLLATE "C" NOT NULL, reject_reason TEXT COLLATE "C" NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, category_id, district_id, status, channel, reject_reason)
);
CREATE TABLE roll_dispatches (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, agency_id TEXT COLLATE "C" NOT NULL,
  category_id TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C" NOT NULL, n BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, agency_id, category_id, status)
);
CREATE TABLE roll_dispatch_steps (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, agency_id TEXT COLLATE "C" NOT NULL,
  category_id TEXT COLLATE "C" NOT NULL, step TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C" NOT NULL, n BIGINT NOT NULL, limited BIGINT NOT NULL,
  within BIGINT NOT NULL, histogram TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (jurisdiction_id, grain, day, agency_id, category_id, step, status)
);
CREATE TABLE roll_incident_grains (
  jurisdiction_id TEXT COLLATE "C" NOT NULL, grain INTEGER NOT NULL, day BIGINT NOT NULL, dim TEXT COLLATE "C" NOT NULL, value TEXT COLLATE "C" NOT NULL,
  category_id TEXT COLLATE "C" NOT NULL, urgency_class TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C" NOT NULL, n BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, dim, grain, day, value, category_id, urgency_class, status)
);
)sql";

// A jurisdiction's calendar for the step limits in working days, its offset included (as the
// writer's keeper makes it).
result<domain::work_calendar> calendar_of(connection& c, const std::string& jurisdiction_id) {
  SIAGA_TRY(j, model_sql::find_jurisdiction(c, jurisdiction_id));
  if (!j) return failure("rollups: no jurisdiction " + jurisdiction_id);
  SIAGA_TRY(offset, core::zone_offset_minutes(j->timezone));
  auto cal = domain::calendar_of(*j);
  cal.offset_minutes = offset;
  return cal;
}

std::size_t column_count(std::string_view columns) { return std::count(columns.begin(), columns.end(), ',') + 1; }

// Walks the rows of a table that where_sql (bound by bind) selects, a page at a time in id
// order, handing each to take with the statement (for columns after the row's own). extra
// adds columns after the row's columns.
template <class T, class Bind, class Take>
result<void> each_row(connection& c, std::string_view table, std::string_view columns, std::string_view extra,
                      std::string_view where_sql, row_reader<T> read, Bind bind, Take take) {
  constexpr std::int64_t page = 2000;
  auto sql = cat({"SELECT ", columns, extra, " FROM ", table, " WHERE ", where_sql, " AND id > ? ORDER BY id LIMIT ",
                  std::to_string(page)});
  std::string after;
  for (;;) {
    auto st = c.prepare(sql);
    if (!st) return st.error();
    bind(*st);
    st->bind(after);
    std::int64_t rows = 0;
    for (;;) {
      auto row = st->step(table);
      if (!row) return row.error();
      if (!*row) break;
      auto value = read(*st);
      if (!value) return value.error();
      after = st->text(0);
      ++rows;
      if (auto r = take(std::move(*value), *st); !r) return r;
    }
    if (rows < page) return {};
  }
}

// Adds the dispatches that where_sql selects (with their incident's category) to d, under
// their category's limits as they are now.
template <class Bind>
result<void> add_dispatches(connection& c, const std::string& jurisdiction_id, std::string_view where_sql, Bind bind,
                            rollup_deltas& d) {
  SIAGA_TRY(cal, calendar_of(c, jurisdiction_id));
  SIAGA_TRY(categories, model_sql::list_categories(c, jurisdiction_id));
  auto limits_of = [&](const std::string& category_id) {
    for (const auto& cat : categories) {
      if (cat.id == category_id) return cat.sla;
    }
    return domain::sla_policy{};
  };
  auto category_col = static_cast<int>(column_count(model_rows::dispatch_columns));
  return each_row(c, "dispatches", model_rows::dispatch_columns,
                  ", coalesce((SELECT category_id FROM incidents i WHERE i.id = dispatches.incident_id), '')",
                  where_sql, model_rows::read_dispatch<statement>, bind,
                  [&](domain::dispatch x, const statement& st) -> result<void> {
                    auto category_id = st.text(category_col);
                    d.add_dispatch(x, category_id, limits_of(category_id), cal, 1);
                    return {};
                  });
}

// The rollup rows of a jurisdiction counted from its rows.
result<rollup_rows> recount(connection& c, const std::string& jurisdiction_id) {
  SIAGA_TRY(cal, calendar_of(c, jurisdiction_id));
  rollup_deltas d;
  auto bind = [&](statement& st) { st.bind(jurisdiction_id); };
  auto r = each_row(c, "incidents", model_rows::incident_columns, "", "jurisdiction_id = ?",
                    model_rows::read_incident<statement>, bind, [&](domain::incident i, const statement&) -> result<void> {
                      d.add_incident(i, cal.offset_minutes, 1);
                      return {};
                    });
  if (r) {
    r = each_row(c, "reports", model_rows::report_columns, "", "jurisdiction_id = ?", model_rows::read_report<statement>,
                 bind, [&](domain::report x, const statement&) -> result<void> {
                   d.add_report(x, cal.offset_minutes, 1);
                   return {};
                 });
  }
  if (r) r = add_dispatches(c, jurisdiction_id, "jurisdiction_id = ?", bind, d);
  if (!r) return r.error();
  return rows_of(d);
}

}  // namespace

std::string_view schema_v14() { return schema; }

result<void> recount_category_steps(connection& c, const std::string& jurisdiction_id, const std::string& category_id) {
  auto st = prepare_bound(c, "DELETE FROM roll_dispatch_steps WHERE jurisdiction_id = ? AND category_id = ?",
                          jurisdiction_id, category_id);  // both grains
  if (!st) return st.error();
  if (auto r = st->run("roll_dispatch_steps"); !r) return r;
  rollup_deltas d;
  auto counted = add_dispatches(
      c, jurisdiction_id,
      "jurisdiction_id = ? AND incident_id IN (SELECT id FROM incidents WHERE jurisdiction_id = ? AND category_id = ?)",
      [&](statement& s) { s.bind(jurisdiction_id).bind(jurisdiction_id).bind(category_id); }, d);
  if (!counted) return counted;
  // Only the steps: the dispatches' own counts do not depend on the limits.
  if (auto r = flush_steps(c, d.steps(), 0); !r) return r;
  return flush_steps(c, by_month(d.steps()), 1);
}

result<void> recount_working_day_steps(connection& c, const std::string& jurisdiction_id) {
  SIAGA_TRY(categories, model_sql::list_categories(c, jurisdiction_id));
  for (const auto& cat : categories) {
    if (cat.sla.acknowledge_within_days <= 0 && cat.sla.on_scene_within_days <= 0) continue;
    if (auto r = recount_category_steps(c, jurisdiction_id, cat.id); !r) return r;
  }
  return {};
}

result<std::vector<rollup_check>> rebuild(connection& c) {
  std::vector<rollup_check> out;
  for (const auto* table : rollup_table_names) out.push_back({table, 0, 0});
  SIAGA_TRY(jurisdictions, model_sql::list_jurisdictions(c));
  for (const auto& j : jurisdictions) {
    SIAGA_TRY(fresh, recount(c, j.id));
    SIAGA_TRY(kept, rollup_rows_sql::read(c, j.id));
    auto mismatches = compare_rows(kept, fresh);
    for (const auto& m : mismatches) {
      for (auto& check : out) {
        if (check.table == m.table) ++check.differing;
      }
    }
    for (auto& check : out) check.rows += rows_in(fresh, check.table);
    if (mismatches.empty()) continue;
    if (auto r = rollup_rows_sql::replace(c, j.id, fresh); !r) return r.error();
  }
  // Rows of a jurisdiction that no longer exists would be left: there are none, since
  // jurisdictions are never deleted.
  return out;
}

}  // namespace siaga::storage::postgres::rollups_sql
