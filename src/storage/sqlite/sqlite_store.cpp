#include "storage/sqlite/sqlite_store.hpp"

#include "storage/group_writer.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/writer_txn.hpp"
#include "storage/thread_readers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

namespace siaga::storage::sqlite {
namespace {

// The readers and the writer's transaction are in read_ops.hpp and writer_txn.hpp; this file
// holds the tuning, the store (its group-commit writer and readers) and open().
using detail::thread_reader;
using detail::writer_txn;

// ---------------------------------------------------------------------------------------
// The store.

result<void> set_pragma(connection& conn, const std::string& sql) { return conn.exec_script(sql, sql); }

// How long a connection waits for a lock another holds (migrations, the checkpointer's truncation).
constexpr int writer_busy_ms = 5000;

// One integer that a PRAGMA answers.
result<std::int64_t> pragma_value(connection& conn, const std::string& sql) {
  auto st = conn.prepare(sql);
  if (!st) return st.error();
  auto row = st->step(sql);
  if (!row) return row.error();
  if (!*row) return failure("sqlite: " + sql + " answered nothing");
  return st->int64(0);
}

// Sizes a connection's page cache and memory mapping (sqlite_options) and reads them back.
result<tuning> apply_tuning(connection& conn, const sqlite_options& options) {
  auto cache_kib = static_cast<std::int64_t>(options.cache_mib) * 1024;
  auto mmap_bytes = static_cast<std::int64_t>(options.mmap_mib) * 1024 * 1024;
  // A negative cache_size counts KiB rather than pages.
  if (auto r = set_pragma(conn, "PRAGMA cache_size = -" + std::to_string(cache_kib)); !r) return r.error();
  if (auto r = set_pragma(conn, "PRAGMA mmap_size = " + std::to_string(mmap_bytes)); !r) return r.error();
  tuning t;
  SIAGA_TRY(cache, pragma_value(conn, "PRAGMA cache_size"));
  SIAGA_TRY(mapped, pragma_value(conn, "PRAGMA mmap_size"));
  if (cache < 0) {
    t.cache_kib = -cache;
  } else {
    SIAGA_TRY(page_bytes, pragma_value(conn, "PRAGMA page_size"));
    t.cache_kib = cache * page_bytes / 1024;
  }
  t.mmap_bytes = mapped;
  return t;
}

// The WAL's bound on the writer (the file cut back to wal_limit_mib when the writer starts it
// again) and, unless checkpoint_mib is 0, the checkpointer that takes the checkpoints off it.
result<std::unique_ptr<checkpointer>> start_checkpointer(connection& writer, const sqlite_options& options) {
  const auto limit_bytes = static_cast<std::int64_t>(options.wal_limit_mib) * 1024 * 1024;
  if (auto r = set_pragma(writer, "PRAGMA journal_size_limit = " + std::to_string(limit_bytes)); !r) return r.error();
  if (options.checkpoint_mib == 0) return std::unique_ptr<checkpointer>();
  SIAGA_TRY(page_bytes, pragma_value(writer, "PRAGMA page_size"));
  const auto pages = [&](int mib) { return static_cast<std::int64_t>(mib) * 1024 * 1024 / page_bytes; };
  return checkpointer::start(options.path, writer,
                             checkpoint_policy(pages(options.checkpoint_mib), pages(options.wal_limit_mib)),
                             options.synchronous_full, writer_busy_ms);
}

class store_impl final : public sqlite_store {
 public:
  store_impl(sqlite_options options, std::unique_ptr<connection> writer, tuning applied,
             std::unique_ptr<checkpointer> ckpt)
      : options_(std::move(options)),
        applied_(applied),
        leases_(options_.outbox_lease),
        writer_(std::move(writer)),
        checkpointer_(std::move(ckpt)),
        callers_(options_.path, {.flush_numbers = static_cast<std::size_t>(options_.counters_flush_numbers),
                                 .flush_every = options_.counters_flush_every}),
        txn_(*writer_, options_.keep_rollups, leases_, checkpointer_.get(), callers_),
        group_(
            options_.max_batch, options_.max_batch_weight,
            [this](std::vector<queued_command>& batch, const cut_check& cut) { return run_batch(batch, cut); },
            [this] {
              write_held_counters();
              optimize();
            }) {}

  ~store_impl() override {
    close();
    readers_.clear();
  }

  result<int> migrate() override {
    if (group_.stopping()) return core::make_error(core::errc::unavailable, "the store is closed");
    // A connection of its own, so that migrating never waits for the writer thread's queue,
    // with foreign keys off as SQLite's procedure for schema changes asks (migrate() checks
    // them before each commit instead).
    auto conn = connection::open(options_.path, false);
    if (!conn) return conn.error();
    if (auto r = set_pragma(**conn, "PRAGMA busy_timeout = 5000"); !r) return r.error();
    if (auto r = set_pragma(**conn, "PRAGMA foreign_keys = OFF"); !r) return r.error();
    if (auto r = apply_tuning(**conn, options_); !r) return r.error();
    SIAGA_TRY(applied, sqlite::migrate(**conn));
    // A previous writer's crash with callers' counters held is repaired now, by the first
    // batch (caller_counts_behind::before_commit), before anything reads them.
    if (callers_.behind()) {
      SIAGA_TRY(flag, caller_counts_sql::behind_flag(**conn));
      if (flag.value_or(false)) SIAGA_CHECK(write([](store_txn&) -> result<void> { return {}; }));
    }
    return applied;
  }

  store_reader& reader() override {
    return readers_.get([this] { return open_reader(); });
  }

  using store::submit;
  void submit(write_command command, std::function<void(result<void>)> done, write_weight weight) override {
    group_.submit(std::move(command), std::move(done), weight);
  }

  void set_commit_listener(commit_listener listener) override { group_.set_commit_listener(std::move(listener)); }

  // Must not be called from the writer thread (a done callback or the commit listener),
  // which it would wait for. Readers stay open until the store is destroyed, since other
  // threads may be using theirs.
  void close() override {
    std::lock_guard closing(close_mutex_);
    group_.stop();
    // After the writer thread (no commit calls its hook any more), before its connection.
    if (checkpointer_) checkpointer_->stop();
    writer_.reset();
  }

  write_stats stats() const override { return {group_.batches(), group_.commands()}; }

  tuning applied_tuning() const override { return applied_; }

  checkpoint_counts checkpoints() const override { return checkpointer_ ? checkpointer_->counts() : checkpoint_counts{}; }

 private:
  std::shared_ptr<thread_reader> open_reader() {
    auto conn = connection::open(options_.path, true);
    if (!conn) return std::make_shared<thread_reader>(conn.error());
    if (auto r = set_pragma(**conn, "PRAGMA busy_timeout = 5000"); !r) {
      return std::make_shared<thread_reader>(r.error());
    }
    if (auto r = apply_tuning(**conn, options_); !r) return std::make_shared<thread_reader>(r.error());
    return std::make_shared<thread_reader>(std::move(*conn), leases_, callers_);
  }

  // On the writer thread as it stops: the counters it holds go into the table, so that the next
  // start finds them there rather than counting every number again.
  void write_held_counters() {
    if (!callers_.behind()) return;
    auto done = writer_->run("BEGIN IMMEDIATE");
    if (done) done = callers_.before_commit(*writer_, true);
    if (done) done = callers_.commit([&] { return writer_->run("COMMIT"); });
    callers_.release();  // another writer of the file may hold them from now on
    if (done) return;
    if (!writer_->autocommit()) (void)writer_->run("ROLLBACK");
    callers_.batch_lost();
    spdlog::warn("storage: the callers' counters could not be written as the store closed ({}); they are counted "
                 "again from the calls at the next start",
                 done.error().message);
  }

  // Refreshes the planner's statistics where they are stale, as SQLite advises before a
  // long-lived connection closes; cheap when nothing changed much.
  void optimize() {
    if (auto r = writer_->exec_script("PRAGMA optimize", "optimize"); !r) {
      spdlog::warn("storage: PRAGMA optimize failed: {}", r.error().message);
    }
  }

  // Runs a batch in one transaction. Several commands run first without savepoints (see
  // run_at_once); only when one of them fails is the batch run again with a savepoint per
  // command, so that the failing one alone is undone.
  batch_outcome run_batch(std::vector<queued_command>& batch, const cut_check& cut) {
    if (batch.size() > 1) {
      if (auto out = run_at_once(batch, cut)) return std::move(*out);
    }
    return run_with_savepoints(batch);
  }

  // The batch's commands one after the other in one transaction, without a savepoint each: a
  // savepoint copies every page its command touches into an in-memory sub-journal, and every
  // statement that needs a statement journal (an UPDATE of calls, a multi-row INSERT) truncates
  // that sub-journal when it ends by walking it from the start, so a command's cost grew with
  // the square of the pages it touched (a telephony batch of 500 events batched beside others:
  // 16 to 22 % of the server's CPU in that walk, docs/benchmarks.md "Jakarta's year through the
  // HTTP API"). Returns nothing, with the transaction rolled back and nothing kept, when a
  // command failed or BEGIN did: the caller runs the batch again with savepoints (commands may
  // run more than once, store.hpp). Ends after a command when cut says so (group_writer.hpp).
  std::optional<batch_outcome> run_at_once(std::vector<queued_command>& batch, const cut_check& cut) {
    if (!writer_->run("BEGIN IMMEDIATE")) return std::nullopt;
    txn_.forget_carried();
    batch_outcome out;
    out.outcomes.reserve(batch.size());
    for (auto& queued : batch) {
      txn_.begin_command();
      auto outcome = invoke(queued.command);
      if (!outcome || writer_->autocommit()) {
        if (!writer_->autocommit()) (void)writer_->run("ROLLBACK");
        txn_.begin_command();
        txn_.forget_carried();
        txn_.rollups().batch_lost();
        callers_.batch_lost();
        return std::nullopt;
      }
      txn_.take_events(out.published);
      txn_.rollups().command_succeeded();
      callers_.command_succeeded();
      out.outcomes.push_back(std::move(outcome));
      if (out.outcomes.size() < batch.size() && cut()) {
        out.cut = true;
        break;
      }
    }
    commit(out);
    return out;
  }

  // Ends a batch's transaction: the rollups' changes go in last, so that they are exactly
  // those of the commands kept, and the callers' counters when due, then COMMIT; when any of
  // them fails, every command of the batch fails with that error.
  void commit(batch_outcome& out) {
    auto committed = txn_.rollups().flush();
    if (committed) committed = callers_.before_commit(*writer_);
    if (committed) committed = callers_.commit([&] { return writer_->run("COMMIT"); });
    if (committed) {
      out.committed = true;
      return;
    }
    callers_.batch_lost();
    if (!writer_->autocommit()) (void)writer_->run("ROLLBACK");
    for (auto& o : out.outcomes) o = failure(committed.error().message);
  }

  batch_outcome run_with_savepoints(std::vector<queued_command>& batch) {
    batch_outcome out;
    auto& outcomes = out.outcomes;
    outcomes.reserve(batch.size());
    auto& published = out.published;

    auto begun = writer_->run("BEGIN IMMEDIATE");
    txn_.forget_carried();
    std::size_t first_in_txn = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!begun) {
        outcomes.push_back(failure(begun.error().message));
        continue;
      }
      outcomes.push_back(run_command(batch[i].command, published, batch.size() == 1));
      if (writer_->autocommit()) {
        // SQLite rolled the whole transaction back (disk full, I/O error): the commands
        // before this one in the transaction were undone with it.
        for (std::size_t j = first_in_txn; j <= i; ++j) {
          if (outcomes[j]) outcomes[j] = failure("the database rolled the transaction back");
        }
        published.clear();
        txn_.rollups().batch_lost();
        callers_.batch_lost();
        first_in_txn = i + 1;
        begun = writer_->run("BEGIN IMMEDIATE");
        txn_.forget_carried();
      }
    }
    if (begun) {
      commit(out);
    } else {
      txn_.rollups().batch_lost();
      callers_.batch_lost();
    }
    return out;
  }

  // The command, then the events it appended and the writer kept back (writer_txn::append_event):
  // their INSERT failing is the command's failure.
  result<void> invoke(write_command& command) {
    auto outcome = group_writer::invoke(command, txn_);
    if (!outcome) return outcome;
    return txn_.flush_events();
  }

  // Runs one command under its own savepoint; on success its events join published. A command
  // alone in its transaction needs no savepoint (a failure rolls the transaction back, which
  // undoes the same): a savepoint copies every page the command touches into its in-memory
  // sub-journal, and each multi-row INSERT's statement journal then walks that journal's chunk
  // list when it ends, which for a bulk import's command of 10,000 calls cost 12 % of the CPU.
  result<void> run_command(write_command& command, std::vector<domain::event>& published, bool alone) {
    if (!alone) {
      if (auto r = writer_->run("SAVEPOINT command"); !r) return r.error();
    }
    txn_.begin_command();
    result<void> outcome = invoke(command);
    if (outcome) {
      auto released = alone ? result<void>{} : writer_->run("RELEASE command");
      if (released) {
        txn_.take_events(published);
        txn_.rollups().command_succeeded();
        callers_.command_succeeded();
        return outcome;
      }
      outcome = released.error();
    }
    if (alone) {
      // The empty transaction begun again lets run_batch end as for any batch (it commits the
      // rollups of the commands kept: none); should BEGIN fail, autocommit says so to run_batch.
      if (!writer_->autocommit()) (void)writer_->run("ROLLBACK");
      (void)writer_->run("BEGIN IMMEDIATE");
    } else {
      (void)writer_->run("ROLLBACK TO command");
      (void)writer_->run("RELEASE command");
    }
    txn_.begin_command();
    txn_.forget_carried();  // what the command read and appended is undone
    txn_.rollups().command_failed();
    callers_.command_failed();
    return outcome;
  }

  const sqlite_options options_;
  const tuning applied_;
  outbox_sql::leases leases_;  // before the readers and the writer, which use it
  std::unique_ptr<connection> writer_;  // closed by close(), once the writer thread is done
  std::unique_ptr<checkpointer> checkpointer_;  // null when checkpoint_mib is 0; stopped by close()
  caller_counts_behind callers_;        // before the readers and the writer's transaction, which use it
  writer_txn txn_;                      // used on the writer thread only
  thread_readers<thread_reader> readers_;
  std::mutex close_mutex_;
  group_writer group_;  // last: its thread uses the members above
};

}  // namespace

result<std::unique_ptr<sqlite_store>> open(const sqlite_options& options) {
  // A PostgreSQL connection string would otherwise become a file of that name in the working
  // folder, and the centre would run on an empty SQLite database believing it had its cluster.
  if (options.path.starts_with("postgresql://") || options.path.starts_with("postgres://")) {
    return core::invalid("--database names a PostgreSQL server, which this command cannot use yet (only "
                         "siaga serve, migrate and seed open one: src/storage/postgres/README.md): "
                         "give the path of an SQLite database file");
  }
  if (options.path.empty() || options.path == ":memory:" || options.path.starts_with("file:")) {
    return core::invalid(
        "sqlite path must name a file (in-memory databases and URIs are refused: "
        "readers open the file separately): '" +
        options.path + "'");
  }
  if (options.max_batch < 1 || options.max_batch_weight < 1) {
    return core::invalid("sqlite max_batch and max_batch_weight must be at least 1");
  }
  if (options.outbox_lease <= std::chrono::seconds(0)) return core::invalid("sqlite outbox_lease must be positive");
  if (options.counters_flush_numbers < 0 || options.counters_flush_every <= std::chrono::milliseconds(0)) {
    return core::invalid("sqlite counters_flush_numbers must be at least 0 and counters_flush_every positive");
  }
  if (options.cache_mib < 1 || options.mmap_mib < 0) {
    return core::invalid("sqlite cache_mib must be at least 1 and mmap_mib at least 0");
  }
  if (options.checkpoint_mib < 0 || options.wal_limit_mib < 1 ||
      (options.checkpoint_mib > 0 && options.wal_limit_mib < 2 * options.checkpoint_mib)) {
    return core::invalid("sqlite checkpoint_mib must be at least 0 and wal_limit_mib at least 1 and at least twice "
                         "checkpoint_mib");
  }
  auto conn = connection::open(options.path, false);
  if (!conn) return conn.error();
  auto& c = **conn;
  if (auto r = set_pragma(c, "PRAGMA busy_timeout = " + std::to_string(writer_busy_ms)); !r) return r.error();
  {
    auto st = c.prepare("PRAGMA journal_mode = WAL");
    if (!st) return st.error();
    auto row = st->step("journal_mode");
    if (!row) return row.error();
    if (!*row || st->view(0) != "wal") {
      return failure("sqlite: could not switch " + options.path + " to WAL journal mode");
    }
  }
  if (auto r = set_pragma(c, options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
      !r) {
    return r.error();
  }
  if (auto r = set_pragma(c, "PRAGMA foreign_keys = ON"); !r) return r.error();
  // Each command's savepoint journals the pages it touches; once that sub-journal spills to
  // a temporary file, every later command pays several pwrite calls for it (measured: two
  // thirds of the writer's time). In memory it is a few pages per command.
  if (auto r = set_pragma(c, "PRAGMA temp_store = MEMORY"); !r) return r.error();
  auto applied = apply_tuning(c, options);
  if (!applied) return applied.error();
  auto ckpt = start_checkpointer(c, options);
  if (!ckpt) return ckpt.error();
  return std::unique_ptr<sqlite_store>(
      std::make_unique<store_impl>(options, std::move(*conn), *applied, std::move(*ckpt)));
}

}  // namespace siaga::storage::sqlite

namespace siaga::storage {

result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options) {
  auto s = sqlite::open(options);
  if (!s) return s.error();
  return std::unique_ptr<store>(std::move(*s));
}

}  // namespace siaga::storage
