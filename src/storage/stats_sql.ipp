// The counts behind statistics (issue 10) from the rollups and the rows, shared by both stores:
// included by sqlite/stats_sql.cpp and postgres/stats_sql.cpp inside their own stats_sql
// namespace, where connection, statement and cat are the store's own, and where the store
// defines first what its dialect says differently:
//   std::string first_day_sql(std::string_view day, std::string_view unit)  the local day number
//       of the first day of the month or year (unit) of a local day number (SQL);
//   std::string text_key(std::string_view expr)  expr ordered by its bytes, as SQLite's BINARY;
//   histogram_merge_sql  the aggregate over roll_dispatch_steps.histogram, and
//   result<std::string> merged_histogram(std::string_view)  its value as one encoded histogram.
// Not a header: no include guard, and it belongs to those two files only.
namespace {

// The column of a dim in a table's rows, or nullptr when the table has none.
const char* row_column(std::string_view table, stats_dim d) {
  bool incidents = table == "incidents";
  switch (d) {
    case stats_dim::category: return "category_id";
    case stats_dim::urgency: return incidents ? "urgency_class" : nullptr;
    case stats_dim::district: return "district_id";
    case stats_dim::status: return "status";
    case stats_dim::channel: return incidents ? nullptr : "source";
    case stats_dim::reject_reason: return incidents ? nullptr : "rejection";
    case stats_dim::agency: return nullptr;
    case stats_dim::call_taker: return "created_by";
    case stats_dim::dispatched:
      // Dispatched to the field at least once (storage/rollup_deltas.hpp).
      return incidents ? "CASE WHEN first_dispatched_at IS NULL THEN 'no' ELSE 'yes' END" : nullptr;
    case stats_dim::village: return "village_id";
  }
  return nullptr;
}

// The column of a dim in a table's rollup, or nullptr when the rollup does not keep it.
const char* rollup_column(std::string_view table, stats_dim d) {
  if (d == stats_dim::call_taker || d == stats_dim::village) return nullptr;
  if (d == stats_dim::dispatched) return table == "incidents" ? "dispatched" : nullptr;
  if (table == "reports" && d == stats_dim::channel) return "channel";
  if (table == "reports" && d == stats_dim::reject_reason) return "reject_reason";
  return row_column(table, d);
}

// The bucket of a local day number (SQL of day_sql) for q.bucket. offset is ours, never input.
std::string bucket_of_day(std::string_view day_sql, stats_bucket b) {
  auto d = cat({"(", day_sql, ")"});

  switch (b) {
    case stats_bucket::hour:
    case stats_bucket::day: return d;
    case stats_bucket::week: return cat({d, " - ((", d, " + 3) % 7)"});  // 1970-01-01 was a Thursday
    case stats_bucket::month: return first_day_sql(d, "month");
    case stats_bucket::year: return first_day_sql(d, "year");
    case stats_bucket::all: return "0";
  }
  return d;
}

// The bucket of a time column (UTC microseconds) in the zone of q.
std::string bucket_of_time(std::string_view col, const stats_count_query& q) {
  auto local_s = cat({"(", col, " / 1000000 + ", std::to_string(std::int64_t{q.offset_minutes} * 60), ")"});
  if (q.bucket == stats_bucket::hour) return cat({local_s, " / 3600"});
  return bucket_of_day(cat({local_s, " / 86400"}), q.bucket);
}

// The local day number of a local day's start time.
std::int64_t day_of(timestamp t, int offset_minutes) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() + std::int64_t{offset_minutes} * 60;
  return s / 86400 - (s % 86400 < 0);
}

// The rollup rows behind [from_day, to_day): the whole months from the month rows (grain 1)
// when the buckets are months or longer, the days before and after them from the day rows.
struct rollup_ranges {
  std::int64_t days_before_from, days_before_to, months_from, months_to, days_after_from, days_after_to;
};

std::int64_t month_start(std::int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day}}};
  return sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

rollup_ranges ranges_of(std::int64_t from, std::int64_t to, stats_bucket b) {
  bool months = b == stats_bucket::month || b == stats_bucket::year || b == stats_bucket::all;
  if (!months) return {from, to, 0, 0, 0, 0};
  using namespace std::chrono;
  auto first = month_start(from);
  if (first < from) {
    year_month_day ymd{sys_days{days{first}}};
    first = sys_days{(ymd.year() / ymd.month() / 1) + std::chrono::months(1)}.time_since_epoch().count();
  }
  auto last = month_start(to);
  if (first >= last) return {from, to, 0, 0, 0, 0};
  return {from, first, first, last, last, to};
}

// Whether a read over r needs the month rows and the days after them, or the day rows of
// [days_before_from, days_before_to) answer it alone (every grouping finer than a month).
bool whole_months(const rollup_ranges& r) { return r.months_from < r.months_to || r.days_after_from < r.days_after_to; }

// The FROM source of a rollup read over r: its rows in the three ranges (9 parameters), or the
// day rows alone (3 parameters) when r holds no whole month, so that SQLite reads them in key
// order rather than through a compound; where_sql narrows them further (ours, never input).
std::string rollup_source(std::string_view table, const rollup_ranges& r, std::string_view where_sql = "") {
  auto part = [&](std::string_view grain) {
    return cat({"SELECT * FROM ", table, " WHERE jurisdiction_id = ?", where_sql, " AND grain = ", grain,
                " AND day >= ? AND day < ?"});
  };
  if (!whole_months(r)) return cat({"(", part("0"), ") AS r"});
  return cat({"(", part("0"), " UNION ALL ", part("0"), " UNION ALL ", part("1"), ") AS r"});
}

void bind_ranges(statement& st, const std::string& jurisdiction, const rollup_ranges& r) {
  st.bind(jurisdiction).bind(r.days_before_from).bind(r.days_before_to);
  if (!whole_months(r)) return;
  st.bind(jurisdiction).bind(r.days_after_from).bind(r.days_after_to);
  st.bind(jurisdiction).bind(r.months_from).bind(r.months_to);
}

// Runs sql (bind binds its parameters) and reads bucket, the dims' values and the count.
template <class Bind>
result<std::vector<stats_count_row>> run_count(connection& c, const std::string& sql, std::size_t ndims, Bind bind,
                                               std::string_view table) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  bind(*st);
  std::vector<stats_count_row> out;
  for (;;) {
    auto row = st->step(table);
    if (!row) return row.error();
    if (!*row) break;
    stats_count_row r;
    r.bucket = st->int64(0);
    for (std::size_t i = 0; i < ndims; ++i) r.dims.push_back(st->text(static_cast<int>(i) + 1));
    r.count = st->int64(static_cast<int>(ndims) + 1);
    out.push_back(std::move(r));
  }
  return out;
}

std::string group_and_order(std::size_t ndims) {
  std::string g = " GROUP BY 1";
  for (std::size_t i = 0; i < ndims; ++i) g += ", " + std::to_string(i + 2);
  std::string o = " ORDER BY 1";
  for (std::size_t i = 0; i < ndims; ++i) o += ", " + std::to_string(i + 2);
  return g + o;
}


// The incident grain (roll_incident_grains' dim) that answers q, or nullptr when none does: by
// hour, or by call taker or village, with at most category, urgency and status beside.
const char* incident_grain_of(const stats_count_query& q) {
  const char* grain = q.bucket == stats_bucket::hour ? "hour" : nullptr;
  for (auto d : q.dims) {
    if (d == stats_dim::category || d == stats_dim::urgency || d == stats_dim::status) continue;
    if (grain || (d != stats_dim::call_taker && d != stats_dim::village)) return nullptr;
    grain = d == stats_dim::call_taker ? "call_taker" : "village";
  }
  return grain;
}

// A count from roll_incident_grains: the dim's value is its column "value"; by hour, a row's
// local hour is its day's first hour plus its value.
result<std::vector<stats_count_row>> count_grain(connection& c, const char* grain, const stats_count_query& q) {
  bool hours = q.bucket == stats_bucket::hour;
  std::string dims;
  for (auto d : q.dims) {
    dims += cat({", ", d == stats_dim::call_taker || d == stats_dim::village ? "value" : rollup_column("incidents", d)});
  }
  auto bucket = hours ? std::string("day * 24 + CAST(value AS INTEGER)") : bucket_of_day("day", q.bucket);
  auto ranges = ranges_of(day_of(q.from, q.offset_minutes), day_of(q.to, q.offset_minutes),
                          hours ? stats_bucket::day : q.bucket);
  auto source = rollup_source("roll_incident_grains", ranges, cat({" AND dim = '", grain, "'"}));
  // By hour: grouped by (day, value) rather than by the hour computed from them, the same
  // groups (value is the local hour in two digits) in the primary key's order, so that a year's
  // 300,000 rows at 10 M incidents are summed as they are read instead of sorted first.
  std::string by_hour;
  for (std::size_t i = 0; i < q.dims.size(); ++i) by_hour += ", " + std::to_string(i + 2);
  auto sql = cat({"SELECT ", bucket, dims, ", sum(n) FROM ", source,
                  hours ? cat({" GROUP BY day, value", by_hour, " ORDER BY day, value", by_hour})
                        : group_and_order(q.dims.size())});
  sql.insert(sql.find(" ORDER BY"), " HAVING sum(n) <> 0");
  return run_count(
      c, sql, q.dims.size(), [&](statement& st) { bind_ranges(st, q.jurisdiction_id, ranges); }, "roll_incident_grains");
}

}  // namespace

result<std::vector<stats_count_row>> count(connection& c, std::string_view table, const stats_count_query& q) {
  bool rollup = q.bucket != stats_bucket::hour;
  for (auto d : q.dims) {
    if (!row_column(table, d)) return core::invalid(cat({"this count cannot be grouped by that dimension for ", table}));
    if (!rollup_column(table, d)) rollup = false;
  }
  if (!rollup && table == "incidents") {
    if (const auto* grain = incident_grain_of(q)) return count_grain(c, grain, q);
  }
  std::string dims;
  if (rollup) {
    // The rollup's days: q.from and q.to are local midnights.
    for (auto d : q.dims) dims += cat({", ", rollup_column(table, d)});
    auto ranges = ranges_of(day_of(q.from, q.offset_minutes), day_of(q.to, q.offset_minutes), q.bucket);
    auto sql = cat({"SELECT ", bucket_of_day("day", q.bucket), dims, ", sum(n) FROM ",
                    rollup_source(cat({"roll_", table}), ranges), group_and_order(q.dims.size())});
    sql.insert(sql.find(" ORDER BY"), " HAVING sum(n) <> 0");
    return run_count(
        c, sql, q.dims.size(), [&](statement& st) { bind_ranges(st, q.jurisdiction_id, ranges); }, table);
  }
  for (auto d : q.dims) dims += cat({", ", text_key(cat({"coalesce(", row_column(table, d), ", '')"}))});
  auto sql = cat({"SELECT ", bucket_of_time("created_at", q), dims, ", count(*) FROM ", table,
                  " WHERE jurisdiction_id = ? AND created_at >= ? AND created_at < ?", group_and_order(q.dims.size())});
  return run_count(
      c, sql, q.dims.size(), [&](statement& st) { st.bind(q.jurisdiction_id).bind(q.from).bind(q.to); }, table);
}

result<std::vector<dispatch_time_row>> dispatch_times(connection& c, const stats_count_query& q) {
  auto sql = cat({"SELECT ", bucket_of_time("d.notified_at", q), ", d.agency_id, i.category_id, d.status, ",
                  "(d.acknowledged_at - d.notified_at) / 1000000, (d.en_route_at - d.notified_at) / 1000000, ",
                  "(d.on_scene_at - d.notified_at) / 1000000, (d.completed_at - d.notified_at) / 1000000, ",
                  "d.notified_at, d.acknowledged_at, d.on_scene_at ",
                  "FROM dispatches d JOIN incidents i ON i.id = d.incident_id ",
                  "WHERE d.jurisdiction_id = ? AND d.notified_at >= ? AND d.notified_at < ? ORDER BY d.notified_at, ",
                  text_key("d.id")});
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(q.jurisdiction_id).bind(q.from).bind(q.to);
  auto opt = [&](int col) -> std::optional<std::int64_t> {
    if (st->is_null(col)) return std::nullopt;
    return st->int64(col);
  };
  std::vector<dispatch_time_row> out;
  for (;;) {
    auto row = st->step("dispatches");
    if (!row) return row.error();
    if (!*row) break;
    dispatch_time_row r;
    r.bucket = st->int64(0);
    r.agency_id = st->text(1);
    r.category_id = st->text(2);
    r.status = st->text(3);
    r.acknowledged_s = opt(4);
    r.en_route_s = opt(5);
    r.on_scene_s = opt(6);
    r.completed_s = opt(7);
    r.notified_at = st->time(8);
    r.acknowledged_at = st->opt_time(9);
    r.on_scene_at = st->opt_time(10);
    out.push_back(std::move(r));
  }
  return out;
}

result<dispatch_rollup> dispatch_rollups(connection& c, const stats_count_query& q) {
  if (q.bucket == stats_bucket::hour) return core::invalid("dispatch rollups are kept per day, not per hour");
  auto ranges = ranges_of(day_of(q.from, q.offset_minutes), day_of(q.to, q.offset_minutes), q.bucket);
  auto b = bucket_of_day("day", q.bucket);
  // Only the dims asked for: a year by agency then sums its categories in SQL.
  auto has = [&](stats_dim d) { return std::find(q.dims.begin(), q.dims.end(), d) != q.dims.end(); };
  std::string agency = has(stats_dim::agency) ? "agency_id" : "''";
  std::string category = has(stats_dim::category) ? "category_id" : "''";
  std::string status = has(stats_dim::status) ? "status" : "''";
  dispatch_rollup out;
  {
    auto st = c.prepare(cat({"SELECT ", b, ", ", agency, ", ", category, ", status, sum(n) FROM ",
                             rollup_source("roll_dispatches", ranges), " GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4"}));
    if (!st) return st.error();
    bind_ranges(*st, q.jurisdiction_id, ranges);
    for (;;) {
      auto row = st->step("roll_dispatches");
      if (!row) return row.error();
      if (!*row) break;
      out.counts.push_back({st->int64(0), st->text(1), st->text(2), st->text(3), st->int64(4)});
    }
  }
  auto st = c.prepare(cat({"SELECT ", b, ", ", agency, ", ", category, ", ", status, ", step, sum(n), sum(limited), ",
                           "sum(within), ", histogram_merge_sql, " FROM ", rollup_source("roll_dispatch_steps", ranges),
                           " GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5"}));
  if (!st) return st.error();
  bind_ranges(*st, q.jurisdiction_id, ranges);
  for (;;) {
    auto row = st->step("roll_dispatch_steps");
    if (!row) return row.error();
    if (!*row) break;
    SIAGA_TRY(histogram, merged_histogram(st->view(8)));
    out.steps.push_back({st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4), st->int64(5), st->int64(6),
                         st->int64(7), std::move(histogram)});
  }
  return out;
}

