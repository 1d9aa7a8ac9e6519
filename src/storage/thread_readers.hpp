// Per-thread readers of one store, shared by the stores (sqlite/, postgres/): each thread that
// asks gets a reader of its own, made on first use and kept for that thread. The readers are
// owned here, so that a reader stays valid until the store is destroyed even when it was
// handed out on a thread that has since exited; when a thread exits, its reader is closed (if
// the store still exists), so that pools that replace threads do not pile up connections.
#pragma once

#include "core/error.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace siaga::storage {

// The thread a reader was made for. A reader is one connection used by one thread; a coroutine
// that keeps a reader across a co_await may resume on another thread and use it while its
// owner does, which corrupts a PostgreSQL connection's protocol (both sides then see a lost
// connection) and races SQLite's cached statements. The readers check it on every read and
// refuse a foreign thread with errc::internal, so the mistake fails where it is made.
class reader_thread {
 public:
  // Owned by the calling thread; a default-made one (the writer's) belongs to none.
  static reader_thread current() { return reader_thread(std::this_thread::get_id()); }
  reader_thread() = default;

  // True when the calling thread may use the reader.
  bool allows_caller() const { return owner_ == std::thread::id{} || owner_ == std::this_thread::get_id(); }

  static core::error foreign_use() {
    return core::make_error(core::errc::internal,
                            "a store reader was used from another thread than its own (kept across a co_await?); "
                            "take store.reader() again after each suspension");
  }

 private:
  explicit reader_thread(std::thread::id owner) : owner_(owner) {}
  std::thread::id owner_;
};

// Reader: the store's reader type, with bool healthy() const (false: its connection could not
// be opened; such a reader is handed out once and not remembered, so the next call tries again).
template <class Reader>
class thread_readers {
 public:
  thread_readers() = default;
  thread_readers(const thread_readers&) = delete;
  thread_readers& operator=(const thread_readers&) = delete;
  ~thread_readers() { clear(); }

  // The calling thread's reader, made by open() (returning std::shared_ptr<Reader>) when the
  // thread has none yet.
  template <class Open>
  Reader& get(Open&& open) {
    auto& slots = thread_slots();
    if (auto it = slots.find(serial_); it != slots.end()) {
      if (auto mine = it->second.reader.lock()) return *mine;
      slots.erase(it);
    }
    std::erase_if(slots, [](const auto& entry) { return entry.second.owner.expired(); });
    std::shared_ptr<Reader> fresh = open();
    {
      std::lock_guard lock(registry_->mutex);
      registry_->readers.push_back(fresh);
    }
    if (fresh->healthy()) {
      auto& slot = slots[serial_];
      slot.owner = registry_;
      slot.reader = fresh;
    }
    return *fresh;
  }

  // Closes every reader; for the store's destructor, once no thread uses its reader.
  void clear() {
    std::vector<std::shared_ptr<Reader>> readers;
    std::lock_guard lock(registry_->mutex);
    readers.swap(registry_->readers);
  }

 private:
  struct registry {
    std::mutex mutex;
    std::vector<std::shared_ptr<Reader>> readers;
  };

  // A thread's link to its reader of one store.
  struct slot {
    std::weak_ptr<registry> owner;
    std::weak_ptr<Reader> reader;

    slot() = default;
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() {
      auto held = owner.lock();
      auto mine = reader.lock();
      if (!held || !mine) return;
      std::lock_guard lock(held->mutex);
      std::erase(held->readers, mine);
    }
  };

  // Keyed by a store's serial number rather than its address, which a later store may reuse.
  static std::unordered_map<std::uint64_t, slot>& thread_slots() {
    thread_local std::unordered_map<std::uint64_t, slot> slots;
    return slots;
  }

  static inline std::atomic<std::uint64_t> next_serial_{1};
  const std::uint64_t serial_ = next_serial_.fetch_add(1);
  std::shared_ptr<registry> registry_ = std::make_shared<registry>();
};

}  // namespace siaga::storage
