#include "storage/sqlite/caller_counts_behind.hpp"

#include <fcntl.h>
#include <cerrno>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <vector>

namespace siaga::storage::sqlite {
namespace {

// fcntl locks belong to a process, so two stores of one process on one file would both get it:
// the paths this process holds are kept here as well.
std::mutex held_paths_mutex;
std::set<std::string>& held_paths() {
  static std::set<std::string> paths;
  return paths;
}

// How often a writer without the lock tries to take it again.
constexpr std::chrono::seconds retry_lock{1};

std::string lock_path_of(const std::string& path) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(path, ec);
  return (ec ? path : canonical.string()) + "-counters";
}

}  // namespace

caller_counts_behind::caller_counts_behind(const std::string& path, options o) : options_(o) {
  if (options_.flush_numbers == 0) return;
  lock_path_ = lock_path_of(path);
  try_lock();
}

void caller_counts_behind::try_lock() {
  last_try_ = std::chrono::steady_clock::now();
  if (off_) return;
  std::lock_guard guard(held_paths_mutex);
  held_elsewhere_ = true;
  if (held_paths().contains(lock_path_)) return;
  int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    held_elsewhere_ = false;  // a folder this process cannot write to: written with each call
    return;
  }
  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &whole) != 0) {
    held_elsewhere_ = errno == EAGAIN || errno == EACCES;
    ::close(fd);
    return;
  }
  held_paths().insert(lock_path_);
  lock_fd_.store(fd, std::memory_order_release);
  held_elsewhere_ = false;
  checked_ = false;  // the flag is read by the next batch
}

bool caller_counts_behind::held_elsewhere() {
  if (!behind() && options_.flush_numbers > 0) try_lock();
  return held_elsewhere_;
}

caller_counts_behind::~caller_counts_behind() { release(); }

void caller_counts_behind::release() {
  if (lock_fd_ < 0) return;
  std::lock_guard guard(held_paths_mutex);
  held_paths().erase(lock_path_);
  ::close(lock_fd_.exchange(-1));  // releases the lock
  off_ = true;
  std::unique_lock lock(mutex_);
  committed_.clear();
}

result<void> caller_counts_behind::call_written(connection& c, const std::optional<domain::call_record>& old,
                                                const domain::call_record& now) {
  if (!behind()) return caller_counts_sql::call_written(c, old, now);
  for (auto& m : caller_counts_sql::moves_of(old, now)) {
    command_[m.number].merge(m.by);
    // The old number's span is counted again from its calls before COMMIT.
    if (m.respan) recount_.insert(std::move(m.number));
  }
  return {};
}

result<void> caller_counts_behind::calls_inserted(connection& c, const std::vector<domain::call_record>& calls) {
  if (!behind()) return caller_counts_sql::calls_inserted(c, calls);
  for (const auto& r : calls) {
    if (r.state.caller.empty()) continue;
    auto ring = caller_counts_sql::stored_ring(r);
    command_[{r.jurisdiction_id, r.state.caller}].merge({caller_counts_sql::figures_of(r), ring, ring});
  }
  return {};
}

result<void> caller_counts_behind::write(connection& c, bool with_committed) {
  counts all;
  if (with_committed) all = committed_;
  for (const auto* layer : {&batch_, &command_}) {
    for (const auto& [k, n] : *layer) all[k].merge(n);
  }
  std::vector<std::pair<const key*, const caller_counts_sql::counted*>> rows;
  rows.reserve(all.size());
  for (const auto& [k, n] : all) {
    if (!n.empty()) rows.emplace_back(&k, &n);
  }
  if (auto w = caller_counts_sql::add_counted(c, rows); !w) return w;
  batch_.clear();
  command_.clear();
  if (with_committed) committed_written_ = true;
  return {};
}

result<void> caller_counts_behind::settle(connection& c) {
  if (!behind()) return {};
  if (!before_settle_) before_settle_.emplace(batch_, committed_written_);
  return write(c, !committed_written_);
}

void caller_counts_behind::command_succeeded() {
  for (auto& [k, n] : command_) batch_[k].merge(n);
  command_.clear();
  before_settle_.reset();
}

void caller_counts_behind::command_failed() {
  command_.clear();
  if (before_settle_) {
    batch_ = std::move(before_settle_->first);
    committed_written_ = before_settle_->second;
    before_settle_.reset();
  }
}

result<void> caller_counts_behind::before_commit(connection& c, bool closing) {
  if (!behind()) {
    // Another writer held the lock when this one looked; once it is gone (an import that
    // finished), this writer takes over, from the next batch on.
    if (!closing && options_.flush_numbers > 0 && std::chrono::steady_clock::now() - last_try_ >= retry_lock) {
      try_lock();
    }
    return {};
  }
  if (!checked_) {
    SIAGA_TRY(flag, caller_counts_sql::behind_flag(c));
    checked_ = true;
    if (!flag) {
      // A database before migration 26 has nowhere to say it is behind: written with each call.
      auto w = write(c, true);
      release();
      return w;
    }
    flag_ = flag_in_txn_ = *flag;
    if (*flag) {
      SIAGA_TRY(check, caller_counts_sql::rebuild(c));
      spdlog::warn("storage: the callers' counters were left behind by a writer that did not close (a crash); "
                   "counted again from the calls: {} numbers, {} corrected",
                   check.rows, check.differing);
      replaced_all_ = true;
      batch_.clear();
      recount_.clear();
    }
  }
  const auto now = std::chrono::steady_clock::now();
  const bool held = (!committed_written_ && !committed_.empty()) || !batch_.empty();
  const bool due = closing || committed_.size() + batch_.size() >= options_.flush_numbers ||
                   (held && now - last_flush_ >= options_.flush_every);
  bool held_after = held;
  if (due && held) {
    if (auto w = write(c, !committed_written_); !w) return w;
    last_flush_ = now;
    held_after = false;
  }
  if (!recount_.empty()) {
    if (auto w = caller_counts_sql::recount(c, recount_); !w) return w;
  }
  if (held_after != flag_in_txn_) {
    if (auto w = caller_counts_sql::set_behind_flag(c, held_after); !w) return w;
    flag_in_txn_ = held_after;
  }
  return {};
}

void caller_counts_behind::publish() {
  if (replaced_all_ || committed_written_) committed_.clear();
  for (const auto& k : recount_) {
    committed_.erase(k);
    batch_.erase(k);
  }
  for (auto& [k, n] : batch_) committed_[k].merge(n);
  batch_.clear();
  command_.clear();
  recount_.clear();
  committed_written_ = false;
  replaced_all_ = false;
  before_settle_.reset();
  flag_ = flag_in_txn_;
}

void caller_counts_behind::batch_lost() {
  batch_.clear();
  command_.clear();
  recount_.clear();
  committed_written_ = false;
  before_settle_.reset();
  flag_in_txn_ = flag_;
  if (replaced_all_) {
    replaced_all_ = false;
    checked_ = false;  // the recount was rolled back: the next batch reads the flag again
  }
}

result<domain::caller_history> caller_counts_behind::history(connection& c, const std::string& jurisdiction_id,
                                                             const std::string& number, bool in_txn) const {
  if (!behind()) return caller_counts_sql::history_of(c, jurisdiction_id, number);
  const key k{jurisdiction_id, number};
  auto add = [&](domain::caller_history& h, const counts& layer) {
    if (auto it = layer.find(k); it != layer.end()) caller_counts_sql::add_to(h, it->second);
  };
  if (in_txn) {
    SIAGA_TRY(h, caller_counts_sql::history_of(c, jurisdiction_id, number));
    if (!committed_written_ && !replaced_all_) add(h, committed_);
    add(h, batch_);
    add(h, command_);
    return h;
  }
  std::shared_lock lock(mutex_);
  SIAGA_TRY(h, caller_counts_sql::history_of(c, jurisdiction_id, number));
  add(h, committed_);
  return h;
}

}  // namespace siaga::storage::sqlite
