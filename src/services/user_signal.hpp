// The one "user changed" signal: raised after a commit that ended sessions of a user (a
// disable, a role or agency change, a password change, a required password change, a logout),
// so that whatever holds rights granted to those sessions drops them at once: the session
// cache forgets the user's tokens, the stream hub closes the user's WebSockets.
//
// On one node (SQLite) the local implementation below is the whole story. A store shared by
// several nodes (PostgreSQL) implements user_signal by broadcasting each raise (LISTEN/NOTIFY)
// and calling the local listeners of every node on receipt; nothing else changes, since
// everyone subscribes here and nobody calls the listeners directly.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

// Which sessions of a user ended, and why (shown to the user as the stream's close reason).
struct sessions_ended {
  std::string user_id;
  // Set: only this session ended (a logout). Else every session of the user ended, but
  // keep_session, when set (the session that changed its own password).
  std::optional<std::string> only_session;  // token hash (services::token_hash)
  std::optional<std::string> keep_session;  // token hash
  std::string reason;                       // Indonesian first, at most 123 bytes
};

// Close reasons of the streams whose session ended (at most 123 bytes each).
inline constexpr const char* reason_logged_out = "keluar / signed out";
inline constexpr const char* reason_user_changed = "akun diubah admin, masuk lagi / account changed, sign in again";
inline constexpr const char* reason_password_changed = "kata sandi diganti / password changed";

class user_signal {
 public:
  using listener = std::function<void(const sessions_ended&)>;
  virtual ~user_signal() = default;
  // Adds a listener; call before serving. Listeners run on the raising thread (or, on a
  // multi-node store, the thread that receives the broadcast) and must not block.
  virtual void subscribe(listener fn) = 0;
  // Tells every listener (on every node) that these sessions ended. Call after the commit
  // that deleted them.
  virtual void raise(const sessions_ended& e) = 0;
};

// The single-node signal: raise calls this node's listeners, in subscription order.
class local_user_signal final : public user_signal {
 public:
  void subscribe(listener fn) override {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(fn));
  }
  void raise(const sessions_ended& e) override {
    std::vector<listener> copy;
    {
      std::lock_guard lock(mutex_);
      copy = listeners_;
    }
    for (const auto& fn : copy) fn(e);
  }

 private:
  std::mutex mutex_;
  std::vector<listener> listeners_;
};

}  // namespace siaga::services
