#include "api/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace siaga::api {

std::chrono::seconds rate_limiter::take(const std::string& key, core::timestamp now) {
  if (burst_ <= 0) return std::chrono::seconds{0};
  const double per_ms = 1.0 / static_cast<double>(std::max<std::int64_t>(1, interval_.count()));
  std::lock_guard lock(mutex_);
  // The tokens a bucket holds at now (at most burst_).
  auto level = [&](const bucket& b) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - b.at).count();
    return elapsed > 0 ? std::min<double>(burst_, b.tokens + static_cast<double>(elapsed) * per_ms) : b.tokens;
  };
  auto refill = [&](bucket& b) {
    b.tokens = level(b);
    b.at = std::max(b.at, now);
  };
  if (buckets_.size() > prune_above) {
    std::erase_if(buckets_, [&](const auto& kv) { return level(kv.second) >= burst_; });
  }
  auto [it, fresh] = buckets_.try_emplace(key, bucket{static_cast<double>(burst_), now});
  auto& b = it->second;
  if (!fresh) refill(b);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::chrono::seconds{0};
  }
  auto wait_ms = (1.0 - b.tokens) / per_ms;
  return std::chrono::seconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_ms / 1000.0)))};
}

}  // namespace siaga::api
