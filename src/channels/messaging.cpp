#include "channels/messaging.hpp"

#include "api/inputs.hpp"
#include "services/incident_rules.hpp"
#include "services/media_service.hpp"
#include "services/public_stats.hpp"

namespace siaga::channels {

namespace asio = boost::asio;
using asio::awaitable;

namespace detail {

net::response receipt_response(const net::request& req, int messages, int duplicates, int reports) {
  return api::json_response(req, net::http::status::ok,
                            boost::json::object{{"messages", messages}, {"duplicates", duplicates}, {"reports", reports}});
}

core::result<message_state> state_of(messaging_deps& d, domain::channel source, const std::string& sender,
                                     const std::string& message_id) {
  auto& rd = d.api.store.reader();
  SIAGA_TRY(seen, rd.find_channel_message(source, message_id));
  if (seen) return message_state{true, false};
  SIAGA_TRY(conv, services::current_conversation(rd, source, sender, d.api.clock.now()));
  return message_state{false, conv && conv->step == domain::dialogue_step::photo};
}

awaitable<core::result<services::intake_photo>> download_photo(messaging_deps& d, outbound_request req) {
  req.get = true;
  auto res = co_await post(d.tls, req, d.options.http);
  if (!res) co_return res.error();
  if (res->status < 200 || res->status >= 300) {
    co_return core::make_error(core::errc::unavailable,
                               "foto tidak dapat diambil dari penyedia (the provider answered HTTP " +
                                   std::to_string(res->status) + " to the media download)");
  }
  services::intake_photo p;
  p.content_type = res->content_type.substr(0, res->content_type.find(';'));
  p.bytes = std::move(res->body);
  auto type = services::checked_image_type(p.content_type, p.bytes, services::max_intake_photo_bytes);
  if (!type) co_return type.error();
  p.content_type = std::string(*type);
  co_return p;
}

awaitable<core::result<services::message_outcome>> take_message(messaging_deps& d, services::channel_message msg) {
  auto& rd = d.api.store.reader();
  SIAGA_CO_TRY(jur, services::public_jurisdiction(rd, d.options.jurisdiction));
  msg.jurisdiction_id = jur.id;
  if (!d.options.public_url.empty()) {
    msg.track_url_base = d.options.public_url;
    while (!msg.track_url_base.empty() && msg.track_url_base.back() == '/') msg.track_url_base.pop_back();
    msg.track_url_base += "/lacak/";
  }
  // The point the report will have: this message's, else the one the conversation keeps.
  std::optional<domain::geo_point> point = msg.content.location;
  if (!point) {
    SIAGA_CO_TRY(conv, services::current_conversation(rd, msg.source, msg.sender, d.api.clock.now()));
    if (conv) point = conv->location;
  }
  if (point) {
    SIAGA_CO_CHECK(services::check_location(point));
    SIAGA_CO_CHECK(api::place_before_write(rd, services::channel_actor(jur.id, msg.source), msg.district_id,
                                           msg.village_id, point));
    msg.placed_at = point;
  }
  services::context ctx{d.api.clock, d.api.ids, d.api.random, d.api.options.callback_expiry};
  auto out = co_await services::run_service<services::message_outcome>(d.api.store, &services::receive_channel_message,
                                                                       ctx, std::move(msg));
  if (out && !out->duplicate && d.nudge) d.nudge();
  co_return out;
}

}  // namespace detail

namespace {

// Plain functions returning the coroutines (no coroutine lambdas: GCC 12 mishandles their captures).
api::body_fn bind(messaging_deps& d, awaitable<api::reply> (*fn)(api::call&, messaging_deps&)) {
  return [&d, fn](api::call& c) { return fn(c, d); };
}

}  // namespace

void add_messaging_routes(net::router& r, messaging_deps& d) {
  const auto open = static_cast<unsigned>(api::access::open);
  // A webhook post carries one or a few messages: room for JSON, not for media (fetched apart).
  constexpr std::size_t webhook_body_limit = 256 * 1024;
  r.add(api::verb::get, "/api/v1/webhooks/whatsapp", api::wrap(d.api, open, bind(d, whatsapp_verify)));
  r.add(api::verb::post, "/api/v1/webhooks/whatsapp", api::wrap(d.api, open, bind(d, whatsapp_receive)),
        webhook_body_limit);
  r.add(api::verb::post, "/api/v1/webhooks/telegram", api::wrap(d.api, open, bind(d, telegram_receive)),
        webhook_body_limit);
  r.add(api::verb::post, "/api/v1/webhooks/sms", api::wrap(d.api, open, bind(d, sms_receive)), webhook_body_limit);
}

}  // namespace siaga::channels
