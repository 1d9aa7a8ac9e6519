// The writer's flush of the statistics rollups (storage/rollup_deltas.hpp), shared by both
// stores: included by sqlite/rollups_sql.cpp and postgres/rollups_sql.cpp inside their own
// rollups_sql namespace, where connection, statement and cat are the store's own. The SQL is in
// the dialect both speak: ? placeholders, ON CONFLICT with its target and the updated column
// qualified. Not a header: no include guard, and it belongs to those two files only.
// Each store names the form of its step histograms before including this:
//   result<duration_histogram> stored_histogram(const statement&, int col)  a row's histogram,
//   std::string histogram_value(const duration_histogram&)  the value to write,
//   void bind_histogram(statement&, const std::string& value)  bound (value outlives the run).

namespace {

// What identifies a row of each rollup table (their primary keys, storage/rollup_rows.hpp).
constexpr std::string_view incident_keys =
    "jurisdiction_id, grain, day, category_id, urgency_class, district_id, status, dispatched";
constexpr std::string_view grain_keys = "jurisdiction_id, grain, day, dim, value, category_id, urgency_class, status";
constexpr std::string_view report_keys = "jurisdiction_id, grain, day, category_id, district_id, status, channel, reject_reason";
constexpr std::string_view dispatch_keys = "jurisdiction_id, grain, day, agency_id, category_id, status";
constexpr std::string_view step_keys = "jurisdiction_id, grain, day, agency_id, category_id, step, status";
constexpr std::string_view step_values = "n, limited, within, histogram";
constexpr std::string_view grain_primary_key =
    "jurisdiction_id, dim, grain, day, value, category_id, urgency_class, status";

}  // namespace

namespace {

// The local day number of the first day of a local day's month.
std::int64_t month_start(std::int64_t day) { return month_first_day(day); }

void add_to(std::int64_t& into, std::int64_t n) { into += n; }
void add_to(step_roll_counts& into, const step_roll_counts& c) {
  into.n += c.n;
  into.limited += c.limited;
  into.within += c.within;
}
bool is_zero(std::int64_t n) { return n == 0; }
bool is_zero(const step_roll_counts& c) { return c.n == 0 && c.limited == 0 && c.within == 0; }

// The same changes summed per month (a batch's days mostly fall in one month: fewer rows).
template <class Map>
Map by_month(const Map& days) {
  Map out;
  for (const auto& [day_key, v] : days) {
    auto k = day_key;
    k.day = month_start(k.day);
    add_to(out[k], v);
  }
  return out;
}

// Writes each non-zero change of m under grain, bind(statement, key, value) binding a row's
// columns after the jurisdiction, grain and day.
template <class Map, class Bind>
result<void> upsert_all(connection& c, const multi_row_upsert& sql, std::string_view table, const Map& m, int grain,
                        Bind bind) {
  std::vector<typename Map::const_pointer> rows;
  rows.reserve(m.size());
  for (const auto& kv : m) {
    if (!is_zero(kv.second)) rows.push_back(&kv);
  }
  for (std::size_t from = 0; from < rows.size();) {
    const auto chunk = multi_row_upsert::chunk(rows.size() - from);
    auto st = c.prepare(sql.sql(chunk));
    if (!st) return st.error();
    for (std::size_t i = from; i < from + chunk; ++i) {
      const auto& [k, v] = *rows[i];
      st->bind(k.jurisdiction_id).bind(grain).bind(k.day);
      bind(*st, k, v);
    }
    if (auto r = st->run(table); !r) return r;
    from += chunk;
  }
  return {};
}

// A step row's counts and histogram changed by the bucket changes of one key: read, changed,
// written whole (a histogram is one value per row, in the store's form).
result<void> flush_steps(connection& c, const std::map<step_roll_key, step_roll_counts>& changes, int grain) {
  static const std::string read = cat({"SELECT n, limited, within, histogram FROM roll_dispatch_steps WHERE ",
                                       "jurisdiction_id = ? AND grain = ? AND day = ? AND agency_id = ? AND ",
                                       "category_id = ? AND step = ? AND status = ?"});
  static const std::string write = cat({"INSERT INTO roll_dispatch_steps (", step_keys, ", ", step_values,
                                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (", step_keys, ") DO UPDATE SET ",
                                        "n = excluded.n, limited = excluded.limited, within = excluded.within, ",
                                        "histogram = excluded.histogram"});
  for (auto it = changes.begin(); it != changes.end();) {
    const auto& key = it->first;
    auto same_row = [&](const step_roll_key& k) {
      return k.jurisdiction_id == key.jurisdiction_id && k.day == key.day && k.agency_id == key.agency_id &&
             k.category_id == key.category_id && k.step == key.step && k.status == key.status;
    };
    step_roll_counts counts;
    domain::duration_histogram h;
    {
      auto st = c.prepare(read);
      if (!st) return st.error();
      st->bind(key.jurisdiction_id).bind(grain).bind(key.day).bind(key.agency_id).bind(key.category_id).bind(key.step);
      st->bind(key.status);
      auto row = st->step("roll_dispatch_steps");
      if (!row) return row.error();
      if (*row) {
        counts = {st->int64(0), st->int64(1), st->int64(2)};
        auto decoded = stored_histogram(*st, 3);
        if (!decoded) return core::make_error(core::errc::storage_failure, "roll_dispatch_steps: " + decoded.error().message);
        h = std::move(*decoded);
      }
    }
    bool changed = false;
    for (; it != changes.end() && same_row(it->first); ++it) {
      const auto& v = it->second;
      if (is_zero(v)) continue;
      changed = true;
      add_to(counts, v);
      if (!h.add_to_bucket(it->first.bucket, v.n)) {
        return core::make_error(core::errc::storage_failure,
                                "roll_dispatch_steps: a count would go below zero; run siaga stats rebuild");
      }
    }
    if (!changed) continue;
    auto st = c.prepare(write);
    if (!st) return st.error();
    auto value = histogram_value(h);
    st->bind(key.jurisdiction_id).bind(grain).bind(key.day).bind(key.agency_id).bind(key.category_id).bind(key.step);
    st->bind(key.status).bind(counts.n).bind(counts.limited).bind(counts.within);
    bind_histogram(*st, value);
    if (auto r = st->run("roll_dispatch_steps"); !r) return r;
  }
  return {};
}

}  // namespace

result<void> flush(connection& c, const rollup_deltas& d) {
  // Each adds n to a row, the row's key columns first (jurisdiction, grain, day, ...).
  auto adding = [](std::string_view table, std::string_view keys, int nkeys, std::string_view primary_key) {
    return multi_row_upsert(table, cat({keys, ", n"}), nkeys + 1, primary_key, cat({"n = ", table, ".n + excluded.n"}));
  };
  static const multi_row_upsert incidents = adding("roll_incidents", incident_keys, 8, incident_keys);
  static const multi_row_upsert grains = adding("roll_incident_grains", grain_keys, 8, grain_primary_key);
  static const multi_row_upsert reports = adding("roll_reports", report_keys, 8, report_keys);
  static const multi_row_upsert dispatches = adding("roll_dispatches", dispatch_keys, 6, dispatch_keys);
  auto incident = [](statement& st, const incident_roll_key& k, std::int64_t n) {
    st.bind(k.category_id).bind(k.urgency).bind(k.district_id).bind(k.status).bind(k.dispatched).bind(n);
  };
  auto grain_row = [](statement& st, const incident_grain_key& k, std::int64_t n) {
    st.bind(k.dim).bind(k.value).bind(k.category_id).bind(k.urgency).bind(k.status).bind(n);
  };
  auto report = [](statement& st, const report_roll_key& k, std::int64_t n) {
    st.bind(k.category_id).bind(k.district_id).bind(k.status).bind(k.channel).bind(k.reject_reason).bind(n);
  };
  auto dispatch = [](statement& st, const dispatch_roll_key& k, std::int64_t n) {
    st.bind(k.agency_id).bind(k.category_id).bind(k.status).bind(n);
  };
  // Grain 0: per day; grain 1: per month, so that a year reads twelve months' rows.
  for (int grain : {0, 1}) {
    auto r = upsert_all(c, incidents, "roll_incidents", grain ? by_month(d.incidents()) : d.incidents(), grain, incident);
    if (r) {
      r = upsert_all(c, grains, "roll_incident_grains", grain ? by_month(d.incident_grains()) : d.incident_grains(), grain,
                     grain_row);
    }
    if (r) r = upsert_all(c, reports, "roll_reports", grain ? by_month(d.reports()) : d.reports(), grain, report);
    if (r) {
      r = upsert_all(c, dispatches, "roll_dispatches", grain ? by_month(d.dispatches()) : d.dispatches(), grain,
                     dispatch);
    }
    if (r) r = flush_steps(c, grain ? by_month(d.steps()) : d.steps(), grain);
    if (!r) return r;
  }
  return {};
}

result<std::optional<std::string>> category_of_incident(connection& c, const std::string& incident_id) {
  auto st = c.prepare("SELECT category_id FROM incidents WHERE id = ?");
  if (!st) return st.error();
  st->bind(incident_id);
  auto row = st->step("incidents");
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->text(0));
}

