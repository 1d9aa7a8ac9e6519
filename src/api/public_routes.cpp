// /api/v1/public/stats: the transparency figures of a year, for anyone (no login), kept a minute
// per jurisdiction and year (services::public_stats_cache), so that a busy public page costs
// one computation a minute.
#include "api/handler.hpp"
#include "services/public_stats.hpp"

#include <boost/json/array.hpp>

#include <charconv>

namespace siaga::api {
namespace {

json::value share_json(const std::optional<double>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object figures_json(const services::public_figures& f) {
  json::array agencies;
  for (const auto& a : f.agencies) {
    agencies.push_back(json::object{{"code", a.code},
                                    {"name", a.name},
                                    {"dispatches", a.dispatches},
                                    {"on_scene_p50_s", a.on_scene_p50_s < 0 ? json::value(nullptr)
                                                                             : json::value(a.on_scene_p50_s)}});
  }
  json::array top;
  for (const auto& c : f.top_categories) {
    top.push_back(json::object{{"code", c.code}, {"name_id", c.name_id}, {"name_en", c.name_en}, {"incidents", c.incidents}});
  }
  return {{"period", f.period},
          {"calls", f.calls},
          {"answered", f.answered},
          {"answered_within_15s", f.answered_within_15s},
          {"share_within_15s", share_json(f.share_within_15s)},
          {"pranks_silent", f.pranks_silent},
          {"share_pranks_silent", share_json(f.share_pranks_silent)},
          {"incidents", f.incidents},
          {"emergencies_dispatched", f.emergencies_dispatched},
          {"agencies", std::move(agencies)},
          {"top_categories", std::move(top)}};
}

// year (0 when absent: this year in the jurisdiction's zone) and jurisdiction (a Kemendagri code; default: the first jurisdiction); nothing else.
core::result<std::pair<std::string, int>> request_of(call& c) {
  auto q = query_of(c.req());
  std::string code;
  int year = 0;
  for (const auto& [key, value] : q) {
    if (key == "jurisdiction") {
      code = value;
    } else if (key == "year") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), year);
      if (ec != std::errc{} || end != value.data() + value.size() || year == 0) {
        return core::invalid("year harus angka tahun, mis. 2025 (year must be a year such as 2025)");
      }
    } else {
      return core::invalid("parameter '" + key + "' tidak dikenal: pakai year dan jurisdiction (use year and jurisdiction)");
    }
  }
  return std::pair{code, year};
}

body_fn public_statistics(std::shared_ptr<services::public_stats_cache> cache) {
  return [cache](call& c) -> awaitable<reply> {
    SIAGA_CO_TRY(req, request_of(c));
    SIAGA_CO_TRY(s, cache->get(c.deps.store.reader(), req.first, req.second, c.deps.clock.now()));
    json::array months;
    for (const auto& m : s->months) months.push_back(figures_json(m));
    auto res = json_response(
        c.req(), net::http::status::ok,
        json::object{{"jurisdiction", json::object{{"code", s->jurisdiction_code},
                                                   {"name", s->jurisdiction_name},
                                                   {"timezone", s->timezone}}},
                     {"year", s->year},
                     {"computed_at", time_json(s->computed_at)},
                     {"months", std::move(months)},
                     {"total", figures_json(s->total)}});
    res.set(net::http::field::cache_control, "public, max-age=60");
    co_return res;
  };
}

}  // namespace

void add_public_routes(net::router& r, api_deps& deps) {
  auto cache = std::make_shared<services::public_stats_cache>();
  r.add(verb::get, "/api/v1/public/stats", wrap(deps, static_cast<unsigned>(access::open), public_statistics(cache)));
}

}  // namespace siaga::api
