// The Telegram Bot API's wire format for the reporters' bot, pure: an Update (update_id,
// message with text, location or photo[]) parsed into one message, the getFile answer, the
// secret token check of the webhook. Replies reuse domain::telegram_message_body (sendMessage).
#pragma once

#include "core/error.hpp"
#include "domain/conversation.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace siaga::channels::telegram {

inline constexpr std::string_view secret_header = "X-Telegram-Bot-Api-Secret-Token";

struct update_message {
  std::string update_id;  // decimal, the idempotency key
  std::string chat_id;    // decimal, the conversation and the replies' address
  std::int64_t date = 0;  // Unix seconds
  domain::inbound_content content;
  std::string file_id;    // a photo's largest size that fits max_bytes (getFile), "" for none
};

// Parses an Update. nullopt for an update without a message (edited messages, channel posts,
// callbacks: the bot does not take those); invalid_input for a body that is not JSON, without
// a numeric update_id, or a message without its chat id. Of photo[] (the sizes of one photo),
// the largest whose file_size is at most max_photo_bytes is taken (the smallest when none says).
core::result<std::optional<update_message>> parse_update(std::string_view body, std::size_t max_photo_bytes);

// Whether the header is the configured secret, compared in constant time; false for an empty secret.
bool secret_valid(std::string_view header, std::string_view secret);

// {base}/bot{token}/{method}, and {base}/file/bot{token}/{file_path}.
std::string method_url(std::string_view base, std::string_view token, std::string_view method);
std::string file_url(std::string_view base, std::string_view token, std::string_view file_path);

// The file_path of getFile's answer {"ok": true, "result": {"file_path": ...}}; invalid_input otherwise.
core::result<std::string> file_path_of(std::string_view body);

}  // namespace siaga::channels::telegram
