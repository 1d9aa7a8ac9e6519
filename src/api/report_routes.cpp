// /api/v1/reports: a report is typed in (or arrives from a channel), then accepted into an
// incident, rejected (prank, ghost, ...) or answered as information.
#include "api/handler.hpp"
#include "api/inputs.hpp"
#include "api/views.hpp"
#include "services/access.hpp"
#include "services/incident_queries.hpp"
#include "services/incident_service.hpp"
#include "services/privacy.hpp"

#include <algorithm>
#include <cmath>

namespace siaga::api {
namespace {

// ---------- reports ----------

awaitable<reply> create_report(call& c) {
  SIAGA_CO_TRY(key, idempotency_header(c.req()));
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"channel", "reporter_name", "reporter_phone", "description", "category_id",
                                    "location", "address", "district_id", "village_id"}));
  services::new_report in;
  SIAGA_CO_TRY(ch, opt_string(body, "channel", 32));
  if (ch) {
    SIAGA_CO_TRY(parsed, domain::parse_channel(*ch));
    in.source = parsed;
  }
  SIAGA_CO_TRY(name, opt_string(body, "reporter_name", 200));
  SIAGA_CO_TRY(phone, opt_string(body, "reporter_phone", 32));
  SIAGA_CO_TRY(desc, opt_string(body, "description"));
  SIAGA_CO_TRY(cat, opt_string(body, "category_id", 64));
  SIAGA_CO_TRY(loc, location_of(body));
  SIAGA_CO_TRY(addr, opt_string(body, "address", 500));
  SIAGA_CO_TRY(district, opt_string(body, "district_id", 64));
  SIAGA_CO_TRY(village, opt_string(body, "village_id", 64));
  in.reporter_name = name.value_or("");
  in.reporter_phone = phone.value_or("");
  in.description = desc.value_or("");
  in.category_id = cat;
  in.location = loc;
  in.address = addr.value_or("");
  in.district_id = district;
  in.village_id = village;
  SIAGA_CO_CHECK(place_before_write(c.deps.store.reader(), c.who, in.district_id, in.village_id, in.location));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(made, run_service<services::idempotent<domain::report>>(c.deps.store, &services::create_report_once,
                                                                         ctx, c.who, in, key));
  if (made.outcome == services::idempotent_outcome::key_reused) co_return key_reused_response(c.req());
  co_return created_response(c.req(), made.outcome, report_json(made.value, services::may_see_contact(c.who, false)));
}

awaitable<reply> list_reports(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::report_filter f;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("status"); it != q.end()) {
    SIAGA_CO_TRY(s, domain::parse_report_status(it->second));
    f.status = s;
  }
  if (auto it = q.find("channel"); it != q.end()) {
    SIAGA_CO_TRY(s, domain::parse_channel(it->second));
    f.source = s;
  }
  if (auto it = q.find("category_id"); it != q.end()) f.category_id = it->second;
  if (auto it = q.find("incident_id"); it != q.end()) f.incident_id = it->second;
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  f.from = from;
  f.to = to;
  SIAGA_CO_TRY(p, services::list_reports_for(c.deps.store.reader(), c.who, std::move(f)));
  bool show = services::may_see_contact(c.who, false);
  co_return json_response(c.req(), net::http::status::ok,
                          page_json(p, pg, [show](const domain::report& r) { return report_json(r, show); }));
}

// The open incidents the report may be about, for linking (services::report_link_candidates).
awaitable<reply> link_candidates(call& c) {
  SIAGA_CO_TRY(found, services::report_link_candidates(c.deps.store.reader(), c.who, c.param("id")));
  json::array items;
  for (const auto& v : found) {
    items.push_back(json::object{{"incident", incident_json(v.inc)},
                                 {"distance_m", v.distance_m ? json::value(std::round(*v.distance_m))
                                                             : json::value(nullptr)},
                                 {"basis", domain::to_string(v.basis)}});
  }
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

// The report with the photos that came with it (public channels), each with its public mark.
awaitable<reply> get_report(call& c) {
  SIAGA_CO_TRY(rep, services::read_report(c.deps.store.reader(), c.who, c.param("id")));
  SIAGA_CO_TRY(photos, c.deps.store.reader().media_of_report(rep.id));
  auto out = report_json(rep, services::may_see_contact(c.who, false));
  json::array media;
  for (const auto& m : photos) media.push_back(media_json(m));
  out["media"] = std::move(media);
  co_return json_response(c.req(), net::http::status::ok, out);
}

// The reporter's full contact, recorded as report.contact_revealed in the same write
// (services::reveal_report_contact).
awaitable<reply> reveal_contact(call& c) {
  // No body, or an empty JSON object: anything else is refused before anything is recorded.
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {}));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(contact, run_service<services::revealed_contact>(c.deps.store, &services::reveal_report_contact, ctx,
                                                                   c.who, c.param("id")));
  json::object out{{"report_id", contact.report_id},
                   {"name", contact.name.empty() ? json::value(nullptr) : json::value(contact.name)},
                   {"phone", contact.phone.empty() ? json::value(nullptr) : json::value(contact.phone)}};
  co_return json_response(c.req(), net::http::status::ok, out);
}

// Who revealed which reporter's contact or caller's number when, newest first, for supervisors:
// report.contact_revealed and call.caller_revealed merged by sequence.
awaitable<reply> list_reveals(call& c) {
  SIAGA_CO_TRY(pg, paging_of(query_of(c.req())));
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(events, rd.latest_events_of_kind(c.who.jurisdiction_id, "report.contact_revealed", pg.limit));
  SIAGA_CO_TRY(calls, rd.latest_events_of_kind(c.who.jurisdiction_id, "call.caller_revealed", pg.limit));
  events.insert(events.end(), std::make_move_iterator(calls.begin()), std::make_move_iterator(calls.end()));
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.seq > b.seq; });
  if (events.size() > static_cast<std::size_t>(pg.limit)) events.resize(static_cast<std::size_t>(pg.limit));
  json::array items;
  for (const auto& e : events) {
    std::string name = e.actor_id;
    if (auto u = rd.find_user(e.actor_id); u && *u) name = (*u)->display_name;
    const bool of_call = e.kind == "call.caller_revealed";
    items.push_back(json::object{{"seq", e.seq},
                                 {"kind", of_call ? "call" : "report"},
                                 {"report_id", of_call ? json::value(nullptr) : json::value(e.subject_id)},
                                 {"call_id", of_call ? json::value(e.subject_id) : json::value(nullptr)},
                                 {"incident_id", e.incident_id ? json::value(*e.incident_id) : json::value(nullptr)},
                                 {"actor_id", e.actor_id},
                                 {"actor_name", name},
                                 {"at", time_json(e.at)}});
  }
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> accept_report(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(
      only_fields(body, {"incident_id", "category_id", "summary", "description", "location", "address", "district_id",
                         "village_id", "agency_ids", "add_agency_ids", "remove_agency_ids", "dispatch", "share_contact"}));
  SIAGA_CO_TRY(incident_id, opt_string(body, "incident_id", 64));
  SIAGA_CO_TRY(fresh, new_incident_of(body, false));
  auto given = std::count_if(body.begin(), body.end(), [](const auto& kv) { return !kv.value().is_null(); });
  if (incident_id && given > 1) {
    co_return core::invalid("with incident_id, give no other field: the report joins that incident as it is");
  }
  if (fresh.location || fresh.district_id || fresh.village_id) {
    SIAGA_CO_CHECK(place_before_write(c.deps.store.reader(), c.who, fresh.district_id, fresh.village_id, fresh.location));
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(inc, run_service<domain::incident>(c.deps.store, &services::accept_report, ctx, c.who, c.param("id"),
                                                     incident_id, fresh));
  SIAGA_CO_TRY(detail, incident_detail_of(c.deps.store.reader(), c.who, inc.id, c.deps.clock.now()));
  co_return json_response(c.req(), net::http::status::ok, detail);
}

awaitable<reply> reject_report(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"reason", "note"}));
  SIAGA_CO_TRY(reason_text, required_string(body, "reason", 32));
  SIAGA_CO_TRY(reason, domain::parse_reject_reason(reason_text));
  SIAGA_CO_TRY(note, opt_string(body, "note", 5000));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(rep, run_service<domain::report>(c.deps.store, &services::reject_report, ctx, c.who, c.param("id"),
                                                   reason, note.value_or("")));
  co_return json_response(c.req(), net::http::status::ok, report_json(rep, services::may_see_contact(c.who, false)));
}

awaitable<reply> answer_report(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"note"}));
  SIAGA_CO_TRY(note, required_string(body, "note", 5000));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(rep,
                  run_service<domain::report>(c.deps.store, &services::answer_report, ctx, c.who, c.param("id"), note));
  co_return json_response(c.req(), net::http::status::ok, report_json(rep, services::may_see_contact(c.who, false)));
}

}  // namespace

void add_report_routes(net::router& r, api_deps& deps) {
  const route_row table[] = {
      {verb::post, "/api/v1/reports", dispatchers, create_report},
      {verb::get, "/api/v1/reports", readers, list_reports},
      {verb::get, "/api/v1/reports/{id}", readers, get_report},
      {verb::get, "/api/v1/reports/{id}/link_candidates", dispatchers, link_candidates},
      {verb::post, "/api/v1/reports/{id}/contact", dispatchers | access::agency, reveal_contact},
      {verb::get, "/api/v1/audit/reveals", admins | access::supervisor, list_reveals},
      {verb::post, "/api/v1/reports/{id}/accept", dispatchers, accept_report},
      {verb::post, "/api/v1/reports/{id}/reject", dispatchers, reject_report},
      {verb::post, "/api/v1/reports/{id}/answer", dispatchers, answer_report},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
