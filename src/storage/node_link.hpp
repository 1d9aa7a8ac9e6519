// What several nodes on one database tell each other, beside the events (which reach every
// node's commit listener: store::set_commit_listener). A store shared by several nodes
// (PostgreSQL) implements node_link; a store only one node uses (SQLite) does not, and
// node_link_of answers nullptr for it: there is nobody to tell.
//
// On a store that implements node_link, the commit listener is called from the store's feed
// thread (not the writer thread), still one call at a time and in seq order, with the events of
// every node's commits (postgres/README.md, "Several nodes").
#pragma once

#include "storage/store.hpp"

#include <functional>
#include <string>

namespace siaga::storage {

// Called with a message another node broadcast, on a thread of the store. Must not block.
using broadcast_listener = std::function<void(const std::string&)>;

class node_link {
 public:
  virtual ~node_link() = default;
  // Hands message (at most 7900 bytes) to the broadcast listener of every other node on the
  // database; never to this node's own. Fails with unavailable when the database cannot be
  // reached, invalid_input when message is too long.
  virtual result<void> broadcast(const std::string& message) = 0;
  // Sets (or, with nullptr, removes) the listener of the other nodes' broadcasts.
  virtual void set_broadcast_listener(broadcast_listener listener) = 0;
};

// st's node_link, or nullptr when st is used by one node only.
inline node_link* node_link_of(store& st) { return dynamic_cast<node_link*>(&st); }

}  // namespace siaga::storage
