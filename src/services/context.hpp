// What every use case needs besides the store: who acts, what time it is, where ids come from.
#pragma once

#include "core/id.hpp"
#include "core/time.hpp"
#include "domain/callback_episodes.hpp"
#include "domain/model.hpp"

#include <chrono>

#include <optional>
#include <string>

namespace siaga::services {

// The authenticated user a command runs for. agency_id is set exactly for agency operators.
struct actor {
  std::string user_id;
  std::string jurisdiction_id;
  domain::role role = domain::role::leader;
  std::optional<std::string> agency_id;
  std::string display_name;
  // An admin requires a new password first: the API refuses everything else (403
  // password_change_required) until the user has changed it.
  bool must_change_password = false;
};

// The actor for work the system does by itself (seeding, timers).
actor system_actor(std::string jurisdiction_id);

// Injected time and randomness, and the settings that rules need. ids is used only inside write
// commands, which all run on the store's single writer thread, so it needs no lock.
struct context {
  const core::clock& clock;
  core::id_generator& ids;
  core::random_source& random;
  // A callback task nobody took this long after its number's last unanswered call expires.
  std::chrono::minutes callback_expiry = domain::default_callback_expiry;
};

}  // namespace siaga::services
