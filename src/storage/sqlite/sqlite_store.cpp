#include "storage/sqlite/sqlite_store.hpp"

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
#include "storage/sqlite/caller_counts_sql.hpp"
#include "storage/sqlite/rollup_keeper.hpp"
#include "storage/sqlite/rollup_rows_sql.hpp"
#include "storage/sqlite/rollups_sql.hpp"
#include "storage/sqlite/stats_sql.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/model_sql.hpp"
#include "storage/sqlite/outbox_sql.hpp"
#include "storage/sqlite/sla_sql.hpp"
#include "storage/sqlite/query.hpp"
#include "storage/bulk_writes.hpp"
#include "storage/group_writer.hpp"
#include "storage/thread_readers.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <map>
#include <mutex>
#include <utility>
#include <variant>

namespace siaga::storage::sqlite {
namespace {

// The SQL of the first tables lives in model_sql.cpp, calls in calls_sql.cpp, the outbox in
// outbox_sql.cpp, media in media_sql.cpp, places in places_sql.cpp; this file holds the readers, the writer and the store.
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
    return f(*conn_);
  }

  connection* conn_;
  std::optional<core::error> broken_;
  outbox_sql::leases* leases_;  // the store's, shared by its readers and its writer
};

// ---------------------------------------------------------------------------------------
// Readers: one read-only connection per thread and store.

class thread_reader final : public read_ops<store_reader> {
 public:
  thread_reader(std::unique_ptr<connection> conn, outbox_sql::leases& leases)
      : read_ops(conn.get(), std::nullopt, &leases), owned_(std::move(conn)) {}
  explicit thread_reader(core::error broken) : read_ops(nullptr, std::move(broken), nullptr) {}

  bool healthy() const { return conn_ != nullptr; }

 private:
  std::unique_ptr<connection> owned_;
};

// ---------------------------------------------------------------------------------------
// The writer's transaction.

class writer_txn final : public read_ops<store_txn>, public bulk_writer {
 public:
  writer_txn(connection& conn, bool keep_rollups, outbox_sql::leases& leases)
      : read_ops(&conn, std::nullopt, &leases), rollups_(conn, keep_rollups) {}

  // Forgets the events of the previous command; called as each command starts.
  void begin_command() {
    appended_.clear();
    next_seq_.reset();
    heads_.clear();
  }

  rollup_keeper& rollups() { return rollups_; }

  // Moves the events appended by the current command to the end of out.
  void take_events(std::vector<domain::event>& out) {
    std::move(appended_.begin(), appended_.end(), std::back_inserter(out));
    appended_.clear();
  }

  result<void> insert_jurisdiction(const domain::jurisdiction& j) override { return model_sql::insert_jurisdiction(c(), j); }
  result<void> update_jurisdiction(const domain::jurisdiction& j) override {
    auto old = rollups_.enabled() ? model_sql::find_jurisdiction(c(), j.id) : std::nullopt;
    if (!old) return old.error();
    if (auto r = model_sql::update_jurisdiction(c(), j); !r) return r;
    rollups_.jurisdiction(*old, j);
    return {};
  }
  result<void> insert_district(const domain::district& d) override { return model_sql::insert_district(c(), d); }
  result<void> insert_village(const domain::village& v) override { return areas_sql::insert_village(c(), v); }
  result<void> set_district_boundary(const std::string& j, const std::string& id, const std::string& geojson,
                                     bool approximate) override {
    return areas_sql::set_district_boundary(c(), j, id, geojson, approximate);
  }
  result<void> set_village_boundary(const std::string& j, const std::string& id, const std::string& geojson,
                                    bool approximate) override {
    return areas_sql::set_village_boundary(c(), j, id, geojson, approximate);
  }
  result<void> upsert_agency(const domain::agency& a) override { return model_sql::upsert_agency(c(), a); }
  result<void> upsert_category(const domain::category& category) override {
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
    return rollups_.report(std::nullopt, r);
  }
  result<void> update_report(const domain::report& r) override {
    auto old = rollups_.enabled() ? model_sql::find_report(c(), r.jurisdiction_id, r.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = model_sql::update_report(c(), r); !w) return w;
    return rollups_.report(*old, r);
  }
  result<void> insert_incident(const domain::incident& i) override {
    if (auto w = model_sql::insert_incident(c(), i); !w) return w;
    return rollups_.incident(std::nullopt, i);
  }
  result<void> update_incident(const domain::incident& i) override {
    auto old = rollups_.enabled() ? model_sql::find_incident(c(), i.jurisdiction_id, i.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = model_sql::update_incident(c(), i); !w) return w;
    return rollups_.incident(*old, i);
  }
  result<void> insert_dispatch(const domain::dispatch& d) override {
    if (auto w = model_sql::insert_dispatch(c(), d); !w) return w;
    return rollups_.dispatch(std::nullopt, d);
  }
  result<void> update_dispatch(const domain::dispatch& d) override {
    auto old = rollups_.enabled() ? model_sql::find_dispatch(c(), d.jurisdiction_id, d.id) : std::nullopt;
    if (!old) return old.error();
    if (auto w = model_sql::update_dispatch(c(), d); !w) return w;
    return rollups_.dispatch(*old, d);
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

  // seq and prev_hash are read from the database under the write lock at a command's first
  // event, and carried forward to its next ones (an import's command appends millions): only
  // append_event adds events, and the command holds the lock. They are forgotten as each
  // command starts, so they stay right across savepoint rollbacks and across other programs
  // (siaga seed, import) writing the same file between batches. The seq is taken from
  // sqlite_sequence, the AUTOINCREMENT high-water mark, because the hash covers seq and so
  // must be computed before the row is inserted.
  result<domain::event> append_event(domain::event e) override {
    auto head = chain_head(e.jurisdiction_id);
    if (!head) return head.error();
    e.seq = *next_seq_;
    e.prev_hash = (*head)->second;
    auto stored = q::insert_new_event(c(), std::move(e));
    if (!stored) {
      forget_chain();
      return stored.error();
    }
    next_seq_ = stored->seq + 1;
    (*head)->second = stored->hash;
    appended_.push_back(*stored);
    return *stored;
  }
  // The chain and the hashes are made in memory first, then the rows go in with multi-row
  // INSERTs; the seqs and hashes are those append_event would give one by one.
  result<std::vector<domain::event>> append_events(std::vector<domain::event> events) override {
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
    appended_.insert(appended_.end(), events.begin(), events.end());
    return events;
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
    if (auto w = caller_counts_sql::call_written(c(), std::nullopt, r); !w) return w;
    return rollups_.call(std::nullopt, r);
  }
  result<void> update_call(const domain::call_record& r) override {
    auto old = calls_sql::find_call(c(), r.jurisdiction_id, r.id);
    if (!old) return old.error();
    if (auto w = calls_sql::update_call(c(), r); !w) return w;
    if (auto w = caller_counts_sql::call_written(c(), *old, r); !w) return w;
    return rollups_.call(*old, r);
  }
  result<void> insert_call_event(const domain::stored_call_event& e) override {
    return calls_sql::insert_call_event(c(), e);
  }
  result<void> insert_calls(const std::vector<domain::call_record>& calls) override {
    if (auto w = calls_sql::insert_calls(c(), calls); !w) return w;
    if (auto w = caller_counts_sql::calls_inserted(c(), calls); !w) return w;
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
  result<void> set_wal_autocheckpoint(int pages) override {
    auto sql = "PRAGMA wal_autocheckpoint = " + std::to_string(pages);
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
    return media_sql::insert(c(), m, bytes);
  }
  result<void> update_media(const domain::media& m) override { return media_sql::update(c(), m); }
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
    if (auto w = caller_counts_sql::erasing(c(), s); !w) return w.error();
    auto erased = privacy_sql::erase_caller_numbers(c(), s);
    if (!erased) return erased.error();
    if (auto w = caller_counts_sql::after_erasure(c(), s); !w) return w.error();
    return erased;
  }
  result<void> write_erased_event(const domain::event& e) override { return privacy_sql::write_erased_event(c(), e); }
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

  // The chain's next seq and jurisdiction's head, read at a command's first event (see
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
  // After a failed write the carried chain may be ahead of the rows: read it again next time.
  void forget_chain() {
    next_seq_.reset();
    heads_.clear();
  }

  std::vector<domain::event> appended_;
  // The chain within the current command (append_event): the next seq, each jurisdiction's head.
  std::optional<std::int64_t> next_seq_;
  std::map<std::string, std::string, std::less<>> heads_;
  rollup_keeper rollups_;
};

// ---------------------------------------------------------------------------------------
// The store.

result<void> set_pragma(connection& conn, const std::string& sql) { return conn.exec_script(sql, sql); }

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

class store_impl final : public sqlite_store {
 public:
  store_impl(sqlite_options options, std::unique_ptr<connection> writer, tuning applied)
      : options_(std::move(options)),
        applied_(applied),
        leases_(options_.outbox_lease),
        writer_(std::move(writer)),
        txn_(*writer_, options_.keep_rollups, leases_),
        group_(
            options_.max_batch, [this](std::vector<queued_command>& batch) { return run_batch(batch); },
            [this] { optimize(); }) {}

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
    return sqlite::migrate(**conn);
  }

  store_reader& reader() override {
    return readers_.get([this] { return open_reader(); });
  }

  void submit(write_command command, std::function<void(result<void>)> done) override {
    group_.submit(std::move(command), std::move(done));
  }

  void set_commit_listener(commit_listener listener) override { group_.set_commit_listener(std::move(listener)); }

  // Must not be called from the writer thread (a done callback or the commit listener),
  // which it would wait for. Readers stay open until the store is destroyed, since other
  // threads may be using theirs.
  void close() override {
    std::lock_guard closing(close_mutex_);
    group_.stop();
    writer_.reset();
  }

  write_stats stats() const override { return {group_.batches(), group_.commands()}; }

  tuning applied_tuning() const override { return applied_; }

 private:
  std::shared_ptr<thread_reader> open_reader() {
    auto conn = connection::open(options_.path, true);
    if (!conn) return std::make_shared<thread_reader>(conn.error());
    if (auto r = set_pragma(**conn, "PRAGMA busy_timeout = 5000"); !r) {
      return std::make_shared<thread_reader>(r.error());
    }
    if (auto r = apply_tuning(**conn, options_); !r) return std::make_shared<thread_reader>(r.error());
    return std::make_shared<thread_reader>(std::move(*conn), leases_);
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
  batch_outcome run_batch(std::vector<queued_command>& batch) {
    if (batch.size() > 1) {
      if (auto out = run_at_once(batch)) return std::move(*out);
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
  // run more than once, store.hpp).
  std::optional<batch_outcome> run_at_once(std::vector<queued_command>& batch) {
    if (!writer_->run("BEGIN IMMEDIATE")) return std::nullopt;
    batch_outcome out;
    out.outcomes.reserve(batch.size());
    for (auto& queued : batch) {
      txn_.begin_command();
      auto outcome = group_writer::invoke(queued.command, txn_);
      if (!outcome || writer_->autocommit()) {
        if (!writer_->autocommit()) (void)writer_->run("ROLLBACK");
        txn_.begin_command();
        txn_.rollups().batch_lost();
        return std::nullopt;
      }
      txn_.take_events(out.published);
      txn_.rollups().command_succeeded();
      out.outcomes.push_back(std::move(outcome));
    }
    commit(out);
    return out;
  }

  // Ends a batch's transaction: the rollups' changes go in last, so that they are exactly
  // those of the commands kept, then COMMIT; when either fails, every command of the batch
  // fails with that error.
  void commit(batch_outcome& out) {
    auto committed = txn_.rollups().flush();
    if (committed) committed = writer_->run("COMMIT");
    if (committed) {
      out.committed = true;
      return;
    }
    if (!writer_->autocommit()) (void)writer_->run("ROLLBACK");
    for (auto& o : out.outcomes) o = failure(committed.error().message);
  }

  batch_outcome run_with_savepoints(std::vector<queued_command>& batch) {
    batch_outcome out;
    auto& outcomes = out.outcomes;
    outcomes.reserve(batch.size());
    auto& published = out.published;

    auto begun = writer_->run("BEGIN IMMEDIATE");
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
        first_in_txn = i + 1;
        begun = writer_->run("BEGIN IMMEDIATE");
      }
    }
    if (begun) {
      commit(out);
    } else {
      txn_.rollups().batch_lost();
    }
    return out;
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
    result<void> outcome = group_writer::invoke(command, txn_);
    if (outcome) {
      auto released = alone ? result<void>{} : writer_->run("RELEASE command");
      if (released) {
        txn_.take_events(published);
        txn_.rollups().command_succeeded();
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
    txn_.rollups().command_failed();
    return outcome;
  }

  const sqlite_options options_;
  const tuning applied_;
  outbox_sql::leases leases_;  // before the readers and the writer, which use it
  std::unique_ptr<connection> writer_;  // closed by close(), once the writer thread is done
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
  if (options.max_batch < 1) return core::invalid("sqlite max_batch must be at least 1");
  if (options.outbox_lease <= std::chrono::seconds(0)) return core::invalid("sqlite outbox_lease must be positive");
  if (options.cache_mib < 1 || options.mmap_mib < 0) {
    return core::invalid("sqlite cache_mib must be at least 1 and mmap_mib at least 0");
  }
  auto conn = connection::open(options.path, false);
  if (!conn) return conn.error();
  auto& c = **conn;
  if (auto r = set_pragma(c, "PRAGMA busy_timeout = 5000"); !r) return r.error();
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
  return std::unique_ptr<sqlite_store>(std::make_unique<store_impl>(options, std::move(*conn), *applied));
}

}  // namespace siaga::storage::sqlite

namespace siaga::storage {

result<std::unique_ptr<store>> open_sqlite(const sqlite_options& options) {
  auto s = sqlite::open(options);
  if (!s) return s.error();
  return std::unique_ptr<store>(std::move(*s));
}

}  // namespace siaga::storage
