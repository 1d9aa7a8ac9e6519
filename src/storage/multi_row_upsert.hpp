// An INSERT ... ON CONFLICT DO UPDATE of 1, 2, 4, ... max_rows rows a statement, in the SQL both
// stores speak (? placeholders): the rollups' flushes write a commit's changed rows in a few
// statements rather than one a row, in at most seven shapes a table for a connection's
// statement cache. Map keys are unique, so no statement updates a row twice (which PostgreSQL
// refuses).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <string>
#include <string_view>

namespace siaga::storage {

class multi_row_upsert {
 public:
  static constexpr std::size_t max_rows = 64;

  // columns: a row's columns in the order they are bound, params of them; conflict: the
  // conflict target; set: what DO UPDATE SET does with excluded.
  multi_row_upsert(std::string_view table, std::string_view columns, int params, std::string_view conflict,
                   std::string_view set) {
    std::string row = "(";
    for (int i = 0; i < params; ++i) row += i ? ", ?" : "?";
    row += ")";
    std::string values = row;
    for (auto& sql : sql_) {
      sql = "INSERT INTO ";
      sql.append(table).append(" (").append(columns).append(") VALUES ").append(values);
      sql.append(" ON CONFLICT (").append(conflict).append(") DO UPDATE SET ").append(set);
      values += ", " + values;
    }
  }
  // How many of `left` rows the next statement takes: the largest power of two up to max_rows.
  static std::size_t chunk(std::size_t left) { return std::bit_floor(std::min(left, max_rows)); }
  // The statement of a chunk's rows.
  const std::string& sql(std::size_t rows) const { return sql_[static_cast<std::size_t>(std::countr_zero(rows))]; }

 private:
  std::array<std::string, std::bit_width(max_rows)> sql_;  // 1, 2, 4, ... max_rows rows
};

}  // namespace siaga::storage
