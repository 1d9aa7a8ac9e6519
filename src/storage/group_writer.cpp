#include "storage/group_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <utility>

namespace siaga::storage {

group_writer::group_writer(int max_batch, int max_batch_weight, batch_runner run_batch, std::function<void()> on_exit)
    : max_batch_(static_cast<std::size_t>(std::max(max_batch, 1))),
      max_batch_weight_(static_cast<std::uint64_t>(std::max(max_batch_weight, 1))),
      run_batch_(std::move(run_batch)),
      on_exit_(std::move(on_exit)) {
  thread_ = std::thread([this] { loop(); });
}

group_writer::~group_writer() {
  stop();
}

void group_writer::submit(write_command command, std::function<void(result<void>)> done, write_weight weight) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      if (weight > small_weight) {
        large_.push_back({std::move(command), std::move(done), weight});
      } else {
        small_.push_back({std::move(command), std::move(done), weight});
        small_waiting_.store(small_.size(), std::memory_order_relaxed);
      }
      wake_.notify_one();
      return;
    }
  }
  if (done) done(core::make_error(core::errc::unavailable, "the store is closing"));
}

void group_writer::set_commit_listener(commit_listener listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void group_writer::stop() {
  std::lock_guard stopping(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool group_writer::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

result<void> group_writer::invoke(write_command& command, store_txn& txn) {
  try {
    if (!command) return core::make_error(core::errc::internal, "empty write command");
    return command(txn);
  } catch (const std::exception& e) {
    return core::make_error(core::errc::internal, std::string("write command threw: ") + e.what());
  } catch (...) {
    return core::make_error(core::errc::internal, "write command threw");
  }
}

void group_writer::loop() {
  std::vector<queued_command> batch;
  batch.reserve(max_batch_);
  const cut_check never = [] { return false; };
  const cut_check small_waiting = [this] { return small_waiting_.load(std::memory_order_relaxed) > 0; };
  for (;;) {
    bool large = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !small_.empty() || !large_.empty(); });
      if (small_.empty() && large_.empty()) break;
      large = take_batch(batch);
    }
    auto outcome = run_batch_(batch, large ? small_waiting : never);
    if (outcome.cut && outcome.outcomes.size() < batch.size()) {
      std::lock_guard lock(mutex_);
      for (auto i = batch.size(); i-- > outcome.outcomes.size();) large_.push_front(std::move(batch[i]));
      batch.resize(outcome.outcomes.size());
    }
    report(batch, outcome);
    batch.clear();
  }
  if (on_exit_) on_exit_();
}

bool group_writer::take_batch(std::vector<queued_command>& batch) {
  bool large = !large_.empty() && (small_.empty() || !last_was_large_);
  last_was_large_ = large;
  if (!large) {
    auto n = static_cast<std::ptrdiff_t>(std::min(small_.size(), max_batch_));
    std::move(small_.begin(), small_.begin() + n, std::back_inserter(batch));
    small_.erase(small_.begin(), small_.begin() + n);
    small_waiting_.store(small_.size(), std::memory_order_relaxed);
    return false;
  }
  std::uint64_t weight = 0;
  while (!large_.empty() && batch.size() < max_batch_ &&
         (batch.empty() || weight + large_.front().weight <= max_batch_weight_)) {
    weight += large_.front().weight;
    batch.push_back(std::move(large_.front()));
    large_.pop_front();
  }
  return true;
}

void group_writer::report(std::vector<queued_command>& batch, batch_outcome& outcome) {
  if (outcome.committed) {
    std::int64_t ok =
        std::count_if(outcome.outcomes.begin(), outcome.outcomes.end(), [](const auto& o) { return bool(o); });
    batches_.fetch_add(1, std::memory_order_relaxed);
    commands_.fetch_add(ok, std::memory_order_relaxed);
  } else {
    outcome.published.clear();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    try {
      batch[i].done(i < outcome.outcomes.size()
                        ? std::move(outcome.outcomes[i])
                        : result<void>(core::make_error(core::errc::internal, "the batch lost a command's outcome")));
    } catch (const std::exception& e) {
      spdlog::error("storage: a write completion handler threw: {}", e.what());
    } catch (...) {
      spdlog::error("storage: a write completion handler threw");
    }
  }
  if (outcome.published.empty()) return;
  commit_listener listener;
  {
    std::lock_guard lock(listener_mutex_);
    listener = listener_;
  }
  if (!listener) return;
  try {
    // Moved, not copied: the events are handed over once, shared by every later reader.
    listener(std::make_shared<const std::vector<domain::event>>(std::move(outcome.published)));
  } catch (const std::exception& e) {
    spdlog::error("storage: the commit listener threw: {}", e.what());
  } catch (...) {
    spdlog::error("storage: the commit listener threw");
  }
}

}  // namespace siaga::storage
