// The directory: agencies with their notification endpoints, categories with run cards, SOP
// and SLA, districts, and users (passwords hashed on the blocking pool).
#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/directory_service.hpp"
#include "services/password_policy.hpp"
#include "services/passwords.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace siaga::api {
namespace {

namespace asio = boost::asio;

awaitable<reply> list_agencies(call& c) {
  SIAGA_CO_TRY(all, services::list_agencies_for(c.deps.store.reader(), c.who));
  json::array items;
  for (const auto& [a, via] : all) {
    auto item = agency_json(a);
    item["acknowledged_by"] = to_string(via);
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
  SIAGA_CO_TRY(all, services::list_categories_for(c.deps.store.reader(), c.who));
  json::array items;
  for (const auto& cat : all) items.push_back(category_json(cat));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

core::result<domain::category> category_of(const json::object& body) {
  if (auto r = only_fields(body, {"code", "name_id", "name_en", "urgency", "run_card", "sop", "sla", "active",
                                    "public"});
      !r) {
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
  auto is_public = opt_bool(body, "public");
  if (!is_public) return is_public.error();
  c.is_public = is_public->value_or(false);
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
    if (auto r = only_fields(s, {"dispatch_within_s", "acknowledge_within_s", "on_scene_within_s",
                                 "complete_within_s", "close_within_s", "dispatch_within_days",
                                 "acknowledge_within_days", "on_scene_within_days", "complete_within_days",
                                 "close_within_days"});
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
                            std::pair{"complete_within_s", &c.sla.complete_within_s},
                            std::pair{"close_within_s", &c.sla.close_within_s}}) {
      if (auto r = read(key, *out); !r) return r.error();
    }
    for (auto [key, out] : {std::pair{"dispatch_within_days", &c.sla.dispatch_within_days},
                            std::pair{"acknowledge_within_days", &c.sla.acknowledge_within_days},
                            std::pair{"on_scene_within_days", &c.sla.on_scene_within_days},
                            std::pair{"complete_within_days", &c.sla.complete_within_days},
                            std::pair{"close_within_days", &c.sla.close_within_days}}) {
      std::int64_t days = 0;
      if (auto r = read(key, days); !r) return r.error();
      if (days < 0 || days > 365) return core::invalid(std::string("sla.") + key + " must be 0 (none) to 365 working days");
      *out = static_cast<int>(days);
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
  SIAGA_CO_TRY(all, services::list_districts_for(c.deps.store.reader(), c.who));
  json::array items;
  for (const auto& d : all) items.push_back(district_json(d));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> list_villages(call& c) {
  auto q = query_of(c.req());
  std::optional<std::string> district;
  if (auto it = q.find("district_id"); it != q.end()) district = it->second;
  SIAGA_CO_TRY(all, services::list_villages_for(c.deps.store.reader(), c.who, district));
  json::array items;
  for (const auto& v : all) items.push_back(village_json(v));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

awaitable<reply> list_users(call& c) {
  SIAGA_CO_TRY(all, services::list_users_for(c.deps.store.reader(), c.who));
  json::array items;
  for (const auto& u : all) items.push_back(user_json(u));
  co_return json_response(c.req(), net::http::status::ok, json::object{{"items", std::move(items)}});
}

// Hashes a password on the blocking pool and comes back.
awaitable<core::result<std::string>> hash_off_loop(api_deps& deps, std::string password) {
  auto h = co_await off_loop(deps, [&password] { return services::hash_password(password); });
  if (!h) co_return h.error();
  co_return std::move(*h);
}

awaitable<reply> create_user(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(
      body, {"username", "display_name", "role", "agency_id", "password", "pbx_agent", "must_change_password"}));
  services::new_user in;
  SIAGA_CO_TRY(username, required_string(body, "username", 64));
  SIAGA_CO_TRY(display, required_string(body, "display_name", 200));
  SIAGA_CO_TRY(role_text, required_string(body, "role", 32));
  SIAGA_CO_TRY(r, domain::parse_role(role_text));
  SIAGA_CO_TRY(agency, opt_string(body, "agency_id", 64));
  SIAGA_CO_TRY(password, required_string(body, "password", 1024));
  SIAGA_CO_TRY(agent, opt_string(body, "pbx_agent", 64));
  SIAGA_CO_TRY(must_change, opt_bool(body, "must_change_password"));
  SIAGA_CO_CHECK(services::check_password_strength(password, username, display));
  SIAGA_AWAIT_TRY(hash, hash_off_loop(c.deps, password));
  in.must_change_password = must_change.value_or(false);
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
  SIAGA_CO_CHECK(only_fields(
      body, {"display_name", "role", "agency_id", "active", "password", "pbx_agent", "must_change_password"}));
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
  SIAGA_CO_TRY(must_change, opt_bool(body, "must_change_password"));
  ch.must_change_password = must_change;
  SIAGA_CO_TRY(password, opt_string(body, "password", 1024));
  if (password) {
    // The policy needs the user's names: the new display name when it comes with the password.
    SIAGA_CO_TRY(target, c.deps.store.reader().find_user(c.param("id")));
    if (!target || target->jurisdiction_id != c.who.jurisdiction_id) {
      co_return core::not_found("user " + c.param("id") + " not found");
    }
    SIAGA_CO_CHECK(services::check_password_strength(*password, target->username,
                                                     display.value_or(target->display_name)));
    SIAGA_AWAIT_TRY(hash, hash_off_loop(c.deps, *password));
    ch.password_hash = hash;
  }
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(done, run_service<services::user_update>(c.deps.store, &services::update_user, ctx, c.who,
                                                           c.param("id"), ch));
  // Role, agency, active flag or password changed: the sessions are gone from the store; the
  // signal drops them from caches and closes the user's streams.
  if (done.sessions_ended) {
    c.deps.user_changes->raise({done.user.id, std::nullopt, std::nullopt, services::reason_user_changed});
  }
  co_return json_response(c.req(), net::http::status::ok, user_json(done.user));
}

awaitable<reply> get_jurisdiction(call& c) {
  SIAGA_CO_TRY(j, services::jurisdiction_for(c.deps.store.reader(), c.who));
  co_return json_response(c.req(), net::http::status::ok, jurisdiction_settings_json(j));
}

core::result<services::jurisdiction_changes> jurisdiction_changes_of(const json::object& body) {
  if (auto r = only_fields(body, {"name", "timezone", "weekend_days", "holidays", "alert_endpoints"}); !r) {
    return r.error();
  }
  services::jurisdiction_changes ch;
  SIAGA_TRY(name, opt_string(body, "name", 200));
  ch.name = name;
  SIAGA_TRY(zone, opt_string(body, "timezone", 64));
  ch.timezone = zone;
  if (auto it = body.find("weekend_days"); it != body.end()) {
    const auto* days = it->value().if_array();
    if (!days) return core::invalid("field 'weekend_days' must be an array of day numbers (0 = Minggu .. 6 = Sabtu)");
    std::vector<int> out;
    for (const auto& d : *days) {
      if (!d.is_int64()) return core::invalid("field 'weekend_days' must be an array of day numbers (0 = Minggu .. 6 = Sabtu)");
      out.push_back(static_cast<int>(std::clamp<std::int64_t>(d.get_int64(), -1, 7)));
    }
    ch.weekend_days = std::move(out);
  }
  if (auto it = body.find("holidays"); it != body.end()) {
    const auto* list = it->value().if_array();
    if (!list) return core::invalid("field 'holidays' must be an array of {date, name}");
    std::vector<domain::holiday> out;
    for (const auto& item : *list) {
      const auto* o = item.if_object();
      if (!o) return core::invalid("field 'holidays' must be an array of {date, name}");
      if (auto r = only_fields(*o, {"date", "name"}); !r) return core::invalid("holidays: " + r.error().message);
      SIAGA_TRY(date, required_string(*o, "date", 10));
      SIAGA_TRY(hname, required_string(*o, "name", 100));
      out.push_back({date, hname});
    }
    ch.holidays = std::move(out);
  }
  if (auto it = body.find("alert_endpoints"); it != body.end()) {
    auto endpoints = endpoints_from_json(it->value());
    if (!endpoints) return core::invalid("alert_" + endpoints.error().message);
    ch.alert_endpoints = std::move(*endpoints);
  }
  return ch;
}

awaitable<reply> update_jurisdiction(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_TRY(ch, jurisdiction_changes_of(body));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(j, run_service<domain::jurisdiction>(c.deps.store, &services::update_jurisdiction, ctx, c.who, ch));
  co_return json_response(c.req(), net::http::status::ok, jurisdiction_settings_json(j));
}

}  // namespace

void add_directory_routes(net::router& r, api_deps& deps) {
  const route_row table[] = {
      {verb::get, "/api/v1/agencies", signed_in, list_agencies},
      {verb::post, "/api/v1/agencies", admins, save_agency},
      {verb::put, "/api/v1/agencies/{id}", admins, save_agency},
      {verb::get, "/api/v1/categories", signed_in, list_categories},
      {verb::post, "/api/v1/categories", admins, save_category},
      {verb::put, "/api/v1/categories/{id}", admins, save_category},
      {verb::get, "/api/v1/districts", signed_in, list_districts},
      {verb::get, "/api/v1/villages", signed_in, list_villages},
      {verb::get, "/api/v1/jurisdiction", signed_in, get_jurisdiction},
      {verb::patch, "/api/v1/jurisdiction", admins, update_jurisdiction},
      {verb::get, "/api/v1/users", admins | access::supervisor, list_users},
      {verb::post, "/api/v1/users", admins, create_user},
      {verb::patch, "/api/v1/users/{id}", admins, update_user},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
