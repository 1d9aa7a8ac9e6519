#include "storage/sqlite/privacy_sql.hpp"

#include "storage/model_rows.hpp"
#include "storage/sqlite/query.hpp"

#include "domain/phone_text.hpp"

#include <array>

namespace siaga::storage::sqlite::privacy_sql {
namespace {

// SQLite's words where the dialects differ (see ../privacy_sql.ipp).
constexpr std::string_view no_bytes = "X''";
constexpr std::string_view larger = "max";  // max() of two arguments is the larger
constexpr std::string_view holds_quoted = "instr(payload_json, '\"' || ? || '\"') > 0";
constexpr std::string_view kind_in_json = "kind IN (SELECT value FROM json_each(?))";
constexpr std::string_view holds_text = "instr(payload_json, ?) > 0";

// The free-text columns people write numbers in, with the key a row is named by.
struct text_column {
  std::string_view table;
  std::string_view column;
  std::string_view key;
};
constexpr std::array<text_column, 15> text_columns{{
    {"reports", "description", "id"},
    {"reports", "address", "id"},
    {"incidents", "summary", "id"},
    {"incidents", "description", "id"},
    {"incidents", "address", "id"},
    {"dispatches", "note", "id"},
    {"dispatches", "decline_reason", "id"},
    {"reports", "resolution_note", "id"},
    {"dispatches", "public_note", "id"},
    {"calls", "note", "id"},
    {"callbacks", "note", "id"},
    {"channel_conversations", "description", "channel || ':' || sender"},
    {"open311_requests", "description", "report_id"},
    {"lapor_reports", "title", "lapor_id"},
    {"lapor_reports", "content", "lapor_id"},
}};

// A text field that writes the number, with the rowid to rewrite it by.
struct found_text {
  text_field field;
  std::int64_t rowid = 0;
};

// Every free-text field of the jurisdiction that writes scope.phone: the store narrows by the
// probe (the last digits), the matcher decides.
result<std::vector<found_text>> find_texts(connection& c, const privacy_scope& scope) {
  std::vector<found_text> out;
  if (!scope.phone) return out;
  const auto probe = domain::phone_text_probe(*scope.phone);
  if (probe.empty()) return out;
  for (const auto& col : text_columns) {
    auto st = prepare_bound(c,
                            cat({"SELECT ", col.key, ", rowid, ", col.column, " FROM ", col.table,
                                 " WHERE jurisdiction_id = ? AND instr(", col.column, ", ?) > 0"}),
                            scope.jurisdiction_id, probe);
    if (!st) return st.error();
    for (;;) {
      auto row = st->step(col.table);
      if (!row) return row.error();
      if (!*row) break;
      auto text = st->text(2);
      if (domain::find_phone_in_text(text, *scope.phone).empty()) continue;
      out.push_back({{std::string(col.table), std::string(col.column), st->text(0), std::move(text)}, st->int64(1)});
    }
  }
  return out;
}


std::string rounded(std::string_view column) {
  return cat({"round(", column, ", 2)"});
}

}  // namespace

#include "storage/privacy_sql.ipp"

result<std::vector<text_field>> texts_holding_phone(connection& c, const privacy_scope& scope) {
  auto found = find_texts(c, scope);
  if (!found) return found.error();
  std::vector<text_field> out;
  for (auto& f : *found) out.push_back(std::move(f.field));
  return out;
}

result<std::int64_t> mask_phone_in_texts(connection& c, const privacy_scope& scope, const std::string& mask) {
  auto found = find_texts(c, scope);
  if (!found) return found.error();
  std::int64_t changed = 0;
  for (const auto& f : *found) {
    const auto text = domain::replace_phone_in_text(f.field.text, *scope.phone, mask);
    auto st = prepare_bound(c, cat({"UPDATE ", f.field.table, " SET ", f.field.column, " = ? WHERE rowid = ?"}), text,
                            f.rowid);
    if (!st) return st.error();
    if (auto r = st->run(f.field.table); !r) return r.error();
    ++changed;
  }
  return changed;
}


}  // namespace siaga::storage::sqlite::privacy_sql
