#include "storage/sqlite/call_periods_sql.hpp"

#include "storage/sqlite/query.hpp"

#include <charconv>

namespace siaga::storage::sqlite::call_periods_sql {
namespace {

constexpr std::string_view key_columns = "jurisdiction_id, grain, day, hour";

std::string value_list() {
  std::string out;
  for (auto c : call_period_columns) {
    out += c;
    out += ", ";
  }
  return out + "millis";
}

// How the recount counts each figure over calls_inner's columns (in call_period_columns'
// order): as compute_call_stats does, ms NULL for a call not answered.
std::string figure_sums() {
  std::string out = "count(*), count(CASE WHEN outcome = 'answered' THEN 1 END), "
                    "count(CASE WHEN outcome = 'abandoned' THEN 1 END), count(CASE WHEN outcome = 'missed' THEN 1 END), "
                    "count(CASE WHEN outcome = '' THEN 1 END), ";
  for (std::size_t i = 5; i < 11; ++i) {
    out += cat({"count(CASE WHEN classification = '", call_period_columns[i], "' THEN 1 END), "});
  }
  out += "count(CASE WHEN classification = '' AND outcome = 'answered' THEN 1 END), sum(follow), "
         "count(CASE WHEN ms <= 10000 THEN 1 END), count(CASE WHEN ms <= 15000 THEN 1 END), "
         "count(CASE WHEN ms <= 20000 THEN 1 END), siaga_counts_agg(ms, 1)";
  return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> pairs_of(std::string_view text, bool& ok) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  const char* p = text.data();
  const char* end = p + text.size();
  ok = true;
  while (p < end) {
    std::int64_t v = 0, n = 0;
    auto a = std::from_chars(p, end, v);
    if (a.ec != std::errc() || a.ptr == end || *a.ptr != ':') return ok = false, out;
    auto b = std::from_chars(a.ptr + 1, end, n);
    if (b.ec != std::errc() || n <= 0 || (!out.empty() && out.back().first >= v)) return ok = false, out;
    out.emplace_back(v, n);
    p = b.ptr;
    if (p < end && *p++ != ',') return ok = false, out;
  }
  return out;
}

}  // namespace

std::string_view keys() { return key_columns; }
std::string values() { return value_list(); }

std::string table(std::string_view prefix) {
  std::string out = cat({"CREATE TABLE ", prefix, table_name,
                         " (jurisdiction_id TEXT NOT NULL, grain INTEGER NOT NULL, day INTEGER NOT NULL, "
                         "hour INTEGER NOT NULL, "});
  for (auto c : call_period_columns) out += cat({c, " INTEGER NOT NULL, "});
  return out + cat({"millis TEXT NOT NULL, PRIMARY KEY (", key_columns, ")) STRICT, WITHOUT ROWID;\n"});
}

std::string fill(std::string_view prefix, std::string_view calls_inner) {
  std::string day_sums;
  for (auto c : call_period_columns) day_sums += cat({"sum(", c, "), "});
  return cat({"INSERT INTO ", prefix, table_name, " (", key_columns, ", ", value_list(),
              ") SELECT jurisdiction_id, 0, day, hour, ", figure_sums(), " FROM (", calls_inner,
              ") GROUP BY jurisdiction_id, day, hour;\n", "INSERT INTO ", prefix, table_name, " (", key_columns, ", ",
              value_list(), ") SELECT jurisdiction_id, 1, day, -1, ", day_sums, "siaga_counts_merge(millis) FROM ",
              prefix, table_name, " WHERE grain = 0 GROUP BY jurisdiction_id, day;\n"});
}

result<void> flush(connection& c, const std::map<call_period_key, call_period_change>& changes) {
  static const std::string read =
      cat({"SELECT ", value_list(), " FROM ", table_name, " WHERE jurisdiction_id = ? AND grain = ? AND day = ? AND hour = ?"});
  static const std::string write = [] {
    std::string placeholders = "?, ?, ?, ?";
    std::string sets;
    for (auto col : call_period_columns) {
      placeholders += ", ?";
      sets += cat({col, " = excluded.", col, ", "});
    }
    return cat({"INSERT INTO ", table_name, " (", key_columns, ", ", value_list(), ") VALUES (", placeholders,
                ", ?) ON CONFLICT DO UPDATE SET ", sets, "millis = excluded.millis"});
  }();
  for (const auto& [k, change] : changes) {
    if (change.zero()) continue;
    call_period_figures now{};
    value_counts millis;
    {
      auto st = c.prepare(read);
      if (!st) return st.error();
      st->bind(k.jurisdiction_id).bind(k.grain).bind(k.day).bind(k.hour);
      auto row = st->step(table_name);
      if (!row) return row.error();
      if (*row) {
        for (std::size_t i = 0; i < now.size(); ++i) now[i] = st->int64(static_cast<int>(i));
        auto decoded = decode_value_counts(st->view(static_cast<int>(now.size())));
        if (!decoded) return failure("roll_call_periods: unreadable milliseconds; run siaga stats rebuild");
        millis = std::move(*decoded);
      }
    }
    for (std::size_t i = 0; i < now.size(); ++i) {
      now[i] += change.figures[i];
      if (now[i] < 0) return failure("roll_call_periods: a count would go below zero; run siaga stats rebuild");
    }
    for (const auto& [v, n] : change.millis) {
      auto& slot = millis[v];
      slot += n;
      if (slot < 0) return failure("roll_call_periods: a count would go below zero; run siaga stats rebuild");
      if (slot == 0) millis.erase(v);
    }
    auto st = c.prepare(write);
    if (!st) return st.error();
    st->bind(k.jurisdiction_id).bind(k.grain).bind(k.day).bind(k.hour);
    for (auto n : now) st->bind(n);
    auto text = encode_value_counts(millis);
    st->bind(text);
    if (auto r = st->run(table_name); !r) return r;
  }
  return {};
}

result<std::vector<call_period_row>> rows(connection& c, const call_rollup_range& range) {
  static const std::string sql = cat({"SELECT day, hour, ", value_list(), " FROM ", table_name,
                                      " WHERE jurisdiction_id = ? AND grain = ? AND day >= ? AND day < ? AND "
                                      "(? OR (day * 24 + hour >= ? AND day * 24 + hour < ?)) AND n <> 0 "
                                      "ORDER BY day, hour"});
  auto floor_div = [](std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); };
  bool days = range.grain != 0;
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(range.jurisdiction_id).bind(range.grain);
  st->bind(days ? range.from : floor_div(range.from, 24)).bind(days ? range.to : floor_div(range.to - 1, 24) + 1);
  st->bind_bool(days).bind(range.from).bind(range.to);
  std::vector<call_period_row> out;
  for (;;) {
    auto row = st->step(table_name);
    if (!row) return row.error();
    if (!*row) break;
    call_period_row r;
    r.day = st->int64(0);
    r.hour = static_cast<int>(st->int64(1));
    for (std::size_t i = 0; i < r.figures.size(); ++i) r.figures[i] = st->int64(static_cast<int>(i + 2));
    bool ok = true;
    r.millis = pairs_of(st->view(static_cast<int>(r.figures.size() + 2)), ok);
    if (!ok) return failure("roll_call_periods: unreadable milliseconds; run siaga stats rebuild");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace siaga::storage::sqlite::call_periods_sql
