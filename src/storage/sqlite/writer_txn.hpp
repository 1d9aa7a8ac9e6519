// The per-thread readers (thread_reader) and the writer's transaction (writer_txn: every
// store_txn and bulk_writer method over the writer's connection, the chain carried within a
// command, the rollups' keeper). Internal to sqlite_store.cpp, the only file that includes it.
#pragma once

#include "storage/bulk_reads.hpp"
#include "storage/bulk_writes.hpp"
#include "storage/sqlite/checkpointer.hpp"
#include "storage/sqlite/read_ops.hpp"
#include "storage/sqlite/rollup_keeper.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <tuple>

namespace siaga::storage::sqlite::detail {

// ---------------------------------------------------------------------------------------
// Readers: one read-only connection per thread and store.

class thread_reader final : public read_ops<store_reader> {
 public:
  thread_reader(std::unique_ptr<connection> conn, outbox_sql::leases& leases, const caller_counts_behind& behind)
      : read_ops(conn.get(), std::nullopt, &leases), owned_(std::move(conn)) {
    owner_ = reader_thread::current();  // made by thread_readers::get on the thread it serves
    behind_ = &behind;
  }
  explicit thread_reader(core::error broken) : read_ops(nullptr, std::move(broken), nullptr) {}

  bool healthy() const { return conn_ != nullptr; }

 private:
  std::unique_ptr<connection> owned_;
};

// ---------------------------------------------------------------------------------------
// The writer's transaction.

class writer_txn final : public read_ops<store_txn>, public bulk_writer, public bulk_reader {
 public:
  // ckpt: the store's checkpointer, null when SQLite's auto-checkpoint runs in the writer.
  writer_txn(connection& conn, bool keep_rollups, outbox_sql::leases& leases, checkpointer* ckpt,
             caller_counts_behind& callers)
      : read_ops(&conn, std::nullopt, &leases), rollups_(conn, keep_rollups), checkpointer_(ckpt), callers_(callers) {
    behind_ = &callers;
    in_txn_ = true;
  }

  // Forgets the events of the previous command; called as each command starts.
  void begin_command() {
    appended_.clear();
    unwritten_from_ = 0;
    read_call_.reset();
    created_incidents_.clear();
    written_dispatches_.clear();
    incidents_of_written_reports_.clear();
    incidents_of_written_media_.clear();
  }

  rollup_keeper& rollups() { return rollups_; }
  caller_counts_behind& callers() { return callers_; }

  // Writes the events append_event sealed but kept back, with multi-row INSERTs; the store calls
  // it as each command ends (a failure is the command's), and the writer before anything reads
  // the event log. Fails as insert_sealed_events, with the chain forgotten.
  result<void> flush_events() {
    if (unwritten_from_ == appended_.size()) return {};
    auto w = q::insert_sealed_events(c(), std::span(appended_).subspan(unwritten_from_));
    unwritten_from_ = appended_.size();
    if (!w) forget_chain();
    return w;
  }

  // Moves the events appended by the current command to the end of out (after flush_events).
  void take_events(std::vector<domain::event>& out) {
    if (out.empty()) {
      out.swap(appended_);
    } else {
      std::move(appended_.begin(), appended_.end(), std::back_inserter(out));
    }
    appended_.clear();
    unwritten_from_ = 0;
  }

  // The directory's rows read in the writer's transaction, kept until it ends: incident
  // creation reads its jurisdiction, category, agencies, district and village in every command,
  // the same few rows for a whole batch (12 % of the writer's time with 64 clients). Nothing
  // but the writer writes while its transaction is open; its own writes of the directory
  // forget them, and so must the store whenever a transaction begins or a command's savepoint
  // is rolled back (forget_directory).
  void forget_directory() { directory_ = {}; }
  // What the writer carries from one command to the next within a transaction (the directory's
  // rows, the chain's seq and heads) forgotten: called by the store as each transaction begins
  // and whenever commands are rolled back.
  void forget_carried() {
    forget_directory();
    forget_chain();
  }
  result<std::optional<domain::jurisdiction>> find_jurisdiction(const std::string& id) override {
    return kept(directory_.jurisdictions, id, [&] { return read_ops::find_jurisdiction(id); });
  }
  result<std::optional<domain::district>> find_district(const std::string& j, const std::string& id) override {
    return kept(directory_.districts, {j, id}, [&] { return read_ops::find_district(j, id); });
  }
  result<std::optional<domain::village>> find_village(const std::string& j, const std::string& id) override {
    return kept(directory_.villages, {j, id}, [&] { return read_ops::find_village(j, id); });
  }
  result<std::optional<domain::agency>> find_agency(const std::string& j, const std::string& id) override {
    return kept(directory_.agencies, {j, id}, [&] { return read_ops::find_agency(j, id); });
  }
  result<std::optional<domain::category>> find_category(const std::string& j, const std::string& id) override {
    return kept(directory_.categories, {j, id}, [&] { return read_ops::find_category(j, id); });
  }

  result<void> insert_jurisdiction(const domain::jurisdiction& j) override {
    forget_directory();
    return model_sql::insert_jurisdiction(c(), j);
  }
  result<void> update_jurisdiction(const domain::jurisdiction& j) override {
    forget_directory();
    auto old = rollups_.enabled() ? model_sql::find_jurisdiction(c(), j.id) : std::nullopt;
    if (!old) return old.error();
    if (auto r = model_sql::update_jurisdiction(c(), j); !r) return r;
    rollups_.jurisdiction(*old, j);
    return {};
  }
  result<void> insert_district(const domain::district& d) override {
    forget_directory();
    return model_sql::insert_district(c(), d);
  }
  result<void> insert_village(const domain::village& v) override {
    forget_directory();
    return areas_sql::insert_village(c(), v);
  }
  result<void> set_district_boundary(const std::string& j, const std::string& id, const std::string& geojson,
                                     bool approximate) override {
    forget_directory();
    return areas_sql::set_district_boundary(c(), j, id, geojson, approximate);
  }
  result<void> set_village_boundary(const std::string& j, const std::string& id, const std::string& geojson,
                                    bool approximate) override {
    forget_directory();
    return areas_sql::set_village_boundary(c(), j, id, geojson, approximate);
  }
  result<void> upsert_agency(const domain::agency& a) override {
    forget_directory();
    return model_sql::upsert_agency(c(), a);
  }
  result<void> upsert_category(const domain::category& category) override {
    forget_directory();
    auto old = rollups_.enabled() ? model_sql::find_category(c(), category.jurisdiction_id, category.id)
                                  : std::nullopt;
    if (!old) return old.error();
    if (auto r = model_sql::upsert_category(c(), category); !r) return r;
    rollups_.category(*old, category);
    return {};
  }
  result<void> insert_user(const domain::user& u) override { return model_sql::insert_user(c(), u); }
  result<void> update_user(const domain::user& u) override { return model_sql::update_user(c(), u); }
  result<void> insert_session(const domain::session& s) override { return model_sql::insert_session(c(), s); }
  result<void> delete_session(const std::string& token_hash) override { return model_sql::delete_session(c(), token_hash); }
  result<std::int64_t> delete_sessions_of_user(const std::string& user_id, const std::string& keep) override {
    return model_sql::delete_sessions_of_user(c(), user_id, keep);
  }
  result<std::int64_t> delete_expired_sessions(domain::timestamp now) override {
    return model_sql::delete_expired_sessions(c(), now);
  }
  result<void> insert_security_event(const domain::security_event& e) override {
    return model_sql::insert_security_event(c(), e);
  }
  // Reports, incidents and dispatches tell the rollups what they were and what they are.
  result<void> insert_report(const domain::report& r) override {
    if (auto w = model_sql::insert_report(c(), r); !w) return w;
    if (r.incident_id) incidents_of_written_reports_.insert(*r.incident_id);
    return rollups_.report(std::nullopt, r);
  }
  result<void> update_report(const domain::report& r) override {
    auto old = rollups_.enabled() ? model_sql::find_report(c(), r.jurisdiction_id, r.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = model_sql::update_report(c(), r); !w) return w;
    if (r.incident_id) incidents_of_written_reports_.insert(*r.incident_id);
    return rollups_.report(*old, r);
  }
  // The reporters' contacts of an incident come through its reports: an incident the command
  // created has none unless the command wrote a report naming it (announcing each of a new
  // incident's events read them: 2.5 % of the writer's samples creating incidents).
  result<std::vector<domain::channel_contact>> channel_contacts_of_incident(const std::string& incident_id) override {
    if (created_incidents_.contains(incident_id) && !incidents_of_written_reports_.contains(incident_id)) {
      return std::vector<domain::channel_contact>{};
    }
    return read_ops::channel_contacts_of_incident(incident_id);
  }
  result<void> insert_incident(const domain::incident& i) override {
    if (auto w = model_sql::insert_incident(c(), i); !w) return w;
    created_incidents_.insert_or_assign(i.id, i);
    return rollups_.incident(std::nullopt, i);
  }
  // An incident the command created is the row it wrote last, as are its reports and photos:
  // none but those the command wrote naming it (creation's answer read all three back: 2.7 % of
  // the server's samples with 64 clients).
  result<std::optional<domain::incident>> find_incident(const std::string& jurisdiction_id,
                                                        const std::string& id) override {
    if (auto it = created_incidents_.find(id); it != created_incidents_.end()) {
      if (it->second.jurisdiction_id != jurisdiction_id) return std::nullopt;
      return it->second;
    }
    return read_ops::find_incident(jurisdiction_id, id);
  }
  result<std::vector<domain::report>> reports_of_incident(const std::string& incident_id) override {
    if (created_incidents_.contains(incident_id) && !incidents_of_written_reports_.contains(incident_id)) {
      return std::vector<domain::report>{};
    }
    return read_ops::reports_of_incident(incident_id);
  }
  result<std::vector<domain::media>> media_of_incident(const std::string& incident_id) override {
    if (created_incidents_.contains(incident_id) && !incidents_of_written_media_.contains(incident_id)) {
      return std::vector<domain::media>{};
    }
    return read_ops::media_of_incident(incident_id);
  }
  // An incident created by the current command has no event but those the command appended
  // (its id is new): creation's answer reads its timeline from them, not back from the table.
  result<std::vector<domain::event>> events_of_incident(const std::string& incident_id) override {
    if (!created_incidents_.contains(incident_id)) {
      SIAGA_CHECK(flush_events());
      return read_ops::events_of_incident(incident_id);
    }
    std::vector<domain::event> out;
    for (const auto& e : appended_) {
      if (e.incident_id == incident_id) out.push_back(e);
    }
    return out;
  }
  // flushed_reads: what reads the event log in the writer's transaction writes the rows
  // append_event kept back first.
  result<std::vector<domain::event>> events_after(std::int64_t after_seq, int limit) override {
    SIAGA_CHECK(flush_events());
    return read_ops::events_after(after_seq, limit);
  }
  result<std::vector<domain::event>> events_of_jurisdiction(const std::string& jurisdiction_id) override {
    SIAGA_CHECK(flush_events());
    return read_ops::events_of_jurisdiction(jurisdiction_id);
  }
  result<std::vector<domain::event>> latest_events_of_kind(const std::string& j, const std::string& kind,
                                                           int limit) override {
    SIAGA_CHECK(flush_events());
    return read_ops::latest_events_of_kind(j, kind, limit);
  }
  result<std::vector<domain::event>> erasable_events(const privacy_scope& scope, int limit) override {
    SIAGA_CHECK(flush_events());
    return read_ops::erasable_events(scope, limit);
  }
  result<std::vector<domain::event>> restatable_events(const privacy_scope& scope, int limit) override {
    SIAGA_CHECK(flush_events());
    return read_ops::restatable_events(scope, limit);
  }
  result<std::vector<domain::event>> restatements_after(std::int64_t after_seq, int limit) override {
    SIAGA_CHECK(flush_events());
    return read_ops::restatements_after(after_seq, limit);
  }
  result<std::vector<domain::event>> events_writing_numbers(const privacy_scope& scope, std::int64_t after_seq,
                                                          bool counted, int limit) override {
    SIAGA_CHECK(flush_events());
    return read_ops::events_writing_numbers(scope, after_seq, counted, limit);
  }
  result<void> update_incident(const domain::incident& i) override {
    auto created = created_incidents_.find(i.id);
    const bool kept = created != created_incidents_.end() && created->second.jurisdiction_id == i.jurisdiction_id;
    auto old = !rollups_.enabled() ? result<std::optional<domain::incident>>(std::nullopt)
               : kept              ? result<std::optional<domain::incident>>(created->second)
                                   : model_sql::find_incident(c(), i.jurisdiction_id, i.id);
    if (!old) return old.error();
    if (auto w = model_sql::update_incident(c(), i); !w) return w;
    if (kept) created->second = i;
    return rollups_.incident(*old, i);
  }
  result<void> insert_dispatch(const domain::dispatch& d) override {
    if (auto w = model_sql::insert_dispatch(c(), d); !w) return w;
    written_dispatches_.insert_or_assign(d.id, d);
    return rollups_.dispatch(std::nullopt, d);
  }
  result<void> update_dispatch(const domain::dispatch& d) override {
    auto old = rollups_.enabled() ? model_sql::find_dispatch(c(), d.jurisdiction_id, d.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = model_sql::update_dispatch(c(), d); !w) return w;
    written_dispatches_.insert_or_assign(d.id, d);
    return rollups_.dispatch(*old, d);
  }
  // Likewise its dispatches: any row naming it was written by the command (the rows as written,
  // every column of them), in the table's order (notified_at, then id).
  result<std::vector<domain::dispatch>> dispatches_of_incident(const std::string& incident_id) override {
    if (!created_incidents_.contains(incident_id)) return read_ops::dispatches_of_incident(incident_id);
    std::vector<domain::dispatch> out;
    for (const auto& [id, d] : written_dispatches_) {
      if (d.incident_id == incident_id) out.push_back(d);
    }
    std::sort(out.begin(), out.end(), [](const domain::dispatch& a, const domain::dispatch& b) {
      return std::tie(a.notified_at, a.id) < std::tie(b.notified_at, b.id);
    });
    return out;
  }

  result<std::int64_t> next_counter(const std::string& jurisdiction_id, const std::string& key) override {
    auto st = prepare_bound(c(),
                            "INSERT INTO counters (jurisdiction_id, key, value) VALUES (?, ?, 1) "
                            "ON CONFLICT (jurisdiction_id, key) DO UPDATE SET value = value + 1 RETURNING value",
                            jurisdiction_id, key);
    if (!st) return st.error();
    auto row = st->step("counters");
    if (!row) return row.error();
    if (!*row) return failure("counters: upsert returned no row");
    return st->int64(0);
  }

  // seq and prev_hash are read from the database under the write lock at a transaction's first
  // event, and carried forward to its next ones and its next commands (an import's command
  // appends millions; creation's batches hold dozens of commands, which read them each before):
  // only append_event adds events, and the transaction holds the lock. They are forgotten as
  // each transaction begins and whenever commands are rolled back (forget_carried), so they
  // stay right across savepoint rollbacks and across other programs (siaga seed, import)
  // writing the same file between batches. The seq is taken from
  // sqlite_sequence, the AUTOINCREMENT high-water mark, because the hash covers seq and so
  // must be computed before the row is inserted.
  //
  // The row itself waits in appended_ for flush_events: a command appends several (an incident's
  // creation, its dispatches), a batch of verdicts hundreds, and one multi-row INSERT at the
  // command's end costs less than a statement each (insert_new_event was 11 % of the server's
  // samples creating incidents). Whatever reads the event log in the writer's transaction
  // flushes first (flushed_reads below), so the kept-back rows are never missed.
  result<domain::event> append_event(domain::event e) override {
    auto head = chain_head(e.jurisdiction_id);
    if (!head) return head.error();
    e.seq = (*next_seq_)++;
    e.prev_hash = (*head)->second;
    q::seal_new_event(e);
    (*head)->second = e.hash;
    appended_.push_back(e);
    return e;
  }
  // The chain and the hashes are made in memory first, then the rows go in with multi-row
  // INSERTs; the seqs and hashes are those append_event would give one by one.
  result<void> append_events(std::vector<domain::event> events) override {
    if (auto w = flush_events(); !w) return w;
    for (auto& e : events) {
      auto head = chain_head(e.jurisdiction_id);
      if (!head) {
        forget_chain();
        return head.error();
      }
      e.seq = (*next_seq_)++;
      e.prev_hash = (*head)->second;
      q::seal_new_event(e);
      (*head)->second = e.hash;
    }
    if (auto w = q::insert_sealed_events(c(), events); !w) {
      forget_chain();
      return w.error();
    }
    if (appended_.empty()) {
      appended_ = std::move(events);
    } else {
      // Once, not by doubling: a bulk command's second append (an import batch's callback
      // events after its calls' events) would otherwise move tens of thousands of rows again
      // and again.
      appended_.reserve(appended_.size() + events.size());
      std::move(events.begin(), events.end(), std::back_inserter(appended_));
    }
    unwritten_from_ = appended_.size();
    return {};
  }

  result<std::vector<domain::stored_call_event>> find_call_events(const std::string& jurisdiction_id,
                                                                  const std::vector<std::string_view>& event_ids) override {
    return calls_sql::find_call_events(c(), jurisdiction_id, event_ids);
  }

  result<void> insert_notification(const domain::notification& n) override { return outbox_sql::insert(c(), n); }
  // The attempt is recorded: the row's lease ends with it (at once rather than at COMMIT,
  // which at worst lets the row be claimed a batch early: at least once either way).
  result<void> update_notification(const domain::notification& n) override {
    auto updated = outbox_sql::update(c(), n);
    if (updated) leases_->release(n.id);
    return updated;
  }
  result<bool> insert_sla_alert(const domain::sla_alert& a) override { return sla_sql::insert(c(), a); }
  result<void> resolve_sla_alert(const std::string& jurisdiction_id, const std::string& id, timestamp at) override {
    return sla_sql::resolve(c(), jurisdiction_id, id, at);
  }

  // Calls and callers (issue 5).
  // Calls tell the call rollups and their numbers' counters (caller_counts, always kept: the
  // prank policy and the caller's card read them) what they were and what they are.
  result<void> insert_call(const domain::call_record& r) override {
    if (auto w = calls_sql::insert_call(c(), r); !w) return w;
    if (auto w = callers_.call_written(c(), std::nullopt, r); !w) return w;
    return rollups_.call(std::nullopt, r);
  }
  // The command's own read of the call (find_call below) is the row as it is when nothing was
  // written since: a verdict reads its call and then updates it, and read it twice before.
  result<std::optional<domain::call_record>> find_call(const std::string& j, const std::string& id) override {
    auto found = calls_sql::find_call(c(), j, id);
    read_call_.reset();
    if (found && *found) read_call_ = read_call{**found, sqlite3_total_changes64(c().native())};
    return found;
  }
  result<void> update_call(const domain::call_record& r) override {
    auto old = call_as_read(r.jurisdiction_id, r.id);
    if (!old) return old.error();
    auto w = *old ? calls_sql::update_call_changes(c(), **old, r) : calls_sql::update_call(c(), r);
    if (!w) return w;
    if (auto w = callers_.call_written(c(), *old, r); !w) return w;
    return rollups_.call(*old, r);
  }
  result<void> insert_call_event(const domain::stored_call_event& e) override {
    return calls_sql::insert_call_event(c(), e);
  }
  result<void> insert_calls(const std::vector<domain::call_record>& calls) override {
    if (auto w = calls_sql::insert_calls(c(), calls); !w) return w;
    if (auto w = callers_.calls_inserted(c(), calls); !w) return w;
    for (const auto& r : calls) {
      if (auto w = rollups_.call(std::nullopt, r); !w) return w;
    }
    return {};
  }
  result<void> insert_call_events(const std::vector<domain::stored_call_event>& events) override {
    return calls_sql::insert_call_events(c(), events);
  }
  result<void> insert_callbacks(const std::vector<domain::callback_task>& tasks) override {
    return calls_sql::insert_callbacks(c(), tasks);
  }
  result<void> set_wal_autocheckpoint(std::optional<int> pages) override {
    if (checkpointer_) {
      // The PRAGMA would put SQLite's auto-checkpoint back in place of the checkpointer's hook.
      checkpointer_->set_passive_pages(pages);
      return {};
    }
    auto sql = "PRAGMA wal_autocheckpoint = " + std::to_string(pages.value_or(default_autocheckpoint_pages));
    return c().exec_script(sql, sql);
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
  result<void> insert_media(const domain::media& m, std::string_view bytes) override {
    if (auto w = media_sql::insert(c(), m, bytes); !w) return w;
    if (!m.incident_id.empty()) incidents_of_written_media_.insert(m.incident_id);
    return {};
  }
  result<void> update_media(const domain::media& m) override {
    if (auto w = media_sql::update(c(), m); !w) return w;
    if (!m.incident_id.empty()) incidents_of_written_media_.insert(m.incident_id);
    return {};
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
    if (auto w = flush_events(); !w) return w.error();
    // The erasure's SQL takes calls from the table's counters and drops rows left at zero:
    // what is held goes in first, and another process's holdings cannot.
    if (callers_.held_elsewhere()) {
      return core::make_error(core::errc::conflict,
                              "another writer of this database (siaga serve?) holds callers' counters in memory, so "
                              "numbers cannot be erased from them here: stop it first, or erase through it");
    }
    if (auto w = callers_.settle(c()); !w) return w.error();
    if (auto w = caller_counts_sql::erasing(c(), s); !w) return w.error();
    auto erased = privacy_sql::erase_caller_numbers(c(), s);
    if (!erased) return erased.error();
    if (auto w = caller_counts_sql::after_erasure(c(), s); !w) return w.error();
    return erased;
  }
  result<void> write_erased_event(const domain::event& e) override {
    SIAGA_CHECK(flush_events());
    return privacy_sql::write_erased_event(c(), e);
  }
  result<std::int64_t> mask_phone_in_texts(const privacy_scope& s, const std::string& mask) override {
    return privacy_sql::mask_phone_in_texts(c(), s, mask);
  }
  result<std::int64_t> mask_numbers_in_texts(const privacy_scope& s, text_reach reach) override {
    return privacy_sql::mask_numbers_in_texts(c(), s, reach);
  }
  result<void> insert_lapor_report(const lapor_record& r) override { return lapor_sql::insert(c(), r); }
  result<void> set_lapor_cursor(const std::string& j, const std::string& cursor, timestamp at) override {
    return lapor_sql::set_cursor(c(), j, cursor, at);
  }
  result<bool> claim_idempotency_key(const idempotency_record& r) override { return idempotency_sql::claim(c(), r); }
  result<std::int64_t> purge_idempotency_keys(timestamp cutoff) override {
    return idempotency_sql::purge(c(), cutoff);
  }
  result<std::int64_t> replace_places(const std::string& j, const std::string& source,
                                      const std::vector<domain::place>& places) override {
    return places_sql::replace(c(), j, source, places);
  }
  result<std::vector<rollup_check>> rebuild_rollups() override {
    if (rollups_.pending()) {
      return core::make_error(core::errc::conflict, "rebuild_rollups must run alone, not after other writes in its batch");
    }
    SIAGA_TRY(checks, rollups_sql::rebuild(c()));
    SIAGA_TRY(call_checks, rebuild_call_rollups());
    for (auto& check : call_checks) checks.push_back(std::move(check));
    return checks;
  }
  result<std::vector<rollup_check>> rebuild_call_rollups() override {
    SIAGA_TRY(checks, call_rollups_sql::rebuild(c()));
    if (callers_.held_elsewhere()) {
      return core::make_error(core::errc::conflict,
                              "another writer of this database (siaga serve?) holds callers' counters in memory, so "
                              "they cannot be compared with the calls: stop it first");
    }
    SIAGA_CHECK(callers_.settle(c()));  // the recount compares the table with the calls
    SIAGA_TRY(callers, caller_counts_sql::rebuild(c()));
    checks.push_back(std::move(callers));
    return checks;
  }
  result<void> replace_rollups(const std::string& jurisdiction_id, const rollup_rows& rows) override {
    if (rollups_.pending()) {
      return core::make_error(core::errc::conflict, "replace_rollups must run alone, not after other writes in its batch");
    }
    return rollup_rows_sql::replace(c(), jurisdiction_id, rows);
  }

 private:
  connection& c() { return *conn_; }

  // The chain's next seq and jurisdiction's head, read at a transaction's first event (see
  // append_event); returns the head's entry in heads_, with next_seq_ set.
  result<std::map<std::string, std::string, std::less<>>::iterator> chain_head(const std::string& jurisdiction_id) {
    if (!next_seq_) {
      auto st = c().prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
      if (!st) return st.error();
      auto row = st->step("events");
      if (!row) return row.error();
      next_seq_ = (*row ? st->int64(0) : 0) + 1;
    }
    auto head = heads_.find(jurisdiction_id);
    if (head != heads_.end()) return head;
    auto st = prepare_bound(c(), "SELECT hash FROM events WHERE jurisdiction_id = ? ORDER BY seq DESC LIMIT 1",
                            jurisdiction_id);
    if (!st) return st.error();
    auto row = st->step("events");
    if (!row) return row.error();
    return heads_.emplace(jurisdiction_id, *row ? st->text(0) : std::string()).first;
  }
  // The call find_call read last in this command when no row of the database changed since
  // (sqlite3_total_changes64 counts every row inserted, updated or deleted on the connection,
  // triggers' too; a rollback only happens between commands, and begin_command forgets it),
  // else the row read again. Taken once: the update that follows changes the row.
  result<std::optional<domain::call_record>> call_as_read(const std::string& j, const std::string& id) {
    if (read_call_ && read_call_->changes == sqlite3_total_changes64(c().native()) &&
        read_call_->row.id == id && read_call_->row.jurisdiction_id == j) {
      std::optional<domain::call_record> row = std::move(read_call_->row);
      read_call_.reset();
      return row;
    }
    read_call_.reset();
    return calls_sql::find_call(c(), j, id);
  }

  // A directory row from the transaction's cache, else read (found or not) and kept.
  template <class Row, class Key, class Read>
  result<std::optional<Row>> kept(std::map<Key, std::optional<Row>, std::less<>>& rows, Key key, Read read) {
    if (auto it = rows.find(key); it != rows.end()) return it->second;
    auto row = read();
    if (row) rows.emplace(std::move(key), *row);
    return row;
  }

  // After a failed write the carried chain may be ahead of the rows: read it again next time.
  void forget_chain() {
    next_seq_.reset();
    heads_.clear();
  }

  struct read_call {
    domain::call_record row;
    std::int64_t changes;  // sqlite3_total_changes64 when it was read
  };
  std::optional<read_call> read_call_;
  std::map<std::string, domain::incident, std::less<>> created_incidents_;  // by the current command, as written
  std::map<std::string, domain::dispatch, std::less<>> written_dispatches_;  // likewise, by id
  std::set<std::string, std::less<>> incidents_of_written_reports_;         // named by its reports
  std::set<std::string, std::less<>> incidents_of_written_media_;           // named by its photos
  using id_pair = std::pair<std::string, std::string>;  // jurisdiction, id
  struct directory_rows {
    std::map<std::string, std::optional<domain::jurisdiction>, std::less<>> jurisdictions;
    std::map<id_pair, std::optional<domain::district>, std::less<>> districts;
    std::map<id_pair, std::optional<domain::village>, std::less<>> villages;
    std::map<id_pair, std::optional<domain::agency>, std::less<>> agencies;
    std::map<id_pair, std::optional<domain::category>, std::less<>> categories;
  };
  directory_rows directory_;
  std::vector<domain::event> appended_;
  std::size_t unwritten_from_ = 0;  // appended_ from here on is not yet written (flush_events)
  // The chain within the current transaction (append_event): the next seq, each jurisdiction's head.
  std::optional<std::int64_t> next_seq_;
  std::map<std::string, std::string, std::less<>> heads_;
  rollup_keeper rollups_;
  checkpointer* checkpointer_;
  caller_counts_behind& callers_;
  static constexpr int default_autocheckpoint_pages = 1'000;  // SQLite's
};

}  // namespace siaga::storage::sqlite::detail
