#include "domain/callback_episodes.hpp"

#include <algorithm>
#include <tuple>

namespace siaga::domain {

std::vector<callback_episode> callback_episodes(std::span<const call_brief> calls, std::span<const timestamp> closed_at,
                                                std::chrono::minutes expiry) {
  std::vector<const call_brief*> needing;
  for (const auto& c : calls) {
    if (c.ring_at && c.ended_at && needs_callback(c, calls)) needing.push_back(&c);
  }
  std::sort(needing.begin(), needing.end(), [](const call_brief* a, const call_brief* b) {
    return std::tie(*a->ring_at, a->id) < std::tie(*b->ring_at, b->id);
  });
  std::vector<timestamp> closures(closed_at.begin(), closed_at.end());
  std::sort(closures.begin(), closures.end());

  std::vector<callback_episode> out;
  for (const auto* c : needing) {
    bool fresh = out.empty();
    if (!fresh) {
      const auto& cur = out.back();
      // A closure after the episode's first ring and before this ring ends the episode.
      auto closure = std::upper_bound(closures.begin(), closures.end(), cur.first_ring_at);
      fresh = *c->ring_at > cur.last_ended_at + expiry || (closure != closures.end() && *closure < *c->ring_at);
    }
    if (fresh) {
      out.push_back(callback_episode{{c->id}, *c->ring_at, *c->ended_at, *c->ended_at});
    } else {
      auto& cur = out.back();
      cur.call_ids.push_back(c->id);
      cur.last_ended_at = std::max(cur.last_ended_at, *c->ended_at);
    }
  }
  return out;
}

bool callback_expired(const callback_episode& e, timestamp now, std::chrono::minutes expiry) {
  return now > e.last_ended_at + expiry;
}

}  // namespace siaga::domain
