// The SQL of calls, callers, callbacks, location records and api keys (migration 3), kept apart
// from sqlite_store.cpp, which forwards its store_reader / store_txn methods here.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::storage::sqlite::calls_sql {

// The store contract's call methods (storage/store.hpp) over one connection.
result<std::optional<domain::call_record>> find_call(connection& c, const std::string& jurisdiction_id,
                                                     const std::string& id);
result<std::optional<domain::call_record>> find_call_by_external(connection& c, const std::string& jurisdiction_id,
                                                                 const std::string& external_id);
result<page<domain::call_record>> list_calls(connection& c, const call_filter& f);
result<std::vector<domain::call_event>> call_events_of(connection& c, const std::string& call_record_id);
result<std::optional<domain::stored_call_event>> find_call_event(connection& c, const std::string& jurisdiction_id,
                                                                 const std::string& event_id);
// The call events of the jurisdiction among event_ids (each at most once, in no order): an IN
// list of up to max_rows_per_insert ids per statement, then powers of two, so that the cache
// holds at most eight shapes.
result<std::vector<domain::stored_call_event>> find_call_events(connection& c, const std::string& jurisdiction_id,
                                                                const std::vector<std::string_view>& event_ids);
result<std::vector<domain::call_record>> calls_of_caller(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& number, timestamp since);
result<std::int64_t> count_calls_of_caller(connection& c, const std::string& jurisdiction_id, const std::string& number,
                                           std::int64_t at_most);
result<std::optional<domain::call_record>> latest_call_of(connection& c, const std::string& jurisdiction_id,
                                                          const std::string& number, timestamp at);
result<domain::caller_history> caller_history_of(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& number);
result<std::optional<domain::caller_record>> find_caller(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& number);
result<std::vector<timestamp>> strike_times(connection& c, const std::string& jurisdiction_id,
                                            const std::string& number, timestamp since);
result<std::optional<domain::caller_policy>> find_caller_policy(connection& c, const std::string& jurisdiction_id);
result<std::optional<domain::callback_task>> find_callback(connection& c, const std::string& jurisdiction_id,
                                                           const std::string& id);
result<std::optional<domain::callback_task>> find_callback_of_call(connection& c, const std::string& jurisdiction_id,
                                                                   const std::string& call_id);
result<page<domain::callback_task>> list_callbacks(connection& c, const callback_filter& f);
result<page<domain::location_record>> list_location_records(connection& c, const location_filter& f);
result<std::vector<call_stat_row>> calls_between(connection& c, const std::string& jurisdiction_id, timestamp from,
                                                 timestamp to);
result<std::optional<domain::api_key>> find_api_key_by_hash(connection& c, const std::string& key_hash);
result<std::vector<domain::api_key>> list_api_keys(connection& c, const std::string& jurisdiction_id);
result<std::optional<domain::api_key>> find_api_key(connection& c, const std::string& jurisdiction_id,
                                                    const std::string& id);

result<void> insert_call(connection& c, const domain::call_record& r);
result<void> update_call(connection& c, const domain::call_record& r);
// As update_call for a row that holds old (read in the same transaction): sets only the columns
// whose values differ, so that only the indexes over those columns are rewritten (an UPDATE
// setting every column rewrites every index of calls: six of them); nothing when none differs.
// One statement shape per set of columns changed, cached like any other.
result<void> update_call_changes(connection& c, const domain::call_record& old, const domain::call_record& r);
result<void> insert_call_event(connection& c, const domain::stored_call_event& e);
// Multi-row forms of insert_call and insert_call_event: the same rows, fewer statements.
result<void> insert_calls(connection& c, const std::vector<domain::call_record>& calls);
result<void> insert_call_events(connection& c, const std::vector<domain::stored_call_event>& events);
result<void> insert_callbacks(connection& c, const std::vector<domain::callback_task>& tasks);
result<void> upsert_caller(connection& c, const domain::caller_record& r);
result<void> upsert_caller_policy(connection& c, const std::string& jurisdiction_id, const domain::caller_policy& p);
result<void> insert_callback(connection& c, const domain::callback_task& t);
result<void> update_callback(connection& c, const domain::callback_task& t);
result<void> insert_location_record(connection& c, const domain::location_record& r);
result<void> insert_api_key(connection& c, const domain::api_key& k);
result<void> update_api_key(connection& c, const domain::api_key& k);

}  // namespace siaga::storage::sqlite::calls_sql
