#include "storage/sqlite/rollups_sql.hpp"

#include "domain/duration_histogram.hpp"
#include "storage/multi_row_upsert.hpp"
#include "storage/rollup_rows.hpp"
#include "storage/sqlite/query.hpp"

#include <array>
#include <chrono>
#include <vector>

namespace siaga::storage::sqlite::rollups_sql {
namespace {

// The step histograms packed (BLOB of varints, migration 22) for rollups_flush.ipp.
core::result<domain::duration_histogram> stored_histogram(const statement& st, int col) {
  return domain::duration_histogram::unpack(st.blob_view(col));
}
std::string histogram_value(const domain::duration_histogram& h) { return h.pack(); }
void bind_histogram(statement& st, const std::string& value) { st.bind_blob(value); }

}  // namespace

#include "storage/rollups_flush.ipp"

namespace {

// The recount in SQL: every rollup row is the sum of the records it counts, each record's
// key computed by an "inner" SELECT over its table that names its columns as the rollup does,
// with the project's SQL functions (sql_functions.hpp: the same C++ as rollup_deltas). It
// fills the rollups at migration, rebuilds them, and recounts a category whose limits changed.

// The local day of a time column of R, in R's jurisdiction's zone.
std::string day_of(std::string_view r, std::string_view col) {
  return cat({"siaga_local_day(", r, ".", col, ", (SELECT timezone FROM jurisdictions WHERE id = ", r,
              ".jurisdiction_id))"});
}

std::string incident_inner(std::string_view r, std::string_view from) {
  return cat({"SELECT ", r, ".jurisdiction_id AS jurisdiction_id, 0 AS grain, ", day_of(r, "created_at"), " AS day, ", r,
              ".category_id AS category_id, ", r, ".urgency_class AS urgency_class, coalesce(", r,
              ".district_id, '') AS district_id, ", r, ".status AS status, CASE WHEN ", r,
              ".first_dispatched_at IS NULL THEN 'no' ELSE 'yes' END AS dispatched", from});
}

// An incident's three grain rows (call taker, village, local hour of the day), one SELECT each.
std::string grain_inner(std::string_view r, std::string_view from) {
  auto part = [&](std::string_view dim, const std::string& value) {
    return cat({"SELECT ", r, ".jurisdiction_id AS jurisdiction_id, 0 AS grain, ", day_of(r, "created_at"), " AS day, '", dim,
                "' AS dim, ", value, " AS value, ", r, ".category_id AS category_id, ", r,
                ".urgency_class AS urgency_class, ", r, ".status AS status", from});
  };
  auto hour = cat({"printf('%02d', siaga_local_hour(", r, ".created_at, (SELECT timezone FROM jurisdictions WHERE id = ", r,
                   ".jurisdiction_id)) - 24 * ", day_of(r, "created_at"), ")"});
  return cat({part("call_taker", cat({r, ".created_by"})), " UNION ALL ",
              part("village", cat({"coalesce(", r, ".village_id, '')"})), " UNION ALL ", part("hour", hour)});
}

std::string report_inner(std::string_view r, std::string_view from) {
  return cat({"SELECT ", r, ".jurisdiction_id AS jurisdiction_id, 0 AS grain, ", day_of(r, "created_at"), " AS day, coalesce(", r,
              ".category_id, '') AS category_id, coalesce(", r, ".district_id, '') AS district_id, ", r,
              ".status AS status, ", r, ".source AS channel, coalesce(", r, ".rejection, '') AS reject_reason", from});
}

// The dispatches of from (" FROM dispatches R ..."), each under its incident's category, with
// the seconds and times of its steps, its category's limits for them (seconds and working
// days, 0 for none) and its jurisdiction's calendar.
std::string dispatch_inner(std::string_view from) {
  auto category = std::string("(SELECT category_id FROM incidents WHERE id = R.incident_id)");
  auto limit = [&](std::string_view column, std::string_view as) {
    return cat({"coalesce((SELECT ", column, " FROM categories WHERE id = ", category, "), 0) AS ", as, ", "});
  };
  auto step = [&](std::string_view col) {
    return cat({"(R.", col, "_at - R.notified_at) / 1000000 AS ", col, "_s, R.", col, "_at AS ", col, "_at, "});
  };
  auto calendar = [&](std::string_view column) {
    return cat({"(SELECT ", column, " FROM jurisdictions WHERE id = R.jurisdiction_id) AS ", column});
  };
  return cat({"SELECT R.jurisdiction_id AS jurisdiction_id, 0 AS grain, ", day_of("R", "notified_at"),
              " AS day, R.agency_id AS agency_id, ", category, " AS category_id, R.status AS status, ",
              "R.notified_at AS notified_at, ", step("acknowledged"), step("en_route"), step("on_scene"),
              step("completed"), limit("sla_acknowledge_within_s", "acknowledged_limit"),
              limit("sla_acknowledge_within_days", "acknowledged_days"), limit("sla_on_scene_within_s", "on_scene_limit"),
              limit("sla_on_scene_within_days", "on_scene_days"), calendar("timezone"), ", ", calendar("weekend_days"), ", ",
              calendar("holidays"), from});
}

constexpr std::string_view step_sums = "sum(n), sum(limited), sum(within), siaga_hist_merge(histogram)";

// The steps a dispatch reaches, with the limits its category sets (none for en route and
// completed: the category's complete_within is the incident's, not an agency's).
struct step_def {
  std::string_view name;
  std::string_view limit;  // column of the inner SELECT (seconds), or "0"
  std::string_view days;   // column of the inner SELECT (working days), or "0"
};
constexpr std::array<step_def, 4> steps{{
    {"acknowledged", "acknowledged_limit", "acknowledged_days"},
    {"en_route", "0", "0"},
    {"on_scene", "on_scene_limit", "on_scene_days"},
    {"completed", "0", "0"},
}};

// How a step row keeps its histogram: text as migrations 7 and 16 made the table, packed bytes
// since the table was packed (pack_step_histograms).
enum class histogram_form { text, packed };

// The step rows of the dispatches that from (" FROM dispatches R ...") selects: per key, the
// counts and the histogram of the seconds (bucket counts first, then encoded per key). A limit
// in working days is met when the step came by the end of the n-th working day after the
// notification's local day (siaga_working_deadline, the domain's working_deadline).
std::string fill_steps(std::string_view prefix, const std::string& from, histogram_form form) {
  auto histogram = form == histogram_form::packed ? "siaga_hist_pack(siaga_hist_agg(bucket, n))" : "siaga_hist_agg(bucket, n)";
  auto inner = dispatch_inner(from);
  std::string out;
  for (const auto& st : steps) {
    auto s = cat({st.name, "_s"});
    auto within = cat({"CASE WHEN ", st.days, " > 0 THEN ", st.name, "_at <= siaga_working_deadline(notified_at, ", st.days,
                       ", timezone, weekend_days, holidays) ELSE ", st.limit, " > 0 AND ", s, " <= ", st.limit, " END"});
    out += cat({"INSERT INTO ", prefix, "roll_dispatch_steps (", step_keys, ", ", step_values, ") SELECT ", step_keys,
                ", sum(n), sum(limited), sum(within), ", histogram, " FROM (SELECT jurisdiction_id, grain, day, ",
                "agency_id, category_id, '", st.name, "' AS step, status, siaga_hist_bucket(", s, ") AS bucket, count(*) AS n, sum(",
                st.days, " > 0 OR ", st.limit, " > 0) AS limited, sum(", within, ") AS within FROM (", inner, ") WHERE ", s,
                " IS NOT NULL GROUP BY ", step_keys, ", bucket) GROUP BY ", step_keys, ";\n"});
  }
  return out;
}

// The month rows (grain 1, day = the month's first day) of a table from its day rows (grain 0),
// for the rows that where_sql (over the table's columns) selects.
std::string months_of(std::string_view prefix, std::string_view table, std::string_view keys, std::string_view values,
                      std::string_view sums, std::string_view where_sql) {
  std::string rest(keys.substr(keys.find("day, ") + 5));
  return cat({"INSERT INTO ", prefix, table, " (", keys, ", ", values, ") SELECT jurisdiction_id, 1, ",
              "CAST(julianday(day * 86400, 'unixepoch', 'start of month') - 2440587.5 AS INTEGER) AS month, ", rest, ", ",
              sums, " FROM ", prefix, table, " WHERE grain = 0", where_sql, " GROUP BY jurisdiction_id, month, ", rest,
              ";\n"});
}

// The rollup tables: what identifies a row of each, its values, and its CREATE and recount.
struct table_def {
  std::string_view name;
  std::string_view keys;
  std::string_view values;
  std::string_view primary_key;  // the keys in the order reads look them up
};
constexpr std::array<table_def, 5> rollup_tables{{
    {"roll_incidents", incident_keys, "n", incident_keys},
    {"roll_reports", report_keys, "n", report_keys},
    {"roll_dispatches", dispatch_keys, "n", dispatch_keys},
    {"roll_dispatch_steps", step_keys, step_values, step_keys},
    // Read one dim at a time.
    {"roll_incident_grains", grain_keys, "n", "jurisdiction_id, dim, grain, day, value, category_id, urgency_class, status"},
}};

// Recounts one table from scratch: the rollups of every record written into the table named
// with prefix ("" for the rollups themselves, "temp.rebuilt_" for a comparison).
std::string fill(std::string_view prefix, const table_def& t, histogram_form form) {
  auto counted = [&](const std::string& inner) {
    return cat({"INSERT INTO ", prefix, t.name, " (", t.keys, ", n) SELECT ", t.keys, ", count(*) FROM (", inner,
                ") GROUP BY ", t.keys, ";\n"});
  };
  std::string days;
  if (t.name == "roll_incidents") days = counted(incident_inner("R", " FROM incidents R"));
  if (t.name == "roll_reports") days = counted(report_inner("R", " FROM reports R"));
  if (t.name == "roll_dispatches") days = counted(dispatch_inner(" FROM dispatches R"));
  if (t.name == "roll_dispatch_steps") days = fill_steps(prefix, " FROM dispatches R", form);
  if (t.name == "roll_incident_grains") days = counted(grain_inner("R", " FROM incidents R"));
  bool steps_table = t.name == "roll_dispatch_steps";
  return days + months_of(prefix, t.name, t.keys, t.values, steps_table ? step_sums : "sum(n)", "");
}

std::string create(std::string_view prefix, const table_def& t, histogram_form form) {
  std::string columns;
  for (std::string_view rest = t.keys; !rest.empty();) {
    auto comma = rest.find(", ");
    auto key = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
    bool number = key == "grain" || key == "day";
    columns += cat({std::string(key), number ? " INTEGER NOT NULL, " : " TEXT NOT NULL, "});
  }
  auto values = t.name == "roll_dispatch_steps"
                    ? cat({"n INTEGER NOT NULL, limited INTEGER NOT NULL, within INTEGER NOT NULL, histogram ",
                           form == histogram_form::packed ? "BLOB" : "TEXT", " NOT NULL"})
                    : std::string("n INTEGER NOT NULL");
  return cat({"CREATE TABLE ", prefix, t.name, " (", columns, values, ", PRIMARY KEY (", t.primary_key,
              ")) STRICT, WITHOUT ROWID;\n"});
}

result<std::int64_t> count_of(connection& c, const std::string& sql) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  auto row = st->step("rollups");
  if (!row) return row.error();
  return *row ? st->int64(0) : 0;
}

}  // namespace

std::string schema_v16() {
  std::string out = "DROP TABLE roll_incidents;\nDROP TABLE roll_dispatch_steps;\n";
  for (const auto& t : rollup_tables) {
    if (t.name == "roll_reports" || t.name == "roll_dispatches") continue;  // unchanged since 7
    out += create("", t, histogram_form::text) + fill("", t, histogram_form::text);
  }
  return out;
}

std::string pack_step_histograms() {
  const auto& t = rollup_tables[3];
  return cat({create("packed_", t, histogram_form::packed), "INSERT INTO packed_roll_dispatch_steps (", t.keys, ", ",
              t.values, ") SELECT ", t.keys, ", n, limited, within, siaga_hist_pack(histogram) FROM roll_dispatch_steps;\n",
              "DROP TABLE roll_dispatch_steps;\nALTER TABLE packed_roll_dispatch_steps RENAME TO roll_dispatch_steps;\n"});
}

result<std::vector<rollup_check>> rebuild(connection& c) {
  for (const auto& t : rollup_tables) {
    if (auto r = c.exec_script(cat({"DROP TABLE IF EXISTS temp.rebuilt_", t.name, ";"}), "rollups"); !r) return r.error();
    if (auto r = c.exec_script(create("temp.rebuilt_", t, histogram_form::packed) + fill("temp.rebuilt_", t, histogram_form::packed), "rollups"); !r) return r.error();
  }
  std::vector<rollup_check> out;
  for (const auto& t : rollup_tables) {
    // A row whose changes added up to zero is the same as no row.
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
    if (auto r = c.exec_script(replace, "rollups"); !r) return r.error();
  }
  return out;
}

result<void> recount_category_steps(connection& c, const std::string& jurisdiction_id, const std::string& category_id) {
  auto st = c.prepare("DELETE FROM roll_dispatch_steps WHERE jurisdiction_id = ? AND category_id = ?");  // both grains
  if (!st) return st.error();
  st->bind(jurisdiction_id).bind(category_id);
  if (auto r = st->run("roll_dispatch_steps"); !r) return r;
  auto script = fill_steps("", " FROM dispatches R JOIN incidents I ON I.id = R.incident_id "
                               "WHERE R.jurisdiction_id = ?1 AND I.category_id = ?2",
                            histogram_form::packed) +
                months_of("", "roll_dispatch_steps", step_keys, step_values, step_sums,
                          " AND jurisdiction_id = ?1 AND category_id = ?2");
  for (std::size_t start = 0; start < script.size();) {
    auto end = script.find(";\n", start);
    auto one = c.prepare(std::string_view(script).substr(start, end - start));
    if (!one) return one.error();
    one->bind(jurisdiction_id).bind(category_id);
    if (auto r = one->run("roll_dispatch_steps"); !r) return r;
    start = end + 2;
  }
  return {};
}

result<void> recount_working_day_steps(connection& c, const std::string& jurisdiction_id) {
  std::vector<std::string> categories;
  {
    auto st = c.prepare("SELECT id FROM categories WHERE jurisdiction_id = ? AND (sla_acknowledge_within_days > 0 OR "
                        "sla_on_scene_within_days > 0)");
    if (!st) return st.error();
    st->bind(jurisdiction_id);
    for (;;) {
      auto row = st->step("categories");
      if (!row) return row.error();
      if (!*row) break;
      categories.push_back(st->text(0));
    }
  }
  for (const auto& id : categories) {
    if (auto r = recount_category_steps(c, jurisdiction_id, id); !r) return r;
  }
  return {};
}

}  // namespace siaga::storage::sqlite::rollups_sql
