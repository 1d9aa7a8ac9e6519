// The SQL of SLA alerts, shared by both stores: included by sqlite/sla_sql.cpp and
// postgres/sla_sql.cpp inside their own sla_sql namespace, where connection, statement and the
// toolkit of their query.hpp are the store's own (as model_sql.ipp). Written in what both dialects
// speak (flags bound as 0/1, which PostgreSQL's BOOLEAN columns accept as text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

constexpr std::string_view columns =
    "id, jurisdiction_id, incident_id, dispatch_id, agency_id, category_id, step, level, due_at, raised_at, "
    "resolved_at";

result<domain::sla_alert> read_row(const statement& st) {
  enum_columns e(st, "sla_alerts");
  domain::sla_alert a;
  a.id = st.text(0);
  a.jurisdiction_id = st.text(1);
  a.incident_id = st.text(2);
  a.dispatch_id = st.text(3);
  a.agency_id = st.text(4);
  a.category_id = st.text(5);
  a.step = e.get(6, domain::parse_sla_step);
  a.level = e.get(7, domain::parse_sla_level);
  a.due_at = st.time(8);
  a.raised_at = st.time(9);
  a.resolved_at = st.opt_time(10);
  if (e.error()) return *e.error();
  return a;
}

result<sla_alert_count> read_count(const statement& row) {
  enum_columns e(row, "sla_alerts");
  sla_alert_count n;
  n.local_day = row.int64(0);
  n.level = e.get(1, domain::parse_sla_level);
  n.step = e.get(2, domain::parse_sla_step);
  n.agency_id = row.text(3);
  n.category_id = row.text(4);
  n.n = row.int64(5);
  if (e.error()) return *e.error();
  return n;
}

}  // namespace

result<page<domain::sla_alert>> list(connection& c, const sla_alert_filter& f) {
  where_clause where;
  where.add("jurisdiction_id = ?", f.jurisdiction_id);
  if (f.open_only) where.add("resolved_at IS NULL");
  if (f.from) where.add("raised_at >= ?", core::to_micros(*f.from));
  if (f.to) where.add("raised_at < ?", core::to_micros(*f.to));
  if (f.agency_id) where.add("agency_id = ?", *f.agency_id);
  return fetch_page(c, "sla_alerts", columns, where, "raised_at DESC, id DESC", f.page, read_row);
}

result<std::vector<sla_alert_count>> count(connection& c, const std::string& jurisdiction_id, timestamp from,
                                           timestamp to, int offset_minutes) {
  // Local days by integer division: every time here is after 1970, so it floors. The offset is
  // cast so that PostgreSQL multiplies in BIGINT (an INTEGER parameter would overflow).
  auto st = c.prepare(
      "SELECT (raised_at + CAST(? AS BIGINT) * 60000000) / 86400000000 AS day, level, step, agency_id, category_id, "
      "count(*) FROM sla_alerts WHERE jurisdiction_id = ? AND raised_at >= ? AND raised_at < ? "
      "GROUP BY day, level, step, agency_id, category_id ORDER BY day");
  if (!st) return st.error();
  st->bind(offset_minutes).bind(jurisdiction_id).bind(from).bind(to);
  return collect(*st, "sla_alerts", read_count);
}

result<bool> insert(connection& c, const domain::sla_alert& a) {
  auto st = c.prepare(
      "INSERT INTO sla_alerts (id, jurisdiction_id, incident_id, dispatch_id, agency_id, category_id, step, level, "
      "due_at, raised_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (incident_id, dispatch_id, step, level) DO NOTHING");
  if (!st) return st.error();
  st->bind(a.id)
      .bind(a.jurisdiction_id)
      .bind(a.incident_id)
      .bind(a.dispatch_id)
      .bind(a.agency_id)
      .bind(a.category_id)
      .bind(domain::to_string(a.step))
      .bind(domain::to_string(a.level))
      .bind(a.due_at)
      .bind(a.raised_at)
      .bind(a.resolved_at);
  if (auto r = st->run("sla_alerts"); !r) return r.error();
  return c.changes() == 1;
}

result<void> resolve(connection& c, const std::string& jurisdiction_id, const std::string& id, timestamp at) {
  auto st = c.prepare("UPDATE sla_alerts SET resolved_at = ? WHERE jurisdiction_id = ? AND id = ? AND resolved_at IS NULL");
  if (!st) return st.error();
  st->bind(at).bind(jurisdiction_id).bind(id);
  if (auto r = st->run("sla_alerts"); !r) return r;
  if (c.changes() == 0) return core::not_found("sla alert " + id + " not found or already resolved");
  return {};
}

