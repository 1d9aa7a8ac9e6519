#include "storage/postgres/postgres_store.hpp"

#include "domain/lifecycle.hpp"
#include "domain/notification.hpp"
#include "storage/group_writer.hpp"
#include "storage/postgres/areas_sql.hpp"
#include "storage/postgres/call_rollups_sql.hpp"
#include "storage/postgres/calls_sql.hpp"
#include "storage/postgres/connection.hpp"
#include "storage/postgres/conversation_sql.hpp"
#include "storage/postgres/event_feed.hpp"
#include "storage/postgres/idempotency_sql.hpp"
#include "storage/postgres/lapor_sql.hpp"
#include "storage/postgres/media_sql.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/postgres/model_sql.hpp"
#include "storage/postgres/open311_sql.hpp"
#include "storage/postgres/outbox_sql.hpp"
#include "storage/postgres/places_sql.hpp"
#include "storage/postgres/privacy_sql.hpp"
#include "storage/postgres/query.hpp"
#include "storage/postgres/rollup_keeper.hpp"
#include "storage/postgres/rollup_rows_sql.hpp"
#include "storage/postgres/rollups_sql.hpp"
#include "storage/postgres/sla_sql.hpp"
#include "storage/postgres/stats_sql.hpp"
#include "storage/thread_readers.hpp"

#include <chrono>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace siaga::storage::postgres {
namespace {

namespace q = model_sql;

// The store_reader methods of the facets done, over one connection, shared by the per-thread
// readers and the writer's transaction. A reader whose connection could not be opened answers
// every call with that error, since reader() itself cannot fail; a reader whose connection was
// lost reconnects on its next call.
template <class Base>
class read_ops : public Base {
 public:
  result<std::optional<domain::jurisdiction>> find_jurisdiction(const std::string& id) override {
    return use([&](connection& c) { return q::find_jurisdiction(c, id); });
  }
  result<std::optional<domain::jurisdiction>> find_jurisdiction_by_code(const std::string& code) override {
    return use([&](connection& c) { return q::find_jurisdiction_by_code(c, code); });
  }
  result<std::vector<domain::jurisdiction>> list_jurisdictions() override {
    return use([&](connection& c) { return q::list_jurisdictions(c); });
  }
  result<std::vector<domain::district>> list_districts(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::list_districts(c, jurisdiction_id); });
  }
  result<std::optional<domain::district>> find_district(const std::string& jurisdiction_id,
                                                        const std::string& id) override {
    return use([&](connection& c) { return q::find_district(c, jurisdiction_id, id); });
  }
  result<std::vector<domain::agency>> list_agencies(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::list_agencies(c, jurisdiction_id); });
  }
  result<std::optional<domain::agency>> find_agency(const std::string& jurisdiction_id,
                                                    const std::string& id) override {
    return use([&](connection& c) { return q::find_agency(c, jurisdiction_id, id); });
  }
  result<std::int64_t> directory_version(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::directory_version(c, jurisdiction_id); });
  }
  result<std::vector<domain::category>> list_categories(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::list_categories(c, jurisdiction_id); });
  }
  result<std::optional<domain::category>> find_category(const std::string& jurisdiction_id,
                                                        const std::string& id) override {
    return use([&](connection& c) { return q::find_category(c, jurisdiction_id, id); });
  }
  result<std::vector<domain::user>> list_users(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::list_users(c, jurisdiction_id); });
  }
  result<std::optional<domain::user>> find_user(const std::string& id) override {
    return use([&](connection& c) { return q::find_user(c, id); });
  }
  result<std::optional<domain::user>> find_user_by_username(const std::string& username) override {
    return use([&](connection& c) { return q::find_user_by_username(c, username); });
  }
  result<std::optional<domain::session>> find_session(const std::string& token_hash) override {
    return use([&](connection& c) { return q::find_session(c, token_hash); });
  }
  result<std::vector<domain::security_event>> list_security_events(const std::string& j, int limit) override {
    return use([&](connection& c) { return q::list_security_events(c, j, limit); });
  }
  result<std::optional<domain::report>> find_report(const std::string& jurisdiction_id,
                                                    const std::string& id) override {
    return use([&](connection& c) { return q::find_report(c, jurisdiction_id, id); });
  }
  result<std::optional<domain::report>> find_report_by_tracking_code(const std::string& code) override {
    return use([&](connection& c) { return q::find_report_by_tracking_code(c, code); });
  }
  result<page<domain::report>> list_reports(const report_filter& filter) override {
    return use([&](connection& c) { return q::list_reports(c, filter); });
  }
  result<std::vector<domain::report>> reports_of_incident(const std::string& incident_id) override {
    return use([&](connection& c) { return q::reports_of_incident(c, incident_id); });
  }
  result<std::optional<domain::incident>> find_incident(const std::string& jurisdiction_id,
                                                        const std::string& id) override {
    return use([&](connection& c) { return q::find_incident(c, jurisdiction_id, id); });
  }
  result<page<domain::incident>> list_incidents(const incident_filter& filter) override {
    return use([&](connection& c) { return q::list_incidents(c, filter); });
  }
  result<std::optional<domain::dispatch>> find_dispatch(const std::string& jurisdiction_id,
                                                        const std::string& id) override {
    return use([&](connection& c) { return q::find_dispatch(c, jurisdiction_id, id); });
  }
  result<std::vector<domain::dispatch>> dispatches_of_incident(const std::string& incident_id) override {
    return use([&](connection& c) { return q::dispatches_of_incident(c, incident_id); });
  }
  result<page<domain::dispatch>> list_dispatches(const dispatch_filter& filter) override {
    return use([&](connection& c) { return q::list_dispatches(c, filter); });
  }
  result<std::vector<domain::event>> events_of_incident(const std::string& incident_id) override {
    return use([&](connection& c) { return q::events_of_incident(c, incident_id); });
  }
  result<std::vector<domain::event>> events_after(std::int64_t after_seq, int limit) override {
    return use([&](connection& c) { return q::events_after(c, after_seq, limit); });
  }
  result<std::vector<domain::event>> events_of_jurisdiction(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::events_of_jurisdiction(c, jurisdiction_id); });
  }
  // Calls and callers (issue 5): the SQL is in calls_sql.cpp (shared: ../calls_sql.ipp); the call
  // rollups' reads come with the statistics facet.
  result<std::optional<domain::call_record>> find_call(const std::string& j, const std::string& id) override {
    return use([&](connection& c) { return calls_sql::find_call(c, j, id); });
  }
  result<std::optional<domain::call_record>> find_call_by_external(const std::string& j,
                                                                   const std::string& external_id) override {
    return use([&](connection& c) { return calls_sql::find_call_by_external(c, j, external_id); });
  }
  result<page<domain::call_record>> list_calls(const call_filter& f) override {
    return use([&](connection& c) { return calls_sql::list_calls(c, f); });
  }
  result<std::vector<domain::call_event>> call_events_of(const std::string& call_record_id) override {
    return use([&](connection& c) { return calls_sql::call_events_of(c, call_record_id); });
  }
  result<std::optional<domain::stored_call_event>> find_call_event(const std::string& j,
                                                                   const std::string& event_id) override {
    return use([&](connection& c) { return calls_sql::find_call_event(c, j, event_id); });
  }
  result<std::vector<domain::call_record>> calls_of_caller(const std::string& j, const std::string& number,
                                                           timestamp since) override {
    return use([&](connection& c) { return calls_sql::calls_of_caller(c, j, number, since); });
  }
  result<std::optional<domain::call_record>> latest_call_of(const std::string& j, const std::string& number,
                                                            timestamp at) override {
    return use([&](connection& c) { return calls_sql::latest_call_of(c, j, number, at); });
  }
  result<domain::caller_history> caller_history_of(const std::string& j, const std::string& number) override {
    return use([&](connection& c) { return calls_sql::caller_history_of(c, j, number); });
  }
  result<std::optional<domain::caller_record>> find_caller(const std::string& j, const std::string& number) override {
    return use([&](connection& c) { return calls_sql::find_caller(c, j, number); });
  }
  result<std::vector<timestamp>> strike_times(const std::string& j, const std::string& number,
                                              timestamp since) override {
    return use([&](connection& c) { return calls_sql::strike_times(c, j, number, since); });
  }
  result<std::optional<domain::caller_policy>> find_caller_policy(const std::string& j) override {
    return use([&](connection& c) { return calls_sql::find_caller_policy(c, j); });
  }
  result<std::optional<domain::callback_task>> find_callback(const std::string& j, const std::string& id) override {
    return use([&](connection& c) { return calls_sql::find_callback(c, j, id); });
  }
  result<std::optional<domain::callback_task>> find_callback_of_call(const std::string& j,
                                                                     const std::string& call_id) override {
    return use([&](connection& c) { return calls_sql::find_callback_of_call(c, j, call_id); });
  }
  result<page<domain::callback_task>> list_callbacks(const callback_filter& f) override {
    return use([&](connection& c) { return calls_sql::list_callbacks(c, f); });
  }
  result<page<domain::location_record>> list_location_records(const location_filter& f) override {
    return use([&](connection& c) { return calls_sql::list_location_records(c, f); });
  }
  result<std::vector<call_stat_row>> calls_between(const std::string& j, timestamp from, timestamp to) override {
    return use([&](connection& c) { return calls_sql::calls_between(c, j, from, to); });
  }
  result<std::optional<domain::api_key>> find_api_key_by_hash(const std::string& key_hash) override {
    return use([&](connection& c) { return calls_sql::find_api_key_by_hash(c, key_hash); });
  }
  result<std::vector<domain::api_key>> list_api_keys(const std::string& j) override {
    return use([&](connection& c) { return calls_sql::list_api_keys(c, j); });
  }
  result<std::optional<domain::api_key>> find_api_key(const std::string& j, const std::string& id) override {
    return use([&](connection& c) { return calls_sql::find_api_key(c, j, id); });
  }
  result<std::optional<domain::notification>> find_notification(const std::string& jurisdiction_id,
                                                                const std::string& id) override {
    return use([&](connection& c) { return outbox_sql::find(c, jurisdiction_id, id); });
  }
  result<page<domain::notification>> list_notifications(const notification_filter& filter) override {
    return use([&](connection& c) { return outbox_sql::list(c, filter); });
  }
  // A claim retried after a lost connection may lease rows twice over: the first claim's
  // rows then wait for their lease to end, and are still delivered (at least once).
  result<std::vector<domain::notification>> due_notifications(timestamp now, int limit) override {
    return use([&](connection& c) { return outbox_sql::claim_due(c, now, limit, now + lease_); });
  }
  result<std::optional<timestamp>> next_notification_due() override {
    return use([&](connection& c) { return outbox_sql::next_due(c); });
  }
  result<void> release_notification(const std::string& id) override {
    return use([&](connection& c) { return outbox_sql::release(c, id); });
  }
  // Villages and boundaries (areas_sql.cpp, shared: ../areas_sql.ipp).
  result<std::vector<domain::village>> list_villages(const std::string& jurisdiction_id,
                                                     const std::optional<std::string>& district_id) override {
    return use([&](connection& c) { return areas_sql::list_villages(c, jurisdiction_id, district_id); });
  }
  result<std::optional<domain::village>> find_village(const std::string& jurisdiction_id,
                                                      const std::string& id) override {
    return use([&](connection& c) { return areas_sql::find_village(c, jurisdiction_id, id); });
  }
  result<std::int64_t> area_version(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return areas_sql::area_version(c, jurisdiction_id); });
  }
  // Media (media_sql.cpp, shared: ../media_sql.ipp).
  result<std::optional<domain::media>> find_media(const std::string& j, const std::string& id) override {
    return use([&](connection& c) { return media_sql::find(c, j, id); });
  }
  result<std::vector<domain::media>> media_of_incident(const std::string& incident_id) override {
    return use([&](connection& c) { return media_sql::of_incident(c, incident_id); });
  }
  result<std::vector<domain::media>> media_of_report(const std::string& report_id) override {
    return use([&](connection& c) { return media_sql::of_report(c, report_id); });
  }
  result<std::optional<std::string>> media_bytes(const std::string& j, const std::string& id) override {
    return use([&](connection& c) { return media_sql::bytes(c, j, id); });
  }
  // Places (places_sql.cpp, shared: ../places_sql.ipp).
  result<std::vector<domain::place>> search_places(const std::string& j, const std::string& q, int limit) override {
    return use([&](connection& c) { return places_sql::search(c, j, q, limit); });
  }
  result<std::vector<std::pair<std::string, std::int64_t>>> place_sources(const std::string& j) override {
    return use([&](connection& c) { return places_sql::sources(c, j); });
  }
  // SLA alerts (sla_sql.cpp, shared: ../sla_sql.ipp).
  result<page<domain::sla_alert>> list_sla_alerts(const sla_alert_filter& filter) override {
    return use([&](connection& c) { return sla_sql::list(c, filter); });
  }
  result<std::vector<sla_alert_count>> count_sla_alerts(const std::string& jurisdiction_id, timestamp from,
                                                        timestamp to, int offset_minutes) override {
    return use([&](connection& c) { return sla_sql::count(c, jurisdiction_id, from, to, offset_minutes); });
  }
  // Messaging channels (conversation_sql.cpp, shared: ../conversation_sql.ipp).
  result<std::optional<domain::conversation>> find_conversation(domain::channel source,
                                                                const std::string& sender) override {
    return use([&](connection& c) { return conversation_sql::find(c, source, sender); });
  }
  result<std::optional<domain::channel_message_record>> find_channel_message(domain::channel source,
                                                                             const std::string& id) override {
    return use([&](connection& c) { return conversation_sql::find_message(c, source, id); });
  }
  result<std::vector<domain::channel_contact>> channel_contacts_of_incident(const std::string& incident_id) override {
    return use([&](connection& c) { return conversation_sql::contacts_of_incident(c, incident_id); });
  }
  result<std::optional<domain::channel_contact>> find_channel_contact(const std::string& report_id) override {
    return use([&](connection& c) { return conversation_sql::find_contact(c, report_id); });
  }
  result<std::int64_t> count_new_reports_from(const std::string& j, const std::string& phone, domain::channel source,
                                              const std::string& address) override {
    return use([&](connection& c) { return conversation_sql::count_new_reports_from(c, j, phone, source, address); });
  }
  result<std::vector<domain::channel_delivery_status>> channel_statuses(domain::channel source,
                                                                        const std::string& id) override {
    return use([&](connection& c) { return conversation_sql::statuses(c, source, id); });
  }
  // Open311 and SP4N-LAPOR! (open311_sql.cpp, lapor_sql.cpp, shared: ../open311_sql.ipp, ../lapor_sql.ipp).
  result<std::optional<open311_record>> find_open311_request(const std::string& report_id) override {
    return use([&](connection& c) { return open311_sql::find(c, report_id); });
  }
  result<std::optional<lapor_record>> find_lapor_report(const std::string& j, const std::string& lapor_id) override {
    return use([&](connection& c) { return lapor_sql::find(c, j, lapor_id); });
  }
  result<std::optional<lapor_record>> find_lapor_report_of(const std::string& report_id) override {
    return use([&](connection& c) { return lapor_sql::find_of(c, report_id); });
  }
  result<std::optional<std::string>> lapor_cursor(const std::string& j) override {
    return use([&](connection& c) { return lapor_sql::cursor(c, j); });
  }
  // Idempotency-Keys of creating requests (idempotency_sql.cpp, shared: ../idempotency_sql.ipp).
  result<std::optional<idempotency_record>> find_idempotency_key(const std::string& j, const std::string& kind,
                                                                 const std::string& key) override {
    return use([&](connection& c) { return idempotency_sql::find(c, j, kind, key); });
  }

  // Personal data (privacy_sql.cpp, shared: ../privacy_sql.ipp; the outbox's part in outbox_sql).
  result<std::vector<domain::report>> reports_of_phone(const std::string& j, const std::string& phone) override {
    return use([&](connection& c) { return q::reports_of_phone(c, j, phone); });
  }
  result<std::vector<domain::event>> erasable_events(const privacy_scope& scope, int limit) override {
    return use([&](connection& c) { return privacy_sql::erasable_events(c, scope, limit); });
  }
  result<std::vector<domain::event>> restatable_events(const privacy_scope& scope, int limit) override {
    return use([&](connection& c) { return privacy_sql::restatable_events(c, scope, limit); });
  }
  result<std::vector<domain::event>> restatements_after(std::int64_t after_seq, int limit) override {
    return use([&](connection& c) { return privacy_sql::restatements_after(c, after_seq, limit); });
  }
  result<std::vector<text_field>> texts_holding_phone(const privacy_scope& scope) override {
    return use([&](connection& c) { return privacy_sql::texts_holding_phone(c, scope); });
  }
  result<std::vector<domain::event>> events_writing_numbers(const privacy_scope& scope, std::int64_t after_seq,
                                                          bool counted, int limit) override {
    return use([&](connection& c) { return privacy_sql::events_writing_numbers(c, scope, after_seq, counted, limit); });
  }
  result<std::vector<domain::notification>> notifications_holding(const privacy_scope& scope, int limit) override {
    return use([&](connection& c) { return outbox_sql::holding(c, scope, limit); });
  }
  result<std::vector<domain::notification>> notifications_writing_numbers(const privacy_scope& scope,
                                                                          const outbox_position& after,
                                                                          int limit) override {
    return use([&](connection& c) { return outbox_sql::writing_numbers(c, scope, after, limit); });
  }
  result<std::vector<domain::event>> latest_events_of_kind(const std::string& j, const std::string& kind,
                                                           int limit) override {
    return use([&](connection& c) { return q::latest_events_of_kind(c, j, kind, limit); });
  }
  // Statistics (issue 10): the SQL is in stats_sql.cpp (shared: ../stats_sql.ipp) and
  // rollup_rows_sql.cpp (shared: ../rollup_rows_sql.ipp).
  result<std::vector<stats_count_row>> count_incidents(const stats_count_query& q) override {
    return use([&](connection& c) { return stats_sql::count(c, "incidents", q); });
  }
  result<std::vector<stats_count_row>> count_reports(const stats_count_query& q) override {
    return use([&](connection& c) { return stats_sql::count(c, "reports", q); });
  }
  result<std::vector<dispatch_time_row>> dispatch_times(const stats_count_query& q) override {
    return use([&](connection& c) { return stats_sql::dispatch_times(c, q); });
  }
  result<dispatch_rollup> dispatch_rollups(const stats_count_query& q) override {
    return use([&](connection& c) { return stats_sql::dispatch_rollups(c, q); });
  }
  result<rollup_rows> kept_rollups(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return rollup_rows_sql::read(c, jurisdiction_id); });
  }
  result<record_counts> count_records(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return rollup_rows_sql::count_records(c, jurisdiction_id); });
  }
  // The call rollups (call_rollups_sql.cpp, shared: ../call_rollups_flush.ipp).
  result<std::vector<call_rollup_row>> call_rollup_counts(const call_rollup_range& r) override {
    return use([&](connection& c) { return call_rollups_sql::counts(c, r); });
  }
  result<std::vector<call_answer_row>> call_answer_histograms(const call_rollup_range& r) override {
    return use([&](connection& c) { return call_rollups_sql::answer_histograms(c, r); });
  }
  result<std::vector<call_period_row>> call_period_rollups(const call_rollup_range& r) override {
    return use([&](connection& c) { return call_rollups_sql::period_rows(c, r); });
  }

 protected:
  read_ops(connection* conn, std::optional<core::error> broken, std::chrono::microseconds lease)
      : conn_(conn), broken_(std::move(broken)), lease_(lease) {}

  template <class F>
  auto use(F&& f) -> decltype(f(std::declval<connection&>())) {
    if (!conn_) return *broken_;
    if (!owner_.allows_caller()) return reader_thread::foreign_use();
    // Outside a transaction (a reader) a lost connection is made again and the read, which
    // changes nothing, tried once more; inside one (the writer) the transaction is lost with
    // it, which the batch reports.
    if (conn_->in_transaction()) return f(*conn_);
    if (!conn_->healthy()) {
      if (auto r = conn_->reset(); !r) return r.error();
    }
    auto first = f(*conn_);
    if (first || conn_->healthy()) return first;
    if (auto r = conn_->reset(); !r) return r.error();
    return f(*conn_);
  }

  connection* conn_;
  std::optional<core::error> broken_;
  std::chrono::microseconds lease_;  // of the outbox rows claimed (postgres_options::outbox_lease)
  reader_thread owner_;              // a thread_reader's thread; none for the writer's transaction
};

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
  result<std::int64_t> purge_idempotency_keys(timestamp cutoff) override {
    return idempotency_sql::purge(c(), cutoff);
  }
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
      return core::make_error(core::errc::conflict, "rebuild_rollups must run alone, not after other writes in its batch");
    }
    SIAGA_TRY(checks, rollups_sql::rebuild(c()));
    SIAGA_TRY(call_checks, rebuild_call_rollups());
    for (auto& check : call_checks) checks.push_back(std::move(check));
    return checks;
  }
  result<std::vector<rollup_check>> rebuild_call_rollups() override { return call_rollups_sql::rebuild(c()); }
  result<void> replace_rollups(const std::string& jurisdiction_id, const rollup_rows& rows) override {
    if (rollups_.pending()) {
      return core::make_error(core::errc::conflict, "replace_rollups must run alone, not after other writes in its batch");
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
        group_(options_.max_batch, options_.max_batch_weight, [this](std::vector<queued_command>& batch, const cut_check&) { return run_batch(batch); }) {
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
        return core::make_error(core::errc::unavailable,
                                made.error().message + "; no writable server within " +
                                    std::to_string(options_.failover_wait.count()) + " s, try again shortly");
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
