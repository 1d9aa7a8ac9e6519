// The call rollups' flush and reads (call_rollups_sql.hpp of each store: flush, counts,
// answer_histograms, period_rows), shared by both stores: included by
// sqlite/call_rollups_sql.cpp and postgres/call_rollups_sql.cpp inside their own
// call_rollups_sql namespace, where connection, statement and cat are the store's own. Plain
// SQL both dialects speak: ? placeholders, ON CONFLICT with its target and the updated columns
// qualified; a histogram is domain::millis_histogram's bytes (SQLite BLOB, PostgreSQL bytea,
// bind_blob/blob on both). Not a header: no include guard, and it belongs to those two files only.

namespace {

constexpr std::string_view call_keys = "jurisdiction_id, grain, day, hour, agent, line, outcome, classification";
constexpr std::string_view call_values = "n, follow_ups, within_10, within_15, within_20";
constexpr std::string_view answer_keys = "jurisdiction_id, grain, day, hour, agent, line";
constexpr std::string_view answer_values = "n, hist";
constexpr std::string_view period_table = "roll_call_periods";
constexpr std::string_view period_keys = "jurisdiction_id, grain, day, hour";

// The period rows' figure columns (call_period_columns) and their histogram.
std::string period_values() {
  std::string out;
  for (auto c : call_period_columns) out += cat({c, ", "});
  return out + "hist";
}

std::int64_t month_start(std::int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day}}};
  return sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

// A batch's changes of call counts, many rows a statement (multi_row_upsert).
result<void> flush_calls(connection& c, const std::map<call_roll_key, call_roll_counts>& changes, int grain) {
  static const multi_row_upsert sql(
      "roll_calls", cat({call_keys, ", ", call_values}), 13, call_keys,
      "n = roll_calls.n + excluded.n, follow_ups = roll_calls.follow_ups + excluded.follow_ups, "
      "within_10 = roll_calls.within_10 + excluded.within_10, within_15 = roll_calls.within_15 + excluded.within_15, "
      "within_20 = roll_calls.within_20 + excluded.within_20");
  std::vector<std::map<call_roll_key, call_roll_counts>::const_pointer> rows;
  rows.reserve(changes.size());
  for (const auto& kv : changes) {
    if (!kv.second.zero()) rows.push_back(&kv);
  }
  for (std::size_t from = 0; from < rows.size();) {
    const auto chunk = multi_row_upsert::chunk(rows.size() - from);
    auto st = c.prepare(sql.sql(chunk));
    if (!st) return st.error();
    for (std::size_t i = from; i < from + chunk; ++i) {
      const auto& [k, v] = *rows[i];
      st->bind(k.jurisdiction_id).bind(grain).bind(k.day).bind(k.hour).bind(k.agent).bind(k.line).bind(k.outcome);
      st->bind(k.classification).bind(v.n).bind(v.follow_ups).bind(v.within_10).bind(v.within_15).bind(v.within_20);
    }
    if (auto r = st->run("roll_calls"); !r) return r;
    from += chunk;
  }
  return {};
}

// An answer row is read, changed and written whole (its histogram is one encoded value).
result<void> flush_answers(connection& c, const std::map<call_answer_key, bucket_changes>& changes, int grain) {
  static const std::string read =
      "SELECT hist FROM roll_call_answers WHERE jurisdiction_id = ? AND grain = ? AND day = ? AND hour = ? AND "
      "agent = ? AND line = ?";
  static const std::string write = cat({"INSERT INTO roll_call_answers (", answer_keys, ", ", answer_values,
                                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (", answer_keys, ") DO UPDATE SET ",
                                        "n = excluded.n, hist = excluded.hist"});
  for (const auto& [k, delta] : changes) {
    bool changed = false;
    for (const auto& [b, n] : delta) changed = changed || n != 0;
    if (!changed) continue;
    SIAGA_TRY(hist, [&]() -> result<domain::millis_histogram> {
      auto st = c.prepare(read);
      if (!st) return st.error();
      st->bind(k.jurisdiction_id).bind(grain).bind(k.day).bind(k.hour).bind(k.agent).bind(k.line);
      auto row = st->step("roll_call_answers");
      if (!row) return row.error();
      return *row ? decoded_histogram(st->blob(0), "roll_call_answers") : domain::millis_histogram{};
    }());
    if (auto r = apply_changes(hist, delta, "roll_call_answers"); !r) return r;
    auto st = c.prepare(write);
    if (!st) return st.error();
    auto bytes = hist.encode();
    st->bind(k.jurisdiction_id).bind(grain).bind(k.day).bind(k.hour).bind(k.agent).bind(k.line);
    st->bind(hist.count()).bind_blob(bytes);
    if (auto r = st->run("roll_call_answers"); !r) return r;
  }
  return {};
}

// A period row is read, changed and written whole; storage_failure for a figure that would go
// below zero (the rollup no longer matches its calls: siaga stats rebuild).
result<void> flush_periods(connection& c, const std::map<call_period_key, call_period_change>& changes) {
  static const std::string read = cat({"SELECT ", period_values(), " FROM ", period_table,
                                       " WHERE jurisdiction_id = ? AND grain = ? AND day = ? AND hour = ?"});
  static const std::string write = [] {
    std::string placeholders = "?, ?, ?, ?";
    std::string sets;
    for (auto col : call_period_columns) {
      placeholders += ", ?";
      sets += cat({col, " = excluded.", col, ", "});
    }
    return cat({"INSERT INTO ", period_table, " (", period_keys, ", ", period_values(), ") VALUES (", placeholders,
                ", ?) ON CONFLICT (", period_keys, ") DO UPDATE SET ", sets, "hist = excluded.hist"});
  }();
  for (const auto& [k, change] : changes) {
    if (change.zero()) continue;
    call_period_figures now{};
    domain::millis_histogram hist;
    {
      auto st = c.prepare(read);
      if (!st) return st.error();
      st->bind(k.jurisdiction_id).bind(k.grain).bind(k.day).bind(k.hour);
      auto row = st->step(period_table);
      if (!row) return row.error();
      if (*row) {
        for (std::size_t i = 0; i < now.size(); ++i) now[i] = st->int64(static_cast<int>(i));
        SIAGA_TRY(decoded, decoded_histogram(st->blob(static_cast<int>(now.size())), period_table));
        hist = std::move(decoded);
      }
    }
    for (std::size_t i = 0; i < now.size(); ++i) {
      now[i] += change.figures[i];
      if (now[i] < 0) return failure("roll_call_periods: a count would go below zero; run siaga stats rebuild");
    }
    if (auto r = apply_changes(hist, change.buckets, period_table); !r) return r;
    auto st = c.prepare(write);
    if (!st) return st.error();
    st->bind(k.jurisdiction_id).bind(k.grain).bind(k.day).bind(k.hour);
    for (auto n : now) st->bind(n);
    auto bytes = hist.encode();
    st->bind_blob(bytes);
    if (auto r = st->run(period_table); !r) return r;
  }
  return {};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// The bounds of a range: its jurisdiction and grain, its days, whether its hours matter
// (grain 0), and its hours.
void bind_range(statement& st, const call_rollup_range& r) {
  bool days = r.grain != 0;
  st.bind(r.jurisdiction_id).bind(r.grain);
  st.bind(days ? r.from : floor_div(r.from, 24)).bind(days ? r.to : floor_div(r.to - 1, 24) + 1);
  st.bind_bool(days).bind(r.from).bind(r.to);
}

constexpr std::string_view range_where =
    " WHERE jurisdiction_id = ? AND grain = ? AND day >= ? AND day < ? AND "
    "(? OR (day * 24 + hour >= ? AND day * 24 + hour < ?)) AND n <> 0";

}  // namespace

result<void> flush(connection& c, const call_rollup_deltas& d) {
  if (auto r = flush_calls(c, d.calls(), 0); !r) return r;
  if (auto r = flush_answers(c, d.answers(), 0); !r) return r;
  std::map<call_roll_key, call_roll_counts> calls;
  for (const auto& [k, v] : d.calls()) {
    auto m = k;
    m.day = month_start(k.day);
    m.hour = -1;
    calls[m].add(v);
  }
  std::map<call_answer_key, bucket_changes> answers;
  for (const auto& [k, v] : d.answers()) {
    auto m = k;
    m.day = month_start(k.day);
    m.hour = -1;
    auto& into = answers[m];
    for (const auto& [b, n] : v) into[b] += n;
  }
  if (auto r = flush_calls(c, calls, 1); !r) return r;
  if (auto r = flush_answers(c, answers, 1); !r) return r;
  return flush_periods(c, d.periods());
}

result<std::vector<call_rollup_row>> counts(connection& c, const call_rollup_range& range) {
  static const std::string sql = cat({"SELECT day, hour, agent, line, outcome, classification, ", call_values,
                                      " FROM roll_calls", range_where});
  auto st = c.prepare(sql);
  if (!st) return st.error();
  bind_range(*st, range);
  std::vector<call_rollup_row> out;
  for (;;) {
    auto row = st->step("roll_calls");
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({st->int64(0), static_cast<int>(st->int64(1)), st->text(2), st->text(3), st->text(4), st->text(5),
                   st->int64(6), st->int64(7), st->int64(8), st->int64(9), st->int64(10)});
  }
  return out;
}

result<std::vector<call_answer_row>> answer_histograms(connection& c, const call_rollup_range& range) {
  static const std::string sql = cat({"SELECT day, hour, agent, line, n, hist FROM roll_call_answers", range_where});
  auto st = c.prepare(sql);
  if (!st) return st.error();
  bind_range(*st, range);
  std::vector<call_answer_row> out;
  for (;;) {
    auto row = st->step("roll_call_answers");
    if (!row) return row.error();
    if (!*row) break;
    SIAGA_TRY(hist, decoded_histogram(st->blob(5), "roll_call_answers"));
    out.push_back({st->int64(0), static_cast<int>(st->int64(1)), st->text(2), st->text(3), st->int64(4), std::move(hist)});
  }
  return out;
}

result<std::vector<call_period_row>> period_rows(connection& c, const call_rollup_range& range) {
  static const std::string sql =
      cat({"SELECT day, hour, ", period_values(), " FROM ", period_table, range_where, " ORDER BY day, hour"});
  auto st = c.prepare(sql);
  if (!st) return st.error();
  bind_range(*st, range);
  std::vector<call_period_row> out;
  for (;;) {
    auto row = st->step(period_table);
    if (!row) return row.error();
    if (!*row) break;
    call_period_row r;
    r.day = st->int64(0);
    r.hour = static_cast<int>(st->int64(1));
    for (std::size_t i = 0; i < r.figures.size(); ++i) r.figures[i] = st->int64(static_cast<int>(i + 2));
    SIAGA_TRY(hist, decoded_histogram(st->blob(static_cast<int>(r.figures.size() + 2)), period_table));
    r.hist = std::move(hist);
    out.push_back(std::move(r));
  }
  return out;
}
