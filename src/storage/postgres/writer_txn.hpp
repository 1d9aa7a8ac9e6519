// The per-thread readers (thread_reader) and the writer's transaction (writer_txn: every
// store_txn and bulk_writer method over the writer's connection, the event chain carried across a
// batch, the rollups' keeper). Internal to postgres_store.cpp, the only file that includes it.
#pragma once

#include "storage/postgres/read_ops.hpp"
#include "storage/postgres/rollup_keeper.hpp"

namespace siaga::storage::postgres::detail {

// A thread's reader: a connection of its own, outside any transaction between calls.
class thread_reader final : public read_ops<store_reader> {
 public:
  thread_reader(std::unique_ptr<connection> conn, std::chrono::microseconds lease)
      : read_ops(conn.get(), std::nullopt, lease), owned_(std::move(conn)) {
    owner_ = reader_thread::current();  // made by thread_readers::get on the thread it serves
  }
  explicit thread_reader(core::error broken) : read_ops(nullptr, std::move(broken), {}) {}

  bool healthy() const { return conn_ != nullptr; }

 private:
  std::unique_ptr<connection> owned_;
};

// The advisory lock that serialises appends to the event chain until COMMIT ("siaga" + "ev"):
// with it, seqs are given without gaps in commit order and each jurisdiction's chain has one
// head, however many writers (nodes) share the database.
constexpr std::string_view lock_events = "SELECT pg_advisory_xact_lock(7306954345)";

// ---------------------------------------------------------------------------------------
// The writer's transaction.

class writer_txn final : public read_ops<store_txn> {
 public:
  writer_txn(connection& conn, std::chrono::microseconds lease, bool keep_rollups)
      : read_ops(&conn, std::nullopt, lease), rollups_(conn, keep_rollups) {}

  rollup_keeper& rollups() { return rollups_; }

  // Starts a batch (a transaction): the chain's head is read again at its first event.
  void begin_batch() { carry_.reset(); }
  // Forgets the events of the previous command; called as each command starts.
  void begin_command() {
    appended_.clear();
    command_start_ = carry_;
  }
  // The command was rolled back to its savepoint: its events are gone, and the chain's head is
  // what it was when the command started.
  void undo_command() {
    appended_.clear();
    carry_ = command_start_;
  }

  // Moves the events appended by the current command to the end of out.
  void take_events(std::vector<domain::event>& out) {
    std::move(appended_.begin(), appended_.end(), std::back_inserter(out));
    appended_.clear();
  }

  result<void> insert_jurisdiction(const domain::jurisdiction& j) override { return q::insert_jurisdiction(c(), j); }
  result<void> update_jurisdiction(const domain::jurisdiction& j) override {
    auto old = rollups_.enabled() ? q::find_jurisdiction(c(), j.id) : std::nullopt;
    if (!old) return old.error();
    if (auto r = q::update_jurisdiction(c(), j); !r) return r;
    rollups_.jurisdiction(*old, j);
    return {};
  }
  result<void> insert_district(const domain::district& d) override { return q::insert_district(c(), d); }
  result<void> upsert_agency(const domain::agency& a) override { return q::upsert_agency(c(), a); }
  result<void> upsert_category(const domain::category& category) override {
    auto old = rollups_.enabled() ? q::find_category(c(), category.jurisdiction_id, category.id) : std::nullopt;
    if (!old) return old.error();
    if (auto r = q::upsert_category(c(), category); !r) return r;
    rollups_.category(*old, category);
    return {};
  }
  result<void> insert_user(const domain::user& u) override { return q::insert_user(c(), u); }
  result<void> update_user(const domain::user& u) override { return q::update_user(c(), u); }
  result<void> insert_session(const domain::session& s) override { return q::insert_session(c(), s); }
  result<void> delete_session(const std::string& token_hash) override { return q::delete_session(c(), token_hash); }
  result<std::int64_t> delete_sessions_of_user(const std::string& user_id, const std::string& keep) override {
    return q::delete_sessions_of_user(c(), user_id, keep);
  }
  result<std::int64_t> delete_expired_sessions(domain::timestamp now) override {
    return q::delete_expired_sessions(c(), now);
  }
  result<void> insert_security_event(const domain::security_event& e) override {
    return q::insert_security_event(c(), e);
  }
  // Reports, incidents and dispatches tell the rollups what they were and what they are (the
  // keeper is the one SQLite's writer has: ../rollup_keeper.hpp).
  result<void> insert_report(const domain::report& r) override {
    if (auto w = q::insert_report(c(), r); !w) return w;
    return rollups_.report(std::nullopt, r);
  }
  result<void> update_report(const domain::report& r) override {
    auto old = rollups_.enabled() ? q::find_report(c(), r.jurisdiction_id, r.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = q::update_report(c(), r); !w) return w;
    return rollups_.report(*old, r);
  }
  result<void> insert_incident(const domain::incident& i) override {
    if (auto w = q::insert_incident(c(), i); !w) return w;
    return rollups_.incident(std::nullopt, i);
  }
  result<void> update_incident(const domain::incident& i) override {
    auto old = rollups_.enabled() ? q::find_incident(c(), i.jurisdiction_id, i.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = q::update_incident(c(), i); !w) return w;
    return rollups_.incident(*old, i);
  }
  result<void> insert_dispatch(const domain::dispatch& d) override {
    if (auto w = q::insert_dispatch(c(), d); !w) return w;
    return rollups_.dispatch(std::nullopt, d);
  }
  result<void> update_dispatch(const domain::dispatch& d) override {
    auto old = rollups_.enabled() ? q::find_dispatch(c(), d.jurisdiction_id, d.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = q::update_dispatch(c(), d); !w) return w;
    return rollups_.dispatch(*old, d);
  }
  // Calls (issue 5), without the call rollups SQLite keeps beside them (the statistics facet).
  // Calls tell the call rollups what they were and what they are.
  result<void> insert_call(const domain::call_record& r) override {
    if (auto w = calls_sql::insert_call(c(), r); !w) return w;
    return rollups_.call(std::nullopt, r);
  }
  result<void> update_call(const domain::call_record& r) override {
    auto old = calls_sql::find_call(c(), r.jurisdiction_id, r.id);
    if (!old) return old.error();
    if (auto w = calls_sql::update_call(c(), r); !w) return w;
    return rollups_.call(*old, r);
  }
  result<void> insert_call_event(const domain::stored_call_event& e) override {
    return calls_sql::insert_call_event(c(), e);
  }
  result<void> upsert_caller(const domain::caller_record& r) override { return calls_sql::upsert_caller(c(), r); }
  result<void> upsert_caller_policy(const std::string& j, const domain::caller_policy& p) override {
    return calls_sql::upsert_caller_policy(c(), j, p);
  }
  result<void> insert_callback(const domain::callback_task& t) override { return calls_sql::insert_callback(c(), t); }
  result<void> update_callback(const domain::callback_task& t) override { return calls_sql::update_callback(c(), t); }
  result<void> insert_location_record(const domain::location_record& r) override {
    return calls_sql::insert_location_record(c(), r);
  }
  result<void> insert_api_key(const domain::api_key& k) override { return calls_sql::insert_api_key(c(), k); }
  result<void> update_api_key(const domain::api_key& k) override { return calls_sql::update_api_key(c(), k); }
  result<void> insert_notification(const domain::notification& n) override { return outbox_sql::insert(c(), n); }
  result<void> update_notification(const domain::notification& n) override { return outbox_sql::update(c(), n); }
  result<void> insert_village(const domain::village& v) override { return areas_sql::insert_village(c(), v); }
  result<void> set_district_boundary(const std::string& j, const std::string& id, const std::string& geojson,
                                     bool approximate) override {
    return areas_sql::set_district_boundary(c(), j, id, geojson, approximate);
  }
  result<void> set_village_boundary(const std::string& j, const std::string& id, const std::string& geojson,
                                    bool approximate) override {
    return areas_sql::set_village_boundary(c(), j, id, geojson, approximate);
  }
  result<void> insert_media(const domain::media& m, std::string_view bytes) override {
    return media_sql::insert(c(), m, bytes);
  }
  result<void> update_media(const domain::media& m) override { return media_sql::update(c(), m); }
  result<std::int64_t> replace_places(const std::string& j, const std::string& source,
                                      const std::vector<domain::place>& places) override {
    return places_sql::replace(c(), j, source, places);
  }
  result<bool> insert_sla_alert(const domain::sla_alert& a) override { return sla_sql::insert(c(), a); }
  result<void> resolve_sla_alert(const std::string& jurisdiction_id, const std::string& id, timestamp at) override {
    return sla_sql::resolve(c(), jurisdiction_id, id, at);
  }
  result<void> upsert_conversation(const domain::conversation& v) override { return conversation_sql::upsert(c(), v); }
  result<void> delete_conversation(domain::channel source, const std::string& sender) override {
    return conversation_sql::remove(c(), source, sender);
  }
  result<void> insert_channel_message(const domain::channel_message_record& m) override {
    return conversation_sql::insert_message(c(), m);
  }
  result<void> insert_channel_contact(const domain::channel_contact& v) override {
    return conversation_sql::insert_contact(c(), v);
  }
  result<void> update_channel_contact(const domain::channel_contact& v) override {
    return conversation_sql::update_contact(c(), v);
  }
  result<void> insert_channel_status(const domain::channel_delivery_status& s) override {
    return conversation_sql::insert_status(c(), s);
  }
  result<void> insert_open311_request(const open311_record& r) override { return open311_sql::insert(c(), r); }
  result<void> insert_lapor_report(const lapor_record& r) override { return lapor_sql::insert(c(), r); }
  result<void> set_lapor_cursor(const std::string& j, const std::string& cursor, timestamp at) override {
    return lapor_sql::set_cursor(c(), j, cursor, at);
  }
  result<bool> claim_idempotency_key(const idempotency_record& r) override { return idempotency_sql::claim(c(), r); }
  result<std::int64_t> purge_idempotency_keys(timestamp cutoff) override { return idempotency_sql::purge(c(), cutoff); }
  result<contact_erasure> erase_reporter_contacts(const privacy_scope& s) override {
    return privacy_sql::erase_reporter_contacts(c(), s);
  }
  result<std::int64_t> erase_photos(const privacy_scope& s) override { return privacy_sql::erase_photos(c(), s); }
  result<std::int64_t> coarsen_locations(const privacy_scope& s) override {
    return privacy_sql::coarsen_locations(c(), s);
  }
  result<std::int64_t> erase_notification_payloads(const privacy_scope& s) override {
    return outbox_sql::erase_payloads(c(), s, domain::erased_notification_payload(s.at));
  }
  result<void> write_notification_payload(const std::string& j, const std::string& id,
                                          const std::string& payload_json) override {
    return outbox_sql::write_payload(c(), j, id, payload_json);
  }
  result<std::int64_t> erase_caller_numbers(const privacy_scope& s) override {
    return privacy_sql::erase_caller_numbers(c(), s);
  }
  result<void> write_erased_event(const domain::event& e) override { return privacy_sql::write_erased_event(c(), e); }
  result<std::int64_t> mask_phone_in_texts(const privacy_scope& s, const std::string& mask) override {
    return privacy_sql::mask_phone_in_texts(c(), s, mask);
  }
  result<std::int64_t> mask_numbers_in_texts(const privacy_scope& s, text_reach reach) override {
    return privacy_sql::mask_numbers_in_texts(c(), s, reach);
  }

  // Statistics (issue 10): both must run alone in their batch, since they rewrite what the
  // batch's other commands would flush.
  result<std::vector<rollup_check>> rebuild_rollups() override {
    if (rollups_.pending()) {
      return core::make_error(core::errc::conflict,
                              "rebuild_rollups must run alone, not after other writes in its batch");
    }
    SIAGA_TRY(checks, rollups_sql::rebuild(c()));
    SIAGA_TRY(call_checks, rebuild_call_rollups());
    for (auto& check : call_checks) checks.push_back(std::move(check));
    return checks;
  }
  result<std::vector<rollup_check>> rebuild_call_rollups() override { return call_rollups_sql::rebuild(c()); }
  result<void> replace_rollups(const std::string& jurisdiction_id, const rollup_rows& rows) override {
    if (rollups_.pending()) {
      return core::make_error(core::errc::conflict,
                              "replace_rollups must run alone, not after other writes in its batch");
    }
    return rollup_rows_sql::replace(c(), jurisdiction_id, rows);
  }

  result<std::int64_t> next_counter(const std::string& jurisdiction_id, const std::string& key) override {
    auto st = prepare_bound(c(),
                            "INSERT INTO counters (jurisdiction_id, key, value) VALUES ($1, $2, 1) "
                            "ON CONFLICT (jurisdiction_id, key) DO UPDATE SET value = counters.value + 1 "
                            "RETURNING value",
                            jurisdiction_id, key);
    if (!st) return st.error();
    auto row = st->step("counters");
    if (!row) return row.error();
    if (!*row) return failure("counters: upsert returned no row");
    return st->int64(0);
  }

  // As in the SQLite store, seq and prev_hash are read from the table, under the events lock
  // held to COMMIT: they stay right across savepoint rollbacks and across other writers, and
  // the hash covers seq, so seq is known before the row is inserted. The payload digest and
  // hash (version 2) are computed by model_sql::insert_new_event, shared by every store.
  // The lock goes in the same round trip as the read of seq and the chain's head (deferred),
  // and those two are one statement: two round trips for an event, the insert being the other.
  // Once this transaction holds the lock nobody else appends until COMMIT, so the next seq and
  // each jurisdiction's head are carried from one event to the next for the rest of the batch
  // (one round trip an event; undone with a command rolled back to its savepoint).
  result<domain::event> append_event(domain::event e) override {
    const std::string* head = nullptr;
    if (carry_) {
      auto it = carry_->heads.find(e.jurisdiction_id);
      if (it != carry_->heads.end()) head = &it->second;
    }
    if (head) {
      e.seq = carry_->next_seq;
      e.prev_hash = *head;
    } else {
      c().defer(lock_events);
      auto st = prepare_bound(c(),
                              "SELECT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events), "
                              "(SELECT hash FROM events WHERE jurisdiction_id = $1 ORDER BY seq DESC LIMIT 1)",
                              e.jurisdiction_id);
      if (!st) return st.error();
      auto row = st->step("events");
      if (!row) return row.error();
      if (!*row) return failure("events: the chain's head read returned no row");
      e.seq = st->int64(0);
      e.prev_hash = st->is_null(1) ? std::string() : st->text(1);
    }
    auto stored = model_sql::insert_new_event(c(), std::move(e));
    if (!stored) return stored.error();
    if (!carry_) carry_.emplace();
    carry_->next_seq = stored->seq + 1;
    carry_->heads[stored->jurisdiction_id] = stored->hash;
    appended_.push_back(*stored);
    return *stored;
  }

 private:
  connection& c() { return *conn_; }

  // The chain as this transaction left it: the next seq and each jurisdiction's newest hash.
  struct chain_carry {
    std::int64_t next_seq = 0;
    std::map<std::string, std::string> heads;
  };

  std::vector<domain::event> appended_;
  rollup_keeper rollups_;
  std::optional<chain_carry> carry_;          // set once this batch appended an event
  std::optional<chain_carry> command_start_;  // carry_ as the current command started
};

}  // namespace siaga::storage::postgres::detail
