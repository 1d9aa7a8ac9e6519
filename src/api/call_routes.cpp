// Calls and callers for the people of the centre: the calls with their classification, the
// caller card and the prank policy, callbacks, call statistics, the AML/ELS fixes received, and
// the api keys integrations use. What PBX bridges send is in telephony_routes.cpp.
#include "api/call_views.hpp"
#include "api/list_exports.hpp"
#include "api/table_writer.hpp"
#include "api/views.hpp"
#include "services/access.hpp"
#include "services/call_queries.hpp"
#include "services/callbacks.hpp"
#include "services/caller_card.hpp"
#include "services/privacy.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

namespace siaga::api {
namespace {

using namespace std::chrono_literals;

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
  SIAGA_CO_TRY(p, services::list_locations_for(c.deps.store.reader(), c.who, std::move(f)));
  co_return json_response(c.req(), net::http::status::ok, page_json(p, pg, location_record_json));
}

// ---------- callers ----------

// A PBX (api key) or a call taker (session) asks whether to queue a call from this number.
awaitable<reply> get_caller(call& c) {
  SIAGA_CO_TRY(number, number_param(c.param("number")));
  SIAGA_CO_TRY(card, services::read_caller_card(c.deps.store.reader(), c.deps.clock, c.who, number));
  auto out = caller_view_json(card.view);
  json::array recent;
  // The viewer asked by this number, so its own calls show it.
  for (const auto& call : card.recent_calls) recent.push_back(call_json(call, true));
  out["recent_calls"] = std::move(recent);
  json::array open;
  auto now = c.deps.clock.now();
  for (const auto& t : card.open_callbacks) open.push_back(callback_json(t, now));
  out["open_callbacks"] = std::move(open);
  json::array matters;
  for (const auto& m : card.open_matters) {
    json::object o{{"report", report_json(m.report, services::may_see_contact(c.who, false))}};
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
  SIAGA_CO_TRY(format, format_of(q));
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
  if (format != table_format::json) co_return co_await export_calls(c, format, std::move(f));
  SIAGA_CO_TRY(p, services::list_calls_for(c.deps.store.reader(), c.who, std::move(f)));
  auto now = c.deps.clock.now();
  co_return json_response(c.req(), net::http::status::ok,
                          page_json(p, pg, [now](const domain::call_record& r) { return call_view_json(r, now); }));
}

awaitable<reply> get_call(call& c) {
  SIAGA_CO_TRY(d, services::read_call_detail(c.deps.store.reader(), c.deps.clock, c.who, c.param("id")));
  const auto now = c.deps.clock.now();
  const bool live = domain::caller_number_live(d.call, now);
  auto out = call_view_json(d.call, now);
  json::array evs;
  for (const auto& e : d.events) {
    json::object o{{"event_id", e.event_id}, {"type", to_string(e.kind)}, {"at", time_json(e.at)}};
    if (!e.agent.empty()) o["agent"] = e.agent;
    if (e.reason) o["reason"] = to_string(*e.reason);
    if (!e.digits.empty()) o["digits"] = e.digits;
    if (e.silent) o["silent"] = true;
    evs.push_back(std::move(o));
  }
  out["events"] = std::move(evs);
  json::array locs;
  for (const auto& r : d.locations) locs.push_back(location_record_json(r));
  out["locations"] = std::move(locs);
  out["callback"] = d.callback ? json::value(callback_json(*d.callback, now)) : json::value(nullptr);
  out["caller_view"] = d.caller ? json::value(caller_view_json(*d.caller, live)) : json::value(nullptr);
  co_return json_response(c.req(), net::http::status::ok, out);
}

// The caller's full number once the call is no longer live, recorded as call.caller_revealed in
// the same write (services::reveal_call_caller).
awaitable<reply> reveal_caller(call& c) {
  // No body, or an empty JSON object: anything else is refused before anything is recorded.
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {}));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(found, run_service<services::revealed_caller>(c.deps.store, &services::reveal_call_caller, ctx,
                                                                c.who, c.param("id")));
  json::object out{{"call_id", found.call_id},
                   {"caller", found.number.empty() ? json::value(nullptr) : json::value(found.number)}};
  co_return json_response(c.req(), net::http::status::ok, out);
}

// A verdict's fields as the console sends them (the classify route's body, or one item of a
// batch with its call_id beside them): invalid_input naming what is wrong.
core::result<services::classification_input> classification_of(const json::object& body) {
  services::classification_input in;
  SIAGA_TRY(cls_text, required_string(body, "classification", 32));
  SIAGA_TRY(cls, domain::parse_call_class(cls_text));
  in.classification = cls;
  SIAGA_TRY(note, opt_string(body, "note", 5000));
  in.note = note.value_or("");
  SIAGA_TRY(report_id, opt_string(body, "report_id", 64));
  in.report_id = report_id;
  SIAGA_TRY(report, report_of(body));
  in.report = std::move(report);
  if (in.classification != domain::call_class::valid && body.contains("report")) {
    return core::invalid("field 'report' is only for a valid call");
  }
  if (in.report_id && body.contains("report")) return core::invalid("give report_id or report, not both");
  return in;
}

awaitable<reply> classify_call(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"classification", "note", "report_id", "report"}));
  SIAGA_CO_TRY(in, classification_of(body));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(
      saved, run_service<domain::call_record>(c.deps.store, &services::classify_call, ctx, c.who, c.param("id"), in));
  co_return json_response(c.req(), net::http::status::ok, call_view_json(saved, c.deps.clock.now()));
}

// Several verdicts in one request and one write, all or none: {"items": [{"call_id", and the
// classify route's fields}]}. Answers the classified calls in order, or with Prefer:
// return=minimal their count alone (a history replayed through the API).
awaitable<reply> classify_calls(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"items"}));
  auto items = body.find("items");
  if (items == body.end() || !items->value().is_array()) {
    co_return core::invalid("field 'items' is required: an array of verdicts, each with call_id and classification");
  }
  std::vector<services::call_verdict> verdicts;
  verdicts.reserve(items->value().as_array().size());
  for (const auto& item : items->value().as_array()) {
    const auto place = "items[" + std::to_string(verdicts.size()) + "]: ";
    if (!item.is_object()) co_return core::invalid(place + "a verdict is an object");
    const auto& o = item.as_object();
    auto named = [&](core::error e) {
      e.message = place + e.message;
      return e;
    };
    if (auto ok = only_fields(o, {"call_id", "classification", "note", "report_id", "report"}); !ok) {
      co_return named(ok.error());
    }
    auto id = required_string(o, "call_id", 64);
    if (!id) co_return named(id.error());
    auto in = classification_of(o);
    if (!in) co_return named(in.error());
    verdicts.push_back({std::move(*id), std::move(*in)});
  }
  const bool minimal = prefers_minimal(c.req());
  auto ctx = c.ctx();
  // Weighed by its verdicts, as a bridge's batch by its events: a console's single command is
  // not queued behind it (storage/group_writer.hpp).
  auto weight = static_cast<storage::write_weight>(verdicts.size());
  SIAGA_AWAIT_TRY(saved, run_large_service<std::vector<domain::call_record>>(c.deps.store, weight,
                                                                            &services::classify_calls, ctx, c.who,
                                                                            verdicts));
  json::object answer{{"classified", static_cast<std::int64_t>(saved.size())}};
  if (!minimal) {
    json::array out;
    const auto now = c.deps.clock.now();
    for (const auto& r : saved) out.push_back(call_view_json(r, now));
    answer["items"] = std::move(out);
  }
  auto res = json_response(c.req(), net::http::status::ok, answer);
  if (minimal) res.set(net::http::field::preference_applied, "return=minimal");
  co_return res;
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
  SIAGA_CO_TRY(p, services::list_callbacks_for(c.deps.store.reader(), c.who, std::move(f)));
  auto now = c.deps.clock.now();
  co_return json_response(c.req(), net::http::status::ok,
                          page_json(p, pg, [now](const auto& t) { return callback_json(t, now); }));
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
  SIAGA_CO_TRY(format, format_of(q));
  SIAGA_CO_TRY(report, services::call_stats(c.deps.store.reader(), c.who.jurisdiction_id, start, end, group));
  if (format != table_format::json) {
    // Named by the local dates the period covers ("statistik-panggilan-2025-06" for a month).
    SIAGA_CO_TRY(first, services::local_today(c.deps.store.reader(), c.who, start));
    SIAGA_CO_TRY(last, services::local_today(c.deps.store.reader(), c.who, end - std::chrono::microseconds{1}));
    co_return table_response(c.req(), format, download_name("statistik-panggilan", first, last),
                             services::call_table(report));
  }
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
  SIAGA_CO_TRY(keys, services::list_api_keys_for(c.deps.store.reader(), c.who));
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
      {verb::get, "/api/v1/locations", dispatchers, list_locations},
      {verb::get, "/api/v1/calls", dispatchers, list_calls},
      {verb::get, "/api/v1/calls/{id}", dispatchers, get_call},
      {verb::post, "/api/v1/calls/classifications", dispatchers, classify_calls},
      {verb::post, "/api/v1/calls/{id}/classify", dispatchers, classify_call},
      {verb::post, "/api/v1/calls/{id}/caller", dispatchers, reveal_caller},
      {verb::get, "/api/v1/callers/policy", dispatchers, get_policy},
      {verb::put, "/api/v1/callers/policy", admins, put_policy},
      {verb::get, "/api/v1/callers/{number}", dispatchers, get_caller},
      {verb::post, "/api/v1/callers/{number}/unblock", supervisors, unblock_caller},
      {verb::get, "/api/v1/callbacks", dispatchers, list_callbacks},
      {verb::post, "/api/v1/callbacks/{id}/take", dispatchers, callback_take(false)},
      {verb::post, "/api/v1/callbacks/{id}/dial", dispatchers, callback_take(true)},
      {verb::post, "/api/v1/callbacks/{id}/attempt", dispatchers, callback_attempt},
      {verb::get, "/api/v1/stats/calls", readers, call_statistics},
      {verb::get, "/api/v1/stats/calls/live", readers, live_call_statistics},
      {verb::get, "/api/v1/api_keys", admins, list_api_keys},
      {verb::post, "/api/v1/api_keys", admins, create_api_key},
      {verb::delete_, "/api/v1/api_keys/{id}", admins, revoke_api_key},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
