// The public report form and tracking (issue 11), for anyone without a login:
// GET /api/v1/public/form (what the /lapor page needs: public categories, kecamatan),
// POST /api/v1/public/reports (a report with up to 3 photos as base64 in the JSON, so that a
// phone that was offline sends its queued report in one request), GET /api/v1/track/{code} and
// the public photos under it. Posting and tracking are rate limited per client address.
#include "api/handler.hpp"
#include "api/inputs.hpp"
#include "api/rate_limit.hpp"
#include "api/views.hpp"
#include "services/channel_intake.hpp"
#include "services/public_stats.hpp"
#include "services/public_tracking.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <sodium.h>

namespace siaga::api {
namespace {

// A whole report: three photos at the cap, base64 (4/3), and room for the text.
constexpr std::size_t public_report_body_limit =
    services::max_intake_photos * services::max_intake_photo_bytes * 4 / 3 + 64 * 1024;

// 429 with Retry-After, or nullopt when the client may go on (or there is no limit).
std::optional<net::response> limited(const std::shared_ptr<rate_limiter>& limit, call& c) {
  if (!limit) return std::nullopt;
  auto wait = limit->take(c.http.remote_address, c.deps.clock.now());
  if (wait.count() == 0) return std::nullopt;
  auto res = json_response(
      c.req(), net::http::status::too_many_requests,
      json::object{{"error", "too_many_requests"},
                   {"message", "terlalu banyak permintaan; coba lagi dalam " + std::to_string(wait.count()) +
                                   " detik (too many requests, try again in " + std::to_string(wait.count()) + " s)"},
                   {"retry_after_s", wait.count()}});
  res.set(net::http::field::retry_after, std::to_string(wait.count()));
  return res;
}

// "data:image/jpeg;base64,..." or plain base64 with its content_type beside it.
core::result<services::intake_photo> photo_of(const json::value& v, std::size_t index) {
  std::string where = "photos[" + std::to_string(index) + "]";
  if (!v.is_object()) return core::invalid(where + " harus objek {content_type, data} (must be an object)");
  const auto& o = v.as_object();
  SIAGA_CHECK(only_fields(o, {"content_type", "data"}));
  SIAGA_TRY(type, opt_string(o, "content_type", 100));
  SIAGA_TRY(data, required_string(o, "data", public_report_body_limit));
  std::string_view b64 = data;
  services::intake_photo p;
  p.content_type = type.value_or("");
  if (b64.starts_with("data:")) {
    auto comma = b64.find(',');
    auto head = b64.substr(5, comma == std::string_view::npos ? 0 : comma - 5);
    if (comma == std::string_view::npos || !head.ends_with(";base64")) {
      return core::invalid(where + ".data: data URL harus base64 (a data URL must be base64)");
    }
    if (p.content_type.empty()) p.content_type = std::string(head.substr(0, head.size() - 7));
    b64.remove_prefix(comma + 1);
  }
  if (b64.size() > services::max_intake_photo_bytes * 4 / 3 + 4) {
    return core::make_error(core::errc::payload_too_large,
                            where + ": foto terlalu besar (a photo may have at most " +
                                std::to_string(services::max_intake_photo_bytes) + " bytes)");
  }
  p.bytes.resize(b64.size() * 3 / 4 + 3);
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(p.bytes.data()), p.bytes.size(), b64.data(), b64.size(),
                        " \r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return core::invalid(where + ".data bukan base64 yang sah (is not valid base64)");
  }
  p.bytes.resize(len);
  return p;
}

core::result<services::channel_report> channel_report_of(const json::object& body) {
  SIAGA_CHECK(only_fields(body, {"jurisdiction", "category", "description", "location", "address", "name", "phone",
                                 "consent", "photos"}));
  services::channel_report in;
  in.source = domain::channel::web;
  SIAGA_TRY(cat, opt_string(body, "category", 64));
  SIAGA_TRY(desc, opt_string(body, "description", services::max_intake_description * 4));
  SIAGA_TRY(loc, location_of(body));
  SIAGA_TRY(addr, opt_string(body, "address", 500));
  SIAGA_TRY(name, opt_string(body, "name", 100));
  SIAGA_TRY(phone, opt_string(body, "phone", 40));
  SIAGA_TRY(consent, opt_bool(body, "consent"));
  in.category_code = cat && !cat->empty() ? cat : std::nullopt;
  in.description = desc.value_or("");
  in.location = loc;
  in.address = addr.value_or("");
  in.reporter_name = name.value_or("");
  in.reporter_phone = phone.value_or("");
  in.consent = consent.value_or(false);
  if (auto it = body.find("photos"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return core::invalid("photos harus daftar (photos must be an array)");
    const auto& arr = it->value().as_array();
    if (arr.size() > services::max_intake_photos) {
      return core::invalid("paling banyak " + std::to_string(services::max_intake_photos) + " foto (at most " +
                           std::to_string(services::max_intake_photos) + " photos)");
    }
    for (std::size_t i = 0; i < arr.size(); ++i) {
      SIAGA_TRY(p, photo_of(arr[i], i));
      in.photos.push_back(std::move(p));
    }
  }
  SIAGA_CHECK(services::check_channel_report(in));
  return in;
}

std::string jurisdiction_query(call& c, core::result<void>& bad) {
  auto q = query_of(c.req());
  std::string code;
  for (const auto& [key, value] : q) {
    if (key == "jurisdiction") {
      code = value;
    } else {
      bad = core::invalid("parameter '" + key + "' tidak dikenal: pakai jurisdiction (use jurisdiction)");
    }
  }
  return code;
}

awaitable<reply> public_form(call& c) {
  core::result<void> bad;
  auto code = jurisdiction_query(c, bad);
  SIAGA_CO_CHECK(bad);
  auto& rd = c.deps.store.reader();
  SIAGA_CO_TRY(jur, services::public_jurisdiction(rd, code));
  SIAGA_CO_TRY(cats, rd.list_categories(jur.id));
  SIAGA_CO_TRY(districts, rd.list_districts(jur.id));
  json::array categories;
  for (const auto& cat : cats) {
    if (!cat.active || !cat.is_public) continue;
    categories.push_back(json::object{
        {"code", cat.code}, {"name_id", cat.name_id}, {"name_en", cat.name_en}, {"urgency", to_string(cat.urgency_class)}});
  }
  json::array areas;
  for (const auto& d : districts) {
    json::value boundary = nullptr;
    if (!d.boundary_geojson.empty()) {
      boost::system::error_code ec;
      auto parsed = json::parse(d.boundary_geojson, ec);
      if (!ec) boundary = std::move(parsed);
    }
    areas.push_back(json::object{
        {"code", d.code},
        {"name", d.name},
        {"center", d.center ? json::value(json::object{{"lat", d.center->lat}, {"lon", d.center->lon}}) : json::value(nullptr)},
        {"boundary", std::move(boundary)}});
  }
  auto res = json_response(c.req(), net::http::status::ok,
                           json::object{{"jurisdiction", json::object{{"code", jur.code},
                                                                      {"name", jur.name},
                                                                      {"timezone", jur.timezone}}},
                                        {"categories", std::move(categories)},
                                        {"districts", std::move(areas)},
                                        {"max_photos", services::max_intake_photos},
                                        {"max_photo_bytes", services::max_intake_photo_bytes}});
  res.set(net::http::field::cache_control, "public, max-age=300");
  co_return res;
}

// Plain coroutines, no capturing lambdas: GCC 12 mishandles a coroutine lambda's captures.
awaitable<reply> post_report(call& c) {
  {
    if (auto refused = limited(c.deps.public_report_limit, c)) co_return std::move(*refused);
    // The header is checked first; the digest of up to 8 MiB of photos is taken off the loop.
    SIAGA_CO_TRY(key_text, idempotency_key_value(c.req()));
    SIAGA_CO_TRY(body, parse_body(c.req()));
    SIAGA_CO_TRY(code, opt_string(body, "jurisdiction", 20));
    SIAGA_CO_TRY(in, channel_report_of(body));
    auto& rd = c.deps.store.reader();
    SIAGA_CO_TRY(jur, services::public_jurisdiction(rd, code.value_or("")));
    in.jurisdiction_id = jur.id;
    in.max_new_reports = c.deps.options.max_new_reports;
    SIAGA_CO_CHECK(place_before_write(rd, services::channel_actor(jur.id, in.source), in.district_id, in.village_id,
                                      in.location));
    for (auto& p : in.photos) {
      SIAGA_AWAIT_TRY(sha, off_loop(c.deps, [&p] { return domain::sha256_hex(p.bytes); }));
      p.sha256 = std::move(sha);
    }
    services::idempotency_key key{std::move(key_text), ""};
    if (!key.key.empty()) {
      SIAGA_AWAIT_TRY(digest, off_loop(c.deps, [&c] { return domain::sha256_hex(c.req().body()); }));
      key.digest = std::move(digest);
    }
    auto ctx = c.ctx();
    SIAGA_AWAIT_TRY(made, run_service<services::idempotent<services::intake_receipt>>(
                              c.deps.store, &services::intake_report_once, ctx, std::move(in), key));
    if (made.outcome == services::idempotent_outcome::key_reused) co_return key_reused_response(c.req());
    const auto& receipt = made.value;
    const auto& code_out = receipt.report.tracking_code;
    co_return created_response(c.req(), made.outcome,
                               json::object{{"tracking_code", code_out},
                                            {"url", "/lacak/" + code_out},
                                            {"status", "received"},
                                            {"photos", receipt.photos.size()},
                                            {"received_at", time_json(receipt.report.created_at)}});
  }
}

json::object track_json(const services::public_report& p) {
  json::array timeline;
  for (const auto& s : p.timeline) {
    json::object step{{"step", s.step}, {"at", time_json(s.at)}};
    if (!s.agency.empty()) step["agency"] = s.agency;
    timeline.push_back(std::move(step));
  }
  json::array notes;
  for (const auto& n : p.notes) notes.push_back(json::object{{"agency", n.agency}, {"note", n.text}, {"at", time_json(n.at)}});
  json::array photos;
  for (const auto& m : p.photos) {
    photos.push_back(json::object{{"id", m.id},
                                  {"content_type", m.content_type},
                                  {"url", "/api/v1/track/" + p.tracking_code + "/photos/" + m.id}});
  }
  json::value category = nullptr;
  if (p.category) {
    category = json::object{{"code", p.category->code}, {"name_id", p.category->name_id}, {"name_en", p.category->name_en}};
  }
  return {{"tracking_code", p.tracking_code},
          {"channel", to_string(p.source)},
          {"status", p.status},
          {"category", std::move(category)},
          {"district", p.district.empty() ? json::value(nullptr) : json::value(p.district)},
          {"jurisdiction", json::object{{"name", p.jurisdiction}, {"timezone", p.timezone}}},
          {"received_at", time_json(p.received_at)},
          {"timeline", std::move(timeline)},
          {"closing_notes", std::move(notes)},
          {"photos", std::move(photos)}};
}

awaitable<reply> track(call& c) {
  {
    if (auto refused = limited(c.deps.track_limit, c)) co_return std::move(*refused);
    SIAGA_CO_TRY(p, services::track_report(c.deps.store.reader(), c.param("code")));
    auto res = json_response(c.req(), net::http::status::ok, track_json(p));
    res.set(net::http::field::cache_control, "no-store");
    co_return res;
  }
}

awaitable<reply> track_photo(call& c) {
  {
    if (auto refused = limited(c.deps.track_limit, c)) co_return std::move(*refused);
    SIAGA_CO_TRY(content, services::read_public_photo(c.deps.store.reader(), c.param("code"), c.param("id")));
    // private: a call taker may take the photo back, so no shared cache keeps it.
    co_return image_response(c.req(), content.media.content_type, std::move(content.bytes), "private, max-age=3600");
  }
}

}  // namespace

void add_public_report_routes(net::router& r, api_deps& deps) {
  deps.public_report_limit = std::make_shared<rate_limiter>(
      deps.options.public_report_burst,
      std::chrono::milliseconds(3'600'000 / std::max(1, deps.options.public_reports_per_hour)));
  deps.track_limit = std::make_shared<rate_limiter>(
      deps.options.track_burst, std::chrono::milliseconds(60'000 / std::max(1, deps.options.tracks_per_minute)));
  const auto open = static_cast<unsigned>(access::open);
  r.add(verb::get, "/api/v1/public/form", wrap(deps, open, public_form));
  r.add(verb::post, "/api/v1/public/reports", wrap(deps, open, post_report), public_report_body_limit);
  r.add(verb::get, "/api/v1/track/{code}", wrap(deps, open, track));
  r.add(verb::get, "/api/v1/track/{code}/photos/{id}", wrap(deps, open, track_photo));
}

}  // namespace siaga::api
