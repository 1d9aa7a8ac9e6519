// The SQL of villages and the boundaries of districts and villages, shared by both stores:
// included by sqlite/areas_sql.cpp and postgres/areas_sql.cpp inside their own areas_sql
// namespace, where connection, statement and the toolkit of their query.hpp are the store's own
// (as model_sql.ipp). Written in what both dialects speak (flags bound as 0/1, which PostgreSQL's
// BOOLEAN columns accept as text).
// Not a header: it has no include guard and belongs to those two files only.

namespace {

constexpr std::string_view village_columns =
    "id, jurisdiction_id, district_id, code, name, center_lat, center_lon, boundary_geojson, boundary_approximate";

result<domain::village> read_village(const statement& st) {
  domain::village v;
  v.id = st.text(0);
  v.jurisdiction_id = st.text(1);
  v.district_id = st.text(2);
  v.code = st.text(3);
  v.name = st.text(4);
  v.center = read_geo(st, 5);
  v.boundary_geojson = st.text(7);
  v.boundary_approximate = st.boolean(8);
  return v;
}

}  // namespace

result<std::vector<domain::village>> list_villages(connection& c, const std::string& jurisdiction_id,
                                                   const std::optional<std::string>& district_id) {
  if (district_id) {
    static const std::string sql =
        cat({"SELECT ", village_columns, " FROM villages WHERE jurisdiction_id = ? AND district_id = ? ORDER BY code"});
    return fetch_all(c, sql, "villages", read_village, jurisdiction_id, *district_id);
  }
  static const std::string sql = cat({"SELECT ", village_columns, " FROM villages WHERE jurisdiction_id = ? ORDER BY code"});
  return fetch_all(c, sql, "villages", read_village, jurisdiction_id);
}

result<std::optional<domain::village>> find_village(connection& c, const std::string& jurisdiction_id,
                                                    const std::string& id) {
  static const std::string sql =
      cat({"SELECT ", village_columns, " FROM villages WHERE jurisdiction_id = ? AND id = ?"});
  return fetch_one(c, sql, "villages", read_village, jurisdiction_id, id);
}

result<std::int64_t> area_version(connection& c, const std::string& jurisdiction_id) {
  auto st = prepare_bound(c, "SELECT version FROM area_versions WHERE jurisdiction_id = ?", jurisdiction_id);
  if (!st) return st.error();
  auto row = st->step("area_versions");
  if (!row) return row.error();
  return *row ? st->int64(0) : std::int64_t{0};
}

result<void> insert_village(connection& c, const domain::village& v) {
  auto st = prepare_bound(c,
                          "INSERT INTO villages (id, jurisdiction_id, district_id, code, name, center_lat, center_lon, "
                          "boundary_geojson, boundary_approximate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          v.id, v.jurisdiction_id, v.district_id, v.code, v.name, lat_of(v.center), lon_of(v.center),
                          v.boundary_geojson, static_cast<int>(v.boundary_approximate));
  if (!st) return st.error();
  return st->run("villages");
}

namespace {

// table is districts or villages (ours, never input); what names the row in not_found.
result<void> set_boundary(connection& c, std::string_view table, std::string_view what,
                          const std::string& jurisdiction_id, const std::string& id, const std::string& geojson,
                          bool approximate) {
  auto st = prepare_bound(c,
                          cat({"UPDATE ", table,
                               " SET boundary_geojson = ?, boundary_approximate = ? WHERE jurisdiction_id = ? AND id = ?"}),
                          geojson, static_cast<int>(approximate), jurisdiction_id, id);
  if (!st) return st.error();
  if (auto r = st->run(table); !r) return r;
  return expect_changed(c, what, id);
}

}  // namespace

result<void> set_district_boundary(connection& c, const std::string& jurisdiction_id, const std::string& id,
                                   const std::string& geojson, bool approximate) {
  return set_boundary(c, "districts", "district", jurisdiction_id, id, geojson, approximate);
}

result<void> set_village_boundary(connection& c, const std::string& jurisdiction_id, const std::string& id,
                                  const std::string& geojson, bool approximate) {
  return set_boundary(c, "villages", "village", jurisdiction_id, id, geojson, approximate);
}

