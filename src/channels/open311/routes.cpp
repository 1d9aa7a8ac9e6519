#include "channels/open311/routes.hpp"

#include "api/inputs.hpp"
#include "api/rate_limit.hpp"
#include "channels/open311/wire.hpp"
#include "core/text.hpp"
#include "services/call_service.hpp"
#include "services/incident_rules.hpp"
#include "services/open311.hpp"
#include "services/public_stats.hpp"

#include <algorithm>
#include <chrono>

namespace siaga::channels {

namespace asio = boost::asio;
using asio::awaitable;
using open311::format;

namespace {

// What a route body gets: the request, the format asked for, and the name before the
// format's suffix (service code, request id or token; "" on the fixed routes).
struct o311_call {
  net::request_context& http;
  open311_deps& d;
  format fmt;
  std::string name;
  const net::request& req() const { return http.req; }
};

using o311_fn = awaitable<core::result<net::response>> (*)(o311_call&);

net::response reply(const o311_call& c, net::http::status status, std::string_view root,
                    const boost::json::value& tree) {
  net::response res{status, c.req().version()};
  res.set(net::http::field::content_type, open311::content_type(c.fmt));
  res.set(net::http::field::cache_control, "no-store");
  res.keep_alive(c.req().keep_alive());
  res.body() = open311::render(c.fmt, root, tree);
  res.prepare_payload();
  return res;
}

// The specification's statuses: 400 for bad input, 403 for a missing or bad api_key, 404 for
// what does not exist; the server's own failures keep theirs.
net::http::status status_of(core::errc code) {
  using core::errc;
  using net::http::status;
  switch (code) {
    case errc::invalid_input:
    case errc::payload_too_large:
    case errc::unsupported_media:
    case errc::conflict:
      return status::bad_request;
    case errc::unauthenticated:
    case errc::forbidden:
      return status::forbidden;
    case errc::not_found:
      return status::not_found;
    case errc::too_many_requests:
      return status::too_many_requests;
    case errc::unavailable:
      return status::service_unavailable;
    default:
      return status::internal_server_error;
  }
}

net::response error_reply(const o311_call& c, const core::error& e) {
  auto status = status_of(e.code);
  return reply(c, status, "errors", open311::errors_tree(static_cast<int>(status), e.message));
}

// The query string's pairs (unknown parameters are ignored, as clients send their own).
core::result<open311::form> query_form(const o311_call& c) {
  return open311::parse_form(net::split_target(c.req().target()).second);
}

// The jurisdiction a request names (jurisdiction_id, a Kemendagri code), else the configured
// one; not_found with the specification's wording for an unknown code.
core::result<domain::jurisdiction> jurisdiction_of(o311_call& c, const std::string& code) {
  auto& rd = c.d.api.store.reader();
  if (code.empty()) return services::public_jurisdiction(rd, c.d.options.jurisdiction);
  SIAGA_TRY(j, rd.find_jurisdiction_by_code(code));
  if (!j) {
    return core::not_found("jurisdiction_id '" + code.substr(0, 40) +
                           "' tidak ditemukan (jurisdiction_id provided was not found)");
  }
  return std::move(*j);
}

core::result<domain::jurisdiction> query_jurisdiction(o311_call& c) {
  SIAGA_TRY(q, query_form(c));
  return jurisdiction_of(c, open311::first(q, "jurisdiction_id").value_or(""));
}

int offset_of(const domain::jurisdiction& j) {
  auto off = core::zone_offset_minutes(j.timezone);
  return off ? *off : 0;
}

core::result<std::vector<domain::category>> public_categories(storage::store_reader& rd, const std::string& jur) {
  SIAGA_TRY(cats, rd.list_categories(jur));
  std::erase_if(cats, [](const domain::category& c) { return !c.active || !c.is_public; });
  return cats;
}

awaitable<core::result<net::response>> discovery(o311_call& c) {
  SIAGA_CO_TRY(jur, services::public_jurisdiction(c.d.api.store.reader(), c.d.options.jurisdiction));
  std::string base = c.d.options.public_url;
  if (base.empty()) {
    auto host = c.req()[net::http::field::host];
    base = "http://" + std::string(host.empty() ? "localhost" : std::string_view(host.data(), host.size()));
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  co_return reply(c, net::http::status::ok, "discovery",
                  open311::discovery_tree(base + "/open311/v2", "Pusat Panggilan 112 " + jur.name));
}

awaitable<core::result<net::response>> services_list(o311_call& c) {
  SIAGA_CO_TRY(jur, query_jurisdiction(c));
  SIAGA_CO_TRY(cats, public_categories(c.d.api.store.reader(), jur.id));
  co_return reply(c, net::http::status::ok, "services", open311::services_tree(cats));
}

awaitable<core::result<net::response>> service_definition(o311_call& c) {
  SIAGA_CO_TRY(jur, query_jurisdiction(c));
  SIAGA_CO_TRY(cats, public_categories(c.d.api.store.reader(), jur.id));
  auto it = std::find_if(cats.begin(), cats.end(), [&](const domain::category& cat) { return cat.code == c.name; });
  if (it == cats.end()) {
    co_return core::not_found("service_code '" + c.name.substr(0, 64) +
                              "' tidak ditemukan (service_code provided was not found)");
  }
  co_return reply(c, net::http::status::ok, "service_definition", open311::definition_tree(it->code));
}

// The body's form; a body that is not form-encoded is refused.
core::result<open311::form> body_form(const o311_call& c) {
  auto type = c.req()[net::http::field::content_type];
  std::string_view t(type.data(), type.size());
  if (!t.empty() && !core::ascii_lower(t).starts_with("application/x-www-form-urlencoded")) {
    return core::invalid(
        "kirim sebagai application/x-www-form-urlencoded (POST requests takes a form-encoded body, "
        "not " +
        std::string(t.substr(0, 60)) + ")");
  }
  return open311::parse_form(c.req().body());
}

awaitable<core::result<net::response>> post_request(o311_call& c) {
  SIAGA_CO_TRY(body, body_form(c));
  SIAGA_CO_TRY(query, query_form(c));
  // api_key and jurisdiction_id belong in the body; some clients put them in the query string.
  auto field = [&](std::string_view key) {
    auto v = open311::first(body, key);
    return v ? *v : open311::first(query, key).value_or("");
  };
  auto& rd = c.d.api.store.reader();
  auto key = services::authenticate_api_key(rd, field("api_key"));
  if (!key && key.error().code != core::errc::unauthenticated) co_return key.error();
  if (!key) {
    co_return core::forbidden("api_key tidak ada atau tidak sah (api_key was not provided or is invalid)");
  }
  SIAGA_CO_TRY(jur, jurisdiction_of(c, field("jurisdiction_id")));
  if (key->jurisdiction_id != jur.id) {
    co_return core::forbidden(
        "api_key tidak berlaku untuk wilayah ini (api_key is not valid for this jurisdiction_id)");
  }
  if (auto wait = c.d.post_limit ? c.d.post_limit->take(key->id, c.d.api.clock.now()) : std::chrono::seconds{0};
      wait.count() > 0) {
    auto s = std::to_string(wait.count());
    auto res = error_reply(c, core::make_error(core::errc::too_many_requests,
                                               "terlalu banyak laporan dari api_key ini; kirim ulang dalam " + s +
                                                   " detik (too many requests for this api_key, retry in " + s + " s)"));
    res.set(net::http::field::retry_after, s);
    co_return res;
  }
  SIAGA_CO_TRY(p, open311::parse_post(body));
  services::open311_submission sub;
  auto& in = sub.report;
  in.source = domain::channel::open311;
  in.jurisdiction_id = jur.id;
  in.category_code = p.service_code;
  in.description = open311::staff_description(p, services::max_intake_description);
  if (p.lat) in.location = domain::geo_point{*p.lat, *p.lon};
  in.address = p.address_string;
  if (in.address.empty() && !in.location) in.address = "address_id " + p.address_id;
  in.reporter_name = p.first_name + (p.first_name.empty() || p.last_name.empty() ? "" : " ") + p.last_name;
  in.reporter_phone = p.phone;
  // The client's own terms cover what its users agree to when they send their name or number.
  in.consent = true;
  // The cap on one reporter's reports awaiting triage is the server's, as on the web form.
  in.max_new_reports = c.d.api.options.max_new_reports;
  if (services::is_blank(p.description)) {
    co_return core::invalid("description wajib diisi: apa yang terjadi (description is required)");
  }
  SIAGA_CO_CHECK(services::check_channel_report(in));
  sub.service_code = p.service_code;
  sub.description = p.description;
  sub.attributes = open311::attributes_json(p);
  sub.media_url = p.media_url;
  sub.email = p.email;
  sub.device_id = p.device_id;
  sub.account_id = p.account_id;
  sub.api_key_id = key->id;
  SIAGA_CO_CHECK(api::place_before_write(rd, services::channel_actor(jur.id, in.source), in.district_id, in.village_id,
                                         in.location));
  services::context ctx{c.d.api.clock, c.d.api.ids, c.d.api.random, c.d.api.options.callback_expiry};
  SIAGA_AWAIT_TRY(receipt, services::run_service<services::intake_receipt>(c.d.api.store, &services::submit_open311,
                                                                           ctx, std::move(sub)));
  const auto& code = receipt.report.tracking_code;
  auto notice = "Laporan diterima. Kode lacak " + code + " (/lacak/" + code + "). Dalam keadaan darurat, telepon 112.";
  co_return reply(c, net::http::status::ok, "service_requests", open311::created_tree(receipt.report.id, code, notice));
}

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> comma_items(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// The filters of GET requests, with the specification's defaults: the last 90 days when no
// date is given, a span of at most 90 days, at most 1000 requests.
core::result<services::open311_query> requests_query(const open311::form& q, core::timestamp now) {
  services::open311_query out;
  constexpr auto window = std::chrono::days{90};
  auto ids = comma_items(open311::first(q, "service_request_id").value_or(""));
  if (ids.size() > 1000) return core::invalid("paling banyak 1000 service_request_id (at most 1000 ids)");
  out.ids = std::move(ids);
  out.service_codes = comma_items(open311::first(q, "service_code").value_or(""));
  auto statuses = comma_items(open311::first(q, "status").value_or(""));
  bool want_open = false, want_closed = false;
  for (const auto& s : statuses) {
    if (s == "open") {
      want_open = true;
    } else if (s == "closed") {
      want_closed = true;
    } else {
      return core::invalid("status '" + s.substr(0, 20) +
                           "' tidak dikenal: open atau closed (status is open or closed)");
    }
  }
  if (want_open != want_closed) out.open = want_open;
  std::optional<core::timestamp> start, end;
  for (auto [key, slot] : {std::pair{"start_date", &start}, std::pair{"end_date", &end}}) {
    auto v = open311::first(q, key).value_or("");
    if (v.empty()) continue;
    auto t = core::parse_iso8601(v);
    // An offset's '+' that a client left unescaped in the query string arrives as a space.
    if (auto space = v.rfind(' '); !t && space != std::string::npos && space > 10) {
      v[space] = '+';
      t = core::parse_iso8601(v);
    }
    if (!t) {
      return core::invalid(std::string(key) + " '" + v.substr(0, 40) +
                           "' bukan waktu ISO 8601 dengan zona (must be ISO 8601 with a zone)");
    }
    *slot = *t;
  }
  if (start && end && *start > *end) return core::invalid("start_date setelah end_date (start_date is after end_date)");
  if (start && end && *end - *start > window) {
    return core::invalid(
        "rentang start_date sampai end_date paling lama 90 hari (the range may not span more than "
        "90 days)");
  }
  if (!start && !end) end = now;
  if (!start) start = *end - window;
  if (!end) end = *start + window;
  out.from = *start;
  out.to = *end + std::chrono::microseconds{1};  // end_date is included
  return out;
}

awaitable<core::result<net::response>> get_requests(o311_call& c) {
  SIAGA_CO_TRY(q, query_form(c));
  SIAGA_CO_TRY(jur, jurisdiction_of(c, open311::first(q, "jurisdiction_id").value_or("")));
  SIAGA_CO_TRY(filter, requests_query(q, c.d.api.clock.now()));
  SIAGA_CO_TRY(found, services::list_open311(c.d.api.store.reader(), jur.id, filter));
  co_return reply(c, net::http::status::ok, "service_requests", open311::requests_tree(found, offset_of(jur)));
}

awaitable<core::result<net::response>> get_request(o311_call& c) {
  SIAGA_CO_TRY(jur, query_jurisdiction(c));
  SIAGA_CO_TRY(v, services::find_open311(c.d.api.store.reader(), jur.id, c.name));
  co_return reply(c, net::http::status::ok, "service_requests",
                  boost::json::array{open311::request_tree(v, offset_of(jur))});
}

awaitable<core::result<net::response>> get_token(o311_call& c) {
  if (auto& limit = c.d.api.track_limit) {
    auto wait = limit->take(c.http.remote_address, c.d.api.clock.now());
    if (wait.count() > 0) {
      auto res = error_reply(c, core::make_error(core::errc::too_many_requests,
                                                 "terlalu banyak permintaan; coba lagi dalam " +
                                                     std::to_string(wait.count()) + " detik (too many requests)"));
      res.set(net::http::field::retry_after, std::to_string(wait.count()));
      co_return res;
    }
  }
  SIAGA_CO_TRY(jur, query_jurisdiction(c));
  SIAGA_CO_TRY(id, services::open311_token(c.d.api.store.reader(), jur.id, c.name));
  co_return reply(c, net::http::status::ok, "service_requests", open311::token_tree(id, c.name));
}

awaitable<net::response> run(net::request_context& http, open311_deps& d, o311_fn fn, std::optional<format> fixed,
                             std::string param) {
  o311_call c{http, d, fixed.value_or(format::xml), ""};
  if (!fixed) {
    auto split = open311::split_format(http.params.find(param)->second);
    if (!split) {
      co_return error_reply(c, core::not_found("pakai akhiran .xml atau .json (add .xml or .json to the resource)"));
    }
    c.fmt = split->second;
    c.name = std::move(split->first);
  }
  auto r = co_await fn(c);
  if (!r) co_return error_reply(c, r.error());
  co_return std::move(*r);
}

// A plain lambda returning the coroutine (no coroutine lambdas: GCC 12 mishandles their captures).
net::handler route_to(open311_deps& d, o311_fn fn, std::optional<format> fixed, std::string param = "") {
  return [&d, fn, fixed, param](net::request_context& http) { return run(http, d, fn, fixed, param); };
}

}  // namespace

void add_open311_routes(net::router& r, open311_deps& d) {
  using net::http::verb;
  // A form post: the text fields and attributes, no media (media_url points elsewhere).
  constexpr std::size_t post_body_limit = 64 * 1024;
  int per_minute = std::max(1, d.options.requests_per_minute_per_key);
  d.post_limit = std::make_shared<api::rate_limiter>(per_minute, std::chrono::milliseconds(60'000 / per_minute));
  const std::string base = "/open311/v2/";
  for (auto [ext, f] : {std::pair{".xml", format::xml}, std::pair{".json", format::json}}) {
    r.add(verb::get, base + "discovery" + ext, route_to(d, discovery, f));
    r.add(verb::get, base + "services" + ext, route_to(d, services_list, f));
    r.add(verb::get, base + "requests" + ext, route_to(d, get_requests, f));
    r.add(verb::post, base + "requests" + ext, route_to(d, post_request, f), post_body_limit);
  }
  r.add(verb::get, base + "services/{service_code}", route_to(d, service_definition, std::nullopt, "service_code"));
  r.add(verb::get, base + "requests/{service_request_id}",
        route_to(d, get_request, std::nullopt, "service_request_id"));
  r.add(verb::get, base + "tokens/{token}", route_to(d, get_token, std::nullopt, "token"));
}

}  // namespace siaga::channels
