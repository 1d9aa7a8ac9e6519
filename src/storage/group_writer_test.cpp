#include "storage/group_writer.hpp"

#include <gtest/gtest.h>

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
      : writer_(max_batch, max_batch_weight, [this](std::vector<queued_command>& batch) { return run(batch); }) {}

  // Submits a command that holds the writer until release(), and waits until it runs.
  void hold() {
    submit("hold", 1);
    entered_.get_future().wait();
  }
  void release() { release_.set_value(); }

  void submit(std::string name, write_weight weight) {
    auto done = [this, name](result<void>) {
      std::lock_guard lock(mutex_);
      batches_.back().push_back(name);
    };
    writer_.submit([](store_txn&) -> result<void> { return {}; }, done, weight);
  }

  // Stops the writer (every queued command runs first) and returns the batches.
  std::vector<std::vector<std::string>> batches() {
    writer_.stop();
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  batch_outcome run(std::vector<queued_command>& batch) {
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
    out.outcomes.resize(batch.size());  // the commands are not run: no transaction here
    out.committed = true;
    return out;
  }

  std::mutex mutex_;
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
  EXPECT_EQ(w.batches(), (batches{{"hold"},
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
  EXPECT_EQ(w.batches(), (batches{{"hold"}, {"a", "b"}, {"c"}, {"huge"}, {"d"}}));
}

TEST(group_writer, small_commands_keep_their_order_and_their_batch_limit) {
  recording_writer w(2, 512);
  w.hold();
  for (const char* name : {"s1", "s2", "s3", "s4", "s5"}) w.submit(name, 1);
  w.release();
  EXPECT_EQ(w.batches(), (batches{{"hold"}, {"s1", "s2"}, {"s3", "s4"}, {"s5"}}));
}

TEST(group_writer, when_both_queues_wait_the_batches_alternate_so_neither_starves) {
  recording_writer w(1, 512);
  w.hold();
  for (const char* name : {"s1", "s2", "s3"}) w.submit(name, 1);
  for (const char* name : {"l1", "l2"}) w.submit(name, 400);
  w.release();
  EXPECT_EQ(w.batches(), (batches{{"hold"}, {"l1"}, {"s1"}, {"l2"}, {"s2"}, {"s3"}}));
}

}  // namespace
}  // namespace siaga::storage
