// The rows of the first tables (jurisdictions to events) as every store keeps them: the column
// lists, in the order the decoders read them, and the decoders from a row to a domain value.
// Row is a store's current result row with text, view, int64, real, boolean, time, opt_text,
// opt_time and is_null by column index (sqlite::statement, postgres::statement). Decoders fail
// with storage_failure naming the table when a value was not written by this program.
#pragma once

#include "domain/lifecycle.hpp"
#include "domain/model.hpp"
#include "storage/row_codec.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace siaga::storage::model_rows {

using core::result;

// Reads enum columns, keeping the first value that does not parse as the row's error: such a
// value was written by something other than this program (a newer version, a hand edit).
template <class Row>
class row_enums {
 public:
  row_enums(const Row& st, std::string_view table) : st_(st), table_(table) {}

  template <class E>
  E get(int col, core::result<E> (*parse)(std::string_view)) {
    auto r = parse(st_.view(col));
    if (r) return *r;
    if (!error_) {
      error_ =
          core::make_error(core::errc::storage_failure, std::string(table_) + ": unreadable row: " + r.error().message);
    }
    return E{};
  }

  template <class E>
  std::optional<E> get_opt(int col, core::result<E> (*parse)(std::string_view)) {
    if (st_.is_null(col)) return std::nullopt;
    return get(col, parse);
  }

  const std::optional<core::error>& error() const { return error_; }

 private:
  const Row& st_;
  std::string_view table_;
  std::optional<core::error> error_;
};

// A point stored as two columns, lat_col and the one after it; NULL in either is no point.
template <class Row>
std::optional<domain::geo_point> read_geo(const Row& st, int lat_col) {
  if (st.is_null(lat_col) || st.is_null(lat_col + 1)) return std::nullopt;
  return domain::geo_point{st.real(lat_col), st.real(lat_col + 1)};
}

inline constexpr std::string_view jurisdiction_columns =
    "id, code, name, timezone, incident_prefix, weekend_days, holidays, alert_endpoints";

template <class Row>
result<domain::jurisdiction> read_jurisdiction(const Row& st) {
  domain::jurisdiction j;
  j.id = st.text(0);
  j.code = st.text(1);
  j.name = st.text(2);
  j.timezone = st.text(3);
  j.incident_prefix = st.text(4);
  if (auto r = row_codec::decode_calendar(st.view(5), st.view(6), j); !r) return r.error();
  auto endpoints = row_codec::decode_endpoints(st.view(7));
  if (!endpoints) return endpoints.error();
  j.alert_endpoints = std::move(*endpoints);
  return j;
}

inline constexpr std::string_view district_columns =
    "id, jurisdiction_id, code, name, center_lat, center_lon, boundary_geojson, boundary_approximate";

template <class Row>
result<domain::district> read_district(const Row& st) {
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

inline constexpr std::string_view agency_columns = "id, jurisdiction_id, code, name, kind, phone, active, endpoints";

template <class Row>
result<domain::agency> read_agency(const Row& st) {
  row_enums<Row> e(st, "agencies");
  domain::agency a;
  a.id = st.text(0);
  a.jurisdiction_id = st.text(1);
  a.code = st.text(2);
  a.name = st.text(3);
  a.kind = e.get(4, domain::parse_agency_kind);
  a.phone = st.text(5);
  a.active = st.boolean(6);
  auto endpoints = row_codec::decode_endpoints(st.view(7));
  if (!endpoints) return endpoints.error();
  a.endpoints = std::move(*endpoints);
  if (e.error()) return *e.error();
  return a;
}

inline constexpr std::string_view category_columns =
    "id, jurisdiction_id, code, name_id, name_en, urgency_class, run_card, sop, sla_dispatch_within_s, "
    "sla_acknowledge_within_s, sla_on_scene_within_s, sla_complete_within_s, active, sla_close_within_s, "
    "sla_dispatch_within_days, sla_acknowledge_within_days, sla_on_scene_within_days, sla_complete_within_days, "
    "sla_close_within_days, is_public";

template <class Row>
result<domain::category> read_category(const Row& st) {
  row_enums<Row> e(st, "categories");
  domain::category c;
  c.id = st.text(0);
  c.jurisdiction_id = st.text(1);
  c.code = st.text(2);
  c.name_id = st.text(3);
  c.name_en = st.text(4);
  c.urgency_class = e.get(5, domain::parse_urgency);
  auto card = row_codec::decode_run_card(st.view(6));
  if (!card) return card.error();
  c.run_card = std::move(*card);
  auto sop = row_codec::decode_sop(st.view(7));
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

inline constexpr std::string_view user_columns =
    "id, jurisdiction_id, username, display_name, role, agency_id, password_hash, active, created_at, pbx_agent, "
    "must_change_password";

template <class Row>
result<domain::user> read_user(const Row& st) {
  row_enums<Row> e(st, "users");
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

inline constexpr std::string_view session_columns = "token_hash, user_id, created_at, expires_at";

template <class Row>
result<domain::session> read_session(const Row& st) {
  return domain::session{st.text(0), st.text(1), st.time(2), st.time(3)};
}

template <class Row>
result<domain::security_event> read_security_event(const Row& st) {
  return domain::security_event{st.text(0), st.opt_text(1), st.text(2), st.text(3),
                                st.text(4), st.time(5),     st.time(6), st.int64(7)};
}

inline constexpr std::string_view report_columns =
    "id, jurisdiction_id, tracking_code, source, status, reporter_name, reporter_phone, description, "
    "category_id, lat, lon, address, district_id, incident_id, rejection, resolution_note, created_by, "
    "created_at, updated_at, village_id";

template <class Row>
result<domain::report> read_report(const Row& st) {
  row_enums<Row> e(st, "reports");
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

inline constexpr std::string_view incident_columns =
    "id, jurisdiction_id, number, category_id, urgency_class, status, summary, description, lat, lon, "
    "address, district_id, created_by, created_at, updated_at, first_dispatched_at, resolved_at, closed_at, "
    "village_id";

template <class Row>
result<domain::incident> read_incident(const Row& st) {
  row_enums<Row> e(st, "incidents");
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

inline constexpr std::string_view dispatch_columns =
    "id, jurisdiction_id, incident_id, agency_id, role, status, share_contact, note, decline_reason, "
    "notified_at, acknowledged_at, en_route_at, on_scene_at, completed_at, declined_at, cancelled_at, "
    "updated_at, public_note";

template <class Row>
result<domain::dispatch> read_dispatch(const Row& st) {
  row_enums<Row> e(st, "dispatches");
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

inline constexpr std::string_view event_columns =
    "seq, id, jurisdiction_id, subject, subject_id, incident_id, agency_id, kind, actor_id, at, "
    "payload_json, prev_hash, hash, payload_digest, erased_at";

template <class Row>
result<domain::event> read_event(const Row& st) {
  row_enums<Row> e(st, "events");
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

}  // namespace siaga::storage::model_rows
