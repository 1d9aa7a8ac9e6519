// GET and POST /api/v1/webhooks/whatsapp: Meta's verification handshake, and the signed
// webhook posts of the WhatsApp Cloud API (messages and delivery receipts).
#include "channels/messaging.hpp"
#include "channels/secrets.hpp"
#include "channels/whatsapp/wire.hpp"
#include "domain/phone.hpp"


namespace siaga::channels {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

core::error bad_signature() {
  return core::make_error(core::errc::unauthenticated,
                          "tanda tangan X-Hub-Signature-256 tidak sah (missing or wrong webhook signature)");
}

// The image of a message: GET {graph}/{media-id} names a url, fetched with the same bearer token.
awaitable<core::result<services::intake_photo>> fetch_image(messaging_deps& d, const whatsapp::inbound_message& m) {
  const auto& wa = d.options.providers.whatsapp;
  std::string base = wa.graph_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  outbound_request lookup;
  lookup.get = true;
  lookup.url = base + "/" + m.media_id;
  lookup.headers = {{"Authorization", "Bearer " + wa.access_token}};
  auto answer = co_await post(d.tls, lookup, d.options.http);
  if (!answer) co_return answer.error();
  if (answer->status < 200 || answer->status >= 300) {
    co_return core::make_error(core::errc::unavailable, "the Graph API answered HTTP " + std::to_string(answer->status) +
                                                            " to the media lookup");
  }
  auto url = whatsapp::media_url_of(answer->body);
  if (!url) co_return core::make_error(core::errc::unavailable, url.error().message);
  outbound_request download = lookup;
  download.url = *url;
  co_return co_await detail::download_photo(d, std::move(download));
}

}  // namespace

awaitable<api::reply> whatsapp_verify(api::call& c, messaging_deps& d) {
  auto q = api::query_of(c.req());
  auto get = [&q](std::string_view k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  auto mode = get("hub.mode");
  auto token = get("hub.verify_token");
  auto challenge = get("hub.challenge");
  const auto& expected = d.options.providers.whatsapp.verify_token;
  bool ok = mode == "subscribe" && same_secret(token, expected) && !challenge.empty() && challenge.size() <= 200;
  if (!ok) co_return core::forbidden("verifikasi webhook ditolak (wrong hub.mode or hub.verify_token)");
  net::response res{net::http::status::ok, c.req().version()};
  res.set(net::http::field::content_type, "text/plain; charset=utf-8");
  res.keep_alive(c.req().keep_alive());
  res.body() = challenge;
  res.prepare_payload();
  co_return res;
}

awaitable<api::reply> whatsapp_receive(api::call& c, messaging_deps& d) {
  const auto& raw = c.req().body();
  auto header = c.req()[std::string_view("X-Hub-Signature-256")];
  if (!whatsapp::signature_valid({header.data(), header.size()}, raw, d.options.providers.whatsapp.app_secret)) {
    co_return bad_signature();
  }
  SIAGA_CO_TRY(body, api::parse_body(c.req()));  // Content-Type application/json, a JSON object
  (void)body;
  SIAGA_CO_TRY(batch, whatsapp::parse_webhook(raw));
  // Each number must be one that can be called back, before anything is written.
  for (const auto& m : batch.messages) {
    auto phone = domain::normalize_phone(whatsapp::e164_of(m.from));
    if (!phone || domain::is_short_code(*phone)) {
      co_return core::invalid("from '" + m.from.substr(0, 20) + "' bukan nomor telepon (not a phone number)");
    }
  }
  if (!batch.statuses.empty()) {
    services::context ctx{c.deps.clock, c.deps.ids, c.deps.random, c.deps.options.callback_expiry};
    SIAGA_AWAIT_TRY(recorded, services::run_service<int>(c.deps.store, &services::record_channel_statuses, ctx,
                                                         batch.statuses));
    (void)recorded;
  }
  int duplicates = 0, reports = 0, limited = 0;
  for (auto& m : batch.messages) {
    services::channel_message msg;
    msg.source = domain::channel::whatsapp;
    msg.message_id = m.id;
    msg.reporter_phone = *domain::normalize_phone(whatsapp::e164_of(m.from));
    msg.sender = msg.reporter_phone;
    msg.reply_to = m.from;
    msg.content = m.content;
    SIAGA_AWAIT_TRY(state, detail::screen(d, msg));
    if (state.channel_wait.count() > 0) co_return detail::channel_busy(c.req(), state.channel_wait);
    if (state.seen || state.limited) {
      duplicates += state.seen ? 1 : 0;
      limited += state.limited ? 1 : 0;
      continue;
    }
    if (m.content.kind == domain::message_kind::image && state.wants_photo) {
      auto photo = co_await fetch_image(d, m);
      if (!photo && photo.error().code == core::errc::unavailable) co_return photo.error();
      // A file that is no acceptable photo is no photo: the reporter is asked again.
      if (photo) msg.photo = std::move(*photo);
      else msg.content.kind = domain::message_kind::other;
    }
    SIAGA_AWAIT_TRY(out, detail::take_message(d, std::move(msg)));
    if (out.duplicate) ++duplicates;
    if (out.report) ++reports;
  }
  co_return detail::receipt_response(c.req(), static_cast<int>(batch.messages.size()), duplicates, reports, limited);
}

}  // namespace siaga::channels
