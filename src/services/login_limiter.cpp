#include "services/login_limiter.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace siaga::services {
namespace {

std::string pair_key(const std::string& username, std::string_view address) {
  return username + '\n' + std::string(address);
}

// Whole seconds until `until`, at least 1.
std::chrono::seconds seconds_until(core::timestamp until, core::timestamp now) {
  auto left = std::chrono::duration_cast<std::chrono::seconds>(until - now + std::chrono::microseconds{999'999});
  return std::max(left, std::chrono::seconds{1});
}

}  // namespace

std::optional<std::chrono::seconds> memory_login_limiter::wait(std::string_view username, std::string_view address,
                                                               core::timestamp now) {
  auto name = core::ascii_lower(username);
  std::lock_guard lock(mutex_);
  core::timestamp until{};
  auto consider = [&](const table& t, std::string_view key) {
    if (auto it = t.find(key); it != t.end() && it->second.locked_until > now) until = std::max(until, it->second.locked_until);
  };
  consider(addresses_, address);
  consider(account_addresses_, pair_key(name, address));
  consider(accounts_, name);
  if (until <= now) return std::nullopt;
  return seconds_until(until, now);
}

bool memory_login_limiter::count(table& t, const std::string& key, int limit, std::chrono::seconds window,
                                 std::chrono::seconds lock, core::timestamp now) {
  if (t.size() >= max_keys_ && !t.contains(key)) trim(t, now);
  auto& c = t[key];
  while (!c.failures.empty() && c.failures.front() <= now - window) c.failures.pop_front();
  c.failures.push_back(now);
  if (static_cast<int>(c.failures.size()) < limit) return false;
  // The limit is reached: lock, and start counting afresh for when the lock ends.
  c.failures.clear();
  c.locked_until = now + lock;
  return true;
}

void memory_login_limiter::trim(table& t, core::timestamp now) {
  std::erase_if(t, [&](const auto& kv) {
    return kv.second.locked_until <= now &&
           (kv.second.failures.empty() || kv.second.failures.back() <= now - std::chrono::hours{1});
  });
  if (t.size() >= max_keys_) t.clear();
}

std::vector<login_lock> memory_login_limiter::failed(std::string_view username, std::string_view address,
                                                     core::timestamp now) {
  auto name = core::ascii_lower(username);
  std::vector<login_lock> out;
  std::lock_guard lock(mutex_);
  const auto& l = limits_;
  if (count(addresses_, std::string(address), l.address_failures, l.address_window, l.address_lock, now)) {
    out.push_back({"login.locked_address", "", std::string(address), now + l.address_lock, l.address_failures});
  }
  if (count(account_addresses_, pair_key(name, address), l.account_address_failures, l.account_address_window,
            l.account_address_lock, now)) {
    out.push_back({"login.locked_account_address", name, std::string(address), now + l.account_address_lock,
                   l.account_address_failures});
  }
  if (count(accounts_, name, l.account_failures, l.account_window, l.account_backoff, now)) {
    out.push_back({"login.backoff_account", name, "", now + l.account_backoff, l.account_failures});
  }
  return out;
}

void memory_login_limiter::succeeded(std::string_view username, std::string_view address) {
  // A success comes only while no lock holds (wait() refused it otherwise), so nothing is lost.
  auto key = pair_key(core::ascii_lower(username), address);
  std::lock_guard lock(mutex_);
  account_addresses_.erase(key);
}

}  // namespace siaga::services
