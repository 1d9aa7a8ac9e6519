// The user-changed signal (user_signal.hpp) of a node among several on one database: raise
// calls this node's listeners, then sends the change to the other nodes through the store
// (storage/node_link.hpp: LISTEN/NOTIFY on PostgreSQL), whose own store_user_signal calls
// their listeners on receipt. On a store only one node uses (SQLite) it is the local signal.
#pragma once

#include "services/user_signal.hpp"

#include <optional>
#include <string>

namespace siaga::storage {
class store;
class node_link;
}  // namespace siaga::storage

namespace siaga::services {

// A broadcast that fails (the database unreachable) is logged: the other nodes' session caches
// then forget the tokens when their entries expire (seconds), and their streams of the user
// stay open until the user's next reconnect is refused.
class store_user_signal final : public user_signal {
 public:
  // Listens to st's broadcasts from now on; st must outlive this signal, or detach() first.
  explicit store_user_signal(storage::store& st);
  store_user_signal(const store_user_signal&) = delete;
  store_user_signal& operator=(const store_user_signal&) = delete;
  ~store_user_signal() override;

  void subscribe(listener fn) override { local_.subscribe(std::move(fn)); }
  // This node's listeners first (on the raising thread), then the broadcast: one round trip
  // to the database on PostgreSQL.
  void raise(const sessions_ended& e) override;

  // Stops listening to the store's broadcasts (before the listeners' owners go away).
  void detach();

 private:
  void received(const std::string& message);

  storage::node_link* link_;  // nullptr: one node
  local_user_signal local_;
};

// The broadcast message of e, and back (nullopt for a message that is not one).
std::string encode_sessions_ended(const sessions_ended& e);
std::optional<sessions_ended> decode_sessions_ended(const std::string& message);

}  // namespace siaga::services
