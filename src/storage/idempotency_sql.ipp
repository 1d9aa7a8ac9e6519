// The SQL of the Idempotency-Keys of creating requests, shared by both stores: included by
// sqlite/idempotency_sql.cpp and postgres/idempotency_sql.cpp inside their own idempotency_sql
// namespace, where connection, statement and the toolkit of their query.hpp are the store's own
// (as lapor_sql.ipp). ON CONFLICT DO NOTHING is spoken by both dialects.
// Not a header: it has no include guard and belongs to those two files only.

namespace {

result<idempotency_record> read_record(const statement& st) {
  idempotency_record r;
  r.jurisdiction_id = st.text(0);
  r.kind = st.text(1);
  r.key = st.text(2);
  r.record_id = st.text(3);
  r.request_digest = st.text(4);
  r.created_at = st.time(5);
  return r;
}

}  // namespace

result<std::optional<idempotency_record>> find(connection& c, const std::string& jurisdiction_id,
                                               const std::string& kind, const std::string& key) {
  return fetch_one(c,
                   "SELECT jurisdiction_id, kind, idempotency_key, record_id, request_digest, created_at "
                   "FROM idempotency_keys WHERE jurisdiction_id = ? AND kind = ? AND idempotency_key = ?",
                   "idempotency_keys", read_record, jurisdiction_id, kind, key);
}

result<bool> claim(connection& c, const idempotency_record& r) {
  auto st = prepare_bound(c,
                          "INSERT INTO idempotency_keys (jurisdiction_id, kind, idempotency_key, record_id, "
                          "request_digest, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (jurisdiction_id, kind, idempotency_key) DO NOTHING",
                          r.jurisdiction_id, r.kind, r.key, r.record_id, r.request_digest, r.created_at);
  if (!st) return st.error();
  if (auto done = st->run("idempotency_keys"); !done) return done.error();
  return c.changes() > 0;
}

result<std::int64_t> purge(connection& c, timestamp cutoff) {
  auto st = prepare_bound(c, "DELETE FROM idempotency_keys WHERE created_at < ?", cutoff);
  if (!st) return st.error();
  if (auto done = st->run("idempotency_keys"); !done) return done.error();
  return static_cast<std::int64_t>(c.changes());
}
