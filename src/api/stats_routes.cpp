// /api/v1/stats/incidents and /api/v1/stats/reports: counts for a local period, grouped by
// time and dimensions (the call statistics are in call_routes.cpp).
#include "api/handler.hpp"
#include "services/stats_service.hpp"

#include <boost/json/array.hpp>

namespace siaga::api {
namespace {

std::string date_text(domain::local_date d) {
  std::chrono::year_month_day ymd{d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<std::string> param(const std::map<std::string, std::string, std::less<>>& q, const char* name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

body_fn counts(services::stats_subject subject) {
  return [subject](call& c) -> awaitable<reply> {
    auto q = query_of(c.req());
    for (const auto& [key, value] : q) {
      if (key != "from" && key != "to" && key != "group") {
        co_return core::invalid("unknown query parameter '" + key + "': use from, to and group");
      }
    }
    auto& rd = c.deps.store.reader();
    SIAGA_CO_TRY(today, services::local_today(rd, c.who, c.deps.clock.now()));
    SIAGA_CO_TRY(req, services::parse_stats_request(subject, param(q, "from"), param(q, "to"), param(q, "group"), today));
    SIAGA_CO_TRY(answer, services::count_stats(rd, c.who, subject, req));
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

}  // namespace

void add_stats_routes(net::router& r, api_deps& deps) {
  r.add(verb::get, "/api/v1/stats/incidents", wrap(deps, readers, counts(services::stats_subject::incidents)));
  r.add(verb::get, "/api/v1/stats/reports", wrap(deps, readers, counts(services::stats_subject::reports)));
}

}  // namespace siaga::api
