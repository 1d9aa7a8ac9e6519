// Rate limits of the public routes (issue 11): a token bucket per key (the client's address),
// so that a burst is allowed and then one request per interval, and a 429 with Retry-After
// past that. Kept in memory per node: a limit that forgets on restart is still a limit.
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace siaga::api {

class rate_limiter {
 public:
  // burst requests at once, then one more per interval. burst 0 turns the limit off.
  rate_limiter(int burst, std::chrono::milliseconds interval) : burst_(burst), interval_(interval) {}

  // Takes a token for key at now: 0 s when the request may go on, else how long until the
  // next token (at least 1 s), and nothing is taken. Thread-safe.
  std::chrono::seconds take(const std::string& key, core::timestamp now);

 private:
  struct bucket {
    double tokens = 0;
    core::timestamp at{};
  };
  // Forgets full buckets when the map grows past this, so that many addresses cost no memory.
  static constexpr std::size_t prune_above = 10000;

  int burst_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace siaga::api
