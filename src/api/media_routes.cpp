// Photos on dispatches (issue 4): POST /api/v1/dispatches/{id}/media takes the raw image as the
// body (its own body limit, services::max_media_bytes), GET /api/v1/media/{id} gives it back.
// Who may: services/media_service.hpp.
#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/media_service.hpp"
#include "services/public_tracking.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

namespace siaga::api {
namespace {

namespace asio = boost::asio;

// SHA-256 of megabytes on the blocking pool: neither the event loop nor the store's single
// writer should spend milliseconds on it.
awaitable<core::result<std::string>> sha256_off_loop(api_deps& deps, const std::string& bytes) {
  return off_loop(deps, [&bytes] { return domain::sha256_hex(bytes); });
}

awaitable<reply> attach_media(call& c) {
  services::new_media in;
  in.content_type = std::string(c.req()[net::http::field::content_type]);
  in.bytes = std::move(c.http.req.body());
  SIAGA_AWAIT_TRY(sha, sha256_off_loop(c.deps, in.bytes));
  in.sha256 = std::move(sha);
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(m, run_service<domain::media>(c.deps.store, &services::attach_media, ctx, c.who, c.param("id"),
                                                std::move(in)));
  co_return json_response(c.req(), net::http::status::created, media_json(m));
}

awaitable<reply> get_media(call& c) {
  SIAGA_CO_TRY(content, services::read_media_content(c.deps.store.reader(), c.who, c.param("id")));
  // The bytes never change, but only this user's browser may keep them.
  co_return image_response(c.req(), content.media.content_type, std::move(content.bytes), "private, max-age=86400");
}

// {"public": true|false}: whether the report's tracking page shows the photo.
awaitable<reply> set_media_public(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {"public"}));
  SIAGA_CO_TRY(is_public, opt_bool(body, "public"));
  if (!is_public) co_return core::invalid("field 'public' (true or false) is required");
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(m, run_service<domain::media>(c.deps.store, &services::set_media_public, ctx, c.who, c.param("id"),
                                                *is_public));
  co_return json_response(c.req(), net::http::status::ok, media_json(m));
}

}  // namespace

void add_media_routes(net::router& r, api_deps& deps) {
  r.add(verb::post, "/api/v1/dispatches/{id}/media", wrap(deps, dispatchers | access::agency, attach_media),
        services::max_media_bytes);
  r.add(verb::get, "/api/v1/media/{id}", wrap(deps, signed_in, get_media));
  r.add(verb::patch, "/api/v1/media/{id}", wrap(deps, dispatchers, set_media_public));
}

}  // namespace siaga::api
