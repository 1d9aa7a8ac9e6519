#include "services/session_cache.hpp"

namespace siaga::services {

std::optional<actor> session_cache::find(const std::string& token, core::timestamp now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.until <= now) return std::nullopt;
  return it->second.who;
}

void session_cache::remember(const std::string& token, const actor& who, core::timestamp now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[token] = entry{who, now + ttl_};
}

void session_cache::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  entries_.erase(token);
}

void session_cache::forget_user(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.who.user_id == user_id; });
}

void session_cache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace siaga::services
