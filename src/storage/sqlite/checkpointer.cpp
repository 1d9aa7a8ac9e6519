#include "storage/sqlite/checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <utility>

namespace siaga::storage::sqlite {

checkpoint_policy::checkpoint_policy(std::int64_t passive_pages, std::int64_t truncate_pages)
    : passive_(std::max<std::int64_t>(passive_pages, 1)), truncate_(truncate_pages) {}

checkpoint_kind checkpoint_policy::committed(std::int64_t wal_frames) {
  if (wal_frames < frames_) {
    // The writer started the WAL again from its beginning (everything was copied back and no
    // reader needed the old frames): count from zero.
    mark_ = 0;
    retry_truncate_ = 0;
  }
  frames_ = wal_frames;
  const bool over = wal_frames >= truncate_pages() && wal_frames >= retry_truncate_;
  if (in_flight_) return over ? checkpoint_kind::wait : checkpoint_kind::none;
  if (over) {
    in_flight_ = true;
    finish_next_ = false;
    asked_at_ = wal_frames;
    return checkpoint_kind::truncate;
  }
  // The finish copies the frames committed since the thread's copy was asked for: right away
  // when they are few (the consoles' small commits), else once the WAL is long enough that
  // starting it again is worth a whole commit's copy on the writer (a bridge's large ones).
  if (finish_next_ && (wal_frames - asked_at_ <= passive_ / 2 || wal_frames >= restart_pages())) {
    finish_next_ = false;
    in_flight_ = true;
    asked_at_ = wal_frames;
    return checkpoint_kind::finish;
  }
  if (wal_frames - mark_ >= passive_) {
    finish_next_ = false;
    in_flight_ = true;
    asked_at_ = wal_frames;
    mark_ = wal_frames;
    return checkpoint_kind::passive;
  }
  return checkpoint_kind::none;
}

void checkpoint_policy::checkpointed(checkpoint_kind kind, bool finished) {
  in_flight_ = false;
  if (kind == checkpoint_kind::passive) finish_next_ = finished;
  if (kind != checkpoint_kind::truncate) return;
  if (finished) {
    // The WAL file is empty: the next commit writes from its first frame.
    frames_ = 0;
    mark_ = 0;
    retry_truncate_ = 0;
  } else {
    // A reader kept it from finishing (it ran as far as a passive one): try again once another
    // passive threshold of frames has been written, not at every commit.
    mark_ = asked_at_;
    retry_truncate_ = asked_at_ + passive_;
  }
}

void checkpoint_policy::set_passive_pages(std::int64_t pages) { passive_ = std::max<std::int64_t>(pages, 1); }

checkpointer::checkpointer(std::unique_ptr<connection> conn, connection& writer, checkpoint_policy policy,
                           int writer_busy_ms)
    : conn_(std::move(conn)),
      writer_(writer),
      writer_busy_ms_(writer_busy_ms),
      policy_(policy),
      configured_passive_(policy.passive_pages()) {}

result<std::unique_ptr<checkpointer>> checkpointer::start(const std::string& path, connection& writer,
                                                          checkpoint_policy policy, bool synchronous_full,
                                                          int writer_busy_ms) {
  auto conn = connection::open(path, false);
  if (!conn) return conn.error();
  auto& c = **conn;
  const std::string sync = synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
  if (auto r = c.exec_script(sync, sync); !r) return r.error();
  // One read opens the connection's WAL, which a checkpoint needs before it can run.
  if (auto r = c.exec_script("SELECT 1 FROM sqlite_schema LIMIT 1", "checkpointer"); !r) return r.error();
  std::unique_ptr<checkpointer> out(new checkpointer(std::move(*conn), writer, policy, writer_busy_ms));
  // The hook replaces SQLite's auto-checkpoint on the writer (which is itself a WAL hook).
  sqlite3_wal_hook(writer.native(), &checkpointer::on_commit, out.get());
  out->hooked_ = true;
  out->thread_ = std::thread([p = out.get()] { p->run(); });
  return out;
}

checkpointer::~checkpointer() { stop(); }

void checkpointer::stop() {
  if (hooked_) {
    sqlite3_wal_hook(writer_.native(), nullptr, nullptr);
    hooked_ = false;
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int checkpointer::on_commit(void* self, sqlite3* db, const char*, int frames) {
  auto* c = static_cast<checkpointer*>(self);
  checkpoint_kind kind;
  {
    std::unique_lock lock(c->mutex_);
    kind = c->policy_.committed(frames);
    if (kind == checkpoint_kind::wait) {
      // The checkpointer lags a whole limit behind (its disk is slower than the writer's
      // commits): the writer waits for the passive checkpoint in flight, as it would have done
      // the checkpoint itself before, and then empties the WAL.
      c->reported_.wait(lock, [c] { return !c->policy_.in_flight(); });
      ++c->counts_.writer_waits;
      kind = c->policy_.committed(frames);
    }
    if (kind == checkpoint_kind::passive) c->asked_ = kind;
  }
  if (kind == checkpoint_kind::passive) c->wake_.notify_one();
  if (kind == checkpoint_kind::truncate) c->truncate_on_writer(db);
  if (kind == checkpoint_kind::finish) c->finish_on_writer(db);
  return SQLITE_OK;
}

void checkpointer::finish_on_writer(sqlite3* db) {
  // Right after the commit, as SQLite's auto-checkpoint: the frames the thread's copy left (those
  // committed while it ran: under a bridge's batches of 10 MB, the whole last commit, which is
  // why the writer then finishes only once the WAL holds restart_pages). PASSIVE never waits; when it copies all, the next transaction
  // begins with the WAL copied back and starts it again from its beginning.
  int log_frames = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
  // LOCKED: the commit was a statement's own (PRAGMA optimize's ANALYZE at close), which is still
  // running; the next commit's passive threshold comes all the same.
  const bool skipped = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
  if (rc != SQLITE_OK && !skipped) spdlog::warn("storage: WAL checkpoint failed: {}", sqlite3_errmsg(db));
  std::lock_guard lock(mutex_);
  policy_.checkpointed(checkpoint_kind::finish, rc == SQLITE_OK);
  if (rc == SQLITE_OK) {
    ++counts_.finished;
  } else if (!skipped) {
    ++counts_.failed;
  }
}

void checkpointer::truncate_on_writer(sqlite3* db) {
  // Here, as SQLite's own auto-checkpoint does in this hook, the transaction just committed and
  // no lock held: the only writer cannot be in the way, only readers, and those not for long.
  sqlite3_busy_timeout(db, truncate_wait_ms);
  int log_frames = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &copied);
  sqlite3_busy_timeout(db, writer_busy_ms_);
  // LOCKED: as in finish_on_writer, the commit was a statement's own (PRAGMA optimize's ANALYZE
  // as the store closes) still running; tried again a threshold later, as when readers are in
  // the way.
  const bool kept = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
  if (rc != SQLITE_OK && !kept) spdlog::warn("storage: WAL truncation failed: {}", sqlite3_errmsg(db));
  std::lock_guard lock(mutex_);
  policy_.checkpointed(checkpoint_kind::truncate, rc == SQLITE_OK);
  if (rc == SQLITE_OK) {
    ++counts_.truncated;
  } else if (kept) {
    ++counts_.truncate_busy;
  } else {
    ++counts_.failed;
  }
}

void checkpointer::set_passive_pages(std::optional<std::int64_t> pages) {
  std::lock_guard lock(mutex_);
  policy_.set_passive_pages(pages.value_or(configured_passive_));
}

std::int64_t checkpointer::passive_pages() const {
  std::lock_guard lock(mutex_);
  return policy_.passive_pages();
}

checkpoint_counts checkpointer::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || asked_ != checkpoint_kind::none; });
    if (stopping_) return;
    asked_ = checkpoint_kind::none;
    lock.unlock();
    int log_frames = 0;
    int copied = 0;
    // Copies what no reader still needs, never waits for a lock (SQLITE_BUSY only when another
    // checkpoint runs), and the writer goes on writing meanwhile.
    const int rc =
        sqlite3_wal_checkpoint_v2(conn_->native(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("storage: WAL checkpoint failed: {}", sqlite3_errmsg(conn_->native()));
    }
    lock.lock();
    policy_.checkpointed(checkpoint_kind::passive, rc == SQLITE_OK);
    reported_.notify_all();
    if (rc == SQLITE_OK) {
      ++counts_.passive;
    } else if (rc != SQLITE_BUSY) {
      ++counts_.failed;
    }
  }
}

}  // namespace siaga::storage::sqlite
