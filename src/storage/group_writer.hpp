// The single writer of a store, shared by the stores (sqlite/, postgres/): the queues of write
// commands, the writer thread that takes them in batches, and what follows a batch: each
// command's done called with its outcome, then the commit listener with the events the batch
// published. How a batch is run in a transaction (BEGIN, a savepoint per command, COMMIT) is
// the store's: the run_batch function it gives.
//
// Two queues, by weight (store.hpp's write_weight): small commands (at most small_weight
// records: the consoles' commands, a live bridge's few events) go in batches of their own, of
// at most max_batch commands; large ones (a bridge catching up, 500 events a request) in
// batches of at most max_batch_weight records (at least one command), which the store's
// run_batch ends early, after the command under way, when a small command arrives (cut: the
// commands not run go back to the head of their queue). When both wait, the batches
// alternate: a small command waits for at most one large command, never for every large one
// queued before it, the large ones still share their commits while nothing else waits, and
// neither queue starves.
#pragma once

#include "storage/store.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace siaga::storage {

struct queued_command {
  write_command command;
  std::function<void(result<void>)> done;
  write_weight weight = 1;
};

// What a store's run_batch did with one batch.
struct batch_outcome {
  std::vector<result<void>> outcomes;    // one a command, in order
  std::vector<domain::event> published;  // the events of the commands kept, once committed:
                                         // moved to the commit listener
  bool committed = false;                // the transaction committed (durably)
  // The batch was cut (cut_check): only the first outcomes.size() commands ran (committed or
  // not), the others go back to the head of their queue.
  bool cut = false;
};

// Asked by a store's run_batch after each command of a batch but the last: true when it
// should commit there and leave the rest (batch_outcome::cut). Cheap; false for small batches.
using cut_check = std::function<bool()>;

class group_writer {
 public:
  using batch_runner = std::function<batch_outcome(std::vector<queued_command>&, const cut_check&)>;

  static constexpr write_weight small_weight = 32;

  // Starts the writer thread. run_batch runs on it for every batch; on_exit (if any) runs on
  // it once the queues are empty after stop().
  group_writer(int max_batch, int max_batch_weight, batch_runner run_batch, std::function<void()> on_exit = {});
  group_writer(const group_writer&) = delete;
  group_writer& operator=(const group_writer&) = delete;
  ~group_writer();

  // As store::submit: queued, or done at once with unavailable once stop() was called.
  void submit(write_command command, std::function<void(result<void>)> done, write_weight weight = 1);

  void set_commit_listener(commit_listener listener);

  // Finishes the queued commands and joins the thread. Idempotent; not from the writer thread.
  void stop();

  bool stopping();

  // Batches committed and the commands committed in them (failed commands not counted).
  std::int64_t batches() const { return batches_.load(std::memory_order_relaxed); }
  std::int64_t commands() const { return commands_.load(std::memory_order_relaxed); }

  // Runs a command on txn. A throwing command is a bug, but it must not take the writer thread
  // (and every later write) down with it: it fails alone, as internal.
  static result<void> invoke(write_command& command, store_txn& txn);

 private:
  void loop();
  // Under mutex_: moves the next batch's commands out of the queues into batch; true when they
  // are large ones.
  bool take_batch(std::vector<queued_command>& batch);
  void report(std::vector<queued_command>& batch, batch_outcome& outcome);

  const std::size_t max_batch_;
  const std::uint64_t max_batch_weight_;
  batch_runner run_batch_;
  std::function<void()> on_exit_;

  std::mutex mutex_;  // guards the queues, last_was_large_ and stopping_
  std::condition_variable wake_;
  std::deque<queued_command> small_;
  std::deque<queued_command> large_;
  std::atomic<std::size_t> small_waiting_{0};  // small_.size(), read without the lock by the cut
  bool last_was_large_ = false;
  bool stopping_ = false;

  std::mutex stop_mutex_;
  std::thread thread_;

  std::mutex listener_mutex_;
  commit_listener listener_;

  std::atomic<std::int64_t> batches_{0};
  std::atomic<std::int64_t> commands_{0};
};

}  // namespace siaga::storage
