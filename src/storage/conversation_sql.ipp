// The SQL of the messaging channels: conversations, seen messages, reporters' contacts and
// delivery receipts, shared by both stores: included by sqlite/conversation_sql.cpp and
// postgres/conversation_sql.cpp inside their own conversation_sql namespace, where connection,
// statement and the toolkit of their query.hpp are the store's own (as model_sql.ipp). Written in
// what both dialects speak (flags bound as 0/1, which PostgreSQL's BOOLEAN columns accept as
// text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

result<domain::conversation> read_conversation(const statement& st) {
  domain::conversation v;
  enum_columns e(st, "channel_conversations");
  v.source = e.get(0, domain::parse_channel);
  v.sender = st.text(1);
  v.jurisdiction_id = st.text(2);
  v.reply_to = st.text(3);
  v.step = e.get(4, domain::parse_dialogue_step);
  v.description = st.text(5);
  v.location = read_geo(st, 6);
  v.address = st.text(8);
  v.started_at = st.time(9);
  v.updated_at = st.time(10);
  if (e.error()) return *e.error();
  return v;
}

result<domain::channel_message_record> read_message(const statement& st) {
  domain::channel_message_record m;
  enum_columns e(st, "channel_messages");
  m.source = e.get(0, domain::parse_channel);
  m.message_id = st.text(1);
  m.jurisdiction_id = st.text(2);
  m.sender = st.text(3);
  m.kind = e.get(4, domain::parse_message_kind);
  m.received_at = st.time(5);
  m.report_id = st.opt_text(6);
  if (e.error()) return *e.error();
  return m;
}

result<domain::channel_contact> read_contact(const statement& st) {
  domain::channel_contact v;
  enum_columns e(st, "channel_contacts");
  v.report_id = st.text(0);
  v.jurisdiction_id = st.text(1);
  v.source = e.get(2, domain::parse_channel);
  v.address = st.text(3);
  v.announced = st.text(4);
  if (e.error()) return *e.error();
  return v;
}

result<domain::channel_delivery_status> read_status(const statement& st) {
  domain::channel_delivery_status s;
  enum_columns e(st, "channel_statuses");
  s.source = e.get(0, domain::parse_channel);
  s.message_id = st.text(1);
  s.status = st.text(2);
  s.recipient = st.text(3);
  s.at = st.time(4);
  s.received_at = st.time(5);
  if (e.error()) return *e.error();
  return s;
}

constexpr std::string_view contact_columns =
    "c.report_id, c.jurisdiction_id, c.channel, c.address, c.announced FROM channel_contacts c ";

}  // namespace

result<std::optional<domain::conversation>> find(connection& c, domain::channel source, const std::string& sender) {
  return fetch_one(c,
                   "SELECT channel, sender, jurisdiction_id, reply_to, step, description, lat, lon, address, "
                   "started_at, updated_at FROM channel_conversations WHERE channel = ? AND sender = ?",
                   "channel_conversations", read_conversation, domain::to_string(source), sender);
}

result<void> upsert(connection& c, const domain::conversation& v) {
  auto st = prepare_bound(
      c,
      "INSERT INTO channel_conversations (channel, sender, jurisdiction_id, reply_to, step, description, lat, lon, "
      "address, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (channel, sender) DO UPDATE SET jurisdiction_id = excluded.jurisdiction_id, "
      "reply_to = excluded.reply_to, step = excluded.step, description = excluded.description, lat = excluded.lat, "
      "lon = excluded.lon, address = excluded.address, started_at = excluded.started_at, "
      "updated_at = excluded.updated_at",
      domain::to_string(v.source), v.sender, v.jurisdiction_id, v.reply_to, domain::to_string(v.step), v.description,
      lat_of(v.location), lon_of(v.location), v.address, v.started_at, v.updated_at);
  if (!st) return st.error();
  return st->run("channel_conversations");
}

result<void> remove(connection& c, domain::channel source, const std::string& sender) {
  auto st = prepare_bound(c, "DELETE FROM channel_conversations WHERE channel = ? AND sender = ?",
                          domain::to_string(source), sender);
  if (!st) return st.error();
  return st->run("channel_conversations");
}

result<std::optional<domain::channel_message_record>> find_message(connection& c, domain::channel source,
                                                                  const std::string& message_id) {
  return fetch_one(c,
                   "SELECT channel, message_id, jurisdiction_id, sender, kind, received_at, report_id "
                   "FROM channel_messages WHERE channel = ? AND message_id = ?",
                   "channel_messages", read_message, domain::to_string(source), message_id);
}

result<void> insert_message(connection& c, const domain::channel_message_record& m) {
  auto st = prepare_bound(c,
                          "INSERT INTO channel_messages (channel, message_id, jurisdiction_id, sender, kind, "
                          "received_at, report_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          domain::to_string(m.source), m.message_id, m.jurisdiction_id, m.sender,
                          domain::to_string(m.kind), m.received_at, m.report_id);
  if (!st) return st.error();
  return st->run("channel_messages");
}

result<std::vector<domain::channel_contact>> contacts_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql = cat({"SELECT ", contact_columns,
                                      "JOIN reports r ON r.id = c.report_id WHERE r.incident_id = ? "
                                      "ORDER BY r.created_at, r.id"});
  return fetch_all(c, sql, "channel_contacts", read_contact, incident_id);
}

result<std::optional<domain::channel_contact>> find_contact(connection& c, const std::string& report_id) {
  static const std::string sql = cat({"SELECT ", contact_columns, "WHERE c.report_id = ?"});
  return fetch_one(c, sql, "channel_contacts", read_contact, report_id);
}

result<std::int64_t> count_new_reports_from(connection& c, const std::string& jurisdiction_id, const std::string& phone,
                                           domain::channel source, const std::string& address) {
  auto st = prepare_bound(c,
                          "SELECT count(*) FROM reports r WHERE r.jurisdiction_id = ? AND r.status = 'new' AND "
                          "((? <> '' AND r.reporter_phone = ?) OR (? <> '' AND EXISTS (SELECT 1 FROM "
                          "channel_contacts k WHERE k.report_id = r.id AND k.channel = ? AND k.address = ?)))",
                          jurisdiction_id, phone, phone, address, domain::to_string(source), address);
  if (!st) return st.error();
  auto row = st->step("reports");
  if (!row) return row.error();
  return *row ? st->int64(0) : std::int64_t{0};
}

result<void> insert_contact(connection& c, const domain::channel_contact& v) {
  auto st = prepare_bound(c,
                          "INSERT INTO channel_contacts (report_id, jurisdiction_id, channel, address, announced) "
                          "VALUES (?, ?, ?, ?, ?)",
                          v.report_id, v.jurisdiction_id, domain::to_string(v.source), v.address, v.announced);
  if (!st) return st.error();
  return st->run("channel_contacts");
}

result<void> update_contact(connection& c, const domain::channel_contact& v) {
  auto st = prepare_bound(c, "UPDATE channel_contacts SET announced = ? WHERE report_id = ?", v.announced,
                          v.report_id);
  if (!st) return st.error();
  if (auto r = st->run("channel_contacts"); !r) return r;
  if (c.changes() == 0) return core::not_found("channel contact of report " + v.report_id + " not found");
  return {};
}

result<std::vector<domain::channel_delivery_status>> statuses(connection& c, domain::channel source,
                                                             const std::string& message_id) {
  return fetch_all(c,
                   "SELECT channel, message_id, status, recipient, at, received_at FROM channel_statuses "
                   "WHERE channel = ? AND message_id = ? ORDER BY at, status",
                   "channel_statuses", read_status, domain::to_string(source), message_id);
}

result<void> insert_status(connection& c, const domain::channel_delivery_status& s) {
  auto st = prepare_bound(c,
                          "INSERT INTO channel_statuses (channel, message_id, status, recipient, at, received_at) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          domain::to_string(s.source), s.message_id, s.status, s.recipient, s.at, s.received_at);
  if (!st) return st.error();
  return st->run("channel_statuses");
}

