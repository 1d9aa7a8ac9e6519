#include "storage/sqlite/caller_counts_sql.hpp"

#include "storage/sqlite/multi_row.hpp"
#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace siaga::storage::sqlite::caller_counts_sql {
namespace {

// The counted figures: column and what one call adds to it, written over a row named R (NEW,
// OLD or the calls table itself in the recount).
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> figures{{
    {"calls", "1"},
    {"answered", "R.outcome IS 'answered'"},
    {"abandoned", "R.outcome IS 'abandoned'"},
    {"missed", "R.outcome IS 'missed'"},
    {"valid", "R.classification IS 'valid'"},
    {"prank", "R.classification IS 'prank'"},
    {"ghost", "R.classification IS 'ghost'"},
    {"information", "R.classification IS 'information'"},
    {"misdirected", "R.classification IS 'misdirected'"},
    {"test", "R.classification IS 'test'"},
}};

std::string of_row(std::string_view expr, std::string_view row) {
  std::string out;
  for (std::size_t i = 0; i < expr.size(); ++i) {
    if (expr[i] == 'R' && i + 1 < expr.size() && expr[i + 1] == '.') {
      out += row;  // row ends with its own '.'
      ++i;
    } else {
      out += expr[i];
    }
  }
  return out;
}

std::string figure_columns() {
  std::string out;
  for (const auto& [name, expr] : figures) out += cat({name, ", "});
  return out;
}

// The recount: one row per jurisdiction and number, in caller_counts' column order.
std::string recount_select() {
  std::string sums;
  for (const auto& [name, expr] : figures) sums += cat({"SUM(", of_row(expr, "calls."), "), "});
  return cat({"SELECT jurisdiction_id, caller, ", sums,
              "MIN(ring_at), MAX(ring_at) FROM calls WHERE caller <> '' GROUP BY jurisdiction_id, caller"});
}

// Adds (sign "+") or takes away (sign "-") one call, the row `row` of calls, from its number's
// counters. Adding also widens the ring span; taking away leaves it to span_of.
std::string delta(std::string_view row, std::string_view sign) {
  std::string values, sets;
  for (const auto& [name, expr] : figures) {
    values += cat({sign, "(", of_row(expr, cat({row, "."})), "), "});
    sets += cat({name, " = ", name, " + excluded.", name, ", "});
  }
  std::string span = sign == "+" ? "first_ring_at = MIN(first_ring_at, excluded.first_ring_at), "
                                   "last_ring_at = MAX(last_ring_at, excluded.last_ring_at)"
                                 : "first_ring_at = first_ring_at";
  return cat({"  INSERT INTO caller_counts SELECT ", row, ".jurisdiction_id, ", row, ".caller, ", values, row,
              ".ring_at, ", row, ".ring_at WHERE ", row, ".caller <> ''\n  ON CONFLICT (jurisdiction_id, number) DO "
              "UPDATE SET ",
              sets, span, ";\n"});
}

// The ring span of the number of `row` read again from the calls (two seeks in calls_by_caller),
// when `when` holds; then its row dropped when no call is left.
std::string span_of(std::string_view row, std::string_view when) {
  return cat({"  UPDATE caller_counts SET first_ring_at = (SELECT MIN(ring_at) FROM calls WHERE calls.jurisdiction_id = ",
              row, ".jurisdiction_id AND calls.caller = ", row,
              ".caller), last_ring_at = (SELECT MAX(ring_at) FROM calls WHERE calls.jurisdiction_id = ", row,
              ".jurisdiction_id AND calls.caller = ", row, ".caller) WHERE (", when, ") AND jurisdiction_id = ", row,
              ".jurisdiction_id AND number = ", row, ".caller;\n"});
}

std::string drop_empty(std::string_view row) {
  return cat({"  DELETE FROM caller_counts WHERE jurisdiction_id = ", row, ".jurisdiction_id AND number = ", row,
              ".caller AND calls = 0;\n"});
}

// Columns of calls whose change moves a number's counters.
constexpr std::string_view identity_changed =
    "OLD.jurisdiction_id IS NOT NEW.jurisdiction_id OR OLD.caller IS NOT NEW.caller OR OLD.ring_at IS NOT NEW.ring_at";

std::string table(std::string_view name) {
  std::string cols;
  for (const auto& [col, expr] : figures) cols += cat({"  ", col, " INTEGER NOT NULL,\n"});
  return cat({"CREATE TABLE ", name, " (\n  jurisdiction_id TEXT NOT NULL,\n  number TEXT NOT NULL,\n", cols,
              "  first_ring_at INTEGER,\n  last_ring_at INTEGER,\n  PRIMARY KEY (jurisdiction_id, number)\n) STRICT, "
              "WITHOUT ROWID;\n"});
}

// The directory_versions triggers: each change of these tables gives the jurisdiction a new
// random value. Random, not a count: a cache compares for equality only, and a count could come
// back to a value it held (a database restored from a backup, another database of the same
// jurisdiction id in one process), a random 64-bit value practically never does.
std::string directory_triggers() {
  std::string out;
  for (auto [tbl, key] : {std::pair{"jurisdictions", "id"}, std::pair{"categories", "jurisdiction_id"}}) {
    for (auto [change, row] : {std::pair{"insert", "NEW"}, std::pair{"update", "NEW"}, std::pair{"delete", "OLD"}}) {
      out += cat({"CREATE TRIGGER ", tbl, "_directory_", change, " AFTER ", change, " ON ", tbl,
                  " BEGIN\n  INSERT INTO directory_versions VALUES (", row, ".", key,
                  ", random())\n  ON CONFLICT (jurisdiction_id) DO UPDATE SET version = excluded.version;\nEND;\n"});
    }
  }
  return out;
}

}  // namespace

std::string schema_v21() {
  std::string sql = table("caller_counts");
  sql += cat({"INSERT INTO caller_counts (jurisdiction_id, number, ", figure_columns(),
              "first_ring_at, last_ring_at) ", recount_select(), ";\n"});
  sql += cat({"CREATE TRIGGER calls_count_insert AFTER INSERT ON calls WHEN NEW.caller <> '' BEGIN\n", delta("NEW", "+"),
              "END;\n"});
  sql += cat({"CREATE TRIGGER calls_count_update AFTER UPDATE OF jurisdiction_id, caller, ring_at, outcome, "
              "classification ON calls WHEN ",
              identity_changed,
              " OR OLD.outcome IS NOT NEW.outcome OR OLD.classification IS NOT NEW.classification BEGIN\n",
              delta("OLD", "-"), delta("NEW", "+"), span_of("OLD", identity_changed), span_of("NEW", identity_changed),
              drop_empty("OLD"), "END;\n"});
  sql += cat({"CREATE TRIGGER calls_count_delete AFTER DELETE ON calls WHEN OLD.caller <> '' BEGIN\n", delta("OLD", "-"),
              span_of("OLD", "1"), drop_empty("OLD"), "END;\n"});
  // The prank policy's window: strikes of a number after a time, without reading its other calls
  // (classification in the key only so that the index covers strike_times' query).
  sql += "CREATE INDEX calls_strikes ON calls (jurisdiction_id, caller, ring_at, classification) WHERE "
         "classification IN ('prank', 'ghost');\n";
  sql += "CREATE TABLE directory_versions (\n  jurisdiction_id TEXT NOT NULL PRIMARY KEY,\n  version INTEGER NOT "
         "NULL\n) STRICT;\nINSERT INTO directory_versions SELECT id, random() FROM jurisdictions;\n";
  sql += directory_triggers();
  return sql;
}

std::string schema_v23() {
  return "DROP TRIGGER calls_count_insert;\nDROP TRIGGER calls_count_update;\nDROP TRIGGER calls_count_delete;\n";
}

call_figures figures_of(const domain::call_record& r) {
  auto outcome = r.state.outcome;
  auto is = [&](domain::call_class k) -> std::int64_t { return r.classification == k ? 1 : 0; };
  using domain::call_class;
  using domain::call_outcome;
  return {1,
          outcome == call_outcome::answered ? 1 : 0,
          outcome == call_outcome::abandoned ? 1 : 0,
          outcome == call_outcome::missed ? 1 : 0,
          is(call_class::valid),
          is(call_class::prank),
          is(call_class::ghost),
          is(call_class::information),
          is(call_class::misdirected),
          is(call_class::test)};
}

timestamp stored_ring(const domain::call_record& r) { return r.state.ring_at.value_or(r.created_at); }

void counted::merge(const counted& other) {
  for (std::size_t i = 0; i < figures.size(); ++i) figures[i] += other.figures[i];
  if (other.first) first = first ? std::min(*first, *other.first) : *other.first;
  if (other.last) last = last ? std::max(*last, *other.last) : *other.last;
}

bool counted::empty() const {
  return !first && !last && std::all_of(figures.begin(), figures.end(), [](std::int64_t v) { return v == 0; });
}

void add_to(domain::caller_history& h, const counted& c) {
  std::array<std::int64_t*, figures.size()> into{&h.calls, &h.answered,    &h.abandoned,   &h.missed, &h.valid,
                                                 &h.prank, &h.ghost,       &h.information, &h.misdirected, &h.test};
  for (std::size_t i = 0; i < into.size(); ++i) *into[i] += c.figures[i];
  if (c.first) h.first_call_at = h.first_call_at ? std::min(*h.first_call_at, *c.first) : *c.first;
  if (c.last) h.last_call_at = h.last_call_at ? std::max(*h.last_call_at, *c.last) : *c.last;
}

namespace {

// Adds figures (negative ones take away) to a number's counters and widens its ring span to
// hold ring.
result<void> add(connection& c, const std::string& jurisdiction_id, const std::string& number,
                 const call_figures& add, timestamp ring) {
  static const std::string sql = [] {
    std::string marks, sets;
    for (const auto& [name, expr] : figures) {
      marks += "?, ";
      sets += cat({name, " = ", name, " + excluded.", name, ", "});
    }
    return cat({"INSERT INTO caller_counts VALUES (?, ?, ", marks,
                "?, ?) ON CONFLICT (jurisdiction_id, number) DO UPDATE SET ", sets,
                "first_ring_at = MIN(first_ring_at, excluded.first_ring_at), "
                "last_ring_at = MAX(last_ring_at, excluded.last_ring_at)"});
  }();
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(jurisdiction_id).bind(number);
  for (auto v : add) st->bind(v);
  st->bind(ring).bind(ring);
  return st->run("caller_counts");
}

// The ring span of a number read again from its calls, its row dropped when none is left.
result<void> respan(connection& c, const std::string& jurisdiction_id, const std::string& number) {
  auto span = prepare_bound(c,
                            "UPDATE caller_counts SET first_ring_at = (SELECT MIN(ring_at) FROM calls WHERE "
                            "calls.jurisdiction_id = ?1 AND calls.caller = ?2), last_ring_at = (SELECT MAX(ring_at) "
                            "FROM calls WHERE calls.jurisdiction_id = ?1 AND calls.caller = ?2) WHERE "
                            "jurisdiction_id = ?1 AND number = ?2",
                            jurisdiction_id, number);
  if (!span) return span.error();
  if (auto r = span->run("caller_counts"); !r) return r;
  auto drop = prepare_bound(c, "DELETE FROM caller_counts WHERE jurisdiction_id = ? AND number = ? AND calls = 0",
                            jurisdiction_id, number);
  if (!drop) return drop.error();
  return drop->run("caller_counts");
}

}  // namespace

std::vector<counter_move> moves_of(const std::optional<domain::call_record>& old, const domain::call_record& now) {
  std::vector<counter_move> out;
  const auto& number = now.state.caller;
  auto now_figures = figures_of(now);
  const auto ring = stored_ring(now);
  if (old && old->jurisdiction_id == now.jurisdiction_id && old->state.caller == number && stored_ring(*old) == ring) {
    auto was = figures_of(*old);
    if (number.empty() || was == now_figures) return out;
    for (std::size_t i = 0; i < now_figures.size(); ++i) now_figures[i] -= was[i];
    out.push_back({{now.jurisdiction_id, number}, {now_figures, ring, ring}});
    return out;
  }
  if (old && !old->state.caller.empty()) {
    auto was = figures_of(*old);
    for (auto& v : was) v = -v;
    auto old_ring = stored_ring(*old);
    out.push_back({{old->jurisdiction_id, old->state.caller}, {was, old_ring, old_ring}, true});
  }
  if (!number.empty()) out.push_back({{now.jurisdiction_id, number}, {now_figures, ring, ring}});
  return out;
}

result<void> call_written(connection& c, const std::optional<domain::call_record>& old,
                          const domain::call_record& now) {
  for (const auto& m : moves_of(old, now)) {
    const auto& [jurisdiction_id, number] = m.number;
    if (auto r = add(c, jurisdiction_id, number, m.by.figures, *m.by.first); !r) return r;
    if (m.respan) {
      if (auto r = respan(c, jurisdiction_id, number); !r) return r;
    }
  }
  return {};
}

namespace {

// The upsert's conflict clause: figures added, the span widened (a NULL span leaves it).
const std::string& upsert_tail() {
  static const std::string tail = [] {
    std::string sets;
    for (const auto& [name, expr] : figures) sets += cat({name, " = ", name, " + excluded.", name, ", "});
    return cat({" ON CONFLICT (jurisdiction_id, number) DO UPDATE SET ", sets,
                "first_ring_at = COALESCE(MIN(first_ring_at, excluded.first_ring_at), first_ring_at, "
                "excluded.first_ring_at), last_ring_at = COALESCE(MAX(last_ring_at, excluded.last_ring_at), "
                "last_ring_at, excluded.last_ring_at)"});
  }();
  return tail;
}

}  // namespace

result<void> add_counted(connection& c, const std::vector<std::pair<const number_key*, const counted*>>& rows) {
  return insert_rows(
      c, "INSERT INTO caller_counts VALUES ", figures.size() + 4, rows.size(), "caller_counts",
      [&](statement& st, std::size_t i) {
        const auto& [key, n] = rows[i];
        st.bind(key->first).bind(key->second);
        for (auto v : n->figures) st.bind(v);
        st.bind(n->first).bind(n->last);
      },
      upsert_tail());
}

result<void> recount(connection& c, const std::set<number_key>& numbers) {
  static const std::string insert = [] {
    std::string sums;
    for (const auto& [name, expr] : figures) sums += cat({"SUM(", of_row(expr, "calls."), "), "});
    return cat({"INSERT INTO caller_counts SELECT jurisdiction_id, caller, ", sums,
                "MIN(ring_at), MAX(ring_at) FROM calls WHERE jurisdiction_id = ?1 AND caller = ?2 GROUP BY "
                "jurisdiction_id, caller"});
  }();
  for (const auto& [jurisdiction_id, number] : numbers) {
    if (number.empty()) continue;
    auto drop = prepare_bound(c, "DELETE FROM caller_counts WHERE jurisdiction_id = ? AND number = ?",
                              jurisdiction_id, number);
    if (!drop) return drop.error();
    if (auto r = drop->run("caller_counts"); !r) return r;
    auto add = prepare_bound(c, insert, jurisdiction_id, number);
    if (!add) return add.error();
    if (auto r = add->run("caller_counts"); !r) return r;
  }
  return {};
}

std::string schema_v26() {
  return "CREATE TABLE writer_state (\n  name TEXT NOT NULL PRIMARY KEY,\n  value INTEGER NOT NULL\n) STRICT;\n"
         "INSERT INTO writer_state VALUES ('caller_counts_behind', 0);\n";
}

result<std::optional<bool>> behind_flag(connection& c) {
  auto st = c.prepare("SELECT value FROM writer_state WHERE name = 'caller_counts_behind'");
  if (!st) {
    if (st.error().message.find("no such table") != std::string::npos) return std::optional<bool>{};
    return st.error();
  }
  auto row = st->step("writer_state");
  if (!row) return row.error();
  return std::optional<bool>(*row && st->int64(0) != 0);
}

result<void> set_behind_flag(connection& c, bool behind) {
  auto st = prepare_bound(c, "UPDATE writer_state SET value = ? WHERE name = 'caller_counts_behind'",
                          static_cast<std::int64_t>(behind ? 1 : 0));
  if (!st) return st.error();
  return st->run("writer_state");
}

result<void> calls_inserted(connection& c, const std::vector<domain::call_record>& calls) {
  // By jurisdiction and number, in key order: one row each, written near each other.
  std::map<number_key, counted> by_number;
  for (const auto& r : calls) {
    if (r.state.caller.empty()) continue;
    auto ring = stored_ring(r);
    by_number[{r.jurisdiction_id, r.state.caller}].merge(counted{figures_of(r), ring, ring});
  }
  std::vector<std::pair<const number_key*, const counted*>> rows;
  rows.reserve(by_number.size());
  for (const auto& [key, n] : by_number) rows.emplace_back(&key, &n);
  return add_counted(c, rows);
}

result<void> erasing(connection& c, const privacy_scope& scope) {
  static const std::string sql = [] {
    std::string sums, sets;
    for (const auto& [name, expr] : figures) {
      sums += cat({"-SUM(", of_row(expr, "calls."), "), "});
      sets += cat({name, " = ", name, " + excluded.", name, ", "});
    }
    return cat({"INSERT INTO caller_counts SELECT jurisdiction_id, caller, ", sums,
                "MIN(ring_at), MAX(ring_at) FROM calls WHERE jurisdiction_id = ?1 AND ring_at < ?2 AND caller <> '' "
                "AND (?3 IS NULL OR caller = ?3) GROUP BY jurisdiction_id, caller ON CONFLICT (jurisdiction_id, "
                "number) DO UPDATE SET ",
                sets, "first_ring_at = first_ring_at"});
  }();
  auto st = prepare_bound(c, sql, scope.jurisdiction_id, scope.before, scope.phone);
  if (!st) return st.error();
  return st->run("caller_counts");
}

result<void> after_erasure(connection& c, const privacy_scope& scope) {
  // The numbers whose calls before ?2 were erased are those whose span began before it; their
  // calls left all rang at ?2 or later, so only the first ring moves.
  auto drop = prepare_bound(c,
                            "DELETE FROM caller_counts WHERE jurisdiction_id = ?1 AND first_ring_at < ?2 AND "
                            "(?3 IS NULL OR number = ?3) AND calls = 0",
                            scope.jurisdiction_id, scope.before, scope.phone);
  if (!drop) return drop.error();
  if (auto r = drop->run("caller_counts"); !r) return r;
  auto span = prepare_bound(c,
                            "UPDATE caller_counts SET first_ring_at = (SELECT MIN(ring_at) FROM calls WHERE "
                            "calls.jurisdiction_id = caller_counts.jurisdiction_id AND calls.caller = "
                            "caller_counts.number) WHERE jurisdiction_id = ?1 AND first_ring_at < ?2 AND "
                            "(?3 IS NULL OR number = ?3)",
                            scope.jurisdiction_id, scope.before, scope.phone);
  if (!span) return span.error();
  return span->run("caller_counts");
}

result<domain::caller_history> history_of(connection& c, const std::string& jurisdiction_id,
                                          const std::string& number) {
  static const std::string sql = cat({"SELECT ", figure_columns(),
                                      "first_ring_at, last_ring_at FROM caller_counts WHERE jurisdiction_id = ? AND "
                                      "number = ?"});
  auto st = prepare_bound(c, sql, jurisdiction_id, number);
  if (!st) return st.error();
  auto row = st->step("caller_counts");
  if (!row) return row.error();
  domain::caller_history h;
  h.number = number;
  if (!*row) return h;
  std::array<std::int64_t*, figures.size()> into{&h.calls, &h.answered,    &h.abandoned,   &h.missed, &h.valid,
                                                 &h.prank, &h.ghost,       &h.information, &h.misdirected, &h.test};
  for (std::size_t i = 0; i < into.size(); ++i) *into[i] = st->int64(static_cast<int>(i));
  h.first_call_at = st->opt_time(static_cast<int>(figures.size()));
  h.last_call_at = st->opt_time(static_cast<int>(figures.size()) + 1);
  return h;
}

result<rollup_check> rebuild(connection& c) {
  auto count = [&](const std::string& sql) -> result<std::int64_t> {
    auto st = c.prepare(sql);
    if (!st) return st.error();
    auto row = st->step("caller_counts");
    if (!row) return row.error();
    return *row ? st->int64(0) : 0;
  };
  auto script = cat({"DROP TABLE IF EXISTS temp.rebuilt_caller_counts;\n", table("temp.rebuilt_caller_counts"),
                     "INSERT INTO temp.rebuilt_caller_counts ", recount_select(), ";\n"});
  if (auto r = c.exec_script(script, "caller_counts"); !r) return r.error();
  const std::string live = "SELECT * FROM main.caller_counts";
  const std::string fresh = "SELECT * FROM temp.rebuilt_caller_counts";
  rollup_check check{"caller_counts"};
  SIAGA_TRY(rows, count("SELECT count(*) FROM temp.rebuilt_caller_counts"));
  // A number counted wrong appears on both sides of the difference: counted once.
  SIAGA_TRY(differing, count(cat({"SELECT count(*) FROM (SELECT jurisdiction_id, number FROM (", fresh, " EXCEPT ",
                                  live, ") UNION SELECT jurisdiction_id, number FROM (", live, " EXCEPT ", fresh,
                                  "))"})));
  check.rows = rows;
  check.differing = differing;
  if (check.differing != 0) {
    if (auto r = c.exec_script("DELETE FROM main.caller_counts; INSERT INTO main.caller_counts SELECT * FROM "
                               "temp.rebuilt_caller_counts;",
                               "caller_counts");
        !r) {
      return r.error();
    }
  }
  if (auto r = c.exec_script("DROP TABLE temp.rebuilt_caller_counts;", "caller_counts"); !r) return r.error();
  return check;
}

}  // namespace siaga::storage::sqlite::caller_counts_sql
