#include "storage/sqlite/model_sql.hpp"

#include "storage/sqlite/outbox_sql.hpp"
#include "storage/sqlite/query.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace siaga::storage::sqlite::model_sql {
namespace {

// ---------------------------------------------------------------------------------------
// Rows to values.

std::string_view json_text(const boost::json::string& s) { return std::string_view(s.data(), s.size()); }

std::string encode_run_card(const std::vector<domain::run_card_entry>& card) {
  boost::json::array a;
  a.reserve(card.size());
  for (const auto& e : card) {
    a.push_back(boost::json::object{{"agency_id", e.agency_id}, {"role", domain::to_string(e.role)}});
  }
  return boost::json::serialize(a);
}

std::string encode_sop(const std::vector<std::string>& sop) {
  boost::json::array a;
  a.reserve(sop.size());
  for (const auto& line : sop) a.emplace_back(line);
  return boost::json::serialize(a);
}

result<std::vector<domain::run_card_entry>> decode_run_card(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  auto bad = [] { return failure("categories: unreadable run_card"); };
  if (ec || !v.is_array()) return bad();
  std::vector<domain::run_card_entry> out;
  out.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    const auto* o = item.if_object();
    if (!o) return bad();
    const auto* agency = o->if_contains("agency_id");
    const auto* role = o->if_contains("role");
    if (!agency || !agency->is_string() || !role || !role->is_string()) return bad();
    auto parsed = domain::parse_dispatch_role(json_text(role->get_string()));
    if (!parsed) return bad();
    out.push_back({std::string(json_text(agency->get_string())), *parsed});
  }
  return out;
}

result<std::vector<std::string>> decode_sop(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  auto bad = [] { return failure("categories: unreadable sop"); };
  if (ec || !v.is_array()) return bad();
  std::vector<std::string> out;
  out.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) return bad();
    out.emplace_back(json_text(item.get_string()));
  }
  return out;
}

// The calendar is stored as JSON: [0, 6] and [{"date": "2025-08-17", "name": "..."}].
std::string encode_weekend(const std::vector<int>& days) {
  boost::json::array a;
  for (int d : days) a.emplace_back(d);
  return boost::json::serialize(a);
}

std::string encode_holidays(const std::vector<domain::holiday>& holidays) {
  boost::json::array a;
  for (const auto& h : holidays) a.push_back(boost::json::object{{"date", h.date}, {"name", h.name}});
  return boost::json::serialize(a);
}

result<void> decode_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j) {
  auto bad = [] { return failure("jurisdictions: unreadable calendar"); };
  boost::system::error_code ec;
  auto w = boost::json::parse(weekend, ec);
  if (ec || !w.is_array()) return bad();
  j.weekend_days.clear();
  for (const auto& d : w.get_array()) {
    if (!d.is_int64()) return bad();
    j.weekend_days.push_back(static_cast<int>(d.get_int64()));
  }
  auto h = boost::json::parse(holidays, ec);
  if (ec || !h.is_array()) return bad();
  for (const auto& item : h.get_array()) {
    const auto* o = item.if_object();
    const auto* date = o ? o->if_contains("date") : nullptr;
    const auto* name = o ? o->if_contains("name") : nullptr;
    if (!date || !date->is_string() || !name || !name->is_string()) return bad();
    j.holidays.push_back({std::string(json_text(date->get_string())), std::string(json_text(name->get_string()))});
  }
  return {};
}

constexpr std::string_view jurisdiction_columns = "id, code, name, timezone, incident_prefix, weekend_days, holidays, alert_endpoints";

result<domain::jurisdiction> read_jurisdiction(const statement& st) {
  domain::jurisdiction j;
  j.id = st.text(0);
  j.code = st.text(1);
  j.name = st.text(2);
  j.timezone = st.text(3);
  j.incident_prefix = st.text(4);
  if (auto r = decode_calendar(st.view(5), st.view(6), j); !r) return r.error();
  auto endpoints = outbox_sql::decode_endpoints(st.view(7));
  if (!endpoints) return endpoints.error();
  j.alert_endpoints = std::move(*endpoints);
  return j;
}

constexpr std::string_view district_columns =
    "id, jurisdiction_id, code, name, center_lat, center_lon, boundary_geojson, boundary_approximate";

result<domain::district> read_district(const statement& st) {
  domain::district d;
  d.id = st.text(0);
  d.jurisdiction_id = st.text(1);
  d.code = st.text(2);
  d.name = st.text(3);
  d.center = read_geo(st, 4);
  d.boundary_geojson = st.text(6);
  d.boundary_approximate = st.boolean(7);
  return d;
}

constexpr std::string_view agency_columns = "id, jurisdiction_id, code, name, kind, phone, active, endpoints";

result<domain::agency> read_agency(const statement& st) {
  enum_columns e(st, "agencies");
  domain::agency a;
  a.id = st.text(0);
  a.jurisdiction_id = st.text(1);
  a.code = st.text(2);
  a.name = st.text(3);
  a.kind = e.get(4, domain::parse_agency_kind);
  a.phone = st.text(5);
  a.active = st.boolean(6);
  auto endpoints = outbox_sql::decode_endpoints(st.view(7));
  if (!endpoints) return endpoints.error();
  a.endpoints = std::move(*endpoints);
  if (e.error()) return *e.error();
  return a;
}

constexpr std::string_view category_columns =
    "id, jurisdiction_id, code, name_id, name_en, urgency_class, run_card, sop, sla_dispatch_within_s, "
    "sla_acknowledge_within_s, sla_on_scene_within_s, sla_complete_within_s, active, sla_close_within_s, "
    "sla_dispatch_within_days, sla_acknowledge_within_days, sla_on_scene_within_days, sla_complete_within_days, "
    "sla_close_within_days, is_public";

result<domain::category> read_category(const statement& st) {
  enum_columns e(st, "categories");
  domain::category c;
  c.id = st.text(0);
  c.jurisdiction_id = st.text(1);
  c.code = st.text(2);
  c.name_id = st.text(3);
  c.name_en = st.text(4);
  c.urgency_class = e.get(5, domain::parse_urgency);
  auto card = decode_run_card(st.view(6));
  if (!card) return card.error();
  c.run_card = std::move(*card);
  auto sop = decode_sop(st.view(7));
  if (!sop) return sop.error();
  c.sop = std::move(*sop);
  c.sla.dispatch_within_s = st.int64(8);
  c.sla.acknowledge_within_s = st.int64(9);
  c.sla.on_scene_within_s = st.int64(10);
  c.sla.complete_within_s = st.int64(11);
  c.active = st.boolean(12);
  c.sla.close_within_s = st.int64(13);
  c.sla.dispatch_within_days = static_cast<int>(st.int64(14));
  c.sla.acknowledge_within_days = static_cast<int>(st.int64(15));
  c.sla.on_scene_within_days = static_cast<int>(st.int64(16));
  c.sla.complete_within_days = static_cast<int>(st.int64(17));
  c.sla.close_within_days = static_cast<int>(st.int64(18));
  c.is_public = st.boolean(19);
  if (e.error()) return *e.error();
  return c;
}

constexpr std::string_view user_columns =
    "id, jurisdiction_id, username, display_name, role, agency_id, password_hash, active, created_at, pbx_agent, "
    "must_change_password";

result<domain::user> read_user(const statement& st) {
  enum_columns e(st, "users");
  domain::user u;
  u.id = st.text(0);
  u.jurisdiction_id = st.text(1);
  u.username = st.text(2);
  u.display_name = st.text(3);
  u.user_role = e.get(4, domain::parse_role);
  u.agency_id = st.opt_text(5);
  u.password_hash = st.text(6);
  u.active = st.boolean(7);
  u.created_at = st.time(8);
  u.pbx_agent = st.text(9);
  u.must_change_password = st.boolean(10);
  if (e.error()) return *e.error();
  return u;
}

constexpr std::string_view session_columns = "token_hash, user_id, created_at, expires_at";

result<domain::session> read_session(const statement& st) {
  return domain::session{st.text(0), st.text(1), st.time(2), st.time(3)};
}

result<domain::security_event> read_security_event(const statement& st) {
  return domain::security_event{st.text(0), st.opt_text(1), st.text(2), st.text(3),
                                st.text(4), st.time(5),     st.time(6), st.int64(7)};
}

constexpr std::string_view report_columns =
    "id, jurisdiction_id, tracking_code, source, status, reporter_name, reporter_phone, description, "
    "category_id, lat, lon, address, district_id, incident_id, rejection, resolution_note, created_by, "
    "created_at, updated_at, village_id";

result<domain::report> read_report(const statement& st) {
  enum_columns e(st, "reports");
  domain::report r;
  r.id = st.text(0);
  r.jurisdiction_id = st.text(1);
  r.tracking_code = st.text(2);
  r.source = e.get(3, domain::parse_channel);
  r.status = e.get(4, domain::parse_report_status);
  r.reporter_name = st.text(5);
  r.reporter_phone = st.text(6);
  r.description = st.text(7);
  r.category_id = st.opt_text(8);
  r.location = read_geo(st, 9);
  r.address = st.text(11);
  r.district_id = st.opt_text(12);
  r.incident_id = st.opt_text(13);
  r.rejection = e.get_opt(14, domain::parse_reject_reason);
  r.resolution_note = st.text(15);
  r.created_by = st.text(16);
  r.created_at = st.time(17);
  r.updated_at = st.time(18);
  r.village_id = st.opt_text(19);
  if (e.error()) return *e.error();
  return r;
}

constexpr std::string_view incident_columns =
    "id, jurisdiction_id, number, category_id, urgency_class, status, summary, description, lat, lon, "
    "address, district_id, created_by, created_at, updated_at, first_dispatched_at, resolved_at, closed_at, "
    "village_id";

result<domain::incident> read_incident(const statement& st) {
  enum_columns e(st, "incidents");
  domain::incident i;
  i.id = st.text(0);
  i.jurisdiction_id = st.text(1);
  i.number = st.text(2);
  i.category_id = st.text(3);
  i.urgency_class = e.get(4, domain::parse_urgency);
  i.status = e.get(5, domain::parse_incident_status);
  i.summary = st.text(6);
  i.description = st.text(7);
  i.location = read_geo(st, 8);
  i.address = st.text(10);
  i.district_id = st.opt_text(11);
  i.created_by = st.text(12);
  i.created_at = st.time(13);
  i.updated_at = st.time(14);
  i.first_dispatched_at = st.opt_time(15);
  i.resolved_at = st.opt_time(16);
  i.closed_at = st.opt_time(17);
  i.village_id = st.opt_text(18);
  if (e.error()) return *e.error();
  return i;
}

constexpr std::string_view dispatch_columns =
    "id, jurisdiction_id, incident_id, agency_id, role, status, share_contact, note, decline_reason, "
    "notified_at, acknowledged_at, en_route_at, on_scene_at, completed_at, declined_at, cancelled_at, "
    "updated_at, public_note";

result<domain::dispatch> read_dispatch(const statement& st) {
  enum_columns e(st, "dispatches");
  domain::dispatch d;
  d.id = st.text(0);
  d.jurisdiction_id = st.text(1);
  d.incident_id = st.text(2);
  d.agency_id = st.text(3);
  d.role = e.get(4, domain::parse_dispatch_role);
  d.status = e.get(5, domain::parse_dispatch_status);
  d.share_contact = st.boolean(6);
  d.note = st.text(7);
  d.decline_reason = st.text(8);
  d.notified_at = st.time(9);
  d.acknowledged_at = st.opt_time(10);
  d.en_route_at = st.opt_time(11);
  d.on_scene_at = st.opt_time(12);
  d.completed_at = st.opt_time(13);
  d.declined_at = st.opt_time(14);
  d.cancelled_at = st.opt_time(15);
  d.updated_at = st.time(16);
  d.public_note = st.text(17);
  if (e.error()) return *e.error();
  return d;
}

constexpr std::string_view event_columns =
    "seq, id, jurisdiction_id, subject, subject_id, incident_id, agency_id, kind, actor_id, at, "
    "payload_json, prev_hash, hash, payload_digest, erased_at";

result<domain::event> read_event(const statement& st) {
  enum_columns e(st, "events");
  domain::event ev;
  ev.seq = st.int64(0);
  ev.id = st.text(1);
  ev.jurisdiction_id = st.text(2);
  ev.subject = e.get(3, domain::parse_subject_kind);
  ev.subject_id = st.text(4);
  ev.incident_id = st.opt_text(5);
  ev.agency_id = st.opt_text(6);
  ev.kind = st.text(7);
  ev.actor_id = st.text(8);
  ev.at = st.time(9);
  ev.payload_json = st.text(10);
  ev.prev_hash = st.text(11);
  ev.hash = st.text(12);
  ev.payload_digest = st.text(13);
  ev.erased_at = st.opt_time(14);
  if (e.error()) return *e.error();
  return ev;
}

// ---------------------------------------------------------------------------------------
// Query plumbing.
}  // namespace

result<void> read_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j) {
  return decode_calendar(weekend, holidays, j);
}


static std::string select(std::string_view columns, std::string_view rest) { return cat({"SELECT ", columns, " ", rest}); }

result<std::optional<domain::jurisdiction>> find_jurisdiction(connection& c, const std::string& id) {
  static const std::string sql = select(jurisdiction_columns, "FROM jurisdictions WHERE id = ?");
  return fetch_one(c, sql, "jurisdictions", read_jurisdiction, id);
}

result<std::optional<domain::jurisdiction>> find_jurisdiction_by_code(connection& c, const std::string& code) {
  static const std::string sql = select(jurisdiction_columns, "FROM jurisdictions WHERE code = ?");
  return fetch_one(c, sql, "jurisdictions", read_jurisdiction, code);
}

result<std::vector<domain::jurisdiction>> list_jurisdictions(connection& c) {
  static const std::string sql = select(jurisdiction_columns, "FROM jurisdictions ORDER BY code");
  return fetch_all(c, sql, "jurisdictions", read_jurisdiction);
}

result<std::vector<domain::district>> list_districts(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(district_columns, "FROM districts WHERE jurisdiction_id = ? ORDER BY code");
  return fetch_all(c, sql, "districts", read_district, jurisdiction_id);
}

result<std::optional<domain::district>> find_district(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(district_columns, "FROM districts WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "districts", read_district, jurisdiction_id, id);
}

result<std::vector<domain::agency>> list_agencies(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(agency_columns, "FROM agencies WHERE jurisdiction_id = ? ORDER BY code");
  return fetch_all(c, sql, "agencies", read_agency, jurisdiction_id);
}

result<std::optional<domain::agency>> find_agency(connection& c, const std::string& jurisdiction_id,
                                                  const std::string& id) {
  static const std::string sql = select(agency_columns, "FROM agencies WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "agencies", read_agency, jurisdiction_id, id);
}

result<std::vector<domain::category>> list_categories(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(category_columns, "FROM categories WHERE jurisdiction_id = ? ORDER BY code");
  return fetch_all(c, sql, "categories", read_category, jurisdiction_id);
}

result<std::optional<domain::category>> find_category(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(category_columns, "FROM categories WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "categories", read_category, jurisdiction_id, id);
}

result<std::vector<domain::user>> list_users(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(user_columns, "FROM users WHERE jurisdiction_id = ? ORDER BY username");
  return fetch_all(c, sql, "users", read_user, jurisdiction_id);
}

result<std::optional<domain::user>> find_user(connection& c, const std::string& id) {
  static const std::string sql = select(user_columns, "FROM users WHERE id = ?");
  return fetch_one(c, sql, "users", read_user, id);
}

result<std::optional<domain::user>> find_user_by_username(connection& c, const std::string& username) {
  static const std::string sql = select(user_columns, "FROM users WHERE username = ?");
  return fetch_one(c, sql, "users", read_user, username);
}

result<std::optional<domain::session>> find_session(connection& c, const std::string& token_hash) {
  static const std::string sql = select(session_columns, "FROM sessions WHERE token_hash = ?");
  return fetch_one(c, sql, "sessions", read_session, token_hash);
}

result<std::optional<domain::report>> find_report(connection& c, const std::string& jurisdiction_id,
                                                  const std::string& id) {
  static const std::string sql = select(report_columns, "FROM reports WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "reports", read_report, jurisdiction_id, id);
}

result<std::optional<domain::report>> find_report_by_tracking_code(connection& c, const std::string& code) {
  static const std::string sql = select(report_columns, "FROM reports WHERE tracking_code = ?");
  return fetch_one(c, sql, "reports", read_report, code);
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
  return fetch_page(c, "reports", report_columns, w, "created_at DESC, id DESC", f.page, read_report);
}

result<std::vector<domain::report>> reports_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql = select(report_columns, "FROM reports WHERE incident_id = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "reports", read_report, incident_id);
}

result<std::optional<domain::incident>> find_incident(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(incident_columns, "FROM incidents WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "incidents", read_incident, jurisdiction_id, id);
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
  return fetch_page(c, "incidents", incident_columns, w, "created_at DESC, id DESC", f.page, read_incident, f.walk);
}

result<std::optional<domain::dispatch>> find_dispatch(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id) {
  static const std::string sql = select(dispatch_columns, "FROM dispatches WHERE jurisdiction_id = ? AND id = ?");
  return fetch_one(c, sql, "dispatches", read_dispatch, jurisdiction_id, id);
}

result<std::vector<domain::dispatch>> dispatches_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql =
      select(dispatch_columns, "FROM dispatches WHERE incident_id = ? ORDER BY notified_at, id");
  return fetch_all(c, sql, "dispatches", read_dispatch, incident_id);
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
  return fetch_page(c, "dispatches", dispatch_columns, w, "notified_at DESC, id DESC", f.page, read_dispatch, f.walk);
}

result<std::vector<domain::event>> events_of_incident(connection& c, const std::string& incident_id) {
  static const std::string sql = select(event_columns, "FROM events WHERE incident_id = ? ORDER BY seq");
  return fetch_all(c, sql, "events", read_event, incident_id);
}

result<std::vector<domain::event>> events_after(connection& c, std::int64_t after_seq, int limit) {
  if (limit <= 0) return std::vector<domain::event>{};
  static const std::string sql = select(event_columns, "FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
  return fetch_all(c, sql, "events", read_event, after_seq, limit);
}

result<std::vector<domain::event>> events_of_jurisdiction(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql = select(event_columns, "FROM events WHERE jurisdiction_id = ? ORDER BY seq");
  return fetch_all(c, sql, "events", read_event, jurisdiction_id);
}

result<std::vector<domain::report>> reports_of_phone(connection& c, const std::string& jurisdiction_id,
                                                     const std::string& phone) {
  static const std::string sql =
      select(report_columns, "FROM reports WHERE jurisdiction_id = ? AND reporter_phone = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "reports", read_report, jurisdiction_id, phone);
}

result<std::vector<domain::event>> erasable_events(connection& c, const privacy_scope& scope, int limit) {
  if (limit <= 0) return std::vector<domain::event>{};
  if (scope.phone) {
    // A number is a JSON string in a payload: matched with its quotes, so that it is not found
    // inside a longer number.
    static const std::string sql = select(event_columns,
                                          "FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                                          "erased_at IS NULL AND at < ? AND (subject_id = ? OR instr(payload_json, '\"' || ? || '\"') > 0) "
                                          "ORDER BY seq LIMIT ?");
    return fetch_all(c, sql, "events", read_event, scope.jurisdiction_id, scope.before, *scope.phone, *scope.phone,
                     limit);
  }
  static const std::string sql = select(event_columns,
                                        "FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                                        "erased_at IS NULL AND at < ? AND subject IN ('call', 'caller', 'callback', "
                                        "'location') ORDER BY seq LIMIT ?");
  return fetch_all(c, sql, "events", read_event, scope.jurisdiction_id, scope.before, limit);
}

result<std::vector<domain::event>> latest_events_of_kind(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& kind, int limit) {
  static const std::string sql =
      select(event_columns, "FROM events WHERE jurisdiction_id = ? AND kind = ? ORDER BY seq DESC LIMIT ?");
  return fetch_all(c, sql, "events", read_event, jurisdiction_id, kind, std::clamp(limit, 1, 500));
}

result<void> insert_jurisdiction(connection& c, const domain::jurisdiction& j) {
  auto weekend = encode_weekend(j.weekend_days);
  auto holidays = encode_holidays(j.holidays);
  auto endpoints = outbox_sql::encode_endpoints(j.alert_endpoints);
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
  auto endpoints = outbox_sql::encode_endpoints(j.alert_endpoints);
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
  std::string endpoints = outbox_sql::encode_endpoints(a.endpoints);
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
                          "SELECT ?1, jurisdiction_id, id, ?3, ?4 FROM users WHERE id = ?2",
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
  return fetch_all(c, sql, "security_events", read_security_event, jurisdiction_id,
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

}  // namespace siaga::storage::sqlite::model_sql
