// A short-lived memory of which token belongs to which actor, so that a busy API does not ask
// the database twice per request. Entries live a few seconds at most; the user-changed signal
// (services/user_signal.hpp) makes it forget a user's tokens, so a revoked session stops
// working at once on every node that hears the signal.
#pragma once

#include "core/time.hpp"
#include "services/context.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace siaga::services {

class session_cache {
 public:
  explicit session_cache(std::chrono::seconds ttl = std::chrono::seconds{5}, std::size_t max_entries = 10000)
      : ttl_(ttl), max_entries_(max_entries) {}

  // The actor of token when a fresh entry exists, else nullopt.
  std::optional<actor> find(const std::string& token, core::timestamp now) const;

  // Remembers token's actor until now + ttl. When full, the whole cache is dropped: cheap, and
  // the next requests simply ask the database again.
  void remember(const std::string& token, const actor& who, core::timestamp now);

  // Forgets one token (logout).
  void forget(const std::string& token);

  // Forgets every token of this user (their sessions ended: services/user_signal.hpp).
  void forget_user(const std::string& user_id);

  // Forgets everything.
  void clear();

 private:
  struct entry {
    actor who;
    core::timestamp until;
  };
  std::chrono::seconds ttl_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace siaga::services
