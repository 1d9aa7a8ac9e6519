#include "storage/group_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace siaga::storage {
namespace {

// A writer whose batches are recorded (each command's name, in order: the writer reports each
// command's outcome right after its batch) and whose first batch waits until release(): the
// commands submitted meanwhile queue up, as behind a long transaction.
class recording_writer {
 public:
  recording_writer(int max_batch, int max_batch_weight)
      : writer_(max_batch, max_batch_weight,
                [this](std::vector<queued_command>& batch, const cut_check& cut) { return run(batch, cut); }) {}

  // Called on the writer thread as each command "runs" (the commands themselves are not run:
  // there is no transaction here), before the cut is asked; may submit.
  std::function<void(const queued_command&)> on_run;

  // Submits a command that holds the writer until release(), and waits until it runs.
  void hold() {
    submit("hold", 1);
    entered_.get_future().wait();
  }
  void release() { release_.set_value(); }

  void submit(std::string name, write_weight weight) {
    auto done = [this, name](result<void> r) {
      std::lock_guard lock(mutex_);
      batches_.back().push_back(r ? name : name + " (refused)");
      ++reported_;
      reported_changed_.notify_all();
    };
    writer_.submit([](store_txn&) -> result<void> { return {}; }, done, weight);
  }

  // Waits until commands outcomes were reported (at most 10 s: a command submitted from on_run
  // after stop() would be refused), stops the writer and returns the batches.
  std::vector<std::vector<std::string>> batches(int commands) {
    {
      std::unique_lock lock(mutex_);
      reported_changed_.wait_for(lock, std::chrono::seconds{10}, [&] { return reported_ >= commands; });
    }
    writer_.stop();
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  // As a store's run_batch: the commands in order, asking cut after each but the last.
  batch_outcome run(std::vector<queued_command>& batch, const cut_check& cut) {
    {
      std::lock_guard lock(mutex_);
      batches_.emplace_back();
    }
    if (first_) {
      first_ = false;
      entered_.set_value();
      release_future_.wait();
    }
    batch_outcome out;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      out.outcomes.emplace_back();
      if (on_run) on_run(batch[i]);
      if (i + 1 < batch.size() && cut()) {
        out.cut = true;
        break;
      }
    }
    out.committed = true;
    return out;
  }

  std::mutex mutex_;
  std::condition_variable reported_changed_;
  int reported_ = 0;
  std::vector<std::vector<std::string>> batches_;
  bool first_ = true;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> release_future_ = release_.get_future().share();
  group_writer writer_;  // last: its thread uses the members above
};

using batches = std::vector<std::vector<std::string>>;

TEST(group_writer, a_small_command_waits_for_one_large_batch_not_for_every_large_command_before_it) {
  recording_writer w(512, 512);
  w.hold();
  w.submit("bridge-1", 500);
  w.submit("bridge-2", 500);
  w.submit("bridge-3", 300);
  w.submit("create-incident", 1);
  w.submit("classify-call", 1);
  w.submit("live-bridge", 10);
  w.release();
  EXPECT_EQ(w.batches(7), (batches{{"hold"},
                                  {"bridge-1"},
                                  {"create-incident", "classify-call", "live-bridge"},
                                  {"bridge-2"},
                                  {"bridge-3"}}));
}

TEST(group_writer, large_commands_share_a_batch_up_to_the_weight_and_one_over_it_goes_alone) {
  recording_writer w(512, 512);
  w.hold();
  w.submit("a", 200);
  w.submit("b", 200);
  w.submit("c", 200);
  w.submit("huge", 5000);
  w.submit("d", 100);
  w.release();
  EXPECT_EQ(w.batches(6), (batches{{"hold"}, {"a", "b"}, {"c"}, {"huge"}, {"d"}}));
}

TEST(group_writer, small_commands_keep_their_order_and_their_batch_limit) {
  recording_writer w(2, 512);
  w.hold();
  for (const char* name : {"s1", "s2", "s3", "s4", "s5"}) w.submit(name, 1);
  w.release();
  EXPECT_EQ(w.batches(6), (batches{{"hold"}, {"s1", "s2"}, {"s3", "s4"}, {"s5"}}));
}

TEST(group_writer, when_both_queues_wait_the_batches_alternate_so_neither_starves) {
  recording_writer w(1, 512);
  w.hold();
  for (const char* name : {"s1", "s2", "s3"}) w.submit(name, 1);
  for (const char* name : {"l1", "l2"}) w.submit(name, 400);
  w.release();
  EXPECT_EQ(w.batches(6), (batches{{"hold"}, {"l1"}, {"s1"}, {"l2"}, {"s2"}, {"s3"}}));
}

// The commands are told apart here by their weights (the test's writer sees no names).
TEST(group_writer, a_small_command_arriving_during_a_large_batch_cuts_it_after_the_command_under_way) {
  recording_writer w(512, 512);
  w.on_run = [&w](const queued_command& q) {
    if (q.weight == 201) w.submit("create-incident", 1);
  };
  w.hold();
  w.submit("bridge-1", 201);
  w.submit("bridge-2", 202);
  w.submit("bridge-3", 103);
  w.release();
  // bridge-2 and bridge-3 went back to the head of the queue and still share their commit.
  EXPECT_EQ(w.batches(5), (batches{{"hold"}, {"bridge-1"}, {"create-incident"}, {"bridge-2", "bridge-3"}}));
}

TEST(group_writer, a_batch_of_small_commands_is_never_cut) {
  recording_writer w(512, 512);
  w.on_run = [&w](const queued_command& q) {
    if (q.weight == 2) w.submit("s3", 1);
  };
  w.hold();
  w.submit("s1", 2);
  w.submit("s2", 1);
  w.release();
  EXPECT_EQ(w.batches(4), (batches{{"hold"}, {"s1", "s2"}, {"s3"}}));
}

}  // namespace
}  // namespace siaga::storage
