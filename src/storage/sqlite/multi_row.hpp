// Multi-row INSERTs for the SQLite store's bulk writes (storage/bulk_writes.hpp). Internal to
// storage/sqlite/.
#pragma once

#include "storage/sqlite/query.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace siaga::storage::sqlite {

// The most rows one multi-row INSERT carries: 128 rows of the widest table (calls, 31 columns)
// bind 3,968 values, far under SQLite's limit of 32,766, and larger statements gain nothing.
inline constexpr std::size_t max_rows_per_insert = 128;

// "(?, ?, ?), (?, ?, ?)": the VALUES of rows rows of columns columns.
inline std::string values_rows(std::size_t rows, std::size_t columns) {
  std::string one = "(";
  for (std::size_t k = 0; k < columns; ++k) one += k ? ", ?" : "?";
  one += ")";
  std::string out;
  out.reserve(rows * (one.size() + 2));
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) out += ", ";
    out += one;
  }
  return out;
}

// Inserts n rows with as few statements as the limit allows: head is "INSERT INTO t (a, b) VALUES ",
// bind_row(st, i) binds the columns of row i left to right (its values must outlive the call),
// tail what follows the rows (" ON CONFLICT ... DO UPDATE ..." for an upsert, "" otherwise).
// Chunks are of max_rows_per_insert rows, then powers of two, so that the statement cache holds
// at most eight shapes per table whatever n is. Fails with the first statement's error.
template <class BindRow>
result<void> insert_rows(connection& c, std::string_view head, std::size_t columns, std::size_t n,
                         std::string_view table, BindRow bind_row, std::string_view tail = {}) {
  std::size_t done = 0;
  while (done < n) {
    std::size_t rows = max_rows_per_insert;
    while (rows > n - done) rows /= 2;
    auto st = c.prepare(cat({head, values_rows(rows, columns), tail}));
    if (!st) return st.error();
    for (std::size_t i = done; i < done + rows; ++i) bind_row(*st, i);
    if (auto r = st->run(table); !r) return r;
    done += rows;
  }
  return {};
}

}  // namespace siaga::storage::sqlite
