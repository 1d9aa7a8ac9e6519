// Commands submitted to a store's writer with at most a given number in flight, as a server's
// connections would keep it busy (the benchmarks' write loads).
#pragma once

#include "storage/store.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <iostream>
#include <mutex>

namespace siaga::bench {

class in_flight {
 public:
  in_flight(storage::store& store, std::size_t limit) : store_(store), limit_(limit) {}

  // Waits until fewer than the limit are in flight, then submits; a failing command's error is
  // counted, the first one printed.
  void submit(storage::write_command c) {
    wait_below(limit_);
    {
      std::lock_guard lock(mu_);
      ++in_flight_;
    }
    store_.submit(std::move(c), [this](core::result<void> r) {
      if (!r && errors_++ == 0) std::cerr << r.error().message << "\n";
      std::lock_guard lock(mu_);
      --in_flight_;
      cv_.notify_all();
    });
  }
  // Waits until fewer than n are in flight (1: all done).
  void wait_below(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ < n; });
  }
  std::size_t errors() const { return errors_.load(); }

 private:
  storage::store& store_;
  std::size_t limit_;
  std::atomic<std::size_t> errors_{0};
  std::size_t in_flight_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace siaga::bench
