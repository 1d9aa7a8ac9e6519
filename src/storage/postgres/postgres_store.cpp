#include "storage/postgres/postgres_store.hpp"

#include "storage/group_writer.hpp"
#include "storage/postgres/event_feed.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/writer_txn.hpp"
#include "storage/thread_readers.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace siaga::storage::postgres {
namespace {

using detail::lock_events;
using detail::thread_reader;
using detail::writer_txn;

// ---------------------------------------------------------------------------------------
// The store.

constexpr const char* notify_events = "NOTIFY siaga_events";
// How often the event feed reads the table without a notification (event_feed.hpp): a lost
// NOTIFY delays other nodes' events by at most this long.
constexpr std::chrono::milliseconds event_poll{1000};
// Between two attempts to reconnect the writer during a failover.
constexpr std::chrono::milliseconds reconnect_pause{250};
static_assert(std::string_view(events_channel) == "siaga_events");

class store_impl final : public postgres_store {
 public:
  store_impl(postgres_options options, std::unique_ptr<connection> writer)
      : options_(std::move(options)),
        writer_(std::move(writer)),
        txn_(*writer_, options_.outbox_lease, options_.keep_rollups),
        feed_(options_.conninfo, event_poll),
        group_(options_.max_batch, options_.max_batch_weight,
               [this](std::vector<queued_command>& batch, const cut_check&) { return run_batch(batch); }) {
    writer_->set_statement_rollback(true);
    // Local commits go through the feed, which also hands over other nodes' (event_feed.hpp).
    group_.set_commit_listener([this](const committed_events& events) { feed_.committed(events); });
  }

  ~store_impl() override {
    close();
    readers_.clear();
  }

  result<int> migrate() override {
    if (group_.stopping()) return core::make_error(core::errc::unavailable, "the store is closed");
    // A connection of its own, so that migrating never waits for the writer thread's queue.
    auto conn = connection::open(options_.conninfo);
    if (!conn) return conn.error();
    return postgres::migrate(**conn);
  }

  store_reader& reader() override {
    return readers_.get([this]() -> std::shared_ptr<thread_reader> {
      auto conn = connection::open(options_.conninfo);
      if (!conn) return std::make_shared<thread_reader>(conn.error());
      return std::make_shared<thread_reader>(std::move(*conn), options_.outbox_lease);
    });
  }

  using store::submit;
  void submit(write_command command, std::function<void(result<void>)> done, write_weight weight) override {
    group_.submit(std::move(command), std::move(done), weight);
  }

  void set_commit_listener(commit_listener listener) override { feed_.set_commit_listener(std::move(listener)); }

  result<void> broadcast(const std::string& message) override { return feed_.broadcast(message); }
  void set_broadcast_listener(broadcast_listener listener) override {
    feed_.set_broadcast_listener(std::move(listener));
  }

  // Not from the writer thread (a done callback or the commit listener), which it waits for.
  void close() override {
    std::lock_guard closing(close_mutex_);
    group_.stop();
    feed_.stop();
    writer_.reset();
  }

  write_stats stats() const override { return {group_.batches(), group_.commands()}; }

 private:
  // BEGIN, each command under its savepoint, COMMIT: the batch's commands are done (and their
  // events published) only once COMMIT returned, that is once the batch is durable.
  // A batch whose connection is lost before COMMIT was sent (the server restarted, the primary
  // died and Patroni promotes a standby) left nothing committed: it is run again once, whole,
  // on a new connection (reconnect waits for the new primary up to failover_wait), so that a
  // failover costs the clients a delay rather than a 503 each. Commands must allow that
  // (store.hpp, write_command). A connection lost during COMMIT leaves the outcome unknown (the
  // server may have committed before it died): that batch is not run again, since a command
  // applied twice could file a report twice, and its commands fail with unavailable (503 and
  // Retry-After above); the client's retry is deduplicated by its own key where the route has
  // one (README.md, "Lost connections").
  batch_outcome run_batch(std::vector<queued_command>& batch) {
    auto first = run_batch_once(batch);
    if (!first.lost_before_commit) return std::move(first.out);
    auto again = run_batch_once(batch);
    if (again.lost_before_commit) {
      // Lost twice: the clients retry later rather than the writer holding every queued command.
      for (auto& o : again.out.outcomes) {
        o = core::make_error(core::errc::unavailable,
                             "postgres: the connection to " + writer_->target() +
                                 " was lost twice while writing; nothing was saved, try again shortly");
      }
    }
    return std::move(again.out);
  }

  struct batch_attempt {
    batch_outcome out;
    bool lost_before_commit = false;  // nothing committed: the batch may run again
  };

  batch_attempt run_batch_once(std::vector<queued_command>& batch) {
    batch_attempt attempt;
    auto& out = attempt.out;
    out.outcomes.reserve(batch.size());
    // The writer's memory of the transaction starts afresh: the chain's head is read again at
    // the first event, the rollups' changes gathered so far are dropped (batch_lost).
    txn_.begin_batch();
    txn_.rollups().batch_lost();
    auto lost = [&](const core::error& why) {
      attempt.lost_before_commit = true;
      txn_.rollups().batch_lost();
      out.published.clear();
      out.outcomes.assign(batch.size(), why);
      return std::move(attempt);
    };

    // A connection lost since the last batch is made again before anything else; a BEGIN that
    // finds it lost (an idle connection was cut) is retried on a new one, since nothing of the
    // batch has been sent yet.
    result<void> begun = writer_->healthy() ? result<void>() : reconnect();
    if (begun) begun = writer_->run("BEGIN");
    if (!begun && !writer_->healthy()) {
      begun = reconnect();
      if (begun) begun = writer_->run("BEGIN");
    }
    // Every batch takes the events lock first (it travels with the first statement): with
    // several nodes, a batch that locked a row (the incident number's counter, an incident)
    // and then waited for the events lock held by another node's batch waiting for that row
    // was a deadlock, one command failing with 500. One lock order on every node instead.
    if (begun) writer_->defer(lock_events);
    if (!begun) {
      // No connection within failover_wait: fail now, not again.
      out.outcomes.assign(batch.size(), begun.error());
      txn_.rollups().batch_lost();
      return attempt;
    }
    for (auto& queued : batch) {
      out.outcomes.push_back(run_command(queued.command, out.published));
      if (!writer_->in_transaction() || !writer_->healthy()) {
        // The server ended the transaction (the connection was lost): every command of the
        // batch is undone with it.
        return lost(core::make_error(core::errc::unavailable,
                                     "postgres: the transaction was lost (connection to " + writer_->target() + ")"));
      }
    }
    // The rollups' changes go in last, so that they are exactly those of the commands kept.
    // COMMIT in a failed transaction would roll back and still answer without an error.
    // The other nodes' event feeds wake on the NOTIFY, which PostgreSQL delivers at COMMIT
    // (and drops with a rollback); it travels in COMMIT's round trip.
    if (!out.published.empty() && !writer_->in_failed_transaction()) writer_->defer(notify_events);
    auto committed = writer_->in_failed_transaction()
                         ? result<void>(core::make_error(core::errc::storage_failure,
                                                         "postgres: the batch's transaction failed; rolled back"))
                         : txn_.rollups().flush();
    if (!committed && !writer_->healthy()) return lost(committed.error());  // COMMIT not sent yet
    if (committed && writer_->in_failed_transaction()) {
      committed = core::make_error(core::errc::storage_failure, "postgres: the rollups' flush failed; rolled back");
    }
    if (committed) {
      committed = writer_->run("COMMIT");
      if (!committed && !writer_->healthy()) {
        committed = core::make_error(core::errc::unavailable,
                                     "postgres: the connection to " + writer_->target() +
                                         " was lost during COMMIT, so whether it was saved is unknown; "
                                         "try again (with the same client id where the request has one)");
      }
    }
    txn_.rollups().batch_lost();  // flushed, or rolled back with the batch
    if (committed) {
      out.committed = true;
    } else {
      if (writer_->healthy() && writer_->in_transaction()) (void)writer_->run("ROLLBACK");
      for (auto& o : out.outcomes) o = committed.error();
      out.published.clear();
    }
    return attempt;
  }

  // Makes the writer's connection again, trying for up to failover_wait: while Patroni
  // promotes a standby no member accepts writes (target_session_attrs=read-write refuses the
  // standbys, the dead primary refuses connections). Fails with unavailable after that.
  result<void> reconnect() {
    const auto deadline = std::chrono::steady_clock::now() + options_.failover_wait;
    for (;;) {
      auto made = writer_->reset();
      if (made || writer_->healthy()) return made;
      if (std::chrono::steady_clock::now() >= deadline || group_.stopping()) {
        return core::make_error(core::errc::unavailable, made.error().message + "; no writable server within " +
                                                             std::to_string(options_.failover_wait.count()) +
                                                             " s, try again shortly");
      }
      std::this_thread::sleep_for(reconnect_pause);
    }
  }

  // Runs one command under its own savepoint; on success its events join published. SAVEPOINT
  // and RELEASE are deferred: they travel with the command's first statement and the next
  // command's (or the COMMIT), so a command costs no round trip of its own.
  result<void> run_command(write_command& command, std::vector<domain::event>& published) {
    writer_->defer("SAVEPOINT command");
    txn_.begin_command();
    result<void> outcome = group_writer::invoke(command, txn_);
    if (outcome && !writer_->in_failed_transaction()) {
      writer_->defer("RELEASE SAVEPOINT command");
      txn_.take_events(published);
      txn_.rollups().command_succeeded();
      return outcome;
    }
    if (outcome) outcome = failure("postgres: the command left its transaction failed");
    (void)writer_->run("ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command");
    txn_.undo_command();
    txn_.rollups().command_failed();
    return outcome;
  }

  const postgres_options options_;
  std::unique_ptr<connection> writer_;  // closed by close(), once the writer thread is done
  writer_txn txn_;                      // used on the writer thread only
  thread_readers<thread_reader> readers_;
  std::mutex close_mutex_;
  event_feed feed_;     // before group_, whose commit listener it is
  group_writer group_;  // last: its thread uses the members above
};

}  // namespace

result<std::unique_ptr<postgres_store>> open(const postgres_options& options) {
  if (options.conninfo.empty()) {
    return core::invalid("postgres: the connection string is empty; give a postgresql:// URI or libpq keywords");
  }
  if (options.max_batch < 1 || options.max_batch_weight < 1) {
    return core::invalid("postgres max_batch and max_batch_weight must be at least 1");
  }
  if (options.outbox_lease <= std::chrono::seconds(0)) return core::invalid("postgres outbox_lease must be positive");
  auto conn = connection::open(options.conninfo);
  if (!conn) return conn.error();
  return std::unique_ptr<postgres_store>(std::make_unique<store_impl>(options, std::move(*conn)));
}

}  // namespace siaga::storage::postgres

namespace siaga::storage {

result<std::unique_ptr<store>> open_postgres(const postgres_options& options) {
  auto s = postgres::open(options);
  if (!s) return s.error();
  return std::unique_ptr<store>(std::move(*s));
}

}  // namespace siaga::storage
