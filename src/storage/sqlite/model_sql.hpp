// The SQL of the first tables (migration 1): jurisdictions, districts, agencies, categories,
// users, sessions, reports, incidents, dispatches and events; their row decoders and the
// reads and writes that sqlite_store.cpp's reader and writer forward to. Internal to
// storage/sqlite/.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <span>
#include <vector>

namespace siaga::storage::sqlite::model_sql {

// A jurisdiction's weekend days and holidays from their columns (JSON) into j; storage_failure
// when they cannot be read.
result<void> read_calendar(std::string_view weekend, std::string_view holidays, domain::jurisdiction& j);

// Reads (store_reader, storage/store.hpp), over any connection.
result<std::optional<domain::jurisdiction>> find_jurisdiction(connection& c, const std::string& id);
result<std::optional<domain::jurisdiction>> find_jurisdiction_by_code(connection& c, const std::string& code);
result<std::vector<domain::jurisdiction>> list_jurisdictions(connection& c);
result<std::vector<domain::district>> list_districts(connection& c, const std::string& jurisdiction_id);
result<std::optional<domain::district>> find_district(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id);
result<std::vector<domain::agency>> list_agencies(connection& c, const std::string& jurisdiction_id);
result<std::optional<domain::agency>> find_agency(connection& c, const std::string& jurisdiction_id,
                                                  const std::string& id);
// The jurisdiction's directory_versions value (0 without a row): see directory_store.hpp.
result<std::int64_t> directory_version(connection& c, const std::string& jurisdiction_id);
result<std::vector<domain::category>> list_categories(connection& c, const std::string& jurisdiction_id);
result<std::optional<domain::category>> find_category(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id);
result<std::vector<domain::user>> list_users(connection& c, const std::string& jurisdiction_id);
result<std::optional<domain::user>> find_user(connection& c, const std::string& id);
result<std::optional<domain::user>> find_user_by_username(connection& c, const std::string& username);
result<std::optional<domain::session>> find_session(connection& c, const std::string& token_hash);
result<std::optional<domain::report>> find_report(connection& c, const std::string& jurisdiction_id,
                                                  const std::string& id);
result<page<domain::report>> list_reports(connection& c, const report_filter& f);
result<std::vector<domain::report>> reports_of_incident(connection& c, const std::string& incident_id);
result<std::optional<domain::report>> find_report_by_tracking_code(connection& c, const std::string& code);
result<std::optional<domain::incident>> find_incident(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id);
result<page<domain::incident>> list_incidents(connection& c, const incident_filter& f);
result<std::optional<domain::dispatch>> find_dispatch(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& id);
result<std::vector<domain::dispatch>> dispatches_of_incident(connection& c, const std::string& incident_id);
result<page<domain::dispatch>> list_dispatches(connection& c, const dispatch_filter& f);
result<std::vector<domain::event>> events_of_incident(connection& c, const std::string& incident_id);
result<std::vector<domain::event>> events_after(connection& c, std::int64_t after_seq, int limit);
result<std::vector<domain::event>> events_of_jurisdiction(connection& c, const std::string& jurisdiction_id);
result<std::vector<domain::report>> reports_of_phone(connection& c, const std::string& jurisdiction_id,
                                                     const std::string& phone);
result<std::vector<domain::event>> latest_events_of_kind(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& kind, int limit);

// Writes (store_txn), on the writer's connection inside its transaction.
result<void> insert_jurisdiction(connection& c, const domain::jurisdiction& j);
// Writes the jurisdiction's name, time zone and calendar (its code and prefix never change);
// not_found for an unknown id.
result<void> update_jurisdiction(connection& c, const domain::jurisdiction& j);
result<void> insert_district(connection& c, const domain::district& d);
result<void> upsert_agency(connection& c, const domain::agency& a);
result<void> upsert_category(connection& c, const domain::category& category);
result<void> insert_user(connection& c, const domain::user& u);
result<void> update_user(connection& c, const domain::user& u);
result<void> insert_session(connection& c, const domain::session& s);
result<void> delete_session(connection& c, const std::string& token_hash);
result<std::int64_t> delete_sessions_of_user(connection& c, const std::string& user_id, const std::string& keep);
result<std::int64_t> delete_expired_sessions(connection& c, domain::timestamp now);
result<void> insert_security_event(connection& c, const domain::security_event& e);
result<std::vector<domain::security_event>> list_security_events(connection& c, const std::string& jurisdiction_id,
                                                                 int limit);
result<void> insert_report(connection& c, const domain::report& r);
result<void> update_report(connection& c, const domain::report& r);
result<void> insert_incident(connection& c, const domain::incident& i);
result<void> update_incident(connection& c, const domain::incident& i);
result<void> insert_dispatch(connection& c, const domain::dispatch& d);
result<void> update_dispatch(connection& c, const domain::dispatch& d);
// Inserts e, whose seq and prev_hash the caller's append_event has set, as a new version-2
// event (migration 18 of the SQLite store): not erased, its payload digest and hash computed by
// domain::compute_payload_digest and compute_event_hash. Returns the event as stored; a taken
// seq or id is a conflict.
result<domain::event> insert_new_event(connection& c, domain::event e);
// Makes e a new version-2 event as insert_new_event stores it: not erased, its payload digest
// and hash computed from its fields (seq and prev_hash set by the caller).
void seal_new_event(domain::event& e);
// Inserts events already sealed by seal_new_event, in order, with multi-row INSERTs; a taken
// seq or id is a conflict and nothing of the statement that met it is written.
result<void> insert_sealed_events(connection& c, std::span<const domain::event> events);

}  // namespace siaga::storage::sqlite::model_sql
