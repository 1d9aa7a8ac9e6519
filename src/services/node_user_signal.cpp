#include "services/node_user_signal.hpp"

#include "storage/node_link.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace siaga::services {
namespace {

constexpr std::string_view message_kind = "sessions_ended ";

std::optional<std::string> opt_string(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace

std::string encode_sessions_ended(const sessions_ended& e) {
  boost::json::object o;
  o["user_id"] = e.user_id;
  if (e.only_session) o["only_session"] = *e.only_session;
  if (e.keep_session) o["keep_session"] = *e.keep_session;
  o["reason"] = e.reason;
  return std::string(message_kind) + boost::json::serialize(o);
}

std::optional<sessions_ended> decode_sessions_ended(const std::string& message) {
  if (message.rfind(message_kind, 0) != 0) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(std::string_view(message).substr(message_kind.size()), ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  auto user = opt_string(o, "user_id");
  if (!user || user->empty()) return std::nullopt;
  return sessions_ended{*user, opt_string(o, "only_session"), opt_string(o, "keep_session"),
                        opt_string(o, "reason").value_or("")};
}

store_user_signal::store_user_signal(storage::store& st) : link_(storage::node_link_of(st)) {
  if (link_) link_->set_broadcast_listener([this](const std::string& message) { received(message); });
}

store_user_signal::~store_user_signal() {
  detach();
}

void store_user_signal::detach() {
  if (link_) link_->set_broadcast_listener(nullptr);
}

void store_user_signal::raise(const sessions_ended& e) {
  local_.raise(e);
  if (!link_) return;
  if (auto sent = link_->broadcast(encode_sessions_ended(e)); !sent) {
    spdlog::warn("the other nodes were not told that sessions of user {} ended: {}", e.user_id,
                 sent.error().message);
  }
}

void store_user_signal::received(const std::string& message) {
  auto e = decode_sessions_ended(message);
  if (!e) {
    spdlog::warn("a broadcast from another node was not understood; ignored");
    return;
  }
  local_.raise(*e);
}

}  // namespace siaga::services
