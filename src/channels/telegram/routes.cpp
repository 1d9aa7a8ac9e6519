// POST /api/v1/webhooks/telegram: the reporters' bot's Updates, with the secret token that
// setWebhook registered (X-Telegram-Bot-Api-Secret-Token).
#include "channels/messaging.hpp"
#include "channels/telegram/wire.hpp"

#include <algorithm>
#include <cctype>

namespace siaga::channels {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// The photo of an update: getFile names its path, downloaded from the file endpoint.
awaitable<core::result<services::intake_photo>> fetch_photo(messaging_deps& d, const std::string& file_id) {
  const auto& tg = d.options.providers.telegram;
  if (tg.bot_token.empty()) {
    co_return core::make_error(core::errc::unavailable, "telegram_bot_token is not configured on the server");
  }
  outbound_request lookup;
  lookup.get = true;
  lookup.url = telegram::method_url(tg.api_base, tg.bot_token, "getFile") + "?file_id=" + file_id;
  auto answer = co_await post(d.tls, lookup, d.options.http);
  if (!answer) co_return answer.error();
  if (answer->status < 200 || answer->status >= 300) {
    co_return core::make_error(core::errc::unavailable, "the Bot API answered HTTP " + std::to_string(answer->status) +
                                                            " to getFile");
  }
  auto path = telegram::file_path_of(answer->body);
  if (!path) co_return core::make_error(core::errc::unavailable, path.error().message);
  outbound_request download;
  download.url = telegram::file_url(tg.api_base, tg.bot_token, *path);
  co_return co_await detail::download_photo(d, std::move(download));
}

bool file_id_safe(const std::string& id) {
  return !id.empty() && id.size() <= 200 && std::all_of(id.begin(), id.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '-' || ch == '_';
  });
}

}  // namespace

awaitable<api::reply> telegram_receive(api::call& c, messaging_deps& d) {
  auto header = c.req()[telegram::secret_header];
  if (!telegram::secret_valid({header.data(), header.size()}, d.options.telegram_webhook_secret)) {
    co_return core::make_error(core::errc::unauthenticated,
                               "X-Telegram-Bot-Api-Secret-Token tidak sah (missing or wrong secret token)");
  }
  SIAGA_CO_TRY(body, api::parse_body(c.req()));
  (void)body;
  SIAGA_CO_TRY(update, telegram::parse_update(c.req().body(), services::max_intake_photo_bytes));
  if (!update) co_return detail::receipt_response(c.req(), 0, 0, 0);  // not a message: nothing to take
  if (update->content.kind == domain::message_kind::image && !file_id_safe(update->file_id)) {
    co_return core::invalid("file_id foto tidak sah (the photo's file_id is malformed)");
  }
  services::channel_message msg;
  msg.source = domain::channel::telegram;
  msg.message_id = update->update_id;
  msg.sender = update->chat_id;
  msg.reply_to = update->chat_id;
  msg.content = update->content;
  SIAGA_AWAIT_TRY(state, detail::screen(d, msg));
  if (auto untaken = detail::answer_untaken(c.req(), state)) co_return std::move(*untaken);
  if (msg.content.kind == domain::message_kind::image && state.wants_photo) {
    auto photo = co_await fetch_photo(d, update->file_id);
    if (!photo && photo.error().code == core::errc::unavailable) co_return photo.error();
    if (photo) msg.photo = std::move(*photo);
    else msg.content.kind = domain::message_kind::other;
  }
  SIAGA_AWAIT_TRY(out, detail::take_message(d, std::move(msg)));
  co_return detail::receipt_response(c.req(), 1, out.duplicate ? 1 : 0, out.report ? 1 : 0);
}

}  // namespace siaga::channels
