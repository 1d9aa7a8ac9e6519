// Calls and callers (issue 5): telephony events from PBX bridges, AML / ELS location messages,
// the caller decision a PBX asks before queueing, the call taker's calls, callers and callbacks,
// call statistics, and the api keys integrations use.
//
// Integration routes (telephony events, AML) are open in the route table and authenticate the
// api key themselves (Authorization: Bearer <key> or X-Api-Key: <key>), since the session check
// of wrap() knows only users.
#include "api/handler.hpp"
#include "api/views.hpp"
#include "domain/phone.hpp"
#include "services/access.hpp"
#include "services/call_service.hpp"
#include "services/call_stats.hpp"
#include "services/callbacks.hpp"
#include "services/caller_card.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

namespace siaga::api {
namespace {

using net::http::verb;
using namespace std::chrono_literals;

constexpr std::size_t max_batch_events = 500;

// ---------- JSON views ----------

json::value opt_text(const std::optional<std::string>& s) {
  return s ? json::value(json::string(*s)) : nullptr;
}

template <class E>
json::value opt_name(const std::optional<E>& v) {
  return v ? json::value(json::string(to_string(*v))) : json::value(nullptr);
}

json::value seconds_of(std::optional<std::chrono::milliseconds> d) {
  if (!d) return nullptr;
  return static_cast<double>(d->count()) / 1000.0;
}

std::string_view call_phase(const domain::call_state& s) {
  if (s.ended_at) return "ended";
  if (s.answered_at) return "talking";
  if (s.queued_at) return "queued";
  return "ringing";
}

json::object call_json(const domain::call_record& c) {
  const auto& s = c.state;
  json::value location = nullptr;
  if (c.location) {
    location = json::object{{"lat", c.location->lat},
                            {"lon", c.location->lon},
                            {"radius_m", c.location->radius_m ? json::value(*c.location->radius_m) : nullptr},
                            {"at", time_json(c.location->at)},
                            {"method", c.location->method},
                            {"format", c.location->format}};
  }
  return {
      {"id", c.id},
      {"external_id", c.external_id},
      {"caller", s.caller},
      {"line", s.line},
      {"phase", call_phase(s)},
      {"ring_at", time_json(s.ring_at)},
      {"queued_at", time_json(s.queued_at)},
      {"answered_at", time_json(s.answered_at)},
      {"ended_at", time_json(s.ended_at)},
      {"wait_s", seconds_of(s.wait())},
      {"talk_s", seconds_of(s.talk())},
      {"answered_by", s.answered_by},
      {"agent", s.agent},
      {"transfers", s.transfers},
      {"end_reason", opt_name(s.reason)},
      {"outcome", opt_name(s.outcome)},
      {"digits", s.digits},
      {"silent_caller", s.silent_caller},
      {"silent", s.silent},
      {"classification", opt_name(c.classification)},
      {"classification_source", opt_name(c.classified_source)},
      {"classified_by", c.classified_by.empty() ? json::value(nullptr) : json::value(json::string(c.classified_by))},
      {"classified_at", time_json(c.classified_at)},
      {"note", c.note},
      {"report_id", opt_text(c.report_id)},
      {"location", std::move(location)},
      {"created_at", time_json(c.created_at)},
      {"updated_at", time_json(c.updated_at)}};
}

json::object decision_json(const std::string& number, const domain::caller_decision& d) {
  return {{"number", number},   {"decision", to_string(d.kind)}, {"reason_code", d.reason_code},
          {"reason", d.reason}, {"until", time_json(d.until)},   {"recent_strikes", d.recent_strikes}};
}

json::object caller_view_json(const services::caller_view& v) {
  const auto& h = v.history;
  return {{"number", v.number},
          {"decision", decision_json(v.number, v.decision)},
          {"history", json::object{{"calls", h.calls},
                                   {"answered", h.answered},
                                   {"abandoned", h.abandoned},
                                   {"missed", h.missed},
                                   {"valid", h.valid},
                                   {"prank", h.prank},
                                   {"ghost", h.ghost},
                                   {"information", h.information},
                                   {"misdirected", h.misdirected},
                                   {"test", h.test},
                                   {"first_call_at", time_json(h.first_call_at)},
                                   {"last_call_at", time_json(h.last_call_at)}}},
          {"flags", json::object{{"flagged_at", time_json(v.flags.flagged_at)},
                                 {"blocked_until", time_json(v.flags.blocked_until)},
                                 {"strikes_since", time_json(v.flags.strikes_since)}}}};
}

json::object callback_json(const domain::callback_task& t, core::timestamp now) {
  auto overdue = now > t.due_at && (t.status == domain::callback_status::open)
                     ? json::value(std::chrono::duration<double>(now - t.due_at).count())
                     : json::value(nullptr);
  return {{"id", t.id},
          {"call_id", t.call_id},
          {"caller", t.caller},
          {"status", to_string(t.status)},
          {"due_at", time_json(t.due_at)},
          {"age_s", std::chrono::duration<double>(now - t.created_at).count()},
          {"overdue_s", std::move(overdue)},
          {"attempts", t.attempts},
          {"max_attempts", domain::callback_max_attempts},
          {"assigned_to", opt_text(t.assigned_to)},
          {"last_result", opt_name(t.last_result)},
          {"note", t.note},
          {"report_id", opt_text(t.report_id)},
          {"superseded_by", opt_text(t.superseded_by)},
          {"merged_into", opt_text(t.merged_into)},
          {"calls", t.calls},
          {"last_call_at", time_json(t.last_call_at)},
          {"dialed_call", t.dialed_call},
          {"dialed_at", time_json(t.dialed_at)},
          {"created_at", time_json(t.created_at)},
          {"updated_at", time_json(t.updated_at)},
          {"closed_at", time_json(t.closed_at)}};
}

json::object location_record_json(const domain::location_record& r) {
  json::value fix = nullptr;
  if (r.fix) {
    const auto& f = *r.fix;
    fix = json::object{{"lat", f.lat},
                       {"lon", f.lon},
                       {"radius_m", f.radius_m ? json::value(*f.radius_m) : nullptr},
                       {"fix_time", time_json(f.fix_time)},
                       {"method", to_string(f.method)},
                       {"confidence", f.confidence ? json::value(*f.confidence) : nullptr},
                       {"altitude_m", f.altitude_m ? json::value(*f.altitude_m) : nullptr},
                       {"emergency_number", f.emergency_number},
                       {"network", f.network},
                       {"language", f.language}};
  }
  return {{"id", r.id},
          {"call_id", opt_text(r.call_id)},
          {"number", r.number},
          {"accepted", r.accepted},
          {"rejection", r.accepted ? json::value(nullptr) : json::value(json::string(r.rejection))},
          {"format", r.format},
          {"fix", std::move(fix)},
          {"received_at", time_json(r.received_at)}};
}

json::object api_key_json(const domain::api_key& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"created_by", k.created_by},
          {"created_at", time_json(k.created_at)},
          {"revoked_at", time_json(k.revoked_at)}};
}

json::object bucket_json(const services::call_stats_bucket& b) {
  json::object classes;
  for (const auto& [k, v] : b.by_classification) classes[k] = v;
  json::object within;
  json::object share;
  for (int target : services::answer_targets_s) {
    auto key = std::to_string(target) + "s";
    auto it = b.answered_within.find(target);
    within[key] = it == b.answered_within.end() ? 0 : it->second;
    auto s = b.share_within.find(target);
    share[key] = s == b.share_within.end() || !s->second ? json::value(nullptr) : json::value(*s->second);
  }
  auto opt = [](std::optional<double> v) { return v ? json::value(*v) : json::value(nullptr); };
  return {{"key", b.key},
          {"total", b.total},
          {"answered", b.answered},
          {"abandoned", b.abandoned},
          {"missed", b.missed},
          {"live", b.live},
          {"by_classification", std::move(classes)},
          {"answer_time_s",
           json::object{{"p50", opt(b.answer_p50_s)}, {"p90", opt(b.answer_p90_s)}, {"p95", opt(b.answer_p95_s)}}},
          {"answered_within", std::move(within)},
          {"share_answered_within", std::move(share)},
          {"follow_ups", b.follow_ups}};
}

// ---------- input ----------

core::result<actor> integration_of(const call& c) {
  auto key = services::authenticate_api_key(c.deps.store.reader(), api_key_of(c.req()));
  if (!key) return key.error();
  return services::integration_actor(*key);
}

core::result<std::string> number_param(std::string_view text) {
  auto n = domain::normalize_phone(text);
  if (!n) return n.error();
  return std::move(*n);
}

core::result<domain::call_event> call_event_of(const json::object& o, core::timestamp now) {
  if (auto r = only_fields(
          o, {"event_id", "call_id", "type", "at", "caller", "line", "agent", "reason", "digits", "silent"});
      !r) {
    return r.error();
  }
  domain::call_event e;
  auto id = required_string(o, "event_id", 128);
  if (!id) return id.error();
  e.event_id = *id;
  auto call_id = required_string(o, "call_id", 128);
  if (!call_id) return call_id.error();
  e.call_id = *call_id;
  auto type = required_string(o, "type", 32);
  if (!type) return type.error();
  auto kind = domain::parse_call_event_kind(*type);
  if (!kind) return kind.error();
  e.kind = *kind;
  auto at_text = required_string(o, "at", 64);
  if (!at_text) return at_text.error();
  auto at = core::parse_iso8601(*at_text);
  if (!at) return core::invalid("field 'at': " + at.error().message);
  if (*at > now + 1h) return core::invalid("field 'at' is more than an hour in the future: check the PBX clock");
  e.at = *at;
  auto caller = opt_string(o, "caller", 64);
  if (!caller) return caller.error();
  if (*caller && !domain::is_withheld_number(**caller)) {
    auto n = domain::normalize_phone(**caller);
    if (!n) return core::invalid("field 'caller': " + n.error().message);
    e.caller = *n;
  }
  auto line = opt_string(o, "line", 64);
  if (!line) return line.error();
  e.line = line->value_or("");
  auto agent = opt_string(o, "agent", 128);
  if (!agent) return agent.error();
  auto reason = opt_string(o, "reason", 32);
  if (!reason) return reason.error();
  auto digits = opt_string(o, "digits", 32);
  if (!digits) return digits.error();
  auto silent = opt_bool(o, "silent");
  if (!silent) return silent.error();
  auto refuse = [&](std::string_view field) {
    return core::invalid("field '" + std::string(field) + "' does not belong to a '" + *type + "' event");
  };
  const bool agent_event =
      e.kind == domain::call_event_kind::answered || e.kind == domain::call_event_kind::transferred;
  if (agent_event) {
    if (!*agent || (*agent)->empty()) return core::invalid("field 'agent' is required for a '" + *type + "' event");
    e.agent = **agent;
  } else if (*agent) {
    return refuse("agent");
  }
  if (e.kind == domain::call_event_kind::ended) {
    if (!*reason) return core::invalid("field 'reason' is required for an 'ended' event");
    auto r = domain::parse_end_reason(**reason);
    if (!r) return r.error();
    e.reason = *r;
    e.silent = silent->value_or(false);
  } else if (*reason) {
    return refuse("reason");
  } else if (*silent) {
    return refuse("silent");
  }
  if (e.kind == domain::call_event_kind::dtmf) {
    if (!*digits || (*digits)->empty()) return core::invalid("field 'digits' is required for a 'dtmf' event");
    bool ok = std::all_of((*digits)->begin(), (*digits)->end(),
                          [](char ch) { return (ch >= '0' && ch <= '9') || ch == '*' || ch == '#'; });
    if (!ok) return core::invalid("field 'digits' may hold only 0-9, * and #");
    e.digits = **digits;
  } else if (*digits) {
    return refuse("digits");
  }
  return e;
}

core::result<std::optional<domain::geo_point>> point_of(const json::object& o) {
  auto it = o.find("location");
  if (it == o.end() || it->value().is_null()) return std::optional<domain::geo_point>{};
  if (!it->value().is_object()) return core::invalid("field 'location' must be an object {\"lat\": .., \"lon\": ..}");
  const auto& p = it->value().as_object();
  if (auto r = only_fields(p, {"lat", "lon"}); !r) return core::invalid("location: " + r.error().message);
  auto lat = opt_number(p, "lat");
  if (!lat) return lat.error();
  auto lon = opt_number(p, "lon");
  if (!lon) return lon.error();
  if (!*lat || !*lon) return core::invalid("field 'location' needs both lat and lon");
  return std::optional<domain::geo_point>{domain::geo_point{**lat, **lon}};
}

// The report a valid call or a reached callback creates: {"description", "category_id", ...}.
core::result<services::new_report> report_of(const json::object& body) {
  services::new_report r;
  auto it = body.find("report");
  if (it == body.end() || it->value().is_null()) return r;
  if (!it->value().is_object()) return core::invalid("field 'report' must be an object");
  const auto& o = it->value().as_object();
  if (auto ok = only_fields(o, {"description", "category_id", "location", "address", "district_id", "reporter_name"});
      !ok) {
    return core::invalid("report: " + ok.error().message);
  }
  auto desc = opt_string(o, "description");
  if (!desc) return desc.error();
  auto cat = opt_string(o, "category_id", 64);
  if (!cat) return cat.error();
  auto loc = point_of(o);
  if (!loc) return loc.error();
  auto addr = opt_string(o, "address", 500);
  if (!addr) return addr.error();
  auto district = opt_string(o, "district_id", 64);
  if (!district) return district.error();
  auto name = opt_string(o, "reporter_name", 200);
  if (!name) return name.error();
  r.description = desc->value_or("");
  r.category_id = *cat;
  r.location = *loc;
  r.address = addr->value_or("");
  r.district_id = *district;
  r.reporter_name = name->value_or("");
  return r;
}

template <class T, class F>
json::object page_of(const storage::page<T>& p, int limit, int offset, F&& to_json) {
  json::array items;
  for (const auto& item : p.items) items.push_back(to_json(item));
  return {{"items", std::move(items)}, {"total", p.total}, {"limit", limit}, {"offset", offset}};
}

core::result<bool> flag_param(const std::map<std::string, std::string, std::less<>>& q, std::string_view key) {
  auto it = q.find(key);
  if (it == q.end()) return false;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  return core::invalid(std::string(key) + " must be true or false");
}

// ---------- telephony ----------

json::object ingested_json(const services::ingested_event& r) {
  json::object o{{"call", call_json(r.call)}, {"duplicate", r.duplicate}};
  o["caller"] = r.caller ? json::value(caller_view_json(*r.caller)) : json::value(nullptr);
  return o;
}

awaitable<reply> telephony_events(call& c) {
  SIAGA_CO_TRY(who, integration_of(c));
  SIAGA_CO_TRY(body, parse_body(c.req()));
  auto now = c.deps.clock.now();
  std::vector<domain::call_event> events;
  bool batch = body.contains("events");
  if (batch) {
    SIAGA_CO_CHECK(only_fields(body, {"events"}));
    const auto& v = body.at("events");
    if (!v.is_array() || v.as_array().empty() || v.as_array().size() > max_batch_events) {
      co_return core::invalid("field 'events' must be an array of 1 to " + std::to_string(max_batch_events) +
                              " events");
    }
    std::size_t i = 0;
    for (const auto& item : v.as_array()) {
      if (!item.is_object()) co_return core::invalid("events[" + std::to_string(i) + "] must be an object");
      auto e = call_event_of(item.as_object(), now);
      if (!e) co_return core::invalid("events[" + std::to_string(i) + "]: " + e.error().message);
      events.push_back(std::move(*e));
      ++i;
    }
  } else {
    SIAGA_CO_TRY(e, call_event_of(body, now));
    events.push_back(std::move(e));
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(results, run_service<std::vector<services::ingested_event>>(
                               c.deps.store, &services::ingest_call_events, ctx, who, events));
  if (!batch) co_return json_response(c.req(), net::http::status::ok, ingested_json(results.front()));
  json::array items;
  std::int64_t duplicates = 0;
  for (const auto& r : results) {
    duplicates += r.duplicate ? 1 : 0;
    items.push_back(ingested_json(r));
  }
  co_return json_response(c.req(), net::http::status::ok,
                          json::object{{"results", std::move(items)},
                                       {"accepted", static_cast<std::int64_t>(results.size()) - duplicates},
                                       {"duplicates", duplicates}});
}

// ---------- AML / ELS ----------

json::object location_reply(const domain::location_record& r) {
  return {{"accepted", r.accepted},
          {"reason", r.accepted ? json::value(nullptr) : json::value(json::string(r.rejection))},
          {"location_id", r.id},
          {"call_id", opt_text(r.call_id)}};
}

// ELS and AML receivers answer 200 even when they refuse a message (the handset would only
// retry); the refusal is recorded with its reason instead. Only a bad api key gets a 401.
awaitable<reply> aml_form(call& c) {
  SIAGA_CO_TRY(who, integration_of(c));
  services::location_input in;
  in.format = "els_https";
  in.raw = c.req().body().substr(0, 2000);
  auto type = c.req()[net::http::field::content_type];
  auto fields = net::parse_query(c.req().body());
  if (!type.empty() && !type.starts_with("application/x-www-form-urlencoded")) {
    in.rejection = "Content-Type harus application/x-www-form-urlencoded (the body must be a form)";
  } else if (auto fix = domain::parse_els_form(fields); !fix) {
    in.rejection = fix.error().message;
  } else {
    auto it = fields.find("device_number");
    auto number = it == fields.end() ? core::result<std::string>(core::invalid("device_number is missing"))
                                     : domain::normalize_phone(it->second);
    if (!number) {
      in.rejection = "device_number: " + number.error().message;
    } else {
      in.number = *number;
      in.fix = std::move(*fix);
    }
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(rec, run_service<domain::location_record>(c.deps.store, &services::record_location, ctx, who, in));
  co_return json_response(c.req(), net::http::status::ok, location_reply(rec));
}

awaitable<reply> aml_sms(call& c) {
  SIAGA_CO_TRY(who, integration_of(c));
  auto q = query_of(c.req());
  services::location_input in;
  in.format = "aml_sms";
  in.raw = c.req().body().substr(0, 2000);
  std::optional<core::error> sender_problem;
  if (auto it = q.find("from"); it != q.end() && !it->second.empty()) {
    auto n = domain::normalize_phone(it->second);
    if (n) {
      in.number = *n;
    } else {
      sender_problem = n.error();
    }
  }
  auto fix = domain::parse_aml_sms(c.req().body());
  if (!fix) {
    in.rejection = fix.error().message;
  } else if (sender_problem) {
    in.rejection = "from: " + sender_problem->message;
  } else if (in.number.empty()) {
    in.rejection = "nomor pengirim tidak diketahui: berikan ?from= (the sender number is unknown: pass ?from=)";
  } else {
    in.fix = std::move(*fix);
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(rec, run_service<domain::location_record>(c.deps.store, &services::record_location, ctx, who, in));
  co_return json_response(c.req(), net::http::status::ok, location_reply(rec));
}

awaitable<reply> list_locations(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::location_filter f;
  f.jurisdiction_id = c.who.jurisdiction_id;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("call_id"); it != q.end()) f.call_id = it->second;
  if (q.contains("accepted")) {
    SIAGA_CO_TRY(accepted, flag_param(q, "accepted"));
    f.accepted = accepted;
  }
  SIAGA_CO_TRY(p, c.deps.store.reader().list_location_records(f));
  co_return json_response(c.req(), net::http::status::ok, page_of(p, pg.limit, pg.offset, location_record_json));
}

// ---------- callers ----------

// A PBX (api key) or a call taker (session) asks whether to queue a call from this number.
awaitable<reply> caller_decision(call& c) {
  auto key = api_key_of(c.req());
  actor who;
  if (c.req().count("X-Api-Key") || key.starts_with("sk112_")) {
    SIAGA_CO_TRY(integration, integration_of(c));
    who = std::move(integration);
  } else {
    SIAGA_CO_TRY(user, services::authenticate(c.deps.store.reader(), c.deps.clock, token_of(c.req())));
    SIAGA_CO_CHECK(services::require_dispatcher(user));
    who = std::move(user);
  }
  SIAGA_CO_TRY(number, number_param(c.param("number")));
  SIAGA_CO_TRY(view, services::view_caller(c.deps.store.reader(), c.deps.clock, who.jurisdiction_id, number, false));
  co_return json_response(c.req(), net::http::status::ok, decision_json(number, view.decision));
}

awaitable<reply> get_caller(call& c) {
  SIAGA_CO_TRY(number, number_param(c.param("number")));
  SIAGA_CO_TRY(card, services::read_caller_card(c.deps.store.reader(), c.deps.clock, c.who, number));
  auto out = caller_view_json(card.view);
  json::array recent;
  for (const auto& call : card.recent_calls) recent.push_back(call_json(call));
  out["recent_calls"] = std::move(recent);
  json::array open;
  auto now = c.deps.clock.now();
  for (const auto& t : card.open_callbacks) open.push_back(callback_json(t, now));
  out["open_callbacks"] = std::move(open);
  json::array matters;
  for (const auto& m : card.open_matters) {
    json::object o{{"report", report_json(m.report, true)}};
    o["incident"] = m.incident ? json::value(incident_json(*m.incident)) : json::value(nullptr);
    matters.push_back(std::move(o));
  }
  out["open_reports"] = std::move(matters);
  co_return json_response(c.req(), net::http::status::ok, out);
}

awaitable<reply> unblock_caller(call& c) {
  SIAGA_CO_TRY(number, number_param(c.param("number")));
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"note"}));
  SIAGA_CO_TRY(note, opt_string(body, "note", 2000));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(view, run_service<services::caller_view>(c.deps.store, &services::unblock_caller, ctx, c.who, number,
                                                           note.value_or("")));
  co_return json_response(c.req(), net::http::status::ok, caller_view_json(view));
}

json::object policy_json(const domain::caller_policy& p) {
  return {{"threshold", p.threshold},
          {"window_hours", static_cast<double>(p.window.count()) / 3600.0},
          {"block_enabled", p.block_enabled},
          {"block_hours", static_cast<double>(p.block_for.count()) / 3600.0}};
}

awaitable<reply> get_policy(call& c) {
  co_return json_response(c.req(), net::http::status::ok,
                          policy_json(services::policy_of(c.deps.store.reader(), c.who.jurisdiction_id)));
}

awaitable<reply> put_policy(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"threshold", "window_hours", "block_enabled", "block_hours"}));
  auto p = services::policy_of(c.deps.store.reader(), c.who.jurisdiction_id);
  SIAGA_CO_TRY(threshold, opt_int(body, "threshold"));
  SIAGA_CO_TRY(window, opt_number(body, "window_hours"));
  SIAGA_CO_TRY(block, opt_bool(body, "block_enabled"));
  SIAGA_CO_TRY(block_hours, opt_number(body, "block_hours"));
  if (threshold) {
    if (*threshold < 1 || *threshold > 100) co_return core::invalid("threshold must be from 1 to 100");
    p.threshold = static_cast<int>(*threshold);
  }
  auto hours = [](double h) { return std::chrono::seconds{static_cast<std::int64_t>(h * 3600.0)}; };
  for (auto v : {window, block_hours}) {
    if (v && !(*v >= 1.0 / 60 && *v <= 720))
      co_return core::invalid("window_hours and block_hours must be 1/60 to 720");
  }
  if (window) p.window = hours(*window);
  if (block_hours) p.block_for = hours(*block_hours);
  if (block) p.block_enabled = *block;
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(saved, run_service<domain::caller_policy>(c.deps.store, &services::set_caller_policy, ctx, c.who, p));
  co_return json_response(c.req(), net::http::status::ok, policy_json(saved));
}

// ---------- calls ----------

awaitable<reply> list_calls(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::call_filter f;
  f.jurisdiction_id = c.who.jurisdiction_id;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("caller"); it != q.end()) {
    SIAGA_CO_TRY(n, number_param(it->second));
    f.caller = n;
  }
  if (auto it = q.find("outcome"); it != q.end()) {
    SIAGA_CO_TRY(o, domain::parse_call_outcome(it->second));
    f.outcome = o;
  }
  SIAGA_CO_TRY(live, flag_param(q, "live"));
  SIAGA_CO_TRY(unclassified, flag_param(q, "unclassified"));
  f.live = live;
  f.unclassified = unclassified;
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  f.from = from;
  f.to = to;
  SIAGA_CO_TRY(p, c.deps.store.reader().list_calls(f));
  co_return json_response(c.req(), net::http::status::ok, page_of(p, pg.limit, pg.offset, call_json));
}

awaitable<reply> get_call(call& c) {
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(found, rd.find_call(c.who.jurisdiction_id, c.param("id")));
  if (!found) co_return core::not_found("panggilan " + c.param("id") + " tidak ditemukan (call not found)");
  auto out = call_json(*found);
  SIAGA_CO_TRY(events, rd.call_events_of(found->id));
  json::array evs;
  for (const auto& e : events) {
    json::object o{{"event_id", e.event_id}, {"type", to_string(e.kind)}, {"at", time_json(e.at)}};
    if (!e.agent.empty()) o["agent"] = e.agent;
    if (e.reason) o["reason"] = to_string(*e.reason);
    if (!e.digits.empty()) o["digits"] = e.digits;
    if (e.silent) o["silent"] = true;
    evs.push_back(std::move(o));
  }
  out["events"] = std::move(evs);
  storage::location_filter fix_filter;
  fix_filter.jurisdiction_id = c.who.jurisdiction_id;
  fix_filter.call_id = found->id;
  SIAGA_CO_TRY(fixes, rd.list_location_records(fix_filter));
  json::array locs;
  for (const auto& r : fixes.items) locs.push_back(location_record_json(r));
  out["locations"] = std::move(locs);
  SIAGA_CO_TRY(task, rd.find_callback_of_call(c.who.jurisdiction_id, found->id));
  out["callback"] = task ? json::value(callback_json(*task, c.deps.clock.now())) : json::value(nullptr);
  if (!found->state.caller.empty()) {
    SIAGA_CO_TRY(view, services::view_caller(rd, c.deps.clock, c.who.jurisdiction_id, found->state.caller));
    out["caller_view"] = caller_view_json(view);
  } else {
    out["caller_view"] = nullptr;
  }
  co_return json_response(c.req(), net::http::status::ok, out);
}

awaitable<reply> classify_call(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"classification", "note", "report_id", "report"}));
  services::classification_input in;
  SIAGA_CO_TRY(cls_text, required_string(body, "classification", 32));
  SIAGA_CO_TRY(cls, domain::parse_call_class(cls_text));
  in.classification = cls;
  SIAGA_CO_TRY(note, opt_string(body, "note", 5000));
  in.note = note.value_or("");
  SIAGA_CO_TRY(report_id, opt_string(body, "report_id", 64));
  in.report_id = report_id;
  SIAGA_CO_TRY(report, report_of(body));
  in.report = std::move(report);
  if (in.classification != domain::call_class::valid && body.contains("report")) {
    co_return core::invalid("field 'report' is only for a valid call");
  }
  if (in.report_id && body.contains("report")) co_return core::invalid("give report_id or report, not both");
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(
      saved, run_service<domain::call_record>(c.deps.store, &services::classify_call, ctx, c.who, c.param("id"), in));
  co_return json_response(c.req(), net::http::status::ok, call_json(saved));
}

// ---------- callbacks ----------

awaitable<reply> list_callbacks(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::callback_filter f;
  f.jurisdiction_id = c.who.jurisdiction_id;
  f.page = {pg.limit, pg.offset};
  std::string_view statuses = "open,in_progress";
  if (auto it = q.find("status"); it != q.end()) statuses = it->second;
  if (statuses != "any") {
    while (!statuses.empty()) {
      auto comma = statuses.find(',');
      SIAGA_CO_TRY(s, domain::parse_callback_status(statuses.substr(0, comma)));
      f.statuses.push_back(s);
      if (comma == std::string_view::npos) break;
      statuses.remove_prefix(comma + 1);
    }
  }
  if (auto it = q.find("caller"); it != q.end()) {
    SIAGA_CO_TRY(n, number_param(it->second));
    f.caller = n;
  }
  SIAGA_CO_TRY(p, c.deps.store.reader().list_callbacks(f));
  auto now = c.deps.clock.now();
  co_return json_response(c.req(), net::http::status::ok,
                          page_of(p, pg.limit, pg.offset, [now](const auto& t) { return callback_json(t, now); }));
}

body_fn callback_take(bool dial) {
  return [dial](call& c) -> awaitable<reply> {
    SIAGA_CO_TRY(body, parse_body(c.req()));
    SIAGA_CO_CHECK(only_fields(body, {}));
    auto ctx = c.ctx();
    SIAGA_AWAIT_TRY(
        t, run_service<domain::callback_task>(c.deps.store, &services::take_callback, ctx, c.who, c.param("id"), dial));
    co_return json_response(c.req(), net::http::status::ok, callback_json(t, c.deps.clock.now()));
  };
}

awaitable<reply> callback_attempt(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"result", "note", "report"}));
  services::callback_attempt_input in;
  SIAGA_CO_TRY(result_text, required_string(body, "result", 32));
  SIAGA_CO_TRY(result, domain::parse_callback_result(result_text));
  in.result = result;
  SIAGA_CO_TRY(note, opt_string(body, "note", 5000));
  in.note = note.value_or("");
  SIAGA_CO_TRY(report, report_of(body));
  in.report = std::move(report);
  if (in.result != domain::callback_result::reached_valid && body.contains("report")) {
    co_return core::invalid("field 'report' is only for result reached_valid");
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(t, run_service<domain::callback_task>(c.deps.store, &services::record_callback_attempt, ctx, c.who,
                                                        c.param("id"), in));
  co_return json_response(c.req(), net::http::status::ok, callback_json(t, c.deps.clock.now()));
}

// The PBX bridge reports the call it placed for a dial request (api key, like telephony events).
awaitable<reply> callback_dialed(call& c) {
  SIAGA_CO_TRY(bridge, integration_of(c));
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"call_id", "outcome"}));
  SIAGA_CO_TRY(call_id, required_string(body, "call_id", 128));
  SIAGA_CO_TRY(outcome_text, required_string(body, "outcome", 32));
  SIAGA_CO_TRY(outcome, services::parse_dial_outcome(outcome_text));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(t, run_service<domain::callback_task>(c.deps.store, &services::record_callback_dialed, ctx, bridge,
                                                        c.param("id"), call_id, outcome));
  co_return json_response(c.req(), net::http::status::ok, callback_json(t, c.deps.clock.now()));
}

// ---------- statistics ----------

awaitable<reply> call_statistics(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  auto end = to.value_or(c.deps.clock.now());
  auto start = from.value_or(end - std::chrono::days{1});
  auto group = services::stats_group::day;
  if (auto it = q.find("group"); it != q.end()) {
    SIAGA_CO_TRY(g, services::parse_stats_group(it->second));
    group = g;
  }
  SIAGA_CO_TRY(report, services::call_stats(c.deps.store.reader(), c.who.jurisdiction_id, start, end, group));
  json::array groups;
  for (const auto& b : report.groups) groups.push_back(bucket_json(b));
  co_return json_response(c.req(), net::http::status::ok,
                          json::object{{"from", time_json(start)},
                                       {"to", time_json(end)},
                                       {"group", to_string(group)},
                                       {"groups", std::move(groups)},
                                       {"total", bucket_json(report.total)}});
}

awaitable<reply> live_call_statistics(call& c) {
  SIAGA_CO_TRY(s, services::live_stats(c.deps.store.reader(), c.deps.clock, c.who.jurisdiction_id));
  auto opt = [](std::optional<double> v) { return v ? json::value(*v) : json::value(nullptr); };
  co_return json_response(c.req(), net::http::status::ok,
                          json::object{{"now", time_json(s.now)},
                                       {"waiting", s.waiting},
                                       {"longest_wait_s", opt(s.longest_wait_s)},
                                       {"on_call", s.on_call},
                                       {"day_start", time_json(s.day_start)},
                                       {"today", bucket_json(s.today)},
                                       {"callbacks", json::object{{"open", s.callbacks_open},
                                                                  {"overdue", s.callbacks_overdue},
                                                                  {"oldest_overdue_s", opt(s.oldest_overdue_s)}}}});
}

// ---------- api keys ----------

awaitable<reply> list_api_keys(call& c) {
  SIAGA_CO_TRY(keys, c.deps.store.reader().list_api_keys(c.who.jurisdiction_id));
  json::array items;
  for (const auto& k : keys) items.push_back(api_key_json(k));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> create_api_key(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"name"}));
  SIAGA_CO_TRY(name, required_string(body, "name", 200));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(made,
                  run_service<services::created_api_key>(c.deps.store, &services::create_api_key, ctx, c.who, name));
  auto out = api_key_json(made.key);
  out["secret"] = made.secret;
  co_return json_response(c.req(), net::http::status::created, out);
}

awaitable<reply> revoke_api_key(call& c) {
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(k, run_service<domain::api_key>(c.deps.store, &services::revoke_api_key, ctx, c.who, c.param("id")));
  co_return json_response(c.req(), net::http::status::ok, api_key_json(k));
}

}  // namespace

void add_call_routes(net::router& r, api_deps& deps) {
  constexpr unsigned supervisors = access::admin | access::supervisor;
  const route_row table[] = {
      {verb::post, "/api/v1/telephony/events", 0, telephony_events},
      {verb::post, "/api/v1/aml", 0, aml_form},
      {verb::post, "/api/v1/aml/sms", 0, aml_sms},
      {verb::get, "/api/v1/locations", dispatchers, list_locations},

      {verb::get, "/api/v1/calls", dispatchers, list_calls},
      {verb::get, "/api/v1/calls/{id}", dispatchers, get_call},
      {verb::post, "/api/v1/calls/{id}/classify", dispatchers, classify_call},

      {verb::get, "/api/v1/callers/policy", dispatchers, get_policy},
      {verb::put, "/api/v1/callers/policy", admins, put_policy},
      {verb::get, "/api/v1/callers/{number}", dispatchers, get_caller},
      {verb::get, "/api/v1/callers/{number}/decision", 0, caller_decision},
      {verb::post, "/api/v1/callers/{number}/unblock", supervisors, unblock_caller},

      {verb::get, "/api/v1/callbacks", dispatchers, list_callbacks},
      {verb::post, "/api/v1/callbacks/{id}/take", dispatchers, callback_take(false)},
      {verb::post, "/api/v1/callbacks/{id}/dial", dispatchers, callback_take(true)},
      {verb::post, "/api/v1/callbacks/{id}/attempt", dispatchers, callback_attempt},
      {verb::post, "/api/v1/callbacks/{id}/dialed", 0, callback_dialed},

      {verb::get, "/api/v1/stats/calls", readers, call_statistics},
      {verb::get, "/api/v1/stats/calls/live", readers, live_call_statistics},

      {verb::get, "/api/v1/api_keys", admins, list_api_keys},
      {verb::post, "/api/v1/api_keys", admins, create_api_key},
      {verb::delete_, "/api/v1/api_keys/{id}", admins, revoke_api_key},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
