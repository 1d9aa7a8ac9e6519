// What several nodes on one database tell each other (issue 13 item 3): every committed event,
// wherever it was written, handed to this node's commit listener once and in seq order; and
// the broadcasts between nodes (node_link: the user-changed signal).
//
// The event table is the truth, LISTEN/NOTIFY only the wake-up. Seqs are dense and become
// visible in seq order (append_event takes them under the events lock, held to COMMIT and
// released after the commit is visible), so "every event after the last one delivered", read
// with events_after, is never missing one that a later read would show. The writer NOTIFYs
// siaga_events in each batch that appended events (delivered at COMMIT); the feed's thread
// LISTENs on a connection of its own, reads the table on every notification, on every local
// commit that does not follow the last event delivered, and every event_poll anyway, so that a
// notification lost while its connection was being made again delays but never loses.
// A local commit whose events follow the last delivered is handed over as it is, without
// reading them back.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"
#include "storage/node_link.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace siaga::storage::postgres {

class connection;

// The channels, for the writer's NOTIFY and store::broadcast.
inline constexpr const char* events_channel = "siaga_events";
inline constexpr const char* signal_channel = "siaga_signal";

class event_feed {
 public:
  // conninfo: the store's connection string; poll: how often the table is read without a
  // notification. Starts nothing until a listener is set.
  event_feed(std::string conninfo, std::chrono::milliseconds poll);
  event_feed(const event_feed&) = delete;
  event_feed& operator=(const event_feed&) = delete;
  ~event_feed();

  // Sets the listener of committed events; the first non-null one starts the thread, from the
  // newest event committed now (read here; when the database cannot be reached, from the
  // first event committed after it can). nullptr stops handing events over.
  void set_commit_listener(commit_listener listener);
  // Sets the listener of other nodes' broadcasts; a non-null one starts the thread too.
  void set_broadcast_listener(broadcast_listener listener);

  // The writer's committed batch (events in seq order, after COMMIT returned). Never blocks
  // on the database.
  void committed(committed_events events);

  // Sends message to the other nodes (node_link::broadcast), over a connection of its own.
  result<void> broadcast(const std::string& message);

  // Stops the thread. Idempotent; not from a listener.
  void stop();

 private:
  void ensure_started();
  void loop();
  bool connect(std::unique_ptr<connection>& listen, std::unique_ptr<connection>& read);
  void wait(connection* listen);
  bool drain_local();
  bool read_table(connection& read);
  void deliver(committed_events events);
  void on_notifications(connection& listen, bool& table_changed);

  const std::string conninfo_;
  const std::chrono::milliseconds poll_;
  const std::string node_;  // this node's random id, leading its broadcasts

  std::mutex mutex_;  // everything below but the thread's own state
  commit_listener commit_listener_;
  broadcast_listener broadcast_listener_;
  std::deque<committed_events> local_;  // committed here, not yet handed over
  bool stopping_ = false;
  bool started_ = false;
  std::int64_t start_seq_ = -1;  // the newest seq when the commit listener was set; -1 unknown
  int wake_fd_ = -1;             // an eventfd: the writer's commits wake the thread's poll()
  std::thread thread_;

  std::mutex broadcast_mutex_;
  std::unique_ptr<connection> broadcast_conn_;

  // The thread's own.
  std::int64_t delivered_ = -1;  // the seq of the last event handed over; -1 not known yet
};

}  // namespace siaga::storage::postgres
