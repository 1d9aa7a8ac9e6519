// /api/v1/stats/incidents, /reports and /dispatches: counts (and, for dispatches, outcomes and
// response times) for a local period, grouped by time and dimensions (the call statistics are in call_routes.cpp).
#include "api/handler.hpp"
#include "api/table_writer.hpp"
#include "services/ministry_report.hpp"
#include "services/stats_service.hpp"

#include <boost/json/array.hpp>

namespace siaga::api {
namespace {

std::optional<std::string> param(const std::map<std::string, std::string, std::less<>>& q, const char* name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

// The request of a statistics call: from, to and group, and nothing else.
core::result<services::stats_request> request_of(call& c, services::stats_subject subject) {
  auto q = query_of(c.req());
  for (const auto& [key, value] : q) {
    if (key != "from" && key != "to" && key != "group" && key != "format") {
      return core::invalid("unknown query parameter '" + key + "': use from, to, group and format");
    }
  }
  SIAGA_CHECK(format_of(q));
  SIAGA_TRY(today, services::local_today(c.deps.store.reader(), c.who, c.deps.clock.now()));
  return services::parse_stats_request(subject, param(q, "from"), param(q, "to"), param(q, "group"), today);
}

table_format format_in(call& c) {
  // request_of has refused a bad format already.
  auto f = format_of(query_of(c.req()));
  return f ? *f : table_format::json;
}


body_fn counts(services::stats_subject subject) {
  return [subject](call& c) -> awaitable<reply> {
    auto& rd = c.deps.store.reader();
    SIAGA_CO_TRY(req, request_of(c, subject));
    SIAGA_CO_TRY(answer, services::count_stats(rd, c.who, subject, req));
    if (auto f = format_in(c); f != table_format::json) {
      SIAGA_CO_TRY(names, services::load_stats_names(rd, c.who));
      auto t = services::count_table(names, req, answer);
      t.sheet = subject == services::stats_subject::incidents ? "Kejadian" : "Laporan";
      co_return table_response(c.req(), f,
                               download_name(subject == services::stats_subject::incidents ? "statistik-kejadian" : "statistik-laporan",
                                             req.from, req.to),
                               t);
    }
    json::array group;
    if (req.grain) group.emplace_back(to_string(*req.grain));
    for (auto d : req.dims) group.emplace_back(services::to_string(d));
    json::array items;
    for (const auto& r : answer.rows) {
      json::object item;
      if (req.grain) item["period"] = r.period;
      for (std::size_t i = 0; i < req.dims.size(); ++i) {
        item[services::to_string(req.dims[i])] = r.dims[i].empty() ? json::value(nullptr) : json::value(r.dims[i]);
      }
      item["count"] = r.count;
      items.push_back(std::move(item));
    }
    co_return json_response(c.req(), net::http::status::ok,
                            json::object{{"from", date_text(req.from)},
                                         {"to", date_text(req.to)},
                                         {"group", std::move(group)},
                                         {"total", answer.total},
                                         {"items", std::move(items)}});
  };
}

json::object step_json(const services::step_stats& s) {
  auto pct = [](std::int64_t v) { return v < 0 ? json::value(nullptr) : json::value(v); };
  return {{"reached", s.reached},
          {"p50_s", pct(s.p50_s)},
          {"p90_s", pct(s.p90_s)},
          {"p95_s", pct(s.p95_s)},
          {"with_limit", s.with_limit},
          {"within", s.within},
          {"share_within", s.with_limit ? json::value(static_cast<double>(s.within) / static_cast<double>(s.with_limit))
                                        : json::value(nullptr)}};
}

awaitable<reply> dispatch_statistics(call& c) {
  SIAGA_CO_TRY(req, request_of(c, services::stats_subject::dispatches));
  SIAGA_CO_TRY(rows, services::dispatch_stats(c.deps.store.reader(), c.who, req));
  if (auto f = format_in(c); f != table_format::json) {
    SIAGA_CO_TRY(names, services::load_stats_names(c.deps.store.reader(), c.who));
    auto t = services::dispatch_table(names, req, rows);
    t.sheet = "Dispatch";
    co_return table_response(c.req(), f, download_name("statistik-dispatch", req.from, req.to), t);
  }
  json::array group;
  if (req.grain) group.emplace_back(to_string(*req.grain));
  for (auto d : req.dims) group.emplace_back(services::to_string(d));
  json::array items;
  std::int64_t total = 0;
  for (const auto& r : rows) {
    json::object item;
    if (req.grain) item["period"] = r.period;
    for (std::size_t i = 0; i < req.dims.size(); ++i) item[services::to_string(req.dims[i])] = r.dims[i];
    item["count"] = r.count;
    json::object by_status;
    for (const auto& [status, n] : r.by_status) by_status[status] = n;
    item["by_status"] = std::move(by_status);
    item["acknowledged"] = step_json(r.acknowledged);
    item["en_route"] = step_json(r.en_route);
    item["on_scene"] = step_json(r.on_scene);
    item["completed"] = step_json(r.completed);
    total += r.count;
    items.push_back(std::move(item));
  }
  co_return json_response(c.req(), net::http::status::ok,
                          json::object{{"from", date_text(req.from)},
                                       {"to", date_text(req.to)},
                                       {"group", std::move(group)},
                                       {"total", total},
                                       {"items", std::move(items)}});
}

json::object counts_json(const std::map<std::string, std::int64_t>& m) {
  json::object o;
  for (const auto& [k, n] : m) o[k] = n;
  return o;
}

awaitable<reply> summary_statistics(call& c) {
  auto q = query_of(c.req());
  if (q.contains("group")) co_return core::invalid("the summary has no group: give from, to and format only");
  SIAGA_CO_TRY(req, request_of(c, services::stats_subject::incidents));
  SIAGA_CO_TRY(s, services::summary_stats(c.deps.store.reader(), c.who, req));
  if (auto f = format_in(c); f != table_format::json) {
    co_return table_response(c.req(), f, download_name("statistik-ringkasan", req.from, req.to), services::summary_table(s));
  }
  json::object calls{{"total", s.calls.total},
                     {"answered", s.calls.answered},
                     {"abandoned", s.calls.abandoned},
                     {"missed", s.calls.missed},
                     {"by_classification", counts_json(s.calls.by_classification)},
                     {"answered_within_15s", s.calls.answered_within[15]},
                     {"share_within_15s", s.calls.share_within[15] ? json::value(*s.calls.share_within[15])
                                                                   : json::value(nullptr)},
                     {"follow_ups", s.calls.follow_ups}};
  co_return json_response(
      c.req(), net::http::status::ok,
      json::object{{"from", date_text(req.from)},
                   {"to", date_text(req.to)},
                   {"line", s.line},
                   {"calls", std::move(calls)},
                   {"reports", json::object{{"total", s.reports},
                                            {"by_status", counts_json(s.reports_by_status)},
                                            {"rejected_by_reason", counts_json(s.rejected_by_reason)}}},
                   {"incidents", json::object{{"total", s.incidents}, {"by_urgency", counts_json(s.incidents_by_urgency)}}},
                   {"dispatches", json::object{{"total", s.dispatches}, {"by_status", counts_json(s.dispatches_by_status)}}}});
}

// The ministry's monthly figures: ?month=YYYY-MM (required), format, shifts (start hours).
awaitable<reply> ministry_statistics(call& c) {
  auto q = query_of(c.req());
  for (const auto& [key, value] : q) {
    if (key != "month" && key != "format" && key != "shifts") {
      co_return core::invalid("unknown query parameter '" + key + "': use month, format and shifts");
    }
  }
  SIAGA_CO_TRY(format, format_of(q));
  auto month = q.find("month");
  if (month == q.end()) co_return core::invalid("month wajib / month is required: month=YYYY-MM");
  SIAGA_CO_TRY(first, services::parse_month(month->second));
  services::shift_plan plan;
  if (auto it = q.find("shifts"); it != q.end()) {
    SIAGA_CO_TRY(p, services::parse_shift_plan(it->second));
    plan = p;
  }
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(m, services::ministry_stats(rd, c.who, first, plan));
  SIAGA_CO_TRY(names, services::load_stats_names(rd, c.who));
  if (format != table_format::json) {
    co_return table_response(c.req(), format, "laporan-kementerian-" + month->second, services::ministry_table(names, m));
  }
  json::object by_urgency;
  for (const auto& [u, n] : m.incidents_by_urgency) by_urgency[u] = n;
  json::array follow_ups;
  for (const auto& a : m.follow_ups) {
    follow_ups.push_back(json::object{{"agency_id", a.agency_id},
                                      {"agency", services::name_of(names, storage::stats_dim::agency, a.agency_id)},
                                      {"total", a.total},
                                      {"by_status", counts_json(a.by_status)}});
  }
  json::array shifts;
  for (int s = 0; s < 3; ++s) {
    shifts.push_back(json::object{{"shift", s},
                                  {"name", services::shift_name(m.shifts, s)},
                                  {"start_hour", m.shifts.starts[static_cast<std::size_t>(s)]}});
  }
  json::array staffing;
  for (const auto& s : m.staffing) {
    staffing.push_back(json::object{{"date", date_text(s.date)},
                                    {"shift", s.shift},
                                    {"call_takers", s.call_takers},
                                    {"answered_calls", s.answered_calls},
                                    {"reports", s.reports}});
  }
  co_return json_response(
      c.req(), net::http::status::ok,
      json::object{{"month", month->second},
                   {"from", date_text(m.first)},
                   {"to", date_text(m.last)},
                   {"calls", json::object{{"total", m.calls},
                                          {"answered", m.answered},
                                          {"answered_within_15s", m.answered_within_15s},
                                          {"share_within_15s", m.share_within_15s ? json::value(*m.share_within_15s)
                                                                                  : json::value(nullptr)},
                                          {"unanswered", m.abandoned + m.missed},
                                          {"abandoned", m.abandoned},
                                          {"missed", m.missed},
                                          {"prank", m.pranks},
                                          {"silent", m.silent}}},
                   {"emergencies", json::object{{"total", m.incidents}, {"by_urgency", std::move(by_urgency)}}},
                   {"follow_ups", std::move(follow_ups)},
                   {"shifts", std::move(shifts)},
                   {"staffing", std::move(staffing)}});
}

}  // namespace

void add_stats_routes(net::router& r, api_deps& deps) {
  r.add(verb::get, "/api/v1/stats/incidents", wrap(deps, readers, counts(services::stats_subject::incidents)));
  r.add(verb::get, "/api/v1/stats/reports", wrap(deps, readers, counts(services::stats_subject::reports)));
  r.add(verb::get, "/api/v1/stats/dispatches", wrap(deps, readers, dispatch_statistics));
  r.add(verb::get, "/api/v1/stats/summary", wrap(deps, readers, summary_statistics));
  r.add(verb::get, "/api/v1/stats/ministry",
        wrap(deps, access::leader | access::supervisor | access::admin, ministry_statistics));
}

}  // namespace siaga::api
