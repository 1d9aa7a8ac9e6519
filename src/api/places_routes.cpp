// /api/v1/places: the gazetteer. Search as the call taker types; an admin imports an
// OpenStreetMap extract or a CSV (the body is the file itself, not JSON).
#include "api/handler.hpp"
#include "services/places_service.hpp"

#include <boost/json/array.hpp>

#include <charconv>

namespace siaga::api {
namespace {

constexpr std::size_t max_import_bytes = 64 * 1024 * 1024;

json::object place_json(const domain::place& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"kind", to_string(p.kind)},
          {"location", json::object{{"lat", p.location.lat}, {"lon", p.location.lon}}},
          {"district_id", p.district_id ? json::value(*p.district_id) : json::value(nullptr)},
          {"source", p.source}};
}

awaitable<reply> search_places(call& c) {
  auto q = query_of(c.req());
  auto text = q.find("q");
  if (text == q.end()) co_return core::invalid("query parameter 'q' is required");
  if (text->second.size() > 200) co_return core::invalid("query parameter 'q' is longer than 200 characters");
  int limit = 10;
  if (auto it = q.find("limit"); it != q.end()) {
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
    if (ec != std::errc{} || p != it->second.data() + it->second.size() || limit < 1 || limit > 50) {
      co_return core::invalid("query parameter 'limit' must be a whole number from 1 to 50");
    }
  }
  SIAGA_CO_TRY(found, services::search_places_for(c.deps.store.reader(), c.who, text->second, limit));
  json::array items;
  for (const auto& p : found) items.push_back(place_json(p));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> place_sources(call& c) {
  SIAGA_CO_TRY(sources, services::place_sources_for(c.deps.store.reader(), c.who));
  json::array items;
  for (const auto& [source, count] : sources) items.push_back(json::object{{"source", source}, {"count", count}});
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> import_places(call& c) {
  auto q = query_of(c.req());
  auto format_it = q.find("format");
  if (format_it == q.end() || (format_it->second != "csv" && format_it->second != "osm")) {
    co_return core::invalid("query parameter 'format' must be csv or osm");
  }
  auto format = format_it->second == "csv" ? services::place_format::csv : services::place_format::osm;
  std::string name = "admin";
  if (auto it = q.find("name"); it != q.end()) name = it->second;
  SIAGA_CO_TRY(parsed, services::parse_place_import(format, c.req().body(), name));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(done, run_service<services::import_summary>(c.deps.store, &services::import_places, ctx, c.who,
                                                              std::move(parsed)));
  json::array skipped;
  for (std::size_t i = 0; i < done.skipped.size() && i < 20; ++i) {
    skipped.push_back(json::object{{"where", done.skipped[i].where}, {"message", done.skipped[i].message}});
  }
  co_return json_response(c.req(), net::http::status::ok,
                          json::object{{"source", done.source},
                                       {"imported", done.imported},
                                       {"replaced", done.replaced},
                                       {"skipped_count", static_cast<std::int64_t>(done.skipped.size())},
                                       {"skipped", std::move(skipped)}});
}

}  // namespace

void add_places_routes(net::router& r, api_deps& deps) {
  r.add(verb::get, "/api/v1/places", wrap(deps, signed_in, search_places));
  r.add(verb::get, "/api/v1/places/sources", wrap(deps, admins, place_sources));
  r.add(verb::post, "/api/v1/places/import", wrap(deps, admins, import_places), max_import_bytes);
}

}  // namespace siaga::api
