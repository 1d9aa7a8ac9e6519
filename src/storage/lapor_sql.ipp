// The SQL of the SP4N-LAPOR! imports and their cursors, shared by both stores: included by
// sqlite/lapor_sql.cpp and postgres/lapor_sql.cpp inside their own lapor_sql namespace, where
// connection, statement and the toolkit of their query.hpp are the store's own (as model_sql.ipp).
// Written in what both dialects speak (flags bound as 0/1, which PostgreSQL's BOOLEAN columns
// accept as text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

constexpr std::string_view columns =
    "SELECT jurisdiction_id, lapor_id, report_id, title, content, category, attachments, anonymous, submitted_at, "
    "imported_at FROM lapor_reports ";

result<lapor_record> read_record(const statement& st) {
  lapor_record r;
  r.jurisdiction_id = st.text(0);
  r.lapor_id = st.text(1);
  r.report_id = st.text(2);
  r.title = st.text(3);
  r.content = st.text(4);
  r.category = st.text(5);
  r.attachments = st.text(6);
  r.anonymous = st.boolean(7);
  r.submitted_at = st.time(8);
  r.imported_at = st.time(9);
  return r;
}

result<std::string> read_cursor(const statement& st) {
  return st.text(0);
}

}  // namespace

result<std::optional<lapor_record>> find(connection& c, const std::string& jurisdiction_id,
                                         const std::string& lapor_id) {
  static const std::string sql = std::string(columns) + "WHERE jurisdiction_id = ? AND lapor_id = ?";
  return fetch_one(c, sql, "lapor_reports", read_record, jurisdiction_id, lapor_id);
}

result<std::optional<lapor_record>> find_of(connection& c, const std::string& report_id) {
  static const std::string sql = std::string(columns) + "WHERE report_id = ?";
  return fetch_one(c, sql, "lapor_reports", read_record, report_id);
}

result<std::optional<std::string>> cursor(connection& c, const std::string& jurisdiction_id) {
  return fetch_one(c, "SELECT cursor FROM lapor_cursors WHERE jurisdiction_id = ?", "lapor_cursors", read_cursor,
                   jurisdiction_id);
}

result<void> insert(connection& c, const lapor_record& r) {
  auto st = prepare_bound(c,
                          "INSERT INTO lapor_reports (jurisdiction_id, lapor_id, report_id, title, content, category, "
                          "attachments, anonymous, submitted_at, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          r.jurisdiction_id, r.lapor_id, r.report_id, r.title, r.content, r.category, r.attachments,
                          r.anonymous ? 1 : 0, r.submitted_at, r.imported_at);
  if (!st) return st.error();
  return st->run("lapor_reports");
}

result<void> set_cursor(connection& c, const std::string& jurisdiction_id, const std::string& cursor, timestamp at) {
  auto st = prepare_bound(c,
                          "INSERT INTO lapor_cursors (jurisdiction_id, cursor, updated_at) VALUES (?, ?, ?) "
                          "ON CONFLICT (jurisdiction_id) DO UPDATE SET cursor = excluded.cursor, "
                          "updated_at = excluded.updated_at",
                          jurisdiction_id, cursor, at);
  if (!st) return st.error();
  return st->run("lapor_cursors");
}

