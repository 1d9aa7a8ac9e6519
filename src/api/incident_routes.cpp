// /api/v1/incidents and /api/v1/dispatches: create, list, read and move them. What a viewer
// may see is decided in services/incident_queries.hpp.
#include "api/handler.hpp"
#include "api/inputs.hpp"
#include "api/list_exports.hpp"
#include "api/views.hpp"
#include "services/incident_queries.hpp"
#include "services/incident_service.hpp"
#include "services/incident_updates.hpp"

namespace siaga::api {
namespace {

// ---------- incidents ----------

awaitable<reply> create_incident(call& c) {
  SIAGA_CO_TRY(key, idempotency_header(c.req()));
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(
      only_fields(body, {"category_id", "summary", "description", "location", "address", "district_id", "village_id",
                         "report_ids", "agency_ids", "add_agency_ids", "remove_agency_ids", "dispatch", "share_contact"}));
  SIAGA_CO_TRY(in, new_incident_of(body, true));
  if (in.category_id.empty()) co_return core::invalid("field 'category_id' is required");
  SIAGA_CO_CHECK(place_before_write(c.deps.store.reader(), c.who, in.district_id, in.village_id, in.location));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(made, run_service<services::idempotent<services::incident_detail>>(
                            c.deps.store, &services::create_incident_detail_once, ctx, c.who, in, key));
  if (made.outcome == services::idempotent_outcome::key_reused) co_return key_reused_response(c.req());
  SIAGA_CO_TRY(detail, incident_detail_with_clocks(c.deps.store.reader(), c.who, made.value, c.deps.clock.now()));
  co_return created_response(c.req(), made.outcome, detail);
}

awaitable<reply> list_incidents(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(format, format_of(q));
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::incident_filter f;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("status"); it != q.end()) {
    SIAGA_CO_TRY(statuses, comma_list(it->second, domain::parse_incident_status));
    f.statuses = std::move(statuses);
  }
  if (auto it = q.find("urgency"); it != q.end()) {
    SIAGA_CO_TRY(urgencies, comma_list(it->second, domain::parse_urgency));
    f.urgencies = std::move(urgencies);
  }
  if (auto it = q.find("category_id"); it != q.end()) f.category_id = it->second;
  if (auto it = q.find("district_id"); it != q.end()) {
    // "none": the incidents outside every kecamatan (the statistics' row without one).
    if (it->second == "none") f.without_district = true;
    else f.district_id = it->second;
  }
  if (auto it = q.find("village_id"); it != q.end()) f.village_id = it->second;
  if (auto it = q.find("agency_id"); it != q.end()) f.agency_id = it->second;
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  f.from = from;
  f.to = to;
  if (format != table_format::json) co_return co_await export_incidents(c, format, std::move(f));
  SIAGA_CO_TRY(p, services::list_incidents_for(c.deps.store.reader(), c.who, std::move(f)));
  SIAGA_CO_TRY(items, incidents_with_clocks(c.deps.store.reader(), c.who, p.items, c.deps.clock.now()));
  co_return json_response(c.req(), net::http::status::ok, items_page_json(std::move(items), p.total, pg));
}

awaitable<reply> get_incident(call& c) {
  SIAGA_CO_TRY(detail, incident_detail_of(c.deps.store.reader(), c.who, c.param("id"), c.deps.clock.now()));
  co_return json_response(c.req(), net::http::status::ok, detail);
}

awaitable<reply> incident_events(call& c) {
  SIAGA_CO_TRY(events, services::read_incident_events(c.deps.store.reader(), c.who, c.param("id")));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", events_json(events)}});
}

awaitable<reply> incident_dispatches(call& c) {
  SIAGA_CO_TRY(v, services::visible_incident(c.deps.store.reader(), c.who, c.param("id")));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", dispatches_json(v.dispatches)}});
}

awaitable<reply> add_dispatches(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"agency_ids", "share_contact"}));
  SIAGA_CO_TRY(agencies, opt_string_array(body, "agency_ids"));
  if (!agencies) co_return core::invalid("field 'agency_ids' is required");
  SIAGA_CO_TRY(share, opt_bool(body, "share_contact"));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(made, run_service<std::vector<domain::dispatch>>(c.deps.store, &services::add_dispatches, ctx, c.who,
                                                                   c.param("id"), *agencies, share.value_or(false)));
  co_return json_response(c.req(), net::http::status::created, json::object{{"items", dispatches_json(made)}});
}

body_fn incident_step(domain::incident_action action) {
  return [action](call& c) -> awaitable<reply> {
    SIAGA_CO_TRY(body, parse_body(c.req()));
    SIAGA_CO_CHECK(only_fields(body, {"reason"}));
    SIAGA_CO_TRY(reason, opt_string(body, "reason", 5000));
    auto ctx = c.ctx();
    SIAGA_AWAIT_TRY(inc, run_service<domain::incident>(c.deps.store, &services::act_on_incident, ctx, c.who,
                                                       c.param("id"), action, reason.value_or("")));
    SIAGA_CO_TRY(detail, incident_detail_of(c.deps.store.reader(), c.who, inc.id, c.deps.clock.now()));
    co_return json_response(c.req(), net::http::status::ok, detail);
  };
}

awaitable<reply> update_incident(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_TRY(patch, incident_patch_of(body));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(inc, run_service<domain::incident>(c.deps.store, &services::update_incident, ctx, c.who,
                                                     c.param("id"), patch));
  SIAGA_CO_TRY(detail, incident_detail_of(c.deps.store.reader(), c.who, inc.id, c.deps.clock.now()));
  co_return json_response(c.req(), net::http::status::ok, detail);
}

awaitable<reply> add_note(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"text"}));
  SIAGA_CO_TRY(text, required_string(body, "text", 2000));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(e, run_service<domain::event>(c.deps.store, &services::add_incident_note, ctx, c.who,
                                                c.param("id"), text));
  co_return json_response(c.req(), net::http::status::created, event_json(e));
}

// ---------- dispatches ----------

awaitable<reply> list_dispatches(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(format, format_of(q));
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::dispatch_filter f;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("agency_id"); it != q.end()) f.agency_id = it->second;
  if (auto it = q.find("incident_id"); it != q.end()) f.incident_id = it->second;
  if (auto it = q.find("status"); it != q.end()) {
    SIAGA_CO_TRY(statuses, comma_list(it->second, domain::parse_dispatch_status));
    f.statuses = std::move(statuses);
  }
  if (auto it = q.find("category_id"); it != q.end()) f.category_id = it->second;
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  f.from = from;
  f.to = to;
  if (format != table_format::json) co_return co_await export_dispatches(c, format, std::move(f));
  SIAGA_CO_TRY(p, services::list_dispatches_for(c.deps.store.reader(), c.who, std::move(f)));
  SIAGA_CO_TRY(items, dispatches_with_clocks(c.deps.store.reader(), c.who, p.items, c.deps.clock.now()));
  co_return json_response(c.req(), net::http::status::ok, items_page_json(std::move(items), p.total, pg));
}

awaitable<reply> get_dispatch(call& c) {
  SIAGA_CO_TRY(d, services::read_dispatch(c.deps.store.reader(), c.who, c.param("id")));
  SIAGA_CO_TRY(items, dispatches_with_clocks(c.deps.store.reader(), c.who, {d}, c.deps.clock.now()));
  co_return json_response(c.req(), net::http::status::ok, items.at(0));
}

// The completion: the note for the centre and, optionally, the public_note that the reporter
// reads on the tracking page.
awaitable<reply> complete_dispatch(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"note", "public_note"}));
  SIAGA_CO_TRY(note, opt_string(body, "note", 5000));
  SIAGA_CO_TRY(public_note, opt_string(body, "public_note", 2000));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(d, run_service<domain::dispatch>(c.deps.store, &services::complete_dispatch, ctx, c.who,
                                                   c.param("id"), note.value_or(""), public_note.value_or("")));
  co_return json_response(c.req(), net::http::status::ok, dispatch_json(d));
}

body_fn dispatch_step(domain::dispatch_status to, std::string_view text_field) {
  return [to, text_field](call& c) -> awaitable<reply> {
    SIAGA_CO_TRY(body, parse_body(c.req()));
    if (text_field.empty()) {
      SIAGA_CO_CHECK(only_fields(body, {}));
    } else {
      SIAGA_CO_CHECK(only_fields(body, {text_field}));
    }
    std::string text;
    if (!text_field.empty()) {
      SIAGA_CO_TRY(t, opt_string(body, text_field, 5000));
      text = t.value_or("");
    }
    auto ctx = c.ctx();
    SIAGA_AWAIT_TRY(
        d, run_service<domain::dispatch>(c.deps.store, &services::move_dispatch, ctx, c.who, c.param("id"), to, text));
    co_return json_response(c.req(), net::http::status::ok, dispatch_json(d));
  };
}

// An agency's operator acknowledges on its console; a call taker who phoned an agency without
// a console says so with {"via": "phone"}.
awaitable<reply> acknowledge(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"via"}));
  SIAGA_CO_TRY(via_text, opt_string(body, "via", 32));
  auto via = domain::ack_via::console;
  if (via_text) {
    SIAGA_CO_TRY(v, domain::parse_ack_via(*via_text));
    if (v == domain::ack_via::delivery_receipt) co_return core::invalid("via 'delivery_receipt' is the server's own");
    via = v;
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(d, run_service<domain::dispatch>(c.deps.store, &services::acknowledge_dispatch, ctx, c.who,
                                                   c.param("id"), via));
  co_return json_response(c.req(), net::http::status::ok, dispatch_json(d));
}

}  // namespace

void add_incident_routes(net::router& r, api_deps& deps) {
  using domain::dispatch_status;
  using domain::incident_action;
  const route_row table[] = {
      {verb::post, "/api/v1/incidents", dispatchers, create_incident},
      {verb::get, "/api/v1/incidents", signed_in, list_incidents},
      {verb::get, "/api/v1/incidents/{id}", signed_in, get_incident},
      {verb::patch, "/api/v1/incidents/{id}", dispatchers, update_incident},
      {verb::get, "/api/v1/incidents/{id}/events", signed_in, incident_events},
      {verb::post, "/api/v1/incidents/{id}/notes", dispatchers | access::agency, add_note},
      {verb::get, "/api/v1/incidents/{id}/dispatches", signed_in, incident_dispatches},
      {verb::post, "/api/v1/incidents/{id}/dispatches", dispatchers, add_dispatches},
      {verb::post, "/api/v1/incidents/{id}/close", dispatchers, incident_step(incident_action::close)},
      {verb::post, "/api/v1/incidents/{id}/cancel", dispatchers, incident_step(incident_action::cancel)},
      {verb::post, "/api/v1/incidents/{id}/reopen", dispatchers, incident_step(incident_action::reopen)},
      {verb::get, "/api/v1/dispatches", signed_in, list_dispatches},
      {verb::get, "/api/v1/dispatches/{id}", signed_in, get_dispatch},
      {verb::post, "/api/v1/dispatches/{id}/acknowledge", dispatchers | access::agency, acknowledge},
      {verb::post, "/api/v1/dispatches/{id}/en_route", dispatchers | access::agency,
       dispatch_step(dispatch_status::en_route, "")},
      {verb::post, "/api/v1/dispatches/{id}/on_scene", dispatchers | access::agency,
       dispatch_step(dispatch_status::on_scene, "")},
      {verb::post, "/api/v1/dispatches/{id}/complete", dispatchers | access::agency,
       complete_dispatch},
      {verb::post, "/api/v1/dispatches/{id}/decline", dispatchers | access::agency,
       dispatch_step(dispatch_status::declined, "reason")},
      {verb::post, "/api/v1/dispatches/{id}/cancel", dispatchers, dispatch_step(dispatch_status::cancelled, "reason")},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
