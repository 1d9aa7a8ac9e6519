// Login rate limits: per source address, per account and address, and a short back-off per
// account, so that guessing passwords is slow while a real user is never locked out for long.
//
// - address: address_failures failed logins from one address within address_window lock that
//   address out of every account for address_lock (a guesser trying many usernames);
// - account and address: account_address_failures within account_address_window lock that
//   address out of that account for account_address_lock: the user at their own console, on
//   another address, is not affected;
// - account: account_failures from any addresses within account_window hold the account back
//   for account_backoff only (a spread-out guesser), so an attacker can delay a real user's
//   sign-in by that much at most per window, never lock them out for long.
// A success forgets the failures of that account and address. Usernames are compared in lower
// case. Kept behind an interface: the in-memory one below serves one node; several nodes would
// share counters in their store or a cache.
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::services {

struct login_limits {
  int address_failures = 30;
  std::chrono::seconds address_window{300};
  std::chrono::seconds address_lock{300};
  int account_address_failures = 5;
  std::chrono::seconds account_address_window{900};
  std::chrono::seconds account_address_lock{900};
  int account_failures = 20;
  std::chrono::seconds account_window{300};
  std::chrono::seconds account_backoff{60};
};

// A lock that a failure started: what the caller records as a security event.
struct login_lock {
  std::string kind;      // "login.locked_address", "login.locked_account_address", "login.backoff_account"
  std::string username;  // lower case; "" for an address lock
  std::string address;   // "" for an account back-off
  core::timestamp until{};
  int failures = 0;
};

class login_limiter {
 public:
  virtual ~login_limiter() = default;
  // Before a password is checked: how long username must wait from address, or nullopt when
  // it may try now. A refused attempt is not counted and checks no password.
  virtual std::optional<std::chrono::seconds> wait(std::string_view username, std::string_view address,
                                                   core::timestamp now) = 0;
  // After a wrong password (or unknown user): counts it; returns the locks it started.
  virtual std::vector<login_lock> failed(std::string_view username, std::string_view address, core::timestamp now) = 0;
  // After a right password: forgets the failures of this account from this address.
  virtual void succeeded(std::string_view username, std::string_view address) = 0;
};

// Counters in memory, for one node. At most max_keys keys per kind; past that the stale ones
// are dropped, and if that is not enough the kind starts over (an attacker who can make that
// many keys is already held back by the address limit).
class memory_login_limiter final : public login_limiter {
 public:
  explicit memory_login_limiter(login_limits limits = {}, std::size_t max_keys = 100'000)
      : limits_(limits), max_keys_(max_keys) {}
  std::optional<std::chrono::seconds> wait(std::string_view username, std::string_view address,
                                           core::timestamp now) override;
  std::vector<login_lock> failed(std::string_view username, std::string_view address, core::timestamp now) override;
  void succeeded(std::string_view username, std::string_view address) override;

 private:
  struct counter {
    std::deque<core::timestamp> failures;  // within the window, oldest first
    core::timestamp locked_until{};
  };
  using table = std::map<std::string, counter, std::less<>>;
  // Counts a failure under key; true when it starts a lock of length lock.
  bool count(table& t, const std::string& key, int limit, std::chrono::seconds window, std::chrono::seconds lock,
             core::timestamp now);
  void trim(table& t, core::timestamp now);

  login_limits limits_;
  std::size_t max_keys_;
  std::mutex mutex_;
  table addresses_, account_addresses_, accounts_;
};

}  // namespace siaga::services
