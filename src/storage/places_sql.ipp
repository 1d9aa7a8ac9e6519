// The SQL of places that call takers search by name, shared by both stores: included by
// sqlite/places_sql.cpp and postgres/places_sql.cpp inside their own places_sql namespace, where
// connection, statement and the toolkit of their query.hpp are the store's own (as model_sql.ipp).
// Written in what both dialects speak (flags bound as 0/1, which PostgreSQL's BOOLEAN columns
// accept as text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

result<domain::place> read_row(const statement& st) {
  enum_columns e(st, "places");
  domain::place p;
  p.id = st.text(0);
  p.jurisdiction_id = st.text(1);
  p.name = st.text(2);
  p.folded = st.text(3);
  p.kind = e.get(4, domain::parse_place_kind);
  p.location = {st.real(5), st.real(6)};
  p.district_id = st.opt_text(7);
  p.source = st.text(8);
  p.created_at = st.time(9);
  if (e.error()) return *e.error();
  return p;
}

}  // namespace

result<std::vector<domain::place>> search(connection& c, const std::string& jurisdiction_id,
                                          const std::string& folded_query, int limit) {
  // Every typed word must start a word of the name ("pos uji" finds "Pos Damkar Tulehu Uji");
  // folded text holds only [a-z0-9 ], so the words need no escaping for LIKE.
  std::vector<std::string> words;
  for (std::size_t pos = 0; pos < folded_query.size() && words.size() < 6;) {
    auto end = folded_query.find(' ', pos);
    if (end == std::string::npos) end = folded_query.size();
    if (end > pos) words.push_back(folded_query.substr(pos, end - pos));
    pos = end + 1;
  }
  if (words.empty()) return std::vector<domain::place>{};
  std::string sql =
      "SELECT id, jurisdiction_id, name, folded, kind, lat, lon, district_id, source, created_at FROM places "
      "WHERE jurisdiction_id = ?";
  for (std::size_t i = 0; i < words.size(); ++i) sql += " AND (folded LIKE ? || '%' OR folded LIKE '% ' || ? || '%')";
  sql +=
      " ORDER BY CASE WHEN folded LIKE ? || '%' THEN 0 ELSE 1 END, "
      "CASE kind WHEN 'landmark' THEN 0 WHEN 'street' THEN 1 WHEN 'village' THEN 2 ELSE 3 END, length(name), name, id "
      "LIMIT ?";
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(jurisdiction_id);
  for (const auto& w : words) st->bind(w).bind(w);
  st->bind(folded_query).bind(std::clamp(limit, 1, 100));
  return collect(*st, "places", read_row);
}

result<std::vector<std::pair<std::string, std::int64_t>>> sources(connection& c, const std::string& jurisdiction_id) {
  auto st = c.prepare("SELECT source, count(*) FROM places WHERE jurisdiction_id = ? GROUP BY source ORDER BY source");
  if (!st) return st.error();
  st->bind(jurisdiction_id);
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (;;) {
    auto row = st->step("places");
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back(st->text(0), st->int64(1));
  }
  return out;
}

result<std::int64_t> replace(connection& c, const std::string& jurisdiction_id, const std::string& source,
                             const std::vector<domain::place>& places) {
  auto del = c.prepare("DELETE FROM places WHERE jurisdiction_id = ? AND source = ?");
  if (!del) return del.error();
  del->bind(jurisdiction_id).bind(source);
  if (auto r = del->run("places"); !r) return r.error();
  std::int64_t removed = c.changes();
  for (const auto& p : places) {
    auto st = c.prepare(
        "INSERT INTO places (id, jurisdiction_id, name, folded, kind, lat, lon, district_id, source, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return st.error();
    st->bind(p.id)
        .bind(jurisdiction_id)
        .bind(p.name)
        .bind(p.folded)
        .bind(to_string(p.kind))
        .bind(p.location.lat)
        .bind(p.location.lon)
        .bind(p.district_id)
        .bind(source)
        .bind(p.created_at);
    if (auto r = st->run("places"); !r) return r.error();
  }
  return removed;
}

