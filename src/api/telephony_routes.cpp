// What PBX bridges and SMS gateways send: telephony events (idempotent, in any order), AML /
// ELS location messages, the caller decision a PBX asks before queueing a call, and the call
// placed for a callback. These routes are open in the route table and authenticate the api key
// themselves (X-Api-Key or Authorization: Bearer), since the session check of wrap() knows only
// users; the bridge's own stream of dial requests is /api/v1/telephony/stream (stream.cpp).
#include "api/call_views.hpp"
#include "core/text.hpp"
#include "domain/aml.hpp"
#include "domain/phone.hpp"
#include "services/access.hpp"
#include "services/callbacks.hpp"

#include <boost/json/array.hpp>

namespace siaga::api {
namespace {

using namespace std::chrono_literals;

// ---------- telephony ----------

json::object ingested_json(const services::ingested_event& r) {
  // The bridge sent the number itself: its answers show it.
  json::object o{{"call", call_json(r.call, true)}, {"duplicate", r.duplicate}};
  o["caller"] = r.caller ? json::value(caller_view_json(*r.caller)) : json::value(nullptr);
  return o;
}

// The short answer a bridge catching up asks for: the call's id and whether the event was a
// repeat, without the call and the caller's view (a few dozen bytes instead of about 800).
json::object ingested_minimal_json(const services::ingested_event& r) {
  return {{"call_id", r.call.id}, {"duplicate", r.duplicate}};
}

awaitable<reply> telephony_events(call& c) {
  SIAGA_CO_TRY(who, integration_of(c));
  SIAGA_CO_TRY(body, parse_body(c.req()));
  auto now = c.deps.clock.now();
  bool batch = body.contains("events");
  bool minimal = prefers_minimal(c.req());
  SIAGA_CO_TRY(events, call_events_of(body, now));
  auto ctx = c.ctx();
  // A bridge catching up sends hundreds of events a request: weighed by them, so that the
  // consoles' commands do not queue behind its batches (storage/group_writer.hpp).
  auto weight = static_cast<storage::write_weight>(events.size());
  SIAGA_AWAIT_TRY(results, run_large_service<std::vector<services::ingested_event>>(
                               c.deps.store, weight, &services::ingest_call_events, ctx, who, events,
                               minimal ? services::ingest_answer::minimal : services::ingest_answer::full));
  auto render = minimal ? &ingested_minimal_json : &ingested_json;
  json::object answer;
  if (!batch) {
    answer = render(results.front());
  } else {
    json::array items;
    std::int64_t duplicates = 0;
    for (const auto& r : results) {
      duplicates += r.duplicate ? 1 : 0;
      items.push_back(render(r));
    }
    answer = json::object{{"results", std::move(items)},
                          {"accepted", static_cast<std::int64_t>(results.size()) - duplicates},
                          {"duplicates", duplicates}};
  }
  auto res = json_response(c.req(), net::http::status::ok, answer);
  if (minimal) res.set(net::http::field::preference_applied, "return=minimal");
  co_return res;
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

}  // namespace

void add_telephony_routes(net::router& r, api_deps& deps) {
  const route_row table[] = {
      {verb::post, "/api/v1/telephony/events", 0, telephony_events},
      {verb::post, "/api/v1/aml", 0, aml_form},
      {verb::post, "/api/v1/aml/sms", 0, aml_sms},
      {verb::get, "/api/v1/callers/{number}/decision", 0, caller_decision},
      {verb::post, "/api/v1/callbacks/{id}/dialed", 0, callback_dialed},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
