// The storage contract. Services see only these interfaces; SQL and database handles stay
// below src/storage/. Two implementations: sqlite/ (embedded default) and postgres/ (being
// built facet by facet: postgres/README.md).
//
// Reads go through a store_reader; writes are commands that run inside a store_txn on the
// store's single writer, which commits many concurrent commands in one transaction (group
// commit). Each command runs under its own savepoint: a command that fails is rolled back
// alone and the rest of the batch still commits. A command's completion is reported only
// after the batch is durable (fsync), so an acknowledged write survives a crash.
#pragma once

#include "storage/calls_store.hpp"
#include "storage/conversation_store.hpp"
#include "storage/directory_store.hpp"
#include "storage/event_store.hpp"
#include "storage/idempotency_store.hpp"
#include "storage/incident_store.hpp"
#include "storage/media_store.hpp"
#include "storage/lapor_store.hpp"
#include "storage/open311_store.hpp"
#include "storage/places_store.hpp"
#include "storage/privacy_store.hpp"
#include "storage/sla_store.hpp"
#include "storage/stats_store.hpp"
#include "storage/outbox_store.hpp"
#include "storage/store_types.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage {

// Read access. Every lookup is scoped to a jurisdiction where the row has one; a missing row
// is std::nullopt, not an error. Errors are storage failures only.
// Order of lists: list_reports and list_incidents newest first (created_at, then id, both
// descending), list_dispatches by notified_at likewise; reports_of_incident and
// dispatches_of_incident oldest first; jurisdictions, districts, agencies and categories by
// code, users by username. A page's limit is clamped to 1..500 and a negative offset is 0.
class store_reader : public directory_reader,
                     public incident_reader,
                     public event_reader,
                     public outbox_reader,
                     public calls_reader,
                     public media_reader,
                     public places_reader,
                     public sla_reader,
                     public stats_reader,
                     public conversation_reader,
                     public open311_reader,
                     public privacy_reader,
                     public lapor_reader,
                     public idempotency_reader {
 public:
  ~store_reader() override = default;
};

// Read and write access inside one command of a write batch. Writes fail with conflict on a
// duplicate key and storage_failure otherwise; update_* fail with not_found when no row matched.
// A reference to a row that does not exist, or that belongs to another jurisdiction, is a
// storage_failure. update_* write every field but id and jurisdiction_id, which select the
// row; upsert_* of an id that belongs to another jurisdiction is a conflict. Deleting a
// session that does not exist succeeds.
class store_txn : public store_reader,
                  public directory_writer,
                  public incident_writer,
                  public event_writer,
                  public outbox_writer,
                  public calls_writer,
                  public media_writer,
                  public places_writer,
                  public sla_writer,
                  public stats_writer,
                  public conversation_writer,
                  public open311_writer,
                  public privacy_writer,
                  public lapor_writer,
                  public idempotency_writer {};

// A write command: runs on the writer thread inside a savepoint. Returning an error rolls back
// all this command did. It may run more than once: PostgreSQL runs a batch again whose link was
// lost before COMMIT, SQLite one whose command failed (nothing of either was saved), so a command
// leaves state outside the store as one run would (assign its results, do not append to them).
using write_command = std::function<result<void>(store_txn&)>;

// How much a write command writes, in records (1 for a command of the consoles: a creation, a
// classification; the number of events for a bridge's batch), so that the writer never queues
// a small command behind large ones (group_writer: small commands first, large ones in
// transactions of their own up to a weight).
using write_weight = std::uint32_t;

// A committed batch's events, in seq order: made once by the writer and shared, never copied,
// by whoever keeps them past the listener's call (the stream hub's strand).
using committed_events = std::shared_ptr<const std::vector<domain::event>>;

// Called on the writer thread after a batch is durable, with every event it appended, in seq
// order (never null nor empty). Must not block (hand off to another thread: keep the pointer).
using commit_listener = std::function<void(const committed_events&)>;

class store {
 public:
  virtual ~store() = default;

  // Applies the numbered schema migrations not yet applied. Idempotent.
  virtual result<int> migrate() = 0;

  // A reader for the calling thread's use; cheap to get, valid until the store is destroyed.
  // Sees every write whose completion has been reported.
  virtual store_reader& reader() = 0;

  // Queues a command for the writer. done is called exactly once, on the writer thread, with
  // the command's error, or with success after the batch holding it is durable; or with
  // unavailable once the store is closing. Must not block. weight: see write_weight; commands
  // of different weights may commit in another order than submitted (never one caller's, who
  // waits for done before its next).
  virtual void submit(write_command command, std::function<void(result<void>)> done, write_weight weight) = 0;
  void submit(write_command command, std::function<void(result<void>)> done) {
    submit(std::move(command), std::move(done), 1);
  }

  // Runs a command and waits for it: for start-up, seeding and tests, not request paths.
  result<void> write(write_command command);

  virtual void set_commit_listener(commit_listener listener) = 0;

  // Finishes the queued commands, stops the writer and closes the database. Must not be
  // called from a done callback or the commit listener, whose thread it waits for.
  virtual void close() = 0;
};

struct sqlite_options {
  std::string path;              // file path; ":memory:" is refused (readers need the file)
  int max_batch = 512;           // commands per transaction at most
  // The weight (write_weight) of the large commands one transaction takes at most (at least
  // one command); a small command arriving meanwhile cuts the batch after the command under way
  // (group_writer.hpp). 2,048: four bridge batches of 500 share a commit (a quarter faster than
  // one a commit, docs/benchmarks.md session 14).
  int max_batch_weight = 2048;
  bool synchronous_full = true;  // fsync on every commit (off only in benchmarks of the ceiling)
  bool keep_rollups = true;      // the statistics rollups (off only to measure their cost)
  // SQLite's page cache per connection (the writer's and each reader thread's), in MiB. The
  // default of 2 MiB made the writer re-read the same index pages from the file on every
  // command once a database outgrew it.
  int cache_mib = 64;
  // How much of the file is memory-mapped (0: off): pages are read from the OS page cache
  // without a copy, shared by every connection; it costs address space, not memory.
  int mmap_mib = 1024;
  // The WAL copied back into the database file by a thread of its own (sqlite/checkpointer.hpp)
  // each time this many MiB were written to it, rather than by SQLite's auto-checkpoint inside
  // the writer's COMMIT every 1,000 pages (7 to 9 % of the writer's time in bulk writes; a
  // quarter of Jakarta's year ingested into 3 GB); the writer finishes each copy, so the WAL
  // starts again under steady writes. 4 as SQLite's own threshold: with 16 the thread's larger
  // fsyncs delayed the writer's commits (p99 70 ms in one run of two at 1,000 creations a
  // second, 4 to 7 ms with 4; docs/benchmarks.md session 14). 0: the auto-checkpoint as SQLite
  // does it.
  int checkpoint_mib = 4;
  // When the WAL holds this many MiB (at least twice checkpoint_mib), the checkpointer waits
  // briefly for the readers and empties it, so the file stays bounded when readers are always
  // present; also the size the writer cuts the file back to when it starts the WAL again.
  int wal_limit_mib = 256;
  // How long a row that due_notifications handed out stays claimed (outbox_store.hpp): longer
  // than an attempt and its recording take (the delivery worker's HTTP timeout is 10 s).
  std::chrono::seconds outbox_lease{60};
  // The callers' counters (caller_counts) held in the writer's memory and written every this
  // many numbers changed or counters_flush_every (sqlite/caller_counts_behind.hpp); 0: written
  // with each call, as when another process writes them behind.
  int counters_flush_numbers = 20'000;
  std::chrono::milliseconds counters_flush_every{5000};
};

// Opens (creating when missing) an SQLite database in WAL mode with foreign keys on.
result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options);

struct postgres_options {
  std::string conninfo;  // a postgresql:// (or postgres://) URI or a libpq keyword string
  int max_batch = 512;   // commands per transaction at most
  int max_batch_weight = 2048;  // as sqlite_options::max_batch_weight (no cut: see group_writer.hpp)
  // As sqlite_options::outbox_lease; here the lease is a column, seen by every node.
  std::chrono::seconds outbox_lease{60};
  bool keep_rollups = true;  // the statistics rollups (off only to measure their cost)
  // How long the writer keeps trying to reconnect after its connection was lost (a failover:
  // Patroni promotes a standby in about the leader key's TTL) before a batch fails with
  // unavailable. 0: one attempt.
  std::chrono::seconds failover_wait{15};
};

// Connects to a PostgreSQL database (which must exist; migrate() creates the tables). Fails
// with invalid_input for a connection string that does not parse and with unavailable, naming
// host, port and database but never the password, when the server cannot be reached. Only
// some facets are implemented so far (postgres/README.md); the others fail with
// storage_failure naming the method.
result<std::unique_ptr<store>> open_postgres(const postgres_options& options);

}  // namespace siaga::storage
