// The storage contract. Services see only these interfaces; SQL and database handles stay
// below src/storage/. Two implementations: sqlite/ (embedded default) and, later, postgres/.
//
// Reads go through a store_reader; writes are commands that run inside a store_txn on the
// store's single writer, which commits many concurrent commands in one transaction (group
// commit). Each command runs under its own savepoint: a command that fails is rolled back
// alone and the rest of the batch still commits. A command's completion is reported only
// after the batch is durable (fsync), so an acknowledged write survives a crash.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"
#include "domain/call_records.hpp"
#include "domain/media.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::storage {

using core::result;
using core::timestamp;

struct page_request {
  int limit = 50;  // 1..500
  int offset = 0;
};

template <class T>
struct page {
  std::vector<T> items;
  std::int64_t total = 0;  // matching rows, regardless of limit and offset
};

struct report_filter {
  std::string jurisdiction_id;
  std::optional<domain::report_status> status;
  std::optional<domain::channel> source;
  std::optional<std::string> category_id;
  std::optional<std::string> incident_id;
  std::optional<timestamp> from;  // created_at >= from
  std::optional<timestamp> to;    // created_at < to
  page_request page;
};

struct incident_filter {
  std::string jurisdiction_id;
  std::vector<domain::incident_status> statuses;  // empty: any
  std::optional<std::string> category_id;
  std::optional<std::string> district_id;
  std::optional<std::string> agency_id;  // has a dispatch to this agency
  std::optional<timestamp> from;
  std::optional<timestamp> to;
  page_request page;
};

struct dispatch_filter {
  std::string jurisdiction_id;
  std::optional<std::string> agency_id;
  std::optional<std::string> incident_id;
  std::vector<domain::dispatch_status> statuses;  // empty: any
  page_request page;
};

// Outbox rows of one jurisdiction, optionally of one status.
struct notification_filter {
  std::string jurisdiction_id;
  std::optional<domain::notification_status> status;
  page_request page;
};

// ---- Calls and callers (issue 5): filters ----
// Calls of one jurisdiction by ring time (from inclusive, to exclusive); live: not ended yet;
// unclassified: answered and not classified.
struct call_filter {
  std::string jurisdiction_id;
  std::optional<std::string> caller;
  std::optional<domain::call_outcome> outcome;
  bool live = false;
  bool unclassified = false;
  std::optional<timestamp> from;
  std::optional<timestamp> to;
  page_request page;
};

struct callback_filter {
  std::string jurisdiction_id;
  std::vector<domain::callback_status> statuses;  // empty: any
  std::optional<std::string> caller;
  page_request page;
};

struct location_filter {
  std::string jurisdiction_id;
  std::optional<std::string> call_id;
  std::optional<bool> accepted;
  page_request page;
};

// What call statistics need of one call.
struct call_stat_row {
  timestamp ring_at{};
  std::optional<timestamp> answered_at;
  std::optional<timestamp> ended_at;
  std::optional<domain::call_outcome> outcome;
  std::optional<domain::call_class> classification;
  std::string agent;  // who answered
  std::string line;
  bool dispatched = false;  // its report joined an incident that was dispatched to the field
};

// Read access. Every lookup is scoped to a jurisdiction where the row has one; a missing row
// is std::nullopt, not an error. Errors are storage failures only.
// Order of lists: list_reports and list_incidents newest first (created_at, then id, both
// descending), list_dispatches by notified_at likewise; reports_of_incident and
// dispatches_of_incident oldest first; jurisdictions, districts, agencies and categories by
// code, users by username. A page's limit is clamped to 1..500 and a negative offset is 0.
class store_reader {
 public:
  virtual ~store_reader() = default;

  virtual result<std::optional<domain::jurisdiction>> find_jurisdiction(const std::string& id) = 0;
  virtual result<std::optional<domain::jurisdiction>> find_jurisdiction_by_code(const std::string& code) = 0;
  virtual result<std::vector<domain::jurisdiction>> list_jurisdictions() = 0;

  virtual result<std::vector<domain::district>> list_districts(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::district>> find_district(const std::string& jurisdiction_id, const std::string& id) = 0;

  virtual result<std::vector<domain::agency>> list_agencies(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::agency>> find_agency(const std::string& jurisdiction_id, const std::string& id) = 0;

  virtual result<std::vector<domain::category>> list_categories(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::category>> find_category(const std::string& jurisdiction_id, const std::string& id) = 0;

  virtual result<std::vector<domain::user>> list_users(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::user>> find_user(const std::string& id) = 0;
  virtual result<std::optional<domain::user>> find_user_by_username(const std::string& username) = 0;

  virtual result<std::optional<domain::session>> find_session(const std::string& token_hash) = 0;

  virtual result<std::optional<domain::report>> find_report(const std::string& jurisdiction_id, const std::string& id) = 0;
  virtual result<page<domain::report>> list_reports(const report_filter& filter) = 0;
  virtual result<std::vector<domain::report>> reports_of_incident(const std::string& incident_id) = 0;

  virtual result<std::optional<domain::incident>> find_incident(const std::string& jurisdiction_id, const std::string& id) = 0;
  virtual result<page<domain::incident>> list_incidents(const incident_filter& filter) = 0;

  virtual result<std::optional<domain::dispatch>> find_dispatch(const std::string& jurisdiction_id, const std::string& id) = 0;
  virtual result<std::vector<domain::dispatch>> dispatches_of_incident(const std::string& incident_id) = 0;
  virtual result<page<domain::dispatch>> list_dispatches(const dispatch_filter& filter) = 0;

  // Events in seq order; events_after returns at most limit of them (none when limit <= 0).
  virtual result<std::vector<domain::event>> events_of_incident(const std::string& incident_id) = 0;
  virtual result<std::vector<domain::event>> events_after(std::int64_t after_seq, int limit) = 0;
  virtual result<std::vector<domain::event>> events_of_jurisdiction(const std::string& jurisdiction_id) = 0;

  // ---- Notifications: the outbox (issue 3) ----
  // list_notifications: newest first (created_at, then id, descending). due_notifications:
  // pending rows of every jurisdiction whose next_attempt_at <= now, soonest first, at most
  // limit (none when limit <= 0) - the delivery worker's scan. next_notification_due: the
  // earliest next_attempt_at of any pending row, nullopt when none is pending.
  virtual result<std::optional<domain::notification>> find_notification(const std::string& jurisdiction_id,
                                                                        const std::string& id) = 0;
  virtual result<page<domain::notification>> list_notifications(const notification_filter& filter) = 0;
  virtual result<std::vector<domain::notification>> due_notifications(timestamp now, int limit) = 0;
  virtual result<std::optional<timestamp>> next_notification_due() = 0;
  // ---- Calls and callers (issue 5) ----
  // list_calls: newest ring first (ring_at, then id, descending). call_events_of: the stored
  // telephony events of a call in canonical order (time, kind, event id). calls_of_caller: a
  // number's calls with ring_at >= since, oldest first. caller_history counts all its calls.
  // strike_times: ring times of its prank and ghost calls with ring_at > since. list_callbacks:
  // soonest due first (due_at, then id). list_location_records: newest first (received_at, id).
  // latest_call_of: the call of a number that rang last at or before `at`. calls_between: the
  // statistics rows of the calls that rang in [from, to). find_api_key_by_hash: any
  // jurisdiction, revoked keys included (the caller checks revoked_at).
  virtual result<std::optional<domain::call_record>> find_call(const std::string& jurisdiction_id,
                                                               const std::string& id) = 0;
  virtual result<std::optional<domain::call_record>> find_call_by_external(const std::string& jurisdiction_id,
                                                                           const std::string& external_id) = 0;
  virtual result<page<domain::call_record>> list_calls(const call_filter& filter) = 0;
  virtual result<std::vector<domain::call_event>> call_events_of(const std::string& call_record_id) = 0;
  virtual result<std::optional<domain::stored_call_event>> find_call_event(const std::string& jurisdiction_id,
                                                                           const std::string& event_id) = 0;
  virtual result<std::vector<domain::call_record>> calls_of_caller(const std::string& jurisdiction_id,
                                                                   const std::string& number, timestamp since) = 0;
  virtual result<std::optional<domain::call_record>> latest_call_of(const std::string& jurisdiction_id,
                                                                    const std::string& number, timestamp at) = 0;
  virtual result<domain::caller_history> caller_history_of(const std::string& jurisdiction_id,
                                                           const std::string& number) = 0;
  virtual result<std::optional<domain::caller_record>> find_caller(const std::string& jurisdiction_id,
                                                                   const std::string& number) = 0;
  virtual result<std::vector<timestamp>> strike_times(const std::string& jurisdiction_id, const std::string& number,
                                                      timestamp since) = 0;
  virtual result<std::optional<domain::caller_policy>> find_caller_policy(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::callback_task>> find_callback(const std::string& jurisdiction_id,
                                                                     const std::string& id) = 0;
  virtual result<std::optional<domain::callback_task>> find_callback_of_call(const std::string& jurisdiction_id,
                                                                             const std::string& call_id) = 0;
  virtual result<page<domain::callback_task>> list_callbacks(const callback_filter& filter) = 0;
  virtual result<page<domain::location_record>> list_location_records(const location_filter& filter) = 0;
  virtual result<std::vector<call_stat_row>> calls_between(const std::string& jurisdiction_id, timestamp from,
                                                           timestamp to) = 0;
  virtual result<std::optional<domain::api_key>> find_api_key_by_hash(const std::string& key_hash) = 0;
  virtual result<std::vector<domain::api_key>> list_api_keys(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::api_key>> find_api_key(const std::string& jurisdiction_id,
                                                              const std::string& id) = 0;
  // ---- Media: photos attached to dispatches (issue 4) ----
  // find_media and media_of_incident return the records without their bytes; media_of_incident
  // oldest first (created_at, then id). media_bytes: the stored bytes of one media record.
  virtual result<std::optional<domain::media>> find_media(const std::string& jurisdiction_id,
                                                          const std::string& id) = 0;
  virtual result<std::vector<domain::media>> media_of_incident(const std::string& incident_id) = 0;
  virtual result<std::optional<std::string>> media_bytes(const std::string& jurisdiction_id,
                                                         const std::string& id) = 0;
};

// Read and write access inside one command of a write batch. Writes fail with conflict on a
// duplicate key and storage_failure otherwise; update_* fail with not_found when no row matched.
// A reference to a row that does not exist, or that belongs to another jurisdiction, is a
// storage_failure. update_* write every field but id and jurisdiction_id, which select the
// row; upsert_* of an id that belongs to another jurisdiction is a conflict. Deleting a
// session that does not exist succeeds.
class store_txn : public store_reader {
 public:
  virtual result<void> insert_jurisdiction(const domain::jurisdiction& j) = 0;
  virtual result<void> insert_district(const domain::district& d) = 0;
  virtual result<void> upsert_agency(const domain::agency& a) = 0;
  virtual result<void> upsert_category(const domain::category& c) = 0;
  virtual result<void> insert_user(const domain::user& u) = 0;
  virtual result<void> update_user(const domain::user& u) = 0;

  virtual result<void> insert_session(const domain::session& s) = 0;
  virtual result<void> delete_session(const std::string& token_hash) = 0;

  virtual result<void> insert_report(const domain::report& r) = 0;
  virtual result<void> update_report(const domain::report& r) = 0;
  virtual result<void> insert_incident(const domain::incident& i) = 0;
  virtual result<void> update_incident(const domain::incident& i) = 0;
  virtual result<void> insert_dispatch(const domain::dispatch& d) = 0;
  virtual result<void> update_dispatch(const domain::dispatch& d) = 0;

  // Increments and returns a named counter of a jurisdiction, starting at 1 (e.g. the daily
  // incident sequence under key "incident:2026-11-22").
  virtual result<std::int64_t> next_counter(const std::string& jurisdiction_id, const std::string& key) = 0;

  // Appends an event: assigns seq (global, strictly increasing), prev_hash (the hash of the
  // jurisdiction's latest event, empty for its first) and hash; returns the stored event.
  // Events are never updated or deleted.
  virtual result<domain::event> append_event(domain::event e) = 0;

  // ---- Notifications: the outbox (issue 3) ----
  // insert_notification writes a new row (conflict on a duplicate id); update_notification
  // writes its delivery state (status, attempts, next_attempt_at, last_error, updated_at,
  // delivered_at), the rest of a row being fixed once enqueued, and fails with not_found when
  // no row has that id in that jurisdiction.
  virtual result<void> insert_notification(const domain::notification& n) = 0;
  virtual result<void> update_notification(const domain::notification& n) = 0;
  // ---- Calls and callers (issue 5) ----
  // insert_* fail with conflict on a duplicate key (a second call with the same external id,
  // a second event with the same event id, a second callback for the same call); update_*
  // write every field but the keys and fail with not_found when no row matched.
  virtual result<void> insert_call(const domain::call_record& c) = 0;
  virtual result<void> update_call(const domain::call_record& c) = 0;
  virtual result<void> insert_call_event(const domain::stored_call_event& e) = 0;
  virtual result<void> upsert_caller(const domain::caller_record& c) = 0;
  virtual result<void> upsert_caller_policy(const std::string& jurisdiction_id, const domain::caller_policy& p) = 0;
  virtual result<void> insert_callback(const domain::callback_task& t) = 0;
  virtual result<void> update_callback(const domain::callback_task& t) = 0;
  virtual result<void> insert_location_record(const domain::location_record& r) = 0;
  virtual result<void> insert_api_key(const domain::api_key& k) = 0;
  virtual result<void> update_api_key(const domain::api_key& k) = 0;
  // ---- Media (issue 4) ----
  // Writes a media record with its bytes, whose length must be m.size (storage_failure
  // otherwise); conflict on a duplicate id.
  virtual result<void> insert_media(const domain::media& m, std::string_view bytes) = 0;
};

// A write command: runs on the writer thread inside a savepoint. Returning an error rolls
// back everything this command did.
using write_command = std::function<result<void>(store_txn&)>;

// Called on the writer thread after a batch is durable, with every event it appended, in seq
// order. Must not block (hand off to another thread).
using commit_listener = std::function<void(const std::vector<domain::event>&)>;

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
  // unavailable once the store is closing. Must not block.
  virtual void submit(write_command command, std::function<void(result<void>)> done) = 0;

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
  bool synchronous_full = true;  // fsync on every commit (off only in benchmarks of the ceiling)
};

// Opens (creating when missing) an SQLite database in WAL mode with foreign keys on.
result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options);

}  // namespace siaga::storage
