// /api/v1/sla/alerts (the alerts the monitor raised, for the wallboard and the consoles) and
// /api/v1/stats/sla (alerts counted per period, level, step, agency and category).
#include "api/call_views.hpp"
#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/sla_service.hpp"
#include "services/stats_service.hpp"

#include <boost/json/array.hpp>

namespace siaga::api {
namespace {

awaitable<reply> list_alerts(call& c) {
  auto q = query_of(c.req());
  for (const auto& [key, value] : q) {
    if (key != "open" && key != "from" && key != "to" && key != "limit" && key != "offset") {
      co_return core::invalid("unknown query parameter '" + key + "': use open, from, to, limit and offset");
    }
  }
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::sla_alert_filter f;
  f.page = {pg.limit, pg.offset};
  SIAGA_CO_TRY(open, flag_param(q, "open"));
  f.open_only = open;
  SIAGA_CO_TRY(from, query_time(q, "from"));
  SIAGA_CO_TRY(to, query_time(q, "to"));
  f.from = from;
  f.to = to;
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(p, services::list_sla_alerts_for(rd, c.who, std::move(f)));
  // The incident's number, for people to read.
  std::map<std::string, std::string, std::less<>> numbers;
  json::array items;
  for (const auto& a : p.items) {
    auto o = sla_alert_json(a);
    auto it = numbers.find(a.incident_id);
    if (it == numbers.end()) {
      SIAGA_CO_TRY(inc, rd.find_incident(c.who.jurisdiction_id, a.incident_id));
      it = numbers.emplace(a.incident_id, inc ? inc->number : std::string()).first;
    }
    o["incident_number"] = it->second;
    items.push_back(std::move(o));
  }
  co_return json_response(c.req(), net::http::status::ok, items_page_json(std::move(items), p.total, pg));
}

std::optional<std::string> param(const std::map<std::string, std::string, std::less<>>& q, const char* name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

awaitable<reply> sla_statistics(call& c) {
  auto q = query_of(c.req());
  for (const auto& [key, value] : q) {
    if (key != "from" && key != "to" && key != "group") {
      co_return core::invalid("unknown query parameter '" + key + "': use from, to and group");
    }
  }
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(today, services::local_today(rd, c.who, c.deps.clock.now()));
  SIAGA_CO_TRY(req, services::parse_sla_stats_request(param(q, "from"), param(q, "to"), param(q, "group"), today));
  SIAGA_CO_TRY(rows, services::sla_stats(rd, c.who, req));
  json::array group;
  if (req.grain) group.emplace_back(to_string(*req.grain));
  for (auto d : req.dims) group.emplace_back(services::to_string(d));
  json::array items;
  std::int64_t total = 0;
  for (const auto& r : rows) {
    json::object item;
    if (req.grain) item["period"] = r.period;
    for (std::size_t i = 0; i < req.dims.size(); ++i) {
      item[services::to_string(req.dims[i])] = r.dims[i].empty() ? json::value(nullptr) : json::value(r.dims[i]);
    }
    item["count"] = r.count;
    total += r.count;
    items.push_back(std::move(item));
  }
  co_return json_response(c.req(), net::http::status::ok,
                          json::object{{"from", domain::period_label(domain::start_of_day(req.from, 0), 0, domain::time_grain::day)},
                                       {"to", domain::period_label(domain::start_of_day(req.to, 0), 0, domain::time_grain::day)},
                                       {"group", std::move(group)},
                                       {"total", total},
                                       {"items", std::move(items)}});
}

}  // namespace

void add_sla_routes(net::router& r, api_deps& deps) {
  r.add(verb::get, "/api/v1/sla/alerts", wrap(deps, signed_in, list_alerts));
  r.add(verb::get, "/api/v1/stats/sla", wrap(deps, signed_in, sla_statistics));
}

}  // namespace siaga::api
