#include "storage/copy_store.hpp"

#include "storage/open_database.hpp"
#include "storage/postgres/connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace siaga::storage {
namespace {

using core::result;
using postgres::connection;

struct sqlite_closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using sqlite_handle = std::unique_ptr<sqlite3, sqlite_closer>;
using sqlite_statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

core::error storage_error(std::string message) {
  return core::make_error(core::errc::storage_failure, std::move(message));
}

core::error lite_error(sqlite3* db, const std::string& what) {
  return storage_error(what + ": " + sqlite3_errmsg(db));
}

result<sqlite_statement> lite_prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return lite_error(db, sql);
  return sqlite_statement(raw, sqlite3_finalize);
}

result<void> lite_exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return lite_error(db, sql);
  return {};
}

std::string lite_text(sqlite3_stmt* st, int col) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st, col));
  return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
}

// The first column of every row of sql (one text parameter bound when given).
result<std::vector<std::string>> lite_column(sqlite3* db, const std::string& sql,
                                             const std::optional<std::string>& param = {}) {
  SIAGA_TRY(st, lite_prepare(db, sql));
  if (param) sqlite3_bind_text(st.get(), 1, param->data(), static_cast<int>(param->size()), SQLITE_TRANSIENT);
  std::vector<std::string> out;
  int rc = 0;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) out.push_back(lite_text(st.get(), 0));
  if (rc != SQLITE_DONE) return lite_error(db, sql);
  return out;
}

result<std::vector<std::string>> pg_column(connection& pg, const std::string& sql,
                                           const std::optional<std::string>& param = {}) {
  SIAGA_TRY(st, pg.prepare(sql));
  if (param) st.bind(*param);
  std::vector<std::string> out;
  for (;;) {
    SIAGA_TRY(more, st.step(sql));
    if (!more) break;
    out.push_back(st.text(0));
  }
  return out;
}

// Identifiers come from the stores' own catalogues, never from input; quoted all the same.
std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

// What a column holds, by the PostgreSQL side's type: SQLite's STRICT tables keep booleans as
// 0/1 integers and bytes as BLOBs, so these are the cases where the two differ in form.
enum class column_kind { integer, real, text, boolean, bytes };

column_kind kind_of(const std::string& pg_type) {
  if (pg_type == "boolean") return column_kind::boolean;
  if (pg_type == "bytea") return column_kind::bytes;
  if (pg_type == "bigint" || pg_type == "integer" || pg_type == "smallint") return column_kind::integer;
  if (pg_type == "double precision" || pg_type == "real" || pg_type == "numeric") return column_kind::real;
  return column_kind::text;
}

struct column {
  std::string name;
  column_kind kind = column_kind::text;
};

struct table_plan {
  std::string name;
  std::vector<column> columns;
  std::string column_list;  // "a", "b", ...
};

// Tables a store writes for itself: its migrations, the versions its triggers change on every
// write of the directory and the areas (random values that only caches compare), and SQLite's
// writer state (sqlite/caller_counts_behind.hpp).
bool store_own(const std::string& name) {
  return name.starts_with("sqlite_") || name == "schema_migrations" || name == "directory_versions" ||
         name == "area_versions" || name == "writer_state";
}

// Columns a store keeps for itself, left behind: the outbox's leases of several nodes on
// PostgreSQL (SQLite keeps them in memory; a row copied unleased is claimed again, and delivery
// is at least once anyway).
bool store_own_column(const std::string& table, const std::string& column) {
  return table == "outbox" && column == "lease_until";
}

// Tables derived from the others, rebuilt by the target rather than copied: their forms differ
// between the stores (SQLite packs histograms as varint bytes).
bool derived(const std::string& name) {
  return name.starts_with("roll_") || name == "caller_counts";
}

// The tables to copy in an order where each comes after the tables it refers to (SQLite's
// catalogue; both stores have the same foreign keys), ties by name.
result<std::vector<std::string>> copy_order(sqlite3* lite, const std::vector<std::string>& tables) {
  std::map<std::string, std::set<std::string>> refers;
  for (const auto& t : tables) {
    SIAGA_TRY(targets, lite_column(lite, "SELECT \"table\" FROM pragma_foreign_key_list(?)", t));
    for (auto& target : targets) {
      if (target != t && std::find(tables.begin(), tables.end(), target) != tables.end()) refers[t].insert(target);
    }
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  while (order.size() < tables.size()) {
    bool progressed = false;
    for (const auto& t : tables) {
      if (placed.contains(t)) continue;
      const auto& needs = refers[t];
      if (std::all_of(needs.begin(), needs.end(), [&](const std::string& n) { return placed.contains(n); })) {
        order.push_back(t);
        placed.insert(t);
        progressed = true;
      }
    }
    if (!progressed) return storage_error("the tables' references form a cycle; cannot order the copy");
  }
  return order;
}

// The plan: every table both stores hold (none of one missing in the other), the source's
// columns (each present in the target), typed by the PostgreSQL side.
result<std::vector<table_plan>> make_plan(sqlite3* lite, connection& pg, bool lite_is_source,
                                          std::vector<std::string>& derived_tables) {
  SIAGA_TRY(lite_tables, lite_column(lite, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
  SIAGA_TRY(pg_tables, pg_column(pg, "SELECT table_name FROM information_schema.tables "
                                     "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                                     "ORDER BY table_name"));
  auto keep = [&](std::vector<std::string>& names) {
    std::erase_if(names, [&](const std::string& n) { return store_own(n) || derived(n); });
  };
  for (const auto& n : lite_is_source ? lite_tables : pg_tables) {
    if (derived(n)) derived_tables.push_back(n);
  }
  keep(lite_tables);
  keep(pg_tables);
  const auto& source_tables = lite_is_source ? lite_tables : pg_tables;
  const auto& target_tables = lite_is_source ? pg_tables : lite_tables;
  for (const auto& t : source_tables) {
    if (!std::binary_search(target_tables.begin(), target_tables.end(), t)) {
      return storage_error("the target has no table " + t + "; is it a database of this program's version?");
    }
  }
  SIAGA_TRY(order, copy_order(lite, source_tables));
  std::vector<table_plan> plan;
  for (const auto& t : order) {
    SIAGA_TRY(lite_cols, lite_column(lite, "SELECT name FROM pragma_table_info(?) ORDER BY cid", t));
    SIAGA_TRY(st, pg.prepare("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"));
    st.bind(t);
    std::map<std::string, std::string> pg_types;
    std::vector<std::string> pg_cols;
    for (;;) {
      SIAGA_TRY(more, st.step("columns of " + t));
      if (!more) break;
      pg_types[st.text(0)] = st.text(1);
      pg_cols.push_back(st.text(0));
    }
    table_plan p{t, {}, {}};
    for (const auto& c : lite_is_source ? lite_cols : pg_cols) {
      if (store_own_column(t, c)) continue;
      auto type = pg_types.find(c);
      bool in_target = lite_is_source ? type != pg_types.end()
                                      : std::find(lite_cols.begin(), lite_cols.end(), c) != lite_cols.end();
      if (!in_target) return storage_error("the target's table " + t + " has no column " + c);
      p.columns.push_back({c, kind_of(type->second)});
      if (!p.column_list.empty()) p.column_list += ", ";
      p.column_list += quoted(c);
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

constexpr char hex_digits[] = "0123456789abcdef";

// A value in COPY's text format: backslash, tab, newline and carriage return escaped.
void append_copy_text(std::string& out, std::string_view v) {
  for (char ch : v) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
}

// A bytea value in COPY's text format: "\x" and hex digits, its backslash escaped.
void append_copy_bytes(std::string& out, std::string_view v) {
  out += "\\\\x";
  for (unsigned char ch : v) {
    out += hex_digits[ch >> 4];
    out += hex_digits[ch & 15];
  }
}

result<std::int64_t> copy_lite_to_pg(sqlite3* src, connection& dst, const table_plan& t,
                                     const copy_progress& progress) {
  SIAGA_TRY(st, lite_prepare(src, "SELECT " + t.column_list + " FROM " + quoted(t.name)));
  std::int64_t rows = 0;
  auto next = [&](std::string& chunk) -> result<bool> {
    while (chunk.size() < (1 << 20)) {
      int rc = sqlite3_step(st.get());
      if (rc == SQLITE_DONE) return false;
      if (rc != SQLITE_ROW) return lite_error(src, "reading " + t.name);
      for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
        if (i > 0) chunk += '\t';
        const auto& c = t.columns[static_cast<std::size_t>(i)];
        switch (sqlite3_column_type(st.get(), i)) {
          case SQLITE_NULL: chunk += "\\N"; break;
          case SQLITE_INTEGER:
            if (c.kind == column_kind::boolean) {
              chunk += sqlite3_column_int64(st.get(), i) != 0 ? 't' : 'f';
            } else {
              chunk += std::to_string(sqlite3_column_int64(st.get(), i));
            }
            break;
          case SQLITE_FLOAT: {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", sqlite3_column_double(st.get(), i));
            chunk += buffer;
            break;
          }
          default:
            if (c.kind == column_kind::bytes) {
              append_copy_bytes(chunk, lite_text(st.get(), i));
            } else if (sqlite3_column_type(st.get(), i) == SQLITE_BLOB) {
              return storage_error(t.name + "." + c.name + " holds bytes where the target keeps text");
            } else {
              append_copy_text(chunk, lite_text(st.get(), i));
            }
        }
      }
      chunk += '\n';
      if (++rows % 10000 == 0 && progress) progress(t.name, rows);
    }
    return true;
  };
  SIAGA_TRY(taken, dst.copy_in("COPY " + quoted(t.name) + " (" + t.column_list + ") FROM STDIN", next,
                               "copying " + t.name));
  if (progress) progress(t.name, taken);
  return taken;
}

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// One row of COPY's text output split into its fields, unescaped; nullopt for \N.
std::vector<std::optional<std::string>> copy_fields(std::string_view line) {
  std::vector<std::optional<std::string>> fields;
  std::string field;
  bool null_field = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      fields.push_back(null_field ? std::nullopt : std::optional<std::string>(std::move(field)));
      field.clear();
      null_field = false;
      continue;
    }
    char ch = line[i];
    if (ch != '\\' || i + 1 == line.size()) {
      field += ch;
      continue;
    }
    char e = line[++i];
    switch (e) {
      case 'N': null_field = true; break;
      case 't': field += '\t'; break;
      case 'n': field += '\n'; break;
      case 'r': field += '\r'; break;
      case 'b': field += '\b'; break;
      case 'f': field += '\f'; break;
      case 'v': field += '\v'; break;
      default: field += e;
    }
  }
  return fields;
}

result<std::string> bytes_of(const std::string& text, const std::string& where) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return storage_error(where + ": not a bytea value");
  std::string out;
  out.reserve(text.size() / 2 - 1);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return storage_error(where + ": not a bytea value");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

result<std::int64_t> copy_pg_to_lite(connection& src, sqlite3* dst, const table_plan& t,
                                     const copy_progress& progress) {
  std::string marks;
  for (std::size_t i = 0; i < t.columns.size(); ++i) marks += i == 0 ? "?" : ", ?";
  SIAGA_TRY(ins, lite_prepare(dst, "INSERT INTO " + quoted(t.name) + " (" + t.column_list + ") VALUES (" + marks + ")"));
  std::int64_t rows = 0;
  auto row = [&](std::string_view line) -> result<void> {
    auto fields = copy_fields(line);
    if (fields.size() != t.columns.size()) return storage_error(t.name + ": a row of the wrong width");
    sqlite3_stmt* st = ins.get();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      int at = static_cast<int>(i) + 1;
      const auto& c = t.columns[i];
      if (!fields[i]) {
        sqlite3_bind_null(st, at);
        continue;
      }
      const std::string& v = *fields[i];
      switch (c.kind) {
        case column_kind::boolean: sqlite3_bind_int64(st, at, v == "t" ? 1 : 0); break;
        case column_kind::integer: {
          std::int64_t n = 0;
          auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
          if (ec != std::errc{} || end != v.data() + v.size()) return storage_error(t.name + "." + c.name + ": not an integer");
          sqlite3_bind_int64(st, at, n);
          break;
        }
        case column_kind::real: sqlite3_bind_double(st, at, std::strtod(v.c_str(), nullptr)); break;
        case column_kind::bytes: {
          SIAGA_TRY(b, bytes_of(v, t.name + "." + c.name));
          sqlite3_bind_blob(st, at, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
          break;
        }
        case column_kind::text:
          sqlite3_bind_text(st, at, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
          break;
      }
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return lite_error(dst, "writing " + t.name);
    if (++rows % 10000 == 0 && progress) progress(t.name, rows);
    return {};
  };
  SIAGA_TRY(read, src.copy_out("COPY (SELECT " + t.column_list + " FROM " + quoted(t.name) + ") TO STDOUT", row,
                               "copying " + t.name));
  if (progress) progress(t.name, read);
  return rows;
}

result<std::int64_t> lite_count(sqlite3* db, const std::string& table) {
  SIAGA_TRY(v, lite_column(db, "SELECT count(*) FROM " + quoted(table)));
  return std::stoll(v.at(0));
}

result<std::int64_t> pg_count(connection& pg, const std::string& table) {
  SIAGA_TRY(v, pg_column(pg, "SELECT count(*) FROM " + quoted(table)));
  return std::stoll(v.at(0));
}

// Each jurisdiction's chain head; the same SQL on both stores.
constexpr const char* heads_sql =
    "SELECT e.jurisdiction_id, h.n, e.seq, e.hash FROM events e "
    "JOIN (SELECT jurisdiction_id, count(*) AS n, max(seq) AS s FROM events GROUP BY jurisdiction_id) h "
    "ON e.seq = h.s ORDER BY e.jurisdiction_id";

result<std::vector<chain_head>> lite_heads(sqlite3* db) {
  SIAGA_TRY(st, lite_prepare(db, heads_sql));
  std::vector<chain_head> out;
  int rc = 0;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    out.push_back({lite_text(st.get(), 0), sqlite3_column_int64(st.get(), 1), sqlite3_column_int64(st.get(), 2),
                   lite_text(st.get(), 3)});
  }
  if (rc != SQLITE_DONE) return lite_error(db, "reading the chain heads");
  return out;
}

result<std::vector<chain_head>> pg_heads(connection& pg) {
  SIAGA_TRY(st, pg.prepare(heads_sql));
  std::vector<chain_head> out;
  for (;;) {
    SIAGA_TRY(more, st.step("reading the chain heads"));
    if (!more) break;
    out.push_back({st.text(0), st.int64(1), st.int64(2), st.text(3)});
  }
  return out;
}

bool same_heads(const std::vector<chain_head>& a, const std::vector<chain_head>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const chain_head& x, const chain_head& y) {
    return x.jurisdiction_id == y.jurisdiction_id && x.events == y.events && x.last_seq == y.last_seq &&
           x.hash == y.hash;
  });
}

// The copy proper, with both databases open, the source's snapshot taken and the target's
// transaction begun; the caller commits or rolls back.
result<copy_summary> copy_open(sqlite3* lite, connection& pg, bool lite_is_source, const copy_progress& progress) {
  copy_summary out;
  SIAGA_TRY(plan, make_plan(lite, pg, lite_is_source, out.derived));
  for (const auto& t : plan) {
    SIAGA_TRY(held, lite_is_source ? pg_count(pg, t.name) : lite_count(lite, t.name));
    if (held > 0) {
      return core::make_error(core::errc::invalid_input,
                              "the target is not empty (table " + t.name + " holds " +
                                  std::to_string(held) + " rows); copy into a new, empty database");
    }
  }
  for (const auto& t : plan) {
    SIAGA_TRY(copied, lite_is_source ? copy_lite_to_pg(lite, pg, t, progress) : copy_pg_to_lite(pg, lite, t, progress));
    SIAGA_TRY(in_source, lite_is_source ? lite_count(lite, t.name) : pg_count(pg, t.name));
    SIAGA_TRY(in_target, lite_is_source ? pg_count(pg, t.name) : lite_count(lite, t.name));
    if (copied != in_source || in_target != in_source) {
      return storage_error("table " + t.name + ": " + std::to_string(in_source) + " rows in the source, " +
                           std::to_string(copied) + " copied, " + std::to_string(in_target) + " in the target");
    }
    out.tables.push_back({t.name, in_source});
  }
  SIAGA_TRY(lite_chain, lite_heads(lite));
  SIAGA_TRY(pg_chain, pg_heads(pg));
  if (!same_heads(lite_chain, pg_chain)) return storage_error("the event chains' heads differ after the copy");
  out.heads = std::move(lite_chain);
  return out;
}

void remove_sqlite_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace

result<copy_summary> copy_store(const std::string& from, const std::string& to, const copy_progress& progress) {
  bool from_pg = is_postgres_location(from);
  bool to_pg = is_postgres_location(to);
  if (from_pg == to_pg) {
    return core::make_error(core::errc::invalid_input,
                            from_pg ? "both are PostgreSQL databases; copy them with pg_dump"
                                    : "both are SQLite files; copy one with siaga backup --to FILE");
  }
  const std::string& lite_path = from_pg ? to : from;
  const std::string& pg_location = from_pg ? from : to;
  if (!from_pg && !std::filesystem::exists(from)) {
    return core::make_error(core::errc::invalid_input, "the source " + from + " does not exist");
  }
  bool made_target = !to_pg && !std::filesystem::exists(to);
  auto fail = [&](core::error e) -> result<copy_summary> {
    if (made_target) remove_sqlite_files(to);
    return e;
  };
  for (const auto& location : {from, to}) {
    auto st = open_database(location);
    if (!st) return fail(st.error());
    auto migrated = (*st)->migrate();
    (*st)->close();
    if (!migrated) return fail(migrated.error());
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(lite_path.c_str(), &raw, from_pg ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nullptr);
  sqlite_handle lite(raw);
  if (rc != SQLITE_OK) return fail(lite_error(raw, "cannot open " + lite_path));
  sqlite3_busy_timeout(raw, 10000);
  auto pg = connection::open(pg_location);
  if (!pg) return fail(pg.error());
  connection& c = **pg;
  // The source's one snapshot, the target's one transaction (foreign keys checked at its end in
  // SQLite; PostgreSQL checks each table's COPY as a whole, so a table referring to itself is
  // copied in any row order).
  auto begun = from_pg ? c.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "the source's snapshot")
                       : lite_exec(lite.get(), "BEGIN");
  if (begun) {
    begun = to_pg ? c.run("BEGIN", "the target's transaction")
                  : lite_exec(lite.get(), "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE; PRAGMA defer_foreign_keys = ON");
  }
  if (!begun) return fail(begun.error());
  auto copied = copy_open(lite.get(), c, !from_pg, progress);
  if (!copied) {
    (void)c.run("ROLLBACK");
    (void)lite_exec(lite.get(), "ROLLBACK");
    lite.reset();
    return fail(copied.error());
  }
  auto committed = to_pg ? c.run("COMMIT", "committing the copy") : lite_exec(lite.get(), "COMMIT");
  (void)(to_pg ? lite_exec(lite.get(), "ROLLBACK") : c.run("ROLLBACK"));
  if (!committed) {
    (void)(to_pg ? c.run("ROLLBACK") : lite_exec(lite.get(), "ROLLBACK"));
    lite.reset();
    return fail(committed.error());
  }
  return copied;
}

}  // namespace siaga::storage
