// The methods of the store contract that the PostgreSQL store does not have yet (README.md
// lists the facets done and those left). Each fails with storage_failure naming the method,
// so that a caller that reaches one learns exactly what is missing instead of a wrong answer.
// As a facet is built its methods move from here to postgres_store.cpp.
#pragma once

#include "storage/store.hpp"

#include <string>
#include <string_view>

namespace siaga::storage::postgres {

inline core::error not_yet(std::string_view method) {
  return core::make_error(core::errc::storage_failure,
                          "the PostgreSQL store does not implement " + std::string(method) +
                              " yet (src/storage/postgres/README.md); use the SQLite store for this");
}

// Reads of the facets to come, over any store_reader base.
template <class Base>
class reads_to_come : public Base {
 public:
  // directory
  result<std::vector<domain::village>> list_villages(const std::string& jurisdiction_id,
                                                     const std::optional<std::string>& district_id) override {
    return not_yet("list_villages");
  }
  result<std::optional<domain::village>> find_village(const std::string& jurisdiction_id,
                                                      const std::string& id) override {
    return not_yet("find_village");
  }
  result<std::int64_t> area_version(const std::string& jurisdiction_id) override { return not_yet("area_version"); }
  // calls: the call rollups (with the statistics)
  result<std::vector<call_rollup_row>> call_rollup_counts(const call_rollup_range& range) override {
    return not_yet("call_rollup_counts");
  }
  result<std::vector<call_answer_row>> call_answer_histograms(const call_rollup_range& range) override {
    return not_yet("call_answer_histograms");
  }
  result<std::vector<call_period_row>> call_period_rollups(const call_rollup_range& range) override {
    return not_yet("call_period_rollups");
  }
  // media
  result<std::optional<domain::media>> find_media(const std::string& jurisdiction_id, const std::string& id) override {
    return not_yet("find_media");
  }
  result<std::vector<domain::media>> media_of_incident(const std::string& incident_id) override {
    return not_yet("media_of_incident");
  }
  result<std::vector<domain::media>> media_of_report(const std::string& report_id) override {
    return not_yet("media_of_report");
  }
  result<std::optional<std::string>> media_bytes(const std::string& jurisdiction_id, const std::string& id) override {
    return not_yet("media_bytes");
  }
  // places
  result<std::vector<domain::place>> search_places(const std::string& jurisdiction_id, const std::string& folded_query,
                                                   int limit) override {
    return not_yet("search_places");
  }
  result<std::vector<std::pair<std::string, std::int64_t>>> place_sources(const std::string& jurisdiction_id) override {
    return not_yet("place_sources");
  }
  // sla
  result<page<domain::sla_alert>> list_sla_alerts(const sla_alert_filter& filter) override {
    return not_yet("list_sla_alerts");
  }
  result<std::vector<sla_alert_count>> count_sla_alerts(const std::string& jurisdiction_id, timestamp from,
                                                        timestamp to, int offset_minutes) override {
    return not_yet("count_sla_alerts");
  }
  // conversation
  result<std::optional<domain::conversation>> find_conversation(domain::channel source,
                                                                const std::string& sender) override {
    return not_yet("find_conversation");
  }
  result<std::optional<domain::channel_message_record>> find_channel_message(domain::channel source,
                                                                             const std::string& message_id) override {
    return not_yet("find_channel_message");
  }
  result<std::vector<domain::channel_contact>> channel_contacts_of_incident(const std::string& incident_id) override {
    return not_yet("channel_contacts_of_incident");
  }
  result<std::optional<domain::channel_contact>> find_channel_contact(const std::string& report_id) override {
    return not_yet("find_channel_contact");
  }
  result<std::int64_t> count_new_reports_from(const std::string& jurisdiction_id, const std::string& phone,
                                              domain::channel source, const std::string& address) override {
    return not_yet("count_new_reports_from");
  }
  result<std::vector<domain::channel_delivery_status>> channel_statuses(domain::channel source,
                                                                        const std::string& message_id) override {
    return not_yet("channel_statuses");
  }
  // open311
  result<std::optional<open311_record>> find_open311_request(const std::string& report_id) override {
    return not_yet("find_open311_request");
  }
  // privacy
  result<std::vector<domain::report>> reports_of_phone(const std::string& jurisdiction_id,
                                                       const std::string& phone) override {
    return not_yet("reports_of_phone");
  }
  result<std::vector<domain::event>> erasable_events(const privacy_scope& scope, int limit) override {
    return not_yet("erasable_events");
  }
  result<std::vector<domain::notification>> notifications_holding(const privacy_scope& scope, int limit) override {
    return not_yet("notifications_holding");
  }
  result<std::vector<domain::event>> latest_events_of_kind(const std::string& jurisdiction_id,
                                                           const std::string& kind, int limit) override {
    return not_yet("latest_events_of_kind");
  }
  // lapor
  result<std::optional<lapor_record>> find_lapor_report(const std::string& jurisdiction_id,
                                                        const std::string& lapor_id) override {
    return not_yet("find_lapor_report");
  }
  result<std::optional<lapor_record>> find_lapor_report_of(const std::string& report_id) override {
    return not_yet("find_lapor_report_of");
  }
  result<std::optional<std::string>> lapor_cursor(const std::string& jurisdiction_id) override {
    return not_yet("lapor_cursor");
  }
};

// Writes of the facets to come, over any store_txn base.
template <class Base>
class writes_to_come : public Base {
 public:
  // directory
  result<void> insert_village(const domain::village& v) override { return not_yet("insert_village"); }
  result<void> set_district_boundary(const std::string& jurisdiction_id, const std::string& id,
                                     const std::string& geojson, bool approximate) override {
    return not_yet("set_district_boundary");
  }
  result<void> set_village_boundary(const std::string& jurisdiction_id, const std::string& id,
                                    const std::string& geojson, bool approximate) override {
    return not_yet("set_village_boundary");
  }
  // media
  result<void> insert_media(const domain::media& m, std::string_view bytes) override { return not_yet("insert_media"); }
  result<void> update_media(const domain::media& m) override { return not_yet("update_media"); }
  // places
  result<std::int64_t> replace_places(const std::string& jurisdiction_id, const std::string& source,
                                      const std::vector<domain::place>& places) override {
    return not_yet("replace_places");
  }
  // sla
  result<bool> insert_sla_alert(const domain::sla_alert& a) override { return not_yet("insert_sla_alert"); }
  result<void> resolve_sla_alert(const std::string& jurisdiction_id, const std::string& id, timestamp at) override {
    return not_yet("resolve_sla_alert");
  }
  // stats: the call rollups
  result<std::vector<rollup_check>> rebuild_call_rollups() override { return not_yet("rebuild_call_rollups"); }
  // conversation
  result<void> upsert_conversation(const domain::conversation& c) override { return not_yet("upsert_conversation"); }
  result<void> delete_conversation(domain::channel source, const std::string& sender) override {
    return not_yet("delete_conversation");
  }
  result<void> insert_channel_message(const domain::channel_message_record& m) override {
    return not_yet("insert_channel_message");
  }
  result<void> insert_channel_contact(const domain::channel_contact& c) override {
    return not_yet("insert_channel_contact");
  }
  result<void> update_channel_contact(const domain::channel_contact& c) override {
    return not_yet("update_channel_contact");
  }
  result<void> insert_channel_status(const domain::channel_delivery_status& s) override {
    return not_yet("insert_channel_status");
  }
  // open311
  result<void> insert_open311_request(const open311_record& r) override { return not_yet("insert_open311_request"); }
  // privacy
  result<contact_erasure> erase_reporter_contacts(const privacy_scope& scope) override {
    return not_yet("erase_reporter_contacts");
  }
  result<std::int64_t> erase_photos(const privacy_scope& scope) override { return not_yet("erase_photos"); }
  result<std::int64_t> coarsen_locations(const privacy_scope& scope) override { return not_yet("coarsen_locations"); }
  result<std::int64_t> erase_notification_payloads(const privacy_scope& scope) override {
    return not_yet("erase_notification_payloads");
  }
  result<void> write_notification_payload(const std::string& jurisdiction_id, const std::string& id,
                                          const std::string& payload_json) override {
    return not_yet("write_notification_payload");
  }
  result<std::int64_t> erase_caller_numbers(const privacy_scope& scope) override {
    return not_yet("erase_caller_numbers");
  }
  result<void> write_erased_event(const domain::event& e) override { return not_yet("write_erased_event"); }
  // lapor
  result<void> insert_lapor_report(const lapor_record& r) override { return not_yet("insert_lapor_report"); }
  result<void> set_lapor_cursor(const std::string& jurisdiction_id, const std::string& cursor,
                                timestamp at) override {
    return not_yet("set_lapor_cursor");
  }
};

}  // namespace siaga::storage::postgres
