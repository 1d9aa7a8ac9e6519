// The rollup tables read and written as whole rows of one jurisdiction (rollup_rows_sql.hpp of
// each store), shared by both stores: included by sqlite/rollup_rows_sql.cpp and
// postgres/rollup_rows_sql.cpp inside their own rollup_rows_sql namespace, where connection,
// statement and cat are the store's own. Plain SQL both dialects speak (? and ?N placeholders).
// Each store names the form of its step histograms before including this:
//   histogram_read_sql   the roll_dispatch_steps.histogram column read as encode()'s text,
//   histogram_write_sql  the placeholder for encode()'s text written into that column.
// Not a header: no include guard, and it belongs to those two files only.
namespace {

// Runs a SELECT bound to the jurisdiction and hands each row's statement to take.
template <class Take>
result<void> each_row(connection& c, const std::string& sql, const std::string& jurisdiction_id,
                      std::string_view table, Take take) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(jurisdiction_id);
  for (;;) {
    auto row = st->step(table);
    if (!row) return row.error();
    if (!*row) return {};
    take(*st);
  }
}

// Runs one INSERT per row of m, binding the jurisdiction, the grain and day, then bind's.
template <class Map, class Bind>
result<void> insert_all(connection& c, const std::string& sql, std::string_view table, const std::string& jurisdiction_id,
                        const Map& m, Bind bind) {
  for (const auto& [gk, v] : m) {
    auto st = c.prepare(sql);
    if (!st) return st.error();
    st->bind(jurisdiction_id).bind(gk.first).bind(gk.second.day);
    bind(*st, gk.second, v);
    if (auto r = st->run(table); !r) return r;
  }
  return {};
}

}  // namespace

result<rollup_rows> read(connection& c, const std::string& jurisdiction_id) {
  rollup_rows out;
  auto r = each_row(c,
                    "SELECT grain, day, category_id, urgency_class, district_id, status, dispatched, n FROM roll_incidents "
                    "WHERE jurisdiction_id = ? AND n <> 0",
                    jurisdiction_id, "roll_incidents", [&](const statement& st) {
                      incident_roll_key k{jurisdiction_id, st.int64(1), st.text(2), st.text(3),
                                          st.text(4),      st.text(5),  st.text(6)};
                      out.incidents[{static_cast<int>(st.int64(0)), std::move(k)}] = st.int64(7);
                    });
  if (r) {
    r = each_row(c,
                 "SELECT grain, day, dim, value, category_id, urgency_class, status, n FROM roll_incident_grains "
                 "WHERE jurisdiction_id = ? AND n <> 0",
                 jurisdiction_id, "roll_incident_grains", [&](const statement& st) {
                   incident_grain_key k{jurisdiction_id, st.int64(1), st.text(2), st.text(3),
                                        st.text(4),      st.text(5),  st.text(6)};
                   out.incident_grains[{static_cast<int>(st.int64(0)), std::move(k)}] = st.int64(7);
                 });
  }
  if (r) {
    r = each_row(c,
                 "SELECT grain, day, category_id, district_id, status, channel, reject_reason, n FROM roll_reports "
                 "WHERE jurisdiction_id = ? AND n <> 0",
                 jurisdiction_id, "roll_reports", [&](const statement& st) {
                   report_roll_key k{jurisdiction_id, st.int64(1), st.text(2), st.text(3),
                                     st.text(4),      st.text(5),  st.text(6)};
                   out.reports[{static_cast<int>(st.int64(0)), std::move(k)}] = st.int64(7);
                 });
  }
  if (r) {
    r = each_row(c,
                 "SELECT grain, day, agency_id, category_id, status, n FROM roll_dispatches "
                 "WHERE jurisdiction_id = ? AND n <> 0",
                 jurisdiction_id, "roll_dispatches", [&](const statement& st) {
                   dispatch_roll_key k{jurisdiction_id, st.int64(1), st.text(2), st.text(3), st.text(4)};
                   out.dispatches[{static_cast<int>(st.int64(0)), std::move(k)}] = st.int64(5);
                 });
  }
  if (r) {
    r = each_row(c,
                 cat({"SELECT grain, day, agency_id, category_id, step, status, n, limited, within, ", histogram_read_sql,
                      " FROM roll_dispatch_steps WHERE jurisdiction_id = ? AND (n <> 0 OR limited <> 0 OR within <> 0)"}),
                 jurisdiction_id, "roll_dispatch_steps", [&](const statement& st) {
                   step_row_key k{jurisdiction_id, st.int64(1), st.text(2), st.text(3), st.text(4), st.text(5)};
                   out.steps[{static_cast<int>(st.int64(0)), std::move(k)}] =
                       step_row{st.int64(6), st.int64(7), st.int64(8), st.text(9)};
                 });
  }
  if (!r) return r.error();
  return out;
}

result<record_counts> count_records(connection& c, const std::string& jurisdiction_id) {
  auto st = c.prepare(
      "SELECT (SELECT count(*) FROM reports WHERE jurisdiction_id = ?1), (SELECT count(*) FROM incidents WHERE "
      "jurisdiction_id = ?1), (SELECT count(*) FROM dispatches WHERE jurisdiction_id = ?1)");
  if (!st) return st.error();
  st->bind(jurisdiction_id);
  auto row = st->step("records");
  if (!row) return row.error();
  if (!*row) return record_counts{};
  return record_counts{st->int64(0), st->int64(1), st->int64(2)};
}

result<void> replace(connection& c, const std::string& jurisdiction_id, const rollup_rows& rows) {
  for (const auto* table : rollup_table_names) {
    auto st = c.prepare(cat({"DELETE FROM ", table, " WHERE jurisdiction_id = ?"}));
    if (!st) return st.error();
    st->bind(jurisdiction_id);
    if (auto r = st->run(table); !r) return r;
  }
  auto r = insert_all(c,
                      "INSERT INTO roll_incidents (jurisdiction_id, grain, day, category_id, urgency_class, district_id, "
                      "status, dispatched, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "roll_incidents", jurisdiction_id, rows.incidents,
                      [](statement& st, const incident_roll_key& k, std::int64_t n) {
                        st.bind(k.category_id).bind(k.urgency).bind(k.district_id).bind(k.status).bind(k.dispatched).bind(n);
                      });
  if (r) {
    r = insert_all(c,
                   "INSERT INTO roll_incident_grains (jurisdiction_id, grain, day, dim, value, category_id, urgency_class, "
                   "status, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "roll_incident_grains", jurisdiction_id, rows.incident_grains,
                   [](statement& st, const incident_grain_key& k, std::int64_t n) {
                     st.bind(k.dim).bind(k.value).bind(k.category_id).bind(k.urgency).bind(k.status).bind(n);
                   });
  }
  if (r) {
    r = insert_all(c,
                   "INSERT INTO roll_reports (jurisdiction_id, grain, day, category_id, district_id, status, channel, "
                   "reject_reason, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "roll_reports", jurisdiction_id, rows.reports,
                   [](statement& st, const report_roll_key& k, std::int64_t n) {
                     st.bind(k.category_id).bind(k.district_id).bind(k.status).bind(k.channel).bind(k.reject_reason).bind(n);
                   });
  }
  if (r) {
    r = insert_all(c,
                   "INSERT INTO roll_dispatches (jurisdiction_id, grain, day, agency_id, category_id, status, n) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   "roll_dispatches", jurisdiction_id, rows.dispatches,
                   [](statement& st, const dispatch_roll_key& k, std::int64_t n) {
                     st.bind(k.agency_id).bind(k.category_id).bind(k.status).bind(n);
                   });
  }
  if (r) {
    r = insert_all(c,
                   cat({"INSERT INTO roll_dispatch_steps (jurisdiction_id, grain, day, agency_id, category_id, step, status, ",
                        "n, limited, within, histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ", histogram_write_sql, ")"}),
                   "roll_dispatch_steps", jurisdiction_id, rows.steps,
                   [](statement& st, const step_row_key& k, const step_row& v) {
                     st.bind(k.agency_id).bind(k.category_id).bind(k.step).bind(k.status).bind(v.n).bind(v.limited).bind(v.within).bind(
                         v.histogram);
                   });
  }
  return r;
}

