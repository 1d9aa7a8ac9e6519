// The SQL of the notification outbox shared by both stores: included by sqlite/outbox_sql.cpp
// and postgres/outbox_sql.cpp inside their own outbox_sql namespace, where connection,
// statement and the toolkit of their query.hpp are the store's own (as model_sql.ipp). What
// differs is how due rows are claimed (sqlite/outbox_sql.cpp, postgres/outbox_sql.cpp) and
// what an update of the delivery state also ends: the including file defines
// `update_also_sets`, the SQL appended to the SET list (PostgreSQL ends the row's lease there,
// SQLite keeps its leases in memory), and `holding_rows`, the condition of the rows that carry
// personal data (?1 jurisdiction, ?2 before, ?3 phone or NULL; JSON is read differently),
// and `written_rows()`, those whose payload may write the number in a text (the probe).
// Not a header: it has no include guard and belongs to those two files only.

constexpr std::string_view columns =
    "id, jurisdiction_id, agency_id, dispatch_id, incident_id, endpoint_index, endpoint_kind, target, event_kind, "
    "payload_json, status, attempts, next_attempt_at, last_error, created_at, updated_at, delivered_at";

static std::string select(std::string_view rest) {
  return cat({"SELECT ", columns, " FROM outbox ", rest});
}

static result<domain::notification> read_row(const statement& st) {
  domain::notification n;
  n.id = st.text(0);
  n.jurisdiction_id = st.text(1);
  n.agency_id = st.text(2);
  n.dispatch_id = st.opt_text(3);
  n.incident_id = st.opt_text(4);
  n.endpoint_index = static_cast<int>(st.int64(5));
  enum_columns e(st, "outbox");
  n.endpoint = e.get(6, domain::parse_endpoint_kind);
  n.target = st.text(7);
  n.event_kind = st.text(8);
  n.payload_json = st.text(9);
  n.status = e.get(10, domain::parse_notification_status);
  n.attempts = static_cast<int>(st.int64(11));
  n.next_attempt_at = st.time(12);
  n.last_error = st.text(13);
  n.created_at = st.time(14);
  n.updated_at = st.time(15);
  n.delivered_at = st.opt_time(16);
  if (e.error()) return *e.error();
  return n;
}

result<std::optional<domain::notification>> find(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& id) {
  static const std::string sql = select("WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "outbox", read_row, jurisdiction_id, id);
}

result<page<domain::notification>> list(connection& c, const notification_filter& f) {
  where_clause where;
  where.add("jurisdiction_id = ?", f.jurisdiction_id);
  if (f.status) where.add("status = ?", domain::to_string(*f.status));
  return fetch_page(c, "outbox", columns, where, "created_at DESC, id DESC", f.page, read_row);
}

result<std::optional<timestamp>> next_due(connection& c) {
  auto st = c.prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'");
  if (!st) return st.error();
  auto row = st->step("outbox");
  if (!row) return row.error();
  if (!*row || st->is_null(0)) return std::optional<timestamp>{};
  return std::optional<timestamp>(st->time(0));
}

result<void> insert(connection& c, const domain::notification& n) {
  // No agency: a row for the jurisdiction's supervisors, NULL so that the foreign key passes.
  const auto agency = n.agency_id.empty() ? std::optional<std::string>() : std::optional<std::string>(n.agency_id);
  auto st = c.prepare(
      "INSERT INTO outbox (id, jurisdiction_id, agency_id, dispatch_id, incident_id, endpoint_index, endpoint_kind, "
      "target, event_kind, payload_json, status, attempts, next_attempt_at, last_error, created_at, updated_at, "
      "delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  st->bind(n.id)
      .bind(n.jurisdiction_id)
      .bind(agency)
      .bind(n.dispatch_id)
      .bind(n.incident_id)
      .bind(n.endpoint_index)
      .bind(domain::to_string(n.endpoint))
      .bind(n.target)
      .bind(n.event_kind)
      .bind(n.payload_json)
      .bind(domain::to_string(n.status))
      .bind(n.attempts)
      .bind(n.next_attempt_at)
      .bind(n.last_error)
      .bind(n.created_at)
      .bind(n.updated_at)
      .bind(n.delivered_at);
  return st->run("outbox");
}

result<void> update(connection& c, const domain::notification& n) {
  static const std::string sql =
      cat({"UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?, "
           "delivered_at = ?",
           update_also_sets, " WHERE id = ? AND jurisdiction_id = ?"});
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(domain::to_string(n.status))
      .bind(n.attempts)
      .bind(n.next_attempt_at)
      .bind(n.last_error)
      .bind(n.updated_at)
      .bind(n.delivered_at)
      .bind(n.id)
      .bind(n.jurisdiction_id);
  if (auto r = st->run("outbox"); !r) return r;
  if (c.changes() == 0) return core::not_found("notification " + n.id + " not found");
  return {};
}

result<std::vector<domain::notification>> holding(connection& c, const privacy_scope& scope, int limit) {
  if (limit <= 0) return std::vector<domain::notification>{};
  static const std::string sql =
      select(cat({"WHERE (", holding_rows, ") OR (", written_rows(), ") ORDER BY created_at, id LIMIT ?4"}));
  auto rows = fetch_all(c, sql, "outbox", read_row, scope.jurisdiction_id, scope.before, scope.phone, limit);
  if (!rows || !scope.phone) return rows;
  // A row found by the probe alone holds the number only when the matcher finds it written.
  std::erase_if(*rows, [&](const domain::notification& n) {
    const auto& phone = *scope.phone;
    const bool as_stored = n.payload_json.find(phone) != std::string::npos || n.target == phone ||
                           "+" + n.target == phone;
    return !as_stored && domain::find_phone_in_text(n.payload_json, phone).empty();
  });
  return rows;
}

result<std::vector<domain::notification>> writing_numbers(connection& c, const privacy_scope& scope,
                                                          const outbox_position& after, int limit) {
  std::vector<domain::notification> out;
  if (limit <= 0) return out;
  // Pages of the window in the outbox's order; the matcher decides, since a payload is full of
  // digits (ids, times, points) that are not numbers.
  static const std::string sql =
      select("WHERE jurisdiction_id = ?1 AND created_at >= ?2 AND created_at < ?3 AND (created_at > ?4 OR "
             "(created_at = ?4 AND id > ?5)) ORDER BY created_at, id LIMIT ?6");
  for (outbox_position at = after;;) {
    auto page =
        fetch_all(c, sql, "outbox", read_row, scope.jurisdiction_id, scope.since, scope.before, at.created_at, at.id, limit);
    if (!page) return page.error();
    for (auto& n : *page) {
      at = {n.created_at, n.id};
      if (domain::find_phones_in_text(n.payload_json).empty()) continue;
      out.push_back(std::move(n));
      if (static_cast<int>(out.size()) == limit) return out;
    }
    if (static_cast<int>(page->size()) < limit) return out;
  }
}

result<std::int64_t> erase_payloads(connection& c, const privacy_scope& scope, const std::string& erased_payload) {
  // A pending reply to the number is not sent any more; a pending notice to an agency is left
  // to the caller (it delivers, without the contact: write_payload).
  static const std::string sql =
      cat({"UPDATE outbox SET payload_json = ?4, target = CASE WHEN event_kind LIKE 'reply.%' THEN '' ELSE target END, "
           "last_error = CASE WHEN status = 'pending' THEN 'dibatalkan: data pelapor dihapus atas permintaannya' "
           "ELSE last_error END, status = CASE WHEN status = 'pending' THEN 'dead' ELSE status END, updated_at = ?5 "
           "WHERE ",
           holding_rows, " AND (status <> 'pending' OR event_kind LIKE 'reply.%')"});
  auto st = prepare_bound(c, sql, scope.jurisdiction_id, scope.before, scope.phone, erased_payload, scope.at);
  if (!st) return st.error();
  if (auto r = st->run("outbox"); !r) return r.error();
  return c.changes();
}

result<void> write_payload(connection& c, const std::string& jurisdiction_id, const std::string& id,
                           const std::string& payload_json) {
  auto st = prepare_bound(c, "UPDATE outbox SET payload_json = ? WHERE jurisdiction_id = ? AND id = ?", payload_json,
                          jurisdiction_id, id);
  if (!st) return st.error();
  if (auto r = st->run("outbox"); !r) return r;
  if (c.changes() == 0) return core::not_found("notification " + id + " not found");
  return {};
}
