#include "storage/sqlite/rollups_sql.hpp"

#include "storage/sqlite/query.hpp"

#include <array>

namespace siaga::storage::sqlite::rollups_sql {
namespace {

// Every rollup row is the sum of the contributions of the records it counts. A contribution
// is an "inner" SELECT over one record (a trigger's NEW or OLD row, with no FROM) or over
// many (a table with a filter, for the initial fill, a rebuild or a moved category), naming
// its columns as the rollup does; the statements below add it with a sign. The same inner
// SELECT serves the triggers and the rebuild, which is why a rebuild can prove them equal.

// The local day of a time column of R, in R's jurisdiction's zone.
std::string day_of(std::string_view r, std::string_view col) {
  return cat({"siaga_local_day(", r, ".", col, ", (SELECT timezone FROM jurisdictions WHERE id = ", r,
              ".jurisdiction_id))"});
}

std::string incident_inner(std::string_view r, std::string_view from) {
  return cat({"SELECT ", r, ".jurisdiction_id AS jurisdiction_id, ", day_of(r, "created_at"), " AS day, ", r,
              ".category_id AS category_id, ", r, ".urgency_class AS urgency_class, coalesce(", r,
              ".district_id, '') AS district_id, ", r, ".status AS status", from});
}

std::string report_inner(std::string_view r, std::string_view from) {
  return cat({"SELECT ", r, ".jurisdiction_id AS jurisdiction_id, ", day_of(r, "created_at"), " AS day, coalesce(", r,
              ".category_id, '') AS category_id, coalesce(", r, ".district_id, '') AS district_id, ", r,
              ".status AS status, ", r, ".source AS channel, coalesce(", r, ".rejection, '') AS reject_reason", from});
}

// A dispatch's contribution: its incident's category unless category is given (a trigger on
// the incident knows the old and the new one), and the category's limits unless given (a
// trigger on the category knows the old and the new ones).
struct dispatch_source {
  std::string_view r = "R";
  std::string from;               // "" for a trigger's row
  std::string category;           // SQL of the category id
  std::string acknowledge_limit;  // SQL of the seconds, 0 for none
  std::string on_scene_limit;
};

dispatch_source dispatch_row(std::string_view r) {
  dispatch_source s;
  s.r = r;
  s.category = cat({"(SELECT category_id FROM incidents WHERE id = ", r, ".incident_id)"});
  return s;
}

std::string limit_of(const dispatch_source& s, std::string_view given, std::string_view column) {
  if (!given.empty()) return std::string(given);
  return cat({"coalesce((SELECT ", column, " FROM categories WHERE id = ", s.category, "), 0)"});
}

std::string dispatch_inner(const dispatch_source& s) {
  auto r = s.r;
  auto step = [&](std::string_view col) {
    return cat({"(", r, ".", col, "_at - ", r, ".notified_at) / 1000000 AS ", col, "_s, "});
  };
  return cat({"SELECT ", r, ".jurisdiction_id AS jurisdiction_id, ", day_of(r, "notified_at"), " AS day, ", r,
              ".agency_id AS agency_id, ", s.category, " AS category_id, ", r, ".status AS status, ",
              step("acknowledged"), step("en_route"), step("on_scene"), step("completed"),
              limit_of(s, s.acknowledge_limit, "sla_acknowledge_within_s"), " AS acknowledged_limit, ",
              limit_of(s, s.on_scene_limit, "sla_on_scene_within_s"), " AS on_scene_limit", s.from});
}

constexpr std::string_view incident_keys = "jurisdiction_id, day, category_id, urgency_class, district_id, status";
constexpr std::string_view report_keys = "jurisdiction_id, day, category_id, district_id, status, channel, reject_reason";
constexpr std::string_view dispatch_keys = "jurisdiction_id, day, agency_id, category_id, status";
constexpr std::string_view step_keys = "jurisdiction_id, day, agency_id, category_id, step, bucket";

// The steps a dispatch reaches, with the limit its category sets (none for en route and
// completed: the category's complete_within is the incident's, not an agency's).
struct step_def {
  std::string_view name;
  std::string_view limit;  // column of the inner SELECT, or "0"
};
constexpr std::array<step_def, 4> steps{{
    {"acknowledged", "acknowledged_limit"},
    {"en_route", "0"},
    {"on_scene", "on_scene_limit"},
    {"completed", "0"},
}};

// Adds (sign "1") or removes (sign "-1") the inner rows' counts.
std::string add_counts(std::string_view table, std::string_view keys, const std::string& inner, std::string_view sign) {
  return cat({"INSERT INTO ", table, " (", keys, ", n) SELECT ", keys, ", ", sign, " FROM (", inner,
              ") WHERE true ON CONFLICT DO UPDATE SET n = n + excluded.n;\n"});
}

std::string add_step(const step_def& st, const std::string& inner, std::string_view sign) {
  auto s = cat({st.name, "_s"});
  return cat({"INSERT INTO roll_dispatch_steps (", step_keys, ", n, limited, within) SELECT jurisdiction_id, day, ",
              "agency_id, category_id, '", st.name, "', siaga_hist_bucket(", s, "), ", sign, ", ", sign, " * (", st.limit,
              " > 0), ", sign, " * (", st.limit, " > 0 AND ", s, " <= ", st.limit, ") FROM (", inner, ") WHERE ", s,
              " IS NOT NULL ON CONFLICT DO UPDATE SET n = n + excluded.n, limited = limited + excluded.limited, ",
              "within = within + excluded.within;\n"});
}

std::string add_steps(const std::string& inner, std::string_view sign) {
  std::string out;
  for (const auto& st : steps) out += add_step(st, inner, sign);
  return out;
}

// Recounts from scratch: the rollups of the records that where_sql selects (over R) written
// into the tables named with prefix ("" for the rollups themselves, "temp.rebuilt_" for a
// comparison).
std::string fill(std::string_view prefix, std::string_view where_sql) {
  auto from = [&](std::string_view table) { return cat({" FROM ", table, " R ", where_sql}); };
  std::string out;
  out += cat({"INSERT INTO ", prefix, "roll_incidents (", incident_keys, ", n) SELECT ", incident_keys,
              ", count(*) FROM (", incident_inner("R", from("incidents")), ") GROUP BY ", incident_keys, ";\n"});
  out += cat({"INSERT INTO ", prefix, "roll_reports (", report_keys, ", n) SELECT ", report_keys, ", count(*) FROM (",
              report_inner("R", from("reports")), ") GROUP BY ", report_keys, ";\n"});
  auto d = dispatch_row("R");
  d.from = from("dispatches");
  auto inner = dispatch_inner(d);
  out += cat({"INSERT INTO ", prefix, "roll_dispatches (", dispatch_keys, ", n) SELECT ", dispatch_keys,
              ", count(*) FROM (", inner, ") GROUP BY ", dispatch_keys, ";\n"});
  for (const auto& st : steps) {
    auto s = cat({st.name, "_s"});
    out += cat({"INSERT INTO ", prefix, "roll_dispatch_steps (", step_keys,
                ", n, limited, within) SELECT jurisdiction_id, day, agency_id, category_id, '", st.name,
                "' AS step, siaga_hist_bucket(", s, ") AS bucket, count(*), sum(", st.limit, " > 0), sum(", st.limit,
                " > 0 AND ", s, " <= ", st.limit, ") FROM (", inner, ") WHERE ", s, " IS NOT NULL GROUP BY ", step_keys,
                ";\n"});
  }
  return out;
}

std::string tables(std::string_view prefix) {
  return cat({
      "CREATE TABLE ", prefix, "roll_incidents (jurisdiction_id TEXT NOT NULL, day INTEGER NOT NULL, ",
      "category_id TEXT NOT NULL, urgency_class TEXT NOT NULL, district_id TEXT NOT NULL, status TEXT NOT NULL, ",
      "n INTEGER NOT NULL, PRIMARY KEY (", incident_keys, ")) STRICT, WITHOUT ROWID;\n",
      "CREATE TABLE ", prefix, "roll_reports (jurisdiction_id TEXT NOT NULL, day INTEGER NOT NULL, ",
      "category_id TEXT NOT NULL, district_id TEXT NOT NULL, status TEXT NOT NULL, channel TEXT NOT NULL, ",
      "reject_reason TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (", report_keys, ")) STRICT, WITHOUT ROWID;\n",
      "CREATE TABLE ", prefix, "roll_dispatches (jurisdiction_id TEXT NOT NULL, day INTEGER NOT NULL, ",
      "agency_id TEXT NOT NULL, category_id TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, ",
      "PRIMARY KEY (", dispatch_keys, ")) STRICT, WITHOUT ROWID;\n",
      "CREATE TABLE ", prefix, "roll_dispatch_steps (jurisdiction_id TEXT NOT NULL, day INTEGER NOT NULL, ",
      "agency_id TEXT NOT NULL, category_id TEXT NOT NULL, step TEXT NOT NULL, bucket INTEGER NOT NULL, ",
      "n INTEGER NOT NULL, limited INTEGER NOT NULL, within INTEGER NOT NULL, PRIMARY KEY (", step_keys,
      ")) STRICT, WITHOUT ROWID;\n",
  });
}

std::string changed(std::initializer_list<std::string_view> cols) {
  std::string out;
  for (auto c : cols) out += cat({out.empty() ? "" : " OR ", "OLD.", c, " IS NOT NEW.", c});
  return out;
}

std::string trigger(std::string_view name, std::string_view when, std::string_view body) {
  return cat({"CREATE TRIGGER ", name, " ", when, "\nBEGIN\n", body, "END;\n"});
}

std::string triggers() {
  std::string out;
  // Incidents and reports: a row counts once under its current key.
  out += trigger("roll_incidents_insert", "AFTER INSERT ON incidents",
                 add_counts("roll_incidents", incident_keys, incident_inner("NEW", ""), "1"));
  out += trigger("roll_incidents_update",
                 cat({"AFTER UPDATE OF jurisdiction_id, created_at, category_id, urgency_class, district_id, status ",
                      "ON incidents WHEN ",
                      changed({"jurisdiction_id", "created_at", "category_id", "urgency_class", "district_id", "status"})}),
                 add_counts("roll_incidents", incident_keys, incident_inner("OLD", ""), "-1") +
                     add_counts("roll_incidents", incident_keys, incident_inner("NEW", ""), "1"));
  out += trigger("roll_incidents_delete", "AFTER DELETE ON incidents",
                 add_counts("roll_incidents", incident_keys, incident_inner("OLD", ""), "-1"));
  out += trigger("roll_reports_insert", "AFTER INSERT ON reports",
                 add_counts("roll_reports", report_keys, report_inner("NEW", ""), "1"));
  out += trigger("roll_reports_update",
                 cat({"AFTER UPDATE OF jurisdiction_id, created_at, category_id, district_id, status, source, rejection ",
                      "ON reports WHEN ",
                      changed({"jurisdiction_id", "created_at", "category_id", "district_id", "status", "source",
                               "rejection"})}),
                 add_counts("roll_reports", report_keys, report_inner("OLD", ""), "-1") +
                     add_counts("roll_reports", report_keys, report_inner("NEW", ""), "1"));
  out += trigger("roll_reports_delete", "AFTER DELETE ON reports",
                 add_counts("roll_reports", report_keys, report_inner("OLD", ""), "-1"));

  // Dispatches: the count under (agency, category, status) and one histogram entry per step
  // reached; each step moves only when its own time (or the key) changes.
  auto fresh = dispatch_inner(dispatch_row("NEW"));
  auto old = dispatch_inner(dispatch_row("OLD"));
  out += trigger("roll_dispatches_insert", "AFTER INSERT ON dispatches",
                 add_counts("roll_dispatches", dispatch_keys, fresh, "1") + add_steps(fresh, "1"));
  out += trigger("roll_dispatches_update",
                 cat({"AFTER UPDATE OF jurisdiction_id, notified_at, agency_id, incident_id, status ON dispatches WHEN ",
                      changed({"jurisdiction_id", "notified_at", "agency_id", "incident_id", "status"})}),
                 add_counts("roll_dispatches", dispatch_keys, old, "-1") +
                     add_counts("roll_dispatches", dispatch_keys, fresh, "1"));
  for (const auto& st : steps) {
    auto col = cat({st.name, "_at"});
    out += trigger(cat({"roll_dispatch_", st.name}),
                   cat({"AFTER UPDATE OF jurisdiction_id, notified_at, agency_id, incident_id, ", col,
                        " ON dispatches WHEN ", changed({"jurisdiction_id", "notified_at", "agency_id", "incident_id", col})}),
                   add_step(st, old, "-1") + add_step(st, fresh, "1"));
  }
  out += trigger("roll_dispatches_delete", "AFTER DELETE ON dispatches",
                 add_counts("roll_dispatches", dispatch_keys, old, "-1") + add_steps(old, "-1"));

  // An incident that changes category moves its dispatches' counts and times with it.
  auto of_incident = [](std::string_view category) {
    auto s = dispatch_row("R");
    s.from = " FROM dispatches R WHERE R.incident_id = NEW.id";
    s.category = std::string(category);
    return dispatch_inner(s);
  };
  out += trigger("roll_incident_category",
                 "AFTER UPDATE OF category_id ON incidents WHEN OLD.category_id IS NOT NEW.category_id",
                 add_counts("roll_dispatches", dispatch_keys, of_incident("OLD.category_id"), "-1") +
                     add_steps(of_incident("OLD.category_id"), "-1") +
                     add_counts("roll_dispatches", dispatch_keys, of_incident("NEW.category_id"), "1") +
                     add_steps(of_incident("NEW.category_id"), "1"));

  // A category whose limits change re-judges its dispatches' times against the new limits.
  auto of_category = [](std::string_view row) {
    auto s = dispatch_row("R");
    s.from = " FROM dispatches R JOIN incidents I ON I.id = R.incident_id WHERE I.category_id = NEW.id";
    s.category = "NEW.id";
    s.acknowledge_limit = cat({row, ".sla_acknowledge_within_s"});
    s.on_scene_limit = cat({row, ".sla_on_scene_within_s"});
    return dispatch_inner(s);
  };
  out += trigger("roll_category_limits",
                 cat({"AFTER UPDATE OF sla_acknowledge_within_s, sla_on_scene_within_s ON categories WHEN ",
                      changed({"sla_acknowledge_within_s", "sla_on_scene_within_s"})}),
                 add_steps(of_category("OLD"), "-1") + add_steps(of_category("NEW"), "1"));

  // A jurisdiction that changes its zone has every local day moved: counted again.
  out += trigger("roll_jurisdiction_zone", "AFTER UPDATE OF timezone ON jurisdictions WHEN OLD.timezone IS NOT NEW.timezone",
                 cat({"DELETE FROM roll_incidents WHERE jurisdiction_id = NEW.id;\n",
                      "DELETE FROM roll_reports WHERE jurisdiction_id = NEW.id;\n",
                      "DELETE FROM roll_dispatches WHERE jurisdiction_id = NEW.id;\n",
                      "DELETE FROM roll_dispatch_steps WHERE jurisdiction_id = NEW.id;\n",
                      fill("", "WHERE R.jurisdiction_id = NEW.id")}));
  return out;
}

// The rollup tables and what identifies a row of each, for the comparison.
struct table_def {
  std::string_view name;
  std::string_view keys;
  std::string_view values;
};
constexpr std::array<table_def, 4> rollup_tables{{
    {"roll_incidents", incident_keys, "n"},
    {"roll_reports", report_keys, "n"},
    {"roll_dispatches", dispatch_keys, "n"},
    {"roll_dispatch_steps", step_keys, "n, limited, within"},
}};

result<std::int64_t> count_of(connection& c, const std::string& sql) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  auto row = st->step("rollups");
  if (!row) return row.error();
  return *row ? st->int64(0) : 0;
}

}  // namespace

std::string schema() { return tables("") + triggers() + fill("", ""); }

result<std::vector<rollup_check>> rebuild(connection& c) {
  for (const auto& t : rollup_tables) {
    if (auto r = c.exec_script(cat({"DROP TABLE IF EXISTS temp.rebuilt_", t.name, ";"}), "rollups"); !r) return r.error();
  }
  if (auto r = c.exec_script(tables("temp.rebuilt_") + fill("temp.rebuilt_", ""), "rollups"); !r) return r.error();
  std::vector<rollup_check> out;
  for (const auto& t : rollup_tables) {
    // A row the triggers brought back to zero is the same as no row.
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

}  // namespace siaga::storage::sqlite::rollups_sql
