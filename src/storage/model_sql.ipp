// The SQL of the first tables (jurisdictions to events), shared by both stores: included by
// sqlite/model_sql.cpp and postgres/model_sql.cpp inside their own model_sql namespace, where
// connection, statement and the toolkit of their query.hpp (prepare_bound, fetch_one,
// fetch_all, fetch_page, where_clause, add_keyset, expect_changed, lat_of, name_of, ...) are
// the store's own. The SQL is written once, in the dialect both databases speak: ? and ?N
// placeholders (the PostgreSQL connection turns them into $n), ON CONFLICT ... DO UPDATE with
// the target column qualified, CAST to say a parameter's type where the statement does not.
// Not a header: it has no include guard and belongs to those two files only.

static std::string select(std::string_view columns, std::string_view rest) { return cat({"SELECT ", columns, " ", rest}); }

result<std::optional<domain::jurisdiction>> find_jurisdiction(connection& c, const std::string& id) {
  static const std::string sql = select(jurisdiction_columns, "FROM jurisdictions WHERE id = ?");
  return fetch_one(c, sql, "jurisdictions", read_jurisdiction<statement>, id);
}

result<std::optional<domain::jurisdiction>> find_jurisdiction_by_code(connection& c, const std::string& code) {
  static const std::string sql = select(jurisdiction_columns, "FROM jurisdictions WHERE code = ?");
  return fetch_one(c, sql, "jurisdictions", read_jurisdiction<statement>, code);
}

result<std::vector<domain::jurisdiction>> list_jurisdictions(connection& c) {
  static const std::string sql = select(jurisdiction_columns, "FROM jurisdictions ORDER BY code");
  return fetch_all(c, sql, "jurisdictions", read_jurisdiction<statement>);
}

result<std::vector<domain::district>> list_districts(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(district_columns, "FROM districts WHERE jurisdiction_id = ? ORDER BY code");
  return fetch_all(c, sql, "districts", read_district<statement>, jurisdiction_id);
}

result<std::optional<domain::district>> find_district(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(district_columns, "FROM districts WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "districts", read_district<statement>, jurisdiction_id, id);
}

result<std::vector<domain::agency>> list_agencies(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(agency_columns, "FROM agencies WHERE jurisdiction_id = ? ORDER BY code");
  return fetch_all(c, sql, "agencies", read_agency<statement>, jurisdiction_id);
}

result<std::optional<domain::agency>> find_agency(connection& c, const std::string& jurisdiction_id,
                                                  const std::string& id) {
  static const std::string sql = select(agency_columns, "FROM agencies WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "agencies", read_agency<statement>, jurisdiction_id, id);
}

static result<std::int64_t> read_version(const statement& st) { return st.int64(0); }

result<std::int64_t> directory_version(connection& c, const std::string& jurisdiction_id) {
  auto v = fetch_one(c, "SELECT version FROM directory_versions WHERE jurisdiction_id = ?", "directory_versions",
                     read_version, jurisdiction_id);
  if (!v) return v.error();
  return v->value_or(0);
}

result<std::vector<domain::category>> list_categories(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(category_columns, "FROM categories WHERE jurisdiction_id = ? ORDER BY code");
  return fetch_all(c, sql, "categories", read_category<statement>, jurisdiction_id);
}

result<std::optional<domain::category>> find_category(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(category_columns, "FROM categories WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "categories", read_category<statement>, jurisdiction_id, id);
}

result<std::vector<domain::user>> list_users(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(user_columns, "FROM users WHERE jurisdiction_id = ? ORDER BY username");
  return fetch_all(c, sql, "users", read_user<statement>, jurisdiction_id);
}

result<std::optional<domain::user>> find_user(connection& c, const std::string& id) {
  static const std::string sql = select(user_columns, "FROM users WHERE id = ?");
  return fetch_one(c, sql, "users", read_user<statement>, id);
}

result<std::optional<domain::user>> find_user_by_username(connection& c, const std::string& username) {
  static const std::string sql = select(user_columns, "FROM users WHERE username = ?");
  return fetch_one(c, sql, "users", read_user<statement>, username);
}

result<std::optional<domain::session>> find_session(connection& c, const std::string& token_hash) {
  static const std::string sql = select(session_columns, "FROM sessions WHERE token_hash = ?");
  return fetch_one(c, sql, "sessions", read_session<statement>, token_hash);
}

result<std::optional<domain::report>> find_report(connection& c, const std::string& jurisdiction_id,
                                                  const std::string& id) {
  static const std::string sql = select(report_columns, "FROM reports WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "reports", read_report<statement>, jurisdiction_id, id);
}

result<std::optional<domain::report>> find_report_by_tracking_code(connection& c, const std::string& code) {
  static const std::string sql = select(report_columns, "FROM reports WHERE tracking_code = ?");
  return fetch_one(c, sql, "reports", read_report<statement>, code);
}

result<page<domain::report>> list_reports(connection& c, const report_filter& f) {
  where_clause w;
  w.add("jurisdiction_id = ?", f.jurisdiction_id);
  if (f.status) w.add("status = ?", domain::to_string(*f.status));
  if (f.source) w.add("source = ?", domain::to_string(*f.source));
  if (f.category_id) w.add("category_id = ?", *f.category_id);
  if (f.incident_id) w.add("incident_id = ?", *f.incident_id);
  if (f.from) w.add("created_at >= ?", core::to_micros(*f.from));
  if (f.to) w.add("created_at < ?", core::to_micros(*f.to));
  return fetch_page(c, "reports", report_columns, w, "created_at DESC, id DESC", f.page, read_report<statement>);
}

result<std::vector<domain::report>> reports_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql = select(report_columns, "FROM reports WHERE incident_id = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "reports", read_report<statement>, incident_id);
}

result<std::optional<domain::incident>> find_incident(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(incident_columns, "FROM incidents WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "incidents", read_incident<statement>, jurisdiction_id, id);
}

result<page<domain::incident>> list_incidents(connection& c, const incident_filter& f) {
  where_clause w;
  w.add("jurisdiction_id = ?", f.jurisdiction_id);
  if (!f.statuses.empty()) {
    std::vector<std::string_view> names;
    for (auto s : f.statuses) names.push_back(domain::to_string(s));
    w.add_in("status", std::move(names));
  }
  if (!f.urgencies.empty()) {
    std::vector<std::string_view> names;
    for (auto u : f.urgencies) names.push_back(domain::to_string(u));
    w.add_in("urgency_class", std::move(names));
  }
  if (f.category_id) w.add("category_id = ?", *f.category_id);
  if (f.without_district) {
    w.add("district_id IS NULL");
  } else if (f.district_id) {
    w.add("district_id = ?", *f.district_id);
  }
  if (f.village_id) w.add("village_id = ?", *f.village_id);
  if (f.agency_id) {
    w.add("id IN (SELECT incident_id FROM dispatches WHERE jurisdiction_id = ? AND agency_id = ?)", f.jurisdiction_id);
    w.add_arg(*f.agency_id);
  }
  if (f.from) w.add("created_at >= ?", core::to_micros(*f.from));
  if (f.to) w.add("created_at < ?", core::to_micros(*f.to));
  add_keyset(w, f.walk, "created_at");
  return fetch_page(c, "incidents", incident_columns, w, "created_at DESC, id DESC", f.page, read_incident<statement>, f.walk);
}

result<std::optional<domain::dispatch>> find_dispatch(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(dispatch_columns, "FROM dispatches WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "dispatches", read_dispatch<statement>, jurisdiction_id, id);
}

result<std::vector<domain::dispatch>> dispatches_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql =
      select(dispatch_columns, "FROM dispatches WHERE incident_id = ? ORDER BY notified_at, id");
  return fetch_all(c, sql, "dispatches", read_dispatch<statement>, incident_id);
}

result<page<domain::dispatch>> list_dispatches(connection& c, const dispatch_filter& f) {
  where_clause w;
  w.add("jurisdiction_id = ?", f.jurisdiction_id);
  if (f.agency_id) w.add("agency_id = ?", *f.agency_id);
  if (f.incident_id) w.add("incident_id = ?", *f.incident_id);
  if (!f.statuses.empty()) {
    std::vector<std::string_view> names;
    for (auto s : f.statuses) names.push_back(domain::to_string(s));
    w.add_in("status", std::move(names));
  }
  if (f.category_id) {
    w.add("incident_id IN (SELECT id FROM incidents WHERE jurisdiction_id = ? AND category_id = ?)", f.jurisdiction_id);
    w.add_arg(*f.category_id);
  }
  if (f.from) w.add("notified_at >= ?", core::to_micros(*f.from));
  if (f.to) w.add("notified_at < ?", core::to_micros(*f.to));
  add_keyset(w, f.walk, "notified_at");
  return fetch_page(c, "dispatches", dispatch_columns, w, "notified_at DESC, id DESC", f.page, read_dispatch<statement>, f.walk);
}

result<std::vector<domain::event>> events_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql = select(event_columns, "FROM events WHERE incident_id = ? ORDER BY seq");
  return fetch_all(c, sql, "events", read_event<statement>, incident_id);
}

result<std::vector<domain::event>> events_after(connection& c, std::int64_t after_seq, int limit) {
  if (limit <= 0) return std::vector<domain::event>{};
  static const std::string sql = select(event_columns, "FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
  return fetch_all(c, sql, "events", read_event<statement>, after_seq, limit);
}

result<std::vector<domain::event>> events_of_jurisdiction(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(event_columns, "FROM events WHERE jurisdiction_id = ? ORDER BY seq");
  return fetch_all(c, sql, "events", read_event<statement>, jurisdiction_id);
}

result<std::vector<domain::report>> reports_of_phone(connection& c, const std::string& jurisdiction_id,
                                                     const std::string& phone) {
  static const std::string sql =
      select(report_columns, "FROM reports WHERE jurisdiction_id = ? AND reporter_phone = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "reports", read_report<statement>, jurisdiction_id, phone);
}

result<std::vector<domain::event>> latest_events_of_kind(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& kind, int limit) {
  static const std::string sql =
      select(event_columns, "FROM events WHERE jurisdiction_id = ? AND kind = ? ORDER BY seq DESC LIMIT ?");
  return fetch_all(c, sql, "events", read_event<statement>, jurisdiction_id, kind, std::clamp(limit, 1, 500));
}

void seal_new_event(domain::event& e) {
  // Every new event is hash version 2, so that its personal data can be erased later; both
  // stores hash alike, so that one audit verifies either.
  e.erased_at.reset();
  e.payload_digest = domain::compute_payload_digest(e);
  e.hash = domain::compute_event_hash(e);
}

result<domain::event> insert_new_event(connection& c, domain::event e) {
  seal_new_event(e);
  auto st = prepare_bound(c,
                          "INSERT INTO events (seq, id, jurisdiction_id, subject, subject_id, incident_id, "
                          "agency_id, kind, actor_id, at, payload_json, prev_hash, hash, payload_digest) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          e.seq, e.id, e.jurisdiction_id, domain::to_string(e.subject), e.subject_id, e.incident_id,
                          e.agency_id, e.kind, e.actor_id, e.at, e.payload_json, e.prev_hash, e.hash,
                          e.payload_digest);
  if (!st) return st.error();
  if (auto r = st->run("events"); !r) return r.error();
  return e;
}

result<void> insert_jurisdiction(connection& c, const domain::jurisdiction& j) {
  auto weekend = encode_weekend(j.weekend_days);
  auto holidays = encode_holidays(j.holidays);
  auto endpoints = row_codec::encode_endpoints(j.alert_endpoints);
  auto st = prepare_bound(c,
                          "INSERT INTO jurisdictions (id, code, name, timezone, incident_prefix, weekend_days, "
                          "holidays, alert_endpoints) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          j.id, j.code, j.name, j.timezone, j.incident_prefix, weekend, holidays, endpoints);
  if (!st) return st.error();
  return st->run("jurisdictions");
}

result<void> update_jurisdiction(connection& c, const domain::jurisdiction& j) {
  auto weekend = encode_weekend(j.weekend_days);
  auto holidays = encode_holidays(j.holidays);
  auto endpoints = row_codec::encode_endpoints(j.alert_endpoints);
  auto st = prepare_bound(c,
                          "UPDATE jurisdictions SET name = ?, timezone = ?, weekend_days = ?, holidays = ?, "
                          "alert_endpoints = ? WHERE id = ?",
                          j.name, j.timezone, weekend, holidays, endpoints, j.id);
  if (!st) return st.error();
  if (auto r = st->run("jurisdictions"); !r) return r;
  if (c.changes() == 0) return core::not_found("jurisdiction " + j.id + " not found");
  return {};
}

result<void> insert_district(connection& c, const domain::district& d) {
  auto st =
      prepare_bound(c,
                    "INSERT INTO districts (id, jurisdiction_id, code, name, center_lat, center_lon, "
                    "boundary_geojson, boundary_approximate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    d.id, d.jurisdiction_id, d.code, d.name, lat_of(d.center), lon_of(d.center), d.boundary_geojson,
                    static_cast<int>(d.boundary_approximate));
  if (!st) return st.error();
  return st->run("districts");
}

result<void> upsert_agency(connection& c, const domain::agency& a) {
  std::string endpoints = row_codec::encode_endpoints(a.endpoints);
  auto st = prepare_bound(c,
                          "INSERT INTO agencies (id, jurisdiction_id, code, name, kind, phone, active, endpoints) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, "
                          "kind = excluded.kind, phone = excluded.phone, active = excluded.active, "
                          "endpoints = excluded.endpoints "
                          "WHERE agencies.jurisdiction_id = excluded.jurisdiction_id",
                          a.id, a.jurisdiction_id, a.code, a.name, domain::to_string(a.kind), a.phone,
                          static_cast<std::int64_t>(a.active), endpoints);
  if (!st) return st.error();
  if (auto r = st->run("agencies"); !r) return r;
  if (c.changes() == 0) return core::conflict("agencies: agency " + a.id + " belongs to another jurisdiction");
  return {};
}

result<void> upsert_category(connection& c, const domain::category& category) {
  std::string run_card = encode_run_card(category.run_card);
  std::string sop = encode_sop(category.sop);
  auto st = prepare_bound(c,
                          "INSERT INTO categories (id, jurisdiction_id, code, name_id, name_en, urgency_class, "
                          "run_card, sop, sla_dispatch_within_s, sla_acknowledge_within_s, "
                          "sla_on_scene_within_s, sla_complete_within_s, active, sla_close_within_s, "
                          "sla_dispatch_within_days, sla_acknowledge_within_days, sla_on_scene_within_days, "
                          "sla_complete_within_days, sla_close_within_days, is_public) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO UPDATE SET code = excluded.code, name_id = excluded.name_id, "
                          "name_en = excluded.name_en, urgency_class = excluded.urgency_class, "
                          "run_card = excluded.run_card, sop = excluded.sop, "
                          "sla_dispatch_within_s = excluded.sla_dispatch_within_s, "
                          "sla_acknowledge_within_s = excluded.sla_acknowledge_within_s, "
                          "sla_on_scene_within_s = excluded.sla_on_scene_within_s, "
                          "sla_complete_within_s = excluded.sla_complete_within_s, active = excluded.active, "
                          "sla_close_within_s = excluded.sla_close_within_s, "
                          "sla_dispatch_within_days = excluded.sla_dispatch_within_days, "
                          "sla_acknowledge_within_days = excluded.sla_acknowledge_within_days, "
                          "sla_on_scene_within_days = excluded.sla_on_scene_within_days, "
                          "sla_complete_within_days = excluded.sla_complete_within_days, "
                          "sla_close_within_days = excluded.sla_close_within_days, "
                          "is_public = excluded.is_public "
                          "WHERE categories.jurisdiction_id = excluded.jurisdiction_id",
                          category.id, category.jurisdiction_id, category.code, category.name_id, category.name_en,
                          domain::to_string(category.urgency_class), run_card, sop, category.sla.dispatch_within_s,
                          category.sla.acknowledge_within_s, category.sla.on_scene_within_s,
                          category.sla.complete_within_s, static_cast<std::int64_t>(category.active),
                          category.sla.close_within_s, std::int64_t{category.sla.dispatch_within_days},
                          std::int64_t{category.sla.acknowledge_within_days},
                          std::int64_t{category.sla.on_scene_within_days},
                          std::int64_t{category.sla.complete_within_days}, std::int64_t{category.sla.close_within_days},
                          static_cast<std::int64_t>(category.is_public));
  if (!st) return st.error();
  if (auto r = st->run("categories"); !r) return r;
  if (c.changes() == 0) {
    return core::conflict("categories: category " + category.id + " belongs to another jurisdiction");
  }
  return {};
}

result<void> insert_user(connection& c, const domain::user& u) {
  auto st = prepare_bound(c,
                          "INSERT INTO users (id, jurisdiction_id, username, display_name, role, agency_id, "
                          "password_hash, active, created_at, pbx_agent, must_change_password) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          u.id, u.jurisdiction_id, u.username, u.display_name, domain::to_string(u.user_role),
                          u.agency_id, u.password_hash, static_cast<std::int64_t>(u.active), u.created_at,
                          u.pbx_agent, static_cast<std::int64_t>(u.must_change_password));
  if (!st) return st.error();
  return st->run("users");
}

result<void> update_user(connection& c, const domain::user& u) {
  auto st = prepare_bound(c,
                          "UPDATE users SET username = ?, display_name = ?, role = ?, agency_id = ?, "
                          "password_hash = ?, active = ?, created_at = ?, pbx_agent = ?, must_change_password = ? "
                          "WHERE id = ? AND jurisdiction_id = ?",
                          u.username, u.display_name, domain::to_string(u.user_role), u.agency_id, u.password_hash,
                          static_cast<std::int64_t>(u.active), u.created_at, u.pbx_agent,
                          static_cast<std::int64_t>(u.must_change_password), u.id, u.jurisdiction_id);
  if (!st) return st.error();
  if (auto r = st->run("users"); !r) return r;
  return expect_changed(c, "user", u.id);
}

result<void> insert_session(connection& c, const domain::session& s) {
  // A session takes its jurisdiction from its user, since domain::session has none.
  auto st = prepare_bound(c,
                          "INSERT INTO sessions (token_hash, jurisdiction_id, user_id, created_at, expires_at) "
                          "SELECT CAST(?1 AS TEXT), jurisdiction_id, id, CAST(?3 AS BIGINT), CAST(?4 AS BIGINT) FROM users WHERE id = ?2",
                          s.token_hash, s.user_id, s.created_at, s.expires_at);
  if (!st) return st.error();
  if (auto r = st->run("sessions"); !r) return r;
  if (c.changes() == 0) return failure("sessions: FOREIGN KEY constraint failed: no user " + s.user_id);
  return {};
}

result<void> delete_session(connection& c, const std::string& token_hash) {
  auto st = prepare_bound(c, "DELETE FROM sessions WHERE token_hash = ?", token_hash);
  if (!st) return st.error();
  return st->run("sessions");
}

result<std::int64_t> delete_sessions_of_user(connection& c, const std::string& user_id, const std::string& keep) {
  auto st = prepare_bound(c, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", user_id, keep);
  if (!st) return st.error();
  if (auto r = st->run("sessions"); !r) return r.error();
  return static_cast<std::int64_t>(c.changes());
}

result<std::int64_t> delete_expired_sessions(connection& c, domain::timestamp now) {
  auto st = prepare_bound(c, "DELETE FROM sessions WHERE expires_at <= ?", now);
  if (!st) return st.error();
  if (auto r = st->run("sessions"); !r) return r.error();
  return static_cast<std::int64_t>(c.changes());
}

result<void> insert_security_event(connection& c, const domain::security_event& e) {
  auto st = prepare_bound(c,
                          "INSERT INTO security_events (id, jurisdiction_id, kind, username, address, at, until, "
                          "failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          e.id, e.jurisdiction_id, e.kind, e.username, e.address, e.at, e.until, e.failures);
  if (!st) return st.error();
  return st->run("security_events");
}

result<std::vector<domain::security_event>> list_security_events(connection& c, const std::string& jurisdiction_id,
                                                                 int limit) {
  static const std::string sql =
      "SELECT id, jurisdiction_id, kind, username, address, at, until, failures FROM security_events "
      "WHERE jurisdiction_id = ? OR jurisdiction_id IS NULL ORDER BY at DESC, id DESC LIMIT ?";
  return fetch_all(c, sql, "security_events", read_security_event<statement>, jurisdiction_id,
                   static_cast<std::int64_t>(std::clamp(limit, 1, 500)));
}

result<void> insert_report(connection& c, const domain::report& r) {
  auto st =
      prepare_bound(c,
                    "INSERT INTO reports (id, jurisdiction_id, tracking_code, source, status, reporter_name, "
                    "reporter_phone, description, category_id, lat, lon, address, district_id, "
                    "incident_id, rejection, resolution_note, created_by, created_at, updated_at, village_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    r.id, r.jurisdiction_id, r.tracking_code, domain::to_string(r.source),
                    domain::to_string(r.status), r.reporter_name, r.reporter_phone, r.description, r.category_id,
                    lat_of(r.location), lon_of(r.location), r.address, r.district_id, r.incident_id,
                    name_of(r.rejection), r.resolution_note, r.created_by, r.created_at, r.updated_at, r.village_id);
  if (!st) return st.error();
  return st->run("reports");
}

result<void> update_report(connection& c, const domain::report& r) {
  auto st = prepare_bound(c,
                          "UPDATE reports SET tracking_code = ?, source = ?, status = ?, reporter_name = ?, "
                          "reporter_phone = ?, description = ?, category_id = ?, lat = ?, lon = ?, address = ?, "
                          "district_id = ?, incident_id = ?, rejection = ?, resolution_note = ?, "
                          "created_by = ?, created_at = ?, updated_at = ?, village_id = ? WHERE id = ? AND jurisdiction_id = ?",
                          r.tracking_code, domain::to_string(r.source), domain::to_string(r.status), r.reporter_name,
                          r.reporter_phone, r.description, r.category_id, lat_of(r.location), lon_of(r.location),
                          r.address, r.district_id, r.incident_id, name_of(r.rejection), r.resolution_note,
                          r.created_by, r.created_at, r.updated_at, r.village_id, r.id, r.jurisdiction_id);
  if (!st) return st.error();
  if (auto res = st->run("reports"); !res) return res;
  return expect_changed(c, "report", r.id);
}

result<void> insert_incident(connection& c, const domain::incident& i) {
  auto st = prepare_bound(c,
                          "INSERT INTO incidents (id, jurisdiction_id, number, category_id, urgency_class, status, "
                          "summary, description, lat, lon, address, district_id, created_by, created_at, "
                          "updated_at, first_dispatched_at, resolved_at, closed_at, village_id) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          i.id, i.jurisdiction_id, i.number, i.category_id, domain::to_string(i.urgency_class),
                          domain::to_string(i.status), i.summary, i.description, lat_of(i.location),
                          lon_of(i.location), i.address, i.district_id, i.created_by, i.created_at, i.updated_at,
                          i.first_dispatched_at, i.resolved_at, i.closed_at, i.village_id);
  if (!st) return st.error();
  return st->run("incidents");
}

result<void> update_incident(connection& c, const domain::incident& i) {
  auto st = prepare_bound(c,
                          "UPDATE incidents SET number = ?, category_id = ?, urgency_class = ?, status = ?, "
                          "summary = ?, description = ?, lat = ?, lon = ?, address = ?, district_id = ?, "
                          "created_by = ?, created_at = ?, updated_at = ?, first_dispatched_at = ?, "
                          "resolved_at = ?, closed_at = ?, village_id = ? WHERE id = ? AND jurisdiction_id = ?",
                          i.number, i.category_id, domain::to_string(i.urgency_class), domain::to_string(i.status),
                          i.summary, i.description, lat_of(i.location), lon_of(i.location), i.address, i.district_id,
                          i.created_by, i.created_at, i.updated_at, i.first_dispatched_at, i.resolved_at, i.closed_at,
                          i.village_id, i.id, i.jurisdiction_id);
  if (!st) return st.error();
  if (auto r = st->run("incidents"); !r) return r;
  return expect_changed(c, "incident", i.id);
}

result<void> insert_dispatch(connection& c, const domain::dispatch& d) {
  auto st = prepare_bound(c,
                          "INSERT INTO dispatches (id, jurisdiction_id, incident_id, agency_id, role, status, "
                          "share_contact, note, decline_reason, notified_at, acknowledged_at, en_route_at, "
                          "on_scene_at, completed_at, declined_at, cancelled_at, updated_at, public_note) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          d.id, d.jurisdiction_id, d.incident_id, d.agency_id, domain::to_string(d.role),
                          domain::to_string(d.status), static_cast<std::int64_t>(d.share_contact), d.note,
                          d.decline_reason, d.notified_at, d.acknowledged_at, d.en_route_at, d.on_scene_at,
                          d.completed_at, d.declined_at, d.cancelled_at, d.updated_at, d.public_note);
  if (!st) return st.error();
  return st->run("dispatches");
}

result<void> update_dispatch(connection& c, const domain::dispatch& d) {
  auto st = prepare_bound(c,
                          "UPDATE dispatches SET incident_id = ?, agency_id = ?, role = ?, status = ?, "
                          "share_contact = ?, note = ?, decline_reason = ?, notified_at = ?, acknowledged_at = ?, "
                          "en_route_at = ?, on_scene_at = ?, completed_at = ?, declined_at = ?, cancelled_at = ?, "
                          "updated_at = ?, public_note = ? WHERE id = ? AND jurisdiction_id = ?",
                          d.incident_id, d.agency_id, domain::to_string(d.role), domain::to_string(d.status),
                          static_cast<std::int64_t>(d.share_contact), d.note, d.decline_reason, d.notified_at,
                          d.acknowledged_at, d.en_route_at, d.on_scene_at, d.completed_at, d.declined_at,
                          d.cancelled_at, d.updated_at, d.public_note, d.id, d.jurisdiction_id);
  if (!st) return st.error();
  if (auto r = st->run("dispatches"); !r) return r;
  return expect_changed(c, "dispatch", d.id);
}
