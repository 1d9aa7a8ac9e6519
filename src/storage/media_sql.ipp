// The SQL of media, photos attached to reports and dispatches, bytes and all, shared by both
// stores: included by sqlite/media_sql.cpp and postgres/media_sql.cpp inside their own media_sql
// namespace, where connection, statement and the toolkit of their query.hpp are the store's own
// (as model_sql.ipp). Written in what both dialects speak (flags bound as 0/1, which PostgreSQL's
// BOOLEAN columns accept as text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

// Never the bytes: they are read only by bytes().
constexpr std::string_view columns =
    "id, jurisdiction_id, incident_id, dispatch_id, content_type, size, sha256, uploaded_by, created_at, report_id, "
    "is_public, erased_at";

std::string select(std::string_view rest) {
  return cat({"SELECT ", columns, " FROM media ", rest});
}

result<domain::media> read_row(const statement& st) {
  domain::media m;
  m.id = st.text(0);
  m.jurisdiction_id = st.text(1);
  m.incident_id = st.opt_text(2).value_or("");
  m.dispatch_id = st.opt_text(3);
  m.content_type = st.text(4);
  m.size = st.int64(5);
  m.sha256 = st.text(6);
  m.uploaded_by = st.text(7);
  m.created_at = st.time(8);
  m.report_id = st.opt_text(9);
  m.is_public = st.boolean(10);
  m.erased_at = st.opt_time(11);
  return m;
}

// A report's photo waits for its incident as NULL (the foreign key would refuse '').
std::optional<std::string> incident_or_null(const domain::media& m) {
  return m.incident_id.empty() ? std::nullopt : std::optional<std::string>(m.incident_id);
}

}  // namespace

result<std::optional<domain::media>> find(connection& c, const std::string& jurisdiction_id, const std::string& id) {
  static const std::string sql = select("WHERE id = ? AND jurisdiction_id = ?");
  return fetch_one(c, sql, "media", read_row, id, jurisdiction_id);
}

result<std::vector<domain::media>> of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql = select("WHERE incident_id = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "media", read_row, incident_id);
}

result<std::vector<domain::media>> of_report(connection& c, const std::string& report_id) {
  static const std::string sql = select("WHERE report_id = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "media", read_row, report_id);
}

result<void> update(connection& c, const domain::media& m) {
  auto st = c.prepare("UPDATE media SET incident_id = ?, is_public = ? WHERE id = ? AND jurisdiction_id = ?");
  if (!st) return st.error();
  const auto incident = incident_or_null(m);  // bound by reference: it must outlive run()
  st->bind(incident).bind(static_cast<std::int64_t>(m.is_public)).bind(m.id).bind(m.jurisdiction_id);
  if (auto r = st->run("media"); !r) return r;
  if (c.changes() == 0) return core::not_found("media " + m.id + " not found");
  return {};
}

result<std::optional<std::string>> bytes(connection& c, const std::string& jurisdiction_id, const std::string& id) {
  auto st = c.prepare("SELECT bytes FROM media WHERE id = ? AND jurisdiction_id = ?");
  if (!st) return st.error();
  st->bind(id).bind(jurisdiction_id);
  auto row = st->step("media");
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>(st->blob(0));
}

result<void> insert(connection& c, const domain::media& m, std::string_view bytes) {
  auto st = c.prepare(
      "INSERT INTO media (id, jurisdiction_id, incident_id, dispatch_id, content_type, size, sha256, uploaded_by, "
      "created_at, report_id, is_public, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  const auto incident = incident_or_null(m);
  st->bind(m.id)
      .bind(m.jurisdiction_id)
      .bind(incident)
      .bind(m.dispatch_id)
      .bind(m.content_type)
      .bind(m.size)
      .bind(m.sha256)
      .bind(m.uploaded_by)
      .bind(m.created_at)
      .bind(m.report_id)
      .bind(static_cast<std::int64_t>(m.is_public))
      .bind_blob(bytes);
  return st->run("media");
}

