#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/access.hpp"
#include "services/auth_service.hpp"
#include "services/directory_service.hpp"
#include "services/incident_service.hpp"
#include "services/passwords.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>

#include <algorithm>

namespace siaga::api {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using domain::role;
using net::http::verb;
using services::actor;

// ---------- parsing helpers ----------

core::result<std::optional<domain::geo_point>> location_of(const json::object& o) {
  auto it = o.find("location");
  if (it == o.end() || it->value().is_null()) return std::optional<domain::geo_point>{};
  if (!it->value().is_object()) return core::invalid("field 'location' must be an object {\"lat\": .., \"lon\": ..}");
  const auto& p = it->value().as_object();
  if (auto r = only_fields(p, {"lat", "lon"}); !r) return core::invalid("location: " + r.error().message);
  auto lat = opt_number(p, "lat");
  auto lon = opt_number(p, "lon");
  if (!lat) return lat.error();
  if (!lon) return lon.error();
  if (!*lat || !*lon) return core::invalid("field 'location' needs both lat and lon");
  return std::optional<domain::geo_point>{domain::geo_point{**lat, **lon}};
}

core::result<services::new_incident> new_incident_of(const json::object& o, bool with_reports) {
  services::new_incident in;
  auto cat = opt_string(o, "category_id", 64);
  if (!cat) return cat.error();
  in.category_id = cat->value_or("");
  auto summary = opt_string(o, "summary", 500);
  if (!summary) return summary.error();
  in.summary = summary->value_or("");
  auto desc = opt_string(o, "description");
  if (!desc) return desc.error();
  in.description = desc->value_or("");
  auto loc = location_of(o);
  if (!loc) return loc.error();
  in.location = *loc;
  auto addr = opt_string(o, "address", 500);
  if (!addr) return addr.error();
  in.address = addr->value_or("");
  auto district = opt_string(o, "district_id", 64);
  if (!district) return district.error();
  in.district_id = *district;
  if (with_reports) {
    auto reports = opt_string_array(o, "report_ids");
    if (!reports) return reports.error();
    in.report_ids = reports->value_or(std::vector<std::string>{});
  }
  auto agencies = opt_string_array(o, "agency_ids");
  if (!agencies) return agencies.error();
  in.agency_ids = *agencies;
  auto add = opt_string_array(o, "add_agency_ids");
  if (!add) return add.error();
  in.add_agency_ids = add->value_or(std::vector<std::string>{});
  auto remove = opt_string_array(o, "remove_agency_ids");
  if (!remove) return remove.error();
  in.remove_agency_ids = remove->value_or(std::vector<std::string>{});
  if (in.agency_ids && (!in.add_agency_ids.empty() || !in.remove_agency_ids.empty())) {
    return core::invalid("give either agency_ids or add_agency_ids/remove_agency_ids, not both");
  }
  auto dispatch = opt_bool(o, "dispatch");
  if (!dispatch) return dispatch.error();
  in.dispatch_now = dispatch->value_or(true);
  auto share = opt_bool(o, "share_contact");
  if (!share) return share.error();
  in.share_contact = share->value_or(false);
  return in;
}

// ---------- incident detail with the viewer's rules ----------

// Loads an incident the actor may see. Agency operators see only incidents one of their
// agency's dispatches belongs to; for anyone else the incident exists or not.
struct incident_view {
  domain::incident inc;
  std::vector<domain::dispatch> dispatches;  // those the actor may see
  bool contact_shared = false;               // with the actor's agency
};

core::result<incident_view> visible_incident(storage::store_reader& rd, const actor& who, const std::string& id) {
  auto inc = rd.find_incident(who.jurisdiction_id, id);
  if (!inc) return inc.error();
  if (!*inc) return core::not_found("incident " + id + " not found");
  auto all = rd.dispatches_of_incident(id);
  if (!all) return all.error();
  incident_view v{std::move(**inc), {}, false};
  for (auto& d : *all) {
    if (who.role == role::agency_operator && (!who.agency_id || d.agency_id != *who.agency_id)) continue;
    if (who.role == role::agency_operator && d.share_contact) v.contact_shared = true;
    v.dispatches.push_back(std::move(d));
  }
  if (who.role == role::agency_operator && v.dispatches.empty())
    return core::not_found("incident " + id + " not found");
  return v;
}

// Called only for events of an incident the actor may see (visible_incident), which for an
// agency operator means one dispatched to its agency. The rule is shared with the stream.
bool event_visible(const actor& who, const domain::event& e) {
  return services::event_visibility_for(who, e) != services::event_visibility::hidden;
}

json::array events_json(const actor& who, const std::vector<domain::event>& events) {
  json::array out;
  for (const auto& e : events) {
    if (event_visible(who, e)) out.push_back(event_json(e));
  }
  return out;
}

json::array dispatches_json(const std::vector<domain::dispatch>& ds) {
  json::array out;
  for (const auto& d : ds) out.push_back(dispatch_json(d));
  return out;
}

// The incident's photos the actor may see: those of the dispatches it sees (for an agency
// operator, its own agency's), and those of the incident as a whole except to agencies.
json::array media_json_of(const actor& who, const incident_view& v, const std::vector<domain::media>& all) {
  json::array out;
  for (const auto& m : all) {
    bool shown = m.dispatch_id ? std::any_of(v.dispatches.begin(), v.dispatches.end(),
                                             [&](const domain::dispatch& d) { return d.id == *m.dispatch_id; })
                               : who.role != role::agency_operator;
    if (shown) out.push_back(media_json(m));
  }
  return out;
}

core::result<json::object> incident_detail(storage::store_reader& rd, const actor& who, const std::string& id) {
  auto v = visible_incident(rd, who, id);
  if (!v) return v.error();
  auto reports = rd.reports_of_incident(id);
  if (!reports) return reports.error();
  auto events = rd.events_of_incident(id);
  if (!events) return events.error();
  auto out = incident_json(v->inc);
  bool show = services::may_see_contact(who, v->contact_shared);
  json::array reps;
  for (const auto& r : *reports) reps.push_back(report_json(r, show));
  out["reports"] = std::move(reps);
  out["dispatches"] = dispatches_json(v->dispatches);
  out["events"] = events_json(who, *events);
  auto media = rd.media_of_incident(id);
  if (!media) return media.error();
  out["media"] = media_json_of(who, *v, *media);
  return out;
}

template <class T, class F>
json::object page_json(const storage::page<T>& p, const paging& pg, F&& to_json) {
  json::array items;
  for (const auto& item : p.items) items.push_back(to_json(item));
  return {{"items", std::move(items)}, {"total", p.total}, {"limit", pg.limit}, {"offset", pg.offset}};
}

// ---------- auth ----------

core::result<bool> close_session_command(storage::store_txn& tx, const services::context& ctx, const actor& who,
                                         const std::string& token) {
  if (auto r = services::close_session(tx, ctx, who, token); !r) return r.error();
  return true;
}

awaitable<reply> login(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"username", "password"}));
  SIAGA_CO_TRY(username, required_string(body, "username", 64));
  SIAGA_CO_TRY(password, required_string(body, "password", 1024));
  // Argon2id takes ~100 ms: verify on the blocking pool, not on the event loop.
  auto home = co_await asio::this_coro::executor;
  co_await asio::post(c.deps.blocking, asio::use_awaitable);
  auto user = services::check_credentials(c.deps.store.reader(), username, password);
  co_await asio::post(home, asio::use_awaitable);
  if (!user) co_return user.error();
  auto ctx = c.ctx();
  auto lifetime = c.deps.options.session_lifetime;
  SIAGA_AWAIT_TRY(session,
                  run_service<services::login_result>(c.deps.store, &services::open_session, ctx, *user, lifetime));
  auto res = json_response(
      c.req(), net::http::status::ok,
      json::object{
          {"token", session.token}, {"expires_at", time_json(session.expires_at)}, {"user", user_json(session.user)}});
  std::string cookie = std::string(cookie_name) + "=" + session.token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(lifetime.count());
  if (c.deps.options.secure_cookie) cookie += "; Secure";
  res.set(net::http::field::set_cookie, cookie);
  co_return res;
}

awaitable<reply> logout(call& c) {
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(done, run_service<bool>(c.deps.store, &close_session_command, ctx, c.who, token_of(c.req())));
  (void)done;
  c.deps.sessions->forget(token_of(c.req()));
  auto res = no_content(c.req());
  res.set(net::http::field::set_cookie, std::string(cookie_name) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  co_return res;
}

awaitable<reply> me(call& c) {
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(user, rd.find_user(c.who.user_id));
  if (!user) co_return core::not_found("user not found");
  SIAGA_CO_TRY(jur, rd.find_jurisdiction(c.who.jurisdiction_id));
  auto out = user_json(*user);
  out["jurisdiction"] = jur ? json::value(jurisdiction_json(*jur)) : json::value(nullptr);
  if (user->agency_id) {
    SIAGA_CO_TRY(ag, rd.find_agency(c.who.jurisdiction_id, *user->agency_id));
    out["agency"] = ag ? json::value(agency_json(*ag)) : json::value(nullptr);
  }
  co_return json_response(c.req(), net::http::status::ok, out);
}

// ---------- reports ----------

awaitable<reply> create_report(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"channel", "reporter_name", "reporter_phone", "description", "category_id",
                                    "location", "address", "district_id"}));
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
  in.reporter_name = name.value_or("");
  in.reporter_phone = phone.value_or("");
  in.description = desc.value_or("");
  in.category_id = cat;
  in.location = loc;
  in.address = addr.value_or("");
  in.district_id = district;
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(rep, run_service<domain::report>(c.deps.store, &services::create_report, ctx, c.who, in));
  co_return json_response(c.req(), net::http::status::created, report_json(rep, true));
}

awaitable<reply> list_reports(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::report_filter f;
  f.jurisdiction_id = c.who.jurisdiction_id;
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
  SIAGA_CO_TRY(p, c.deps.store.reader().list_reports(f));
  bool show = services::may_see_contact(c.who, false);
  co_return json_response(c.req(), net::http::status::ok,
                          page_json(p, pg, [show](const domain::report& r) { return report_json(r, show); }));
}

awaitable<reply> get_report(call& c) {
  SIAGA_CO_TRY(rep, c.deps.store.reader().find_report(c.who.jurisdiction_id, c.param("id")));
  if (!rep) co_return core::not_found("report " + c.param("id") + " not found");
  co_return json_response(c.req(), net::http::status::ok, report_json(*rep, services::may_see_contact(c.who, false)));
}

awaitable<reply> accept_report(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(
      only_fields(body, {"incident_id", "category_id", "summary", "description", "location", "address", "district_id",
                         "agency_ids", "add_agency_ids", "remove_agency_ids", "dispatch", "share_contact"}));
  SIAGA_CO_TRY(incident_id, opt_string(body, "incident_id", 64));
  SIAGA_CO_TRY(fresh, new_incident_of(body, false));
  auto given = std::count_if(body.begin(), body.end(), [](const auto& kv) { return !kv.value().is_null(); });
  if (incident_id && given > 1) {
    co_return core::invalid("with incident_id, give no other field: the report joins that incident as it is");
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(inc, run_service<domain::incident>(c.deps.store, &services::accept_report, ctx, c.who, c.param("id"),
                                                     incident_id, fresh));
  SIAGA_CO_TRY(detail, incident_detail(c.deps.store.reader(), c.who, inc.id));
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
  co_return json_response(c.req(), net::http::status::ok, report_json(rep, true));
}

awaitable<reply> answer_report(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"note"}));
  SIAGA_CO_TRY(note, required_string(body, "note", 5000));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(rep,
                  run_service<domain::report>(c.deps.store, &services::answer_report, ctx, c.who, c.param("id"), note));
  co_return json_response(c.req(), net::http::status::ok, report_json(rep, true));
}

// ---------- incidents ----------

awaitable<reply> create_incident(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(
      only_fields(body, {"category_id", "summary", "description", "location", "address", "district_id", "report_ids",
                         "agency_ids", "add_agency_ids", "remove_agency_ids", "dispatch", "share_contact"}));
  SIAGA_CO_TRY(in, new_incident_of(body, true));
  if (in.category_id.empty()) co_return core::invalid("field 'category_id' is required");
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(inc, run_service<domain::incident>(c.deps.store, &services::create_incident, ctx, c.who, in));
  SIAGA_CO_TRY(detail, incident_detail(c.deps.store.reader(), c.who, inc.id));
  co_return json_response(c.req(), net::http::status::created, detail);
}

awaitable<reply> list_incidents(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::incident_filter f;
  f.jurisdiction_id = c.who.jurisdiction_id;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("status"); it != q.end()) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      SIAGA_CO_TRY(s, domain::parse_incident_status(rest.substr(0, comma)));
      f.statuses.push_back(s);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (auto it = q.find("category_id"); it != q.end()) f.category_id = it->second;
  if (auto it = q.find("district_id"); it != q.end()) f.district_id = it->second;
  if (auto it = q.find("agency_id"); it != q.end()) f.agency_id = it->second;
  if (c.who.role == role::agency_operator) {
    // Fail closed: an operator without an agency sees nothing rather than everything.
    if (!c.who.agency_id) co_return core::forbidden("this agency operator account has no agency");
    f.agency_id = c.who.agency_id;
  }
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  f.from = from;
  f.to = to;
  SIAGA_CO_TRY(p, c.deps.store.reader().list_incidents(f));
  co_return json_response(c.req(), net::http::status::ok, page_json(p, pg, incident_json));
}

awaitable<reply> get_incident(call& c) {
  SIAGA_CO_TRY(detail, incident_detail(c.deps.store.reader(), c.who, c.param("id")));
  co_return json_response(c.req(), net::http::status::ok, detail);
}

awaitable<reply> incident_events(call& c) {
  auto& rd = c.deps.store.reader();
  SIAGA_CO_CHECK(visible_incident(rd, c.who, c.param("id")));
  SIAGA_CO_TRY(events, rd.events_of_incident(c.param("id")));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", events_json(c.who, events)}});
}

awaitable<reply> incident_dispatches(call& c) {
  SIAGA_CO_TRY(v, visible_incident(c.deps.store.reader(), c.who, c.param("id")));
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
    SIAGA_CO_TRY(detail, incident_detail(c.deps.store.reader(), c.who, inc.id));
    co_return json_response(c.req(), net::http::status::ok, detail);
  };
}

// ---------- dispatches ----------

awaitable<reply> list_dispatches(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::dispatch_filter f;
  f.jurisdiction_id = c.who.jurisdiction_id;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("agency_id"); it != q.end()) f.agency_id = it->second;
  if (auto it = q.find("incident_id"); it != q.end()) f.incident_id = it->second;
  if (auto it = q.find("status"); it != q.end()) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      SIAGA_CO_TRY(s, domain::parse_dispatch_status(rest.substr(0, comma)));
      f.statuses.push_back(s);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (c.who.role == role::agency_operator) {
    // Fail closed: an operator without an agency sees nothing rather than everything.
    if (!c.who.agency_id) co_return core::forbidden("this agency operator account has no agency");
    f.agency_id = c.who.agency_id;
  }
  SIAGA_CO_TRY(p, c.deps.store.reader().list_dispatches(f));
  co_return json_response(c.req(), net::http::status::ok, page_json(p, pg, dispatch_json));
}

awaitable<reply> get_dispatch(call& c) {
  SIAGA_CO_TRY(d, c.deps.store.reader().find_dispatch(c.who.jurisdiction_id, c.param("id")));
  if (!d) co_return core::not_found("dispatch " + c.param("id") + " not found");
  SIAGA_CO_CHECK(services::check_dispatch_access(c.who, *d, false));
  co_return json_response(c.req(), net::http::status::ok, dispatch_json(*d));
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

// ---------- reference data ----------

awaitable<reply> list_agencies(call& c) {
  SIAGA_CO_TRY(all, c.deps.store.reader().list_agencies(c.who.jurisdiction_id));
  json::array items;
  for (const auto& a : all) {
    auto item = agency_json(a);
    // Endpoints are configuration: only the admins who keep them see them.
    if (c.who.role == role::admin) item["endpoints"] = endpoints_json(a.endpoints);
    items.push_back(std::move(item));
  }
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

core::result<domain::agency> agency_of(const json::object& body) {
  if (auto r = only_fields(body, {"code", "name", "kind", "phone", "active", "endpoints"}); !r) return r.error();
  domain::agency a;
  auto code = required_string(body, "code", 32);
  if (!code) return code.error();
  auto name = required_string(body, "name", 200);
  if (!name) return name.error();
  auto kind = opt_string(body, "kind", 32);
  if (!kind) return kind.error();
  auto phone = opt_string(body, "phone", 32);
  if (!phone) return phone.error();
  auto active = opt_bool(body, "active");
  if (!active) return active.error();
  a.code = *code;
  a.name = *name;
  if (*kind) {
    auto k = domain::parse_agency_kind(**kind);
    if (!k) return k.error();
    a.kind = *k;
  }
  a.phone = phone->value_or("");
  a.active = active->value_or(true);
  if (auto it = body.find("endpoints"); it != body.end() && !it->value().is_null()) {
    auto endpoints = endpoints_from_json(it->value());
    if (!endpoints) return endpoints.error();
    a.endpoints = std::move(*endpoints);
  }
  return a;
}

awaitable<reply> save_agency(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_TRY(a, agency_of(body));
  if (auto it = c.http.params.find("id"); it != c.http.params.end()) a.id = it->second;
  bool created = a.id.empty();
  // An update that does not mention endpoints keeps the stored ones.
  auto it = body.find("endpoints");
  bool endpoints_given = it != body.end() && !it->value().is_null();
  auto save = created || endpoints_given ? &services::save_agency : &services::save_agency_keeping_endpoints;
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(saved, run_service<domain::agency>(c.deps.store, save, ctx, c.who, a));
  auto out = agency_json(saved);
  out["endpoints"] = endpoints_json(saved.endpoints);
  co_return json_response(c.req(), created ? net::http::status::created : net::http::status::ok, out);
}

awaitable<reply> list_categories(call& c) {
  SIAGA_CO_TRY(all, c.deps.store.reader().list_categories(c.who.jurisdiction_id));
  json::array items;
  for (const auto& cat : all) items.push_back(category_json(cat));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

core::result<domain::category> category_of(const json::object& body) {
  if (auto r = only_fields(body, {"code", "name_id", "name_en", "urgency", "run_card", "sop", "sla", "active"}); !r) {
    return r.error();
  }
  domain::category c;
  auto code = required_string(body, "code", 40);
  if (!code) return code.error();
  auto name_id = required_string(body, "name_id", 200);
  if (!name_id) return name_id.error();
  auto name_en = opt_string(body, "name_en", 200);
  if (!name_en) return name_en.error();
  auto urg = required_string(body, "urgency", 32);
  if (!urg) return urg.error();
  auto u = domain::parse_urgency(*urg);
  if (!u) return u.error();
  auto sop = opt_string_array(body, "sop");
  if (!sop) return sop.error();
  auto active = opt_bool(body, "active");
  if (!active) return active.error();
  c.code = *code;
  c.name_id = *name_id;
  c.name_en = name_en->value_or("");
  c.urgency_class = *u;
  c.sop = sop->value_or(std::vector<std::string>{});
  c.active = active->value_or(true);
  if (auto it = body.find("run_card"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return core::invalid("field 'run_card' must be an array of {agency_id, role}");
    for (const auto& item : it->value().as_array()) {
      if (!item.is_object()) return core::invalid("field 'run_card' must be an array of {agency_id, role}");
      if (auto r = only_fields(item.as_object(), {"agency_id", "role"}); !r) {
        return core::invalid("run_card: " + r.error().message);
      }
      auto id = required_string(item.as_object(), "agency_id", 64);
      if (!id) return id.error();
      auto r = opt_string(item.as_object(), "role", 32);
      if (!r) return r.error();
      domain::run_card_entry e{*id, domain::dispatch_role::primary};
      if (*r) {
        auto parsed = domain::parse_dispatch_role(**r);
        if (!parsed) return parsed.error();
        e.role = *parsed;
      }
      c.run_card.push_back(std::move(e));
    }
  }
  if (auto it = body.find("sla"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return core::invalid("field 'sla' must be an object of seconds");
    const auto& s = it->value().as_object();
    if (auto r =
            only_fields(s, {"dispatch_within_s", "acknowledge_within_s", "on_scene_within_s", "complete_within_s"});
        !r) {
      return r.error();
    }
    auto read = [&](std::string_view key, std::int64_t& out) -> core::result<void> {
      auto v = opt_int(s, key);
      if (!v) return v.error();
      if (*v) out = **v;
      return {};
    };
    for (auto [key, out] : {std::pair{"dispatch_within_s", &c.sla.dispatch_within_s},
                            std::pair{"acknowledge_within_s", &c.sla.acknowledge_within_s},
                            std::pair{"on_scene_within_s", &c.sla.on_scene_within_s},
                            std::pair{"complete_within_s", &c.sla.complete_within_s}}) {
      if (auto r = read(key, *out); !r) return r.error();
    }
  }
  return c;
}

awaitable<reply> save_category(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_TRY(cat, category_of(body));
  if (auto it = c.http.params.find("id"); it != c.http.params.end()) cat.id = it->second;
  bool created = cat.id.empty();
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(saved, run_service<domain::category>(c.deps.store, &services::save_category, ctx, c.who, cat));
  co_return json_response(c.req(), created ? net::http::status::created : net::http::status::ok, category_json(saved));
}

awaitable<reply> list_districts(call& c) {
  SIAGA_CO_TRY(all, c.deps.store.reader().list_districts(c.who.jurisdiction_id));
  json::array items;
  for (const auto& d : all) items.push_back(district_json(d));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> list_users(call& c) {
  SIAGA_CO_TRY(all, c.deps.store.reader().list_users(c.who.jurisdiction_id));
  json::array items;
  for (const auto& u : all) items.push_back(user_json(u));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

// Hashes a password on the blocking pool and comes back.
awaitable<core::result<std::string>> hash_off_loop(api_deps& deps, std::string password) {
  auto home = co_await asio::this_coro::executor;
  co_await asio::post(deps.blocking, asio::use_awaitable);
  auto h = services::hash_password(password);
  co_await asio::post(home, asio::use_awaitable);
  co_return h;
}

awaitable<reply> create_user(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"username", "display_name", "role", "agency_id", "password", "pbx_agent"}));
  services::new_user in;
  SIAGA_CO_TRY(username, required_string(body, "username", 64));
  SIAGA_CO_TRY(display, required_string(body, "display_name", 200));
  SIAGA_CO_TRY(role_text, required_string(body, "role", 32));
  SIAGA_CO_TRY(r, domain::parse_role(role_text));
  SIAGA_CO_TRY(agency, opt_string(body, "agency_id", 64));
  SIAGA_CO_TRY(password, required_string(body, "password", 1024));
  SIAGA_CO_TRY(agent, opt_string(body, "pbx_agent", 64));
  SIAGA_AWAIT_TRY(hash, hash_off_loop(c.deps, password));
  in.pbx_agent = agent.value_or("");
  in.username = username;
  in.display_name = display;
  in.user_role = r;
  in.agency_id = agency;
  in.password_hash = hash;
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(u, run_service<domain::user>(c.deps.store, &services::create_user, ctx, c.who, in));
  co_return json_response(c.req(), net::http::status::created, user_json(u));
}

awaitable<reply> update_user(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"display_name", "role", "agency_id", "active", "password", "pbx_agent"}));
  services::user_changes ch;
  SIAGA_CO_TRY(display, opt_string(body, "display_name", 200));
  ch.display_name = display;
  SIAGA_CO_TRY(role_text, opt_string(body, "role", 32));
  if (role_text) {
    SIAGA_CO_TRY(r, domain::parse_role(*role_text));
    ch.user_role = r;
  }
  if (body.contains("agency_id")) {
    SIAGA_CO_TRY(agency, opt_string(body, "agency_id", 64));
    ch.agency_id = agency;
  }
  SIAGA_CO_TRY(active, opt_bool(body, "active"));
  ch.active = active;
  SIAGA_CO_TRY(agent, opt_string(body, "pbx_agent", 64));
  ch.pbx_agent = agent;
  SIAGA_CO_TRY(password, opt_string(body, "password", 1024));
  if (password) {
    SIAGA_AWAIT_TRY(hash, hash_off_loop(c.deps, *password));
    ch.password_hash = hash;
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(u, run_service<domain::user>(c.deps.store, &services::update_user, ctx, c.who, c.param("id"), ch));
  // Role, agency or active flag may have changed: cached sessions must not outlive that.
  c.deps.sessions->clear();
  co_return json_response(c.req(), net::http::status::ok, user_json(u));
}

awaitable<reply> health(call& c) {
  co_return json_response(c.req(), net::http::status::ok, json::object{{"status", "ok"}});
}

awaitable<reply> openapi(call& c) {
  net::response res{net::http::status::ok, c.req().version()};
  res.set(net::http::field::content_type, "application/json; charset=utf-8");
  res.keep_alive(c.req().keep_alive());
  res.body() = std::string(openapi_document());
  res.prepare_payload();
  co_return res;
}

}  // namespace

void add_core_routes(net::router& r, api_deps& deps) {
  using domain::dispatch_status;
  using domain::incident_action;
  const route_row table[] = {
      {verb::get, "/api/v1/health", 0, health},
      {verb::get, "/api/v1/openapi.json", 0, openapi},
      {verb::post, "/api/v1/auth/login", 0, login},
      {verb::post, "/api/v1/auth/logout", signed_in, logout},
      {verb::get, "/api/v1/me", signed_in, me},

      {verb::post, "/api/v1/reports", dispatchers, create_report},
      {verb::get, "/api/v1/reports", readers, list_reports},
      {verb::get, "/api/v1/reports/{id}", readers, get_report},
      {verb::post, "/api/v1/reports/{id}/accept", dispatchers, accept_report},
      {verb::post, "/api/v1/reports/{id}/reject", dispatchers, reject_report},
      {verb::post, "/api/v1/reports/{id}/answer", dispatchers, answer_report},

      {verb::post, "/api/v1/incidents", dispatchers, create_incident},
      {verb::get, "/api/v1/incidents", signed_in, list_incidents},
      {verb::get, "/api/v1/incidents/{id}", signed_in, get_incident},
      {verb::get, "/api/v1/incidents/{id}/events", signed_in, incident_events},
      {verb::get, "/api/v1/incidents/{id}/dispatches", signed_in, incident_dispatches},
      {verb::post, "/api/v1/incidents/{id}/dispatches", dispatchers, add_dispatches},
      {verb::post, "/api/v1/incidents/{id}/close", dispatchers, incident_step(incident_action::close)},
      {verb::post, "/api/v1/incidents/{id}/cancel", dispatchers, incident_step(incident_action::cancel)},
      {verb::post, "/api/v1/incidents/{id}/reopen", dispatchers, incident_step(incident_action::reopen)},

      {verb::get, "/api/v1/dispatches", signed_in, list_dispatches},
      {verb::get, "/api/v1/dispatches/{id}", signed_in, get_dispatch},
      {verb::post, "/api/v1/dispatches/{id}/acknowledge", dispatchers | access::agency,
       dispatch_step(dispatch_status::acknowledged, "")},
      {verb::post, "/api/v1/dispatches/{id}/en_route", dispatchers | access::agency,
       dispatch_step(dispatch_status::en_route, "")},
      {verb::post, "/api/v1/dispatches/{id}/on_scene", dispatchers | access::agency,
       dispatch_step(dispatch_status::on_scene, "")},
      {verb::post, "/api/v1/dispatches/{id}/complete", dispatchers | access::agency,
       dispatch_step(dispatch_status::completed, "note")},
      {verb::post, "/api/v1/dispatches/{id}/decline", dispatchers | access::agency,
       dispatch_step(dispatch_status::declined, "reason")},
      {verb::post, "/api/v1/dispatches/{id}/cancel", dispatchers, dispatch_step(dispatch_status::cancelled, "reason")},

      {verb::get, "/api/v1/agencies", signed_in, list_agencies},
      {verb::post, "/api/v1/agencies", admins, save_agency},
      {verb::put, "/api/v1/agencies/{id}", admins, save_agency},
      {verb::get, "/api/v1/categories", signed_in, list_categories},
      {verb::post, "/api/v1/categories", admins, save_category},
      {verb::put, "/api/v1/categories/{id}", admins, save_category},
      {verb::get, "/api/v1/districts", signed_in, list_districts},
      {verb::get, "/api/v1/users", admins | access::supervisor, list_users},
      {verb::post, "/api/v1/users", admins, create_user},
      {verb::patch, "/api/v1/users/{id}", admins, update_user},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

void add_routes(net::router& r, api_deps& deps) {
  add_core_routes(r, deps);
  add_notification_routes(r, deps);
  add_stream_routes(r, deps);
  add_call_routes(r, deps);
  add_media_routes(r, deps);
}

}  // namespace siaga::api
