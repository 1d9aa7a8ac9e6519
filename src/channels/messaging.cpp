#include "channels/messaging.hpp"

#include "api/http_util.hpp"
#include "api/inputs.hpp"
#include "services/incident_rules.hpp"
#include "services/media_service.hpp"
#include "services/public_stats.hpp"

#include <algorithm>

namespace siaga::channels {

namespace asio = boost::asio;
using asio::awaitable;

namespace detail {

net::response receipt_response(const net::request& req, int messages, int duplicates, int reports, int limited) {
  return api::json_response(req, net::http::status::ok,
                            boost::json::object{{"messages", messages},
                                                {"duplicates", duplicates},
                                                {"reports", reports},
                                                {"limited", limited}});
}

namespace {

// Whether the sender has spent their budget of messages a minute (taking one when not).
bool sender_spent(messaging_deps& d, const services::channel_message& msg, core::timestamp now) {
  return d.sender_limit &&
         d.sender_limit->take(std::string(to_string(msg.source)) + ":" + msg.sender, now).count() > 0;
}

awaitable<core::result<void>> tell_limited(messaging_deps& d, const services::channel_message& msg) {
  auto now = d.api.clock.now();
  if (d.notice_limit &&
      d.notice_limit->take(std::string(to_string(msg.source)) + ":" + msg.sender, now).count() > 0) {
    co_return core::result<void>{};
  }
  SIAGA_CO_TRY(jur, services::public_jurisdiction(d.api.store.reader(), d.options.jurisdiction));
  services::context ctx{d.api.clock, d.api.ids, d.api.random, d.api.options.callback_expiry};
  std::string text = "Pesan Anda terlalu banyak dalam waktu singkat; pesan berikutnya kami abaikan selama "
                     "beberapa menit. Dalam keadaan darurat, telepon 112.";
  auto out = co_await services::run_service<void>(d.api.store, &services::queue_reply, ctx, jur.id, msg.source,
                                                  msg.reply_to, std::string("limit"), std::move(text),
                                                  std::optional<std::string>(), std::string());
  if (out && d.nudge) d.nudge();
  co_return out;
}

}  // namespace

awaitable<core::result<screening>> screen(messaging_deps& d, const services::channel_message& msg) {
  screening out;
  SIAGA_CO_TRY(state, state_of(d, msg.source, msg.sender, msg.message_id));
  out.seen = state.seen;
  out.wants_photo = state.wants_photo;
  if (out.seen) co_return out;
  auto now = d.api.clock.now();
  if (sender_spent(d, msg, now)) {
    out.limited = true;
    auto told = co_await tell_limited(d, msg);
    if (!told) co_return told.error();
    co_return out;
  }
  if (d.channel_limit) out.channel_wait = d.channel_limit->take(std::string(to_string(msg.source)), now);
  co_return out;
}

net::response channel_busy(const net::request& req, std::chrono::seconds wait) {
  auto s = std::to_string(wait.count());
  auto res = api::error_response(
      req, core::make_error(core::errc::too_many_requests, "kanal sedang menerima terlalu banyak pesan; kirim ulang "
                                                           "dalam " + s + " detik (the channel is over its limit, "
                                                           "retry in " + s + " s)"));
  res.set(net::http::field::retry_after, s);
  return res;
}

std::optional<net::response> answer_untaken(const net::request& req, const screening& s) {
  if (s.seen) return receipt_response(req, 1, 1, 0);
  if (s.limited) return receipt_response(req, 1, 0, 0, 1);
  if (s.channel_wait.count() > 0) return channel_busy(req, s.channel_wait);
  return std::nullopt;
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
  msg.max_new_reports = d.options.max_new_reports;
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
  auto per_minute = [](int n) { return std::make_shared<api::rate_limiter>(n, std::chrono::milliseconds(60'000 / n)); };
  d.channel_limit = per_minute(std::max(1, d.options.channel_messages_per_minute));
  d.sender_limit = per_minute(std::max(1, d.options.sender_messages_per_minute));
  d.notice_limit = std::make_shared<api::rate_limiter>(1, std::chrono::minutes(15));
  r.add(api::verb::get, "/api/v1/webhooks/whatsapp", api::wrap(d.api, open, bind(d, whatsapp_verify)));
  r.add(api::verb::post, "/api/v1/webhooks/whatsapp", api::wrap(d.api, open, bind(d, whatsapp_receive)),
        webhook_body_limit);
  r.add(api::verb::post, "/api/v1/webhooks/telegram", api::wrap(d.api, open, bind(d, telegram_receive)),
        webhook_body_limit);
  r.add(api::verb::post, "/api/v1/webhooks/sms", api::wrap(d.api, open, bind(d, sms_receive)), webhook_body_limit);
  r.add(api::verb::post, "/api/v1/webhooks/handover", api::wrap(d.api, open, bind(d, handover_receive)),
        webhook_body_limit);
}

}  // namespace siaga::channels
