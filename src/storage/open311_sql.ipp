// The SQL of the Open311 requests, shared by both stores: included by sqlite/open311_sql.cpp and
// postgres/open311_sql.cpp inside their own open311_sql namespace, where connection, statement and
// the toolkit of their query.hpp are the store's own (as model_sql.ipp). Written in what both
// dialects speak (flags bound as 0/1, which PostgreSQL's BOOLEAN columns accept as text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

result<open311_record> read_record(const statement& st) {
  open311_record r;
  r.report_id = st.text(0);
  r.jurisdiction_id = st.text(1);
  r.service_code = st.text(2);
  r.description = st.text(3);
  r.attributes = st.text(4);
  r.media_url = st.text(5);
  r.email = st.text(6);
  r.device_id = st.text(7);
  r.account_id = st.text(8);
  r.api_key_id = st.text(9);
  r.created_at = st.time(10);
  return r;
}

}  // namespace

result<std::optional<open311_record>> find(connection& c, const std::string& report_id) {
  return fetch_one(c,
                   "SELECT report_id, jurisdiction_id, service_code, description, attributes, media_url, email, "
                   "device_id, account_id, api_key_id, created_at FROM open311_requests WHERE report_id = ?",
                   "open311_requests", read_record, report_id);
}

result<void> insert(connection& c, const open311_record& r) {
  auto st = prepare_bound(c,
                          "INSERT INTO open311_requests (report_id, jurisdiction_id, service_code, description, "
                          "attributes, media_url, email, device_id, account_id, api_key_id, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          r.report_id, r.jurisdiction_id, r.service_code, r.description, r.attributes, r.media_url,
                          r.email, r.device_id, r.account_id, r.api_key_id, r.created_at);
  if (!st) return st.error();
  return st->run("open311_requests");
}

