// POST /api/v1/webhooks/sms: one inbound SMS from a gateway (scripts/gammu-siaga-receive.sh
// for gammu-smsd, or any gateway that speaks sms/wire.hpp), with the shared secret.
#include "channels/messaging.hpp"
#include "channels/sms/wire.hpp"
#include "domain/phone.hpp"

namespace siaga::channels {

boost::asio::awaitable<api::reply> sms_receive(api::call& c, messaging_deps& d) {
  auto header = c.req()[sms::secret_header];
  if (!sms::secret_valid({header.data(), header.size()}, d.options.providers.sms.secret)) {
    co_return core::make_error(core::errc::unauthenticated, "X-Siaga-SMS-Secret tidak sah (missing or wrong secret)");
  }
  SIAGA_CO_TRY(body, api::parse_body(c.req()));
  (void)body;
  SIAGA_CO_TRY(in, sms::parse_inbound(c.req().body()));
  auto phone = domain::normalize_phone(in.sender);
  if (!phone || domain::is_short_code(*phone)) {
    co_return core::invalid("sender '" + in.sender.substr(0, 40) +
                            "' bukan nomor yang dapat dihubungi (not a phone number that can be called back)");
  }
  services::channel_message msg;
  msg.source = domain::channel::sms;
  msg.message_id = in.message_id;
  msg.sender = *phone;
  msg.reply_to = *phone;
  msg.reporter_phone = *phone;
  msg.content.kind = domain::message_kind::text;
  msg.content.text = in.text;
  SIAGA_AWAIT_TRY(state, detail::screen(d, msg));
  if (auto untaken = detail::answer_untaken(c.req(), state)) co_return std::move(*untaken);
  SIAGA_AWAIT_TRY(out, detail::take_message(d, std::move(msg)));
  co_return detail::receipt_response(c.req(), 1, out.duplicate ? 1 : 0, out.report ? 1 : 0);
}

}  // namespace siaga::channels
