// The store_reader methods over one SQLite connection (read_ops), shared by the per-thread
// readers and the writer's transaction (writer_txn.hpp). Internal to sqlite_store.cpp, the only
// file that includes it; split from it along the seam src/storage/README.md names.
#pragma once

#include "domain/lifecycle.hpp"
#include "domain/notification.hpp"
#include "storage/sqlite/areas_sql.hpp"
#include "storage/sqlite/calls_sql.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/media_sql.hpp"
#include "storage/sqlite/conversation_sql.hpp"
#include "storage/sqlite/idempotency_sql.hpp"
#include "storage/sqlite/lapor_sql.hpp"
#include "storage/sqlite/open311_sql.hpp"
#include "storage/sqlite/privacy_sql.hpp"
#include "storage/sqlite/places_sql.hpp"
#include "storage/sqlite/call_rollups_sql.hpp"
#include "storage/sqlite/caller_counts_behind.hpp"
#include "storage/sqlite/caller_counts_sql.hpp"
#include "storage/sqlite/rollup_rows_sql.hpp"
#include "storage/sqlite/rollups_sql.hpp"
#include "storage/sqlite/stats_sql.hpp"
#include "storage/sqlite/model_sql.hpp"
#include "storage/sqlite/outbox_sql.hpp"
#include "storage/sqlite/sla_sql.hpp"
#include "storage/sqlite/query.hpp"
#include "storage/thread_readers.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <map>
#include <mutex>
#include <utility>
#include <variant>

namespace siaga::storage::sqlite::detail {

// The SQL of the first tables lives in model_sql.cpp, calls in calls_sql.cpp, the outbox in
// outbox_sql.cpp, media in media_sql.cpp, places in places_sql.cpp; read_ops forwards to them.
namespace q = model_sql;

// The store_reader methods over one connection, shared by the per-thread readers and the
// writer's transaction. A reader whose connection could not be opened answers every call
// with that error, since reader() itself cannot fail.
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
  result<std::int64_t> directory_version(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::directory_version(c, jurisdiction_id); });
  }
  result<std::vector<domain::agency>> list_agencies(const std::string& jurisdiction_id) override {
    return use([&](connection& c) { return q::list_agencies(c, jurisdiction_id); });
  }
  result<std::optional<domain::agency>> find_agency(const std::string& jurisdiction_id,
                                                    const std::string& id) override {
    return use([&](connection& c) { return q::find_agency(c, jurisdiction_id, id); });
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
  result<std::optional<domain::notification>> find_notification(const std::string& jurisdiction_id,
                                                                const std::string& id) override {
    return use([&](connection& c) { return outbox_sql::find(c, jurisdiction_id, id); });
  }
  result<page<domain::notification>> list_notifications(const notification_filter& filter) override {
    return use([&](connection& c) { return outbox_sql::list(c, filter); });
  }
  result<std::vector<domain::notification>> due_notifications(timestamp now, int limit) override {
    return use([&](connection& c) { return leases_->claim_due(c, now, limit); });
  }
  result<std::optional<timestamp>> next_notification_due() override {
    return use([&](connection& c) { return outbox_sql::next_due(c); });
  }
  result<void> release_notification(const std::string& id) override {
    return use([&](connection&) -> result<void> {
      leases_->release(id);
      return {};
    });
  }
  result<page<domain::sla_alert>> list_sla_alerts(const sla_alert_filter& filter) override {
    return use([&](connection& c) { return sla_sql::list(c, filter); });
  }
  result<std::vector<sla_alert_count>> count_sla_alerts(const std::string& jurisdiction_id, timestamp from,
                                                        timestamp to, int offset_minutes) override {
    return use([&](connection& c) { return sla_sql::count(c, jurisdiction_id, from, to, offset_minutes); });
  }

  // Calls and callers (issue 5): the SQL is in calls_sql.cpp.
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
  result<std::int64_t> count_calls_of_caller(const std::string& j, const std::string& number,
                                             std::int64_t at_most) override {
    return use([&](connection& c) { return calls_sql::count_calls_of_caller(c, j, number, at_most); });
  }
  result<std::optional<domain::call_record>> latest_call_of(const std::string& j, const std::string& number,
                                                            timestamp at) override {
    return use([&](connection& c) { return calls_sql::latest_call_of(c, j, number, at); });
  }
  result<domain::caller_history> caller_history_of(const std::string& j, const std::string& number) override {
    // The table's row plus the counters the writer holds (caller_counts_behind.hpp).
    return use([&](connection& c) { return behind_->history(c, j, number, in_txn_); });
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
  result<std::vector<call_rollup_row>> call_rollup_counts(const call_rollup_range& r) override {
    return use([&](connection& c) { return call_rollups_sql::counts(c, r); });
  }
  result<std::vector<call_answer_row>> call_answer_histograms(const call_rollup_range& r) override {
    return use([&](connection& c) { return call_rollups_sql::answer_histograms(c, r); });
  }
  result<std::vector<call_period_row>> call_period_rollups(const call_rollup_range& r) override {
    return use([&](connection& c) { return call_rollups_sql::period_rows(c, r); });
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
  // Media (issue 4).
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
  // Messaging channels (issue 11).
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
  // Open311 (issue 11).
  result<std::optional<open311_record>> find_open311_request(const std::string& report_id) override {
    return use([&](connection& c) { return open311_sql::find(c, report_id); });
  }
  // Personal data (issue 12).
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
  // SP4N-LAPOR! (issue 11).
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
  // Places (issue 16).
  result<std::vector<domain::place>> search_places(const std::string& j, const std::string& q, int limit) override {
    return use([&](connection& c) { return places_sql::search(c, j, q, limit); });
  }
  result<std::vector<std::pair<std::string, std::int64_t>>> place_sources(const std::string& j) override {
    return use([&](connection& c) { return places_sql::sources(c, j); });
  }
  // Statistics (issue 10).
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

 protected:
  read_ops(connection* conn, std::optional<core::error> broken, outbox_sql::leases* leases)
      : conn_(conn), broken_(std::move(broken)), leases_(leases) {}

  template <class F>
  auto use(F&& f) -> decltype(f(std::declval<connection&>())) {
    if (!conn_) return *broken_;
    if (!owner_.allows_caller()) return reader_thread::foreign_use();
    return f(*conn_);
  }

  connection* conn_;
  std::optional<core::error> broken_;
  outbox_sql::leases* leases_;  // the store's, shared by its readers and its writer
  const caller_counts_behind* behind_ = nullptr;  // the store's; set by both subclasses
  bool in_txn_ = false;                           // the writer's transaction (it sees its own counters)
  reader_thread owner_;         // a thread_reader's thread; none for the writer's transaction
};

}  // namespace siaga::storage::sqlite::detail
