// The SQL toolkit the <area>_sql.cpp files of the PostgreSQL store share, the counterpart of
// sqlite/query.hpp: binding, one row, all rows, a page with its total under one snapshot,
// WHERE clauses assembled from optional filters (values always bound, never spliced)
// and the "no row changed" check. Internal to storage/postgres/.
#pragma once

#include "storage/model_rows.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/store.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace siaga::storage::postgres {

inline core::error failure(std::string message) {
  return core::make_error(core::errc::storage_failure, std::move(message));
}

inline std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

template <class T>
using row_reader = result<T> (*)(const statement&);

using enum_columns = model_rows::row_enums<statement>;
using model_rows::read_geo;

inline std::optional<double> opt_real(const statement& st, int col) {
  return st.is_null(col) ? std::nullopt : std::optional<double>(st.real(col));
}

inline std::optional<double> lat_of(const std::optional<domain::geo_point>& p) {
  return p ? std::optional<double>(p->lat) : std::nullopt;
}

inline std::optional<double> lon_of(const std::optional<domain::geo_point>& p) {
  return p ? std::optional<double>(p->lon) : std::nullopt;
}

template <class E>
inline std::optional<std::string_view> name_of(const std::optional<E>& v) {
  return v ? std::optional<std::string_view>(domain::to_string(*v)) : std::nullopt;
}

template <class... A>
result<statement> prepare_bound(connection& c, std::string_view sql, A&&... args) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  (st->bind(std::forward<A>(args)), ...);
  return st;
}

template <class T, class... A>
result<std::optional<T>> fetch_one(connection& c, std::string_view sql, std::string_view table, row_reader<T> read,
                                   A&&... args) {
  auto st = prepare_bound(c, sql, std::forward<A>(args)...);
  if (!st) return st.error();
  auto row = st->step(table);
  if (!row) return row.error();
  if (!*row) return std::optional<T>{};
  auto value = read(*st);
  if (!value) return value.error();
  return std::optional<T>(std::move(*value));
}

template <class T>
result<std::vector<T>> collect(statement& st, std::string_view table, row_reader<T> read) {
  std::vector<T> out;
  for (;;) {
    auto row = st.step(table);
    if (!row) return row.error();
    if (!*row) return out;
    auto value = read(st);
    if (!value) return value.error();
    out.push_back(std::move(*value));
  }
}

template <class T, class... A>
result<std::vector<T>> fetch_all(connection& c, std::string_view sql, std::string_view table, row_reader<T> read,
                                 A&&... args) {
  auto st = prepare_bound(c, sql, std::forward<A>(args)...);
  if (!st) return st.error();
  return collect(*st, table, read);
}

// A WHERE clause assembled from optional filters, written with ? placeholders as in the
// SQLite store (the connection numbers them). Values only ever travel as parameters; the SQL
// text varies only with which filters are present.
class where_clause {
 public:
  using arg = std::variant<std::string_view, std::int64_t>;

  void add(std::string_view condition) {
    sql_ += sql_.empty() ? " WHERE " : " AND ";
    sql_ += condition;
  }
  void add(std::string_view condition, arg value) {
    add(condition);
    args_.push_back(value);
  }
  // One more value for a condition that takes several.
  void add_arg(arg value) { args_.push_back(value); }
  // "column IN (?, ?, ...)" over distinct values.
  void add_in(std::string_view column, std::vector<std::string_view> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::string condition(column);
    condition += " IN (";
    for (std::size_t i = 0; i < values.size(); ++i) {
      condition += i ? ", ?" : "?";
      args_.emplace_back(values[i]);
    }
    condition += ")";
    add(condition);
  }

  const std::string& sql() const { return sql_; }
  void bind(statement& st) const {
    for (const auto& a : args_) std::visit([&st](auto v) { st.bind(v); }, a);
  }

 private:
  std::string sql_;
  std::vector<arg> args_;
};

// The keyset condition of a list sorted by "<at_column> DESC, id DESC": the rows after p.after.
inline void add_keyset(where_clause& w, const keyset_paging& p, std::string_view at_column) {
  if (!p.after) return;
  auto at = core::to_micros(p.after->at);
  w.add(cat({at_column, " <= ? AND (", at_column, " < ? OR id < ?)"}), at);
  w.add_arg(at);
  w.add_arg(std::string_view(p.after->id));
}

template <class T>
result<page<T>> fetch_page(connection& c, std::string_view table, std::string_view columns, const where_clause& where,
                           std::string_view order_by, const page_request& p, row_reader<T> read,
                           const keyset_paging& walk = {}) {
  read_snapshot snapshot(c);
  if (snapshot.failure()) return *snapshot.failure();
  page<T> out;
  if (walk.count_total) {
    auto st = c.prepare(cat({"SELECT COUNT(*) FROM ", table, where.sql()}));
    if (!st) return st.error();
    where.bind(*st);
    auto row = st->step(table);
    if (!row) return row.error();
    out.total = st->int64(0);
  }
  auto st =
      c.prepare(cat({"SELECT ", columns, " FROM ", table, where.sql(), " ORDER BY ", order_by, " LIMIT ? OFFSET ?"}));
  if (!st) return st.error();
  where.bind(*st);
  st->bind(static_cast<std::int64_t>(std::clamp(p.limit, 1, 500)))
      .bind(static_cast<std::int64_t>(walk.after ? 0 : std::max(p.offset, 0)));
  auto items = collect(*st, table, read);
  if (!items) return items.error();
  out.items = std::move(*items);
  return out;
}

// Changes to one row by id: none means the row is not there (in that jurisdiction).
inline result<void> expect_changed(connection& c, std::string_view what, const std::string& id) {
  if (c.changes() == 0) return core::not_found(cat({what, " ", id, " not found"}));
  return {};
}

}  // namespace siaga::storage::postgres
