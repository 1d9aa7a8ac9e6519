// One open callback task per number: the rule that groups a number's unanswered calls into
// callback episodes, each handled by one task. Pure and order-independent, so a replay of the
// same calls in any order gives the same tasks (the service recomputes a number's episodes from
// its calls each time one of them changes and reconciles its tasks with the result).
#pragma once

#include "domain/call.hpp"

#include <chrono>
#include <span>
#include <string>
#include <vector>

namespace siaga::domain {

// A task left untouched this long after the last call of its episode ended expires (leaves the
// queue with a callback.expired event), and a call that rings later starts a new episode.
inline constexpr std::chrono::hours default_callback_expiry{24};

struct callback_episode {
  std::vector<std::string> call_ids;  // the calls that need a callback, by ring time (then id)
  timestamp first_ring_at{};          // of the first call: closures after it end the episode
  timestamp first_ended_at{};         // of the first call: the task is due callback_grace after it
  timestamp last_ended_at{};          // of the latest call: the expiry counts from here

  // The task's anchor: the first call, whose row carries the task (status, attempts, due).
  const std::string& anchor() const { return call_ids.front(); }
};

// Groups the calls of one number (any order; others' calls and calls that need no callback,
// per needs_callback, are ignored) into episodes by ring time. A call starts a new episode when
// it rang more than `expiry` after the previous episode's last call ended (that task had
// expired by then), or after a task of the number was closed by a call taker at a time in
// `closed_at` (done or failed: the caller was dealt with, a new call is a new matter).
// Calls without ring or end time cannot be placed and are ignored.
std::vector<callback_episode> callback_episodes(std::span<const call_brief> calls, std::span<const timestamp> closed_at,
                                                std::chrono::minutes expiry);

// Has this episode's task expired at `now`: its last call ended more than `expiry` ago.
bool callback_expired(const callback_episode& e, timestamp now, std::chrono::minutes expiry);

}  // namespace siaga::domain
