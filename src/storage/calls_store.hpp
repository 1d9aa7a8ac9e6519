// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// Calls, callers, callbacks, location records and api keys (issue 5), with their filters.
// A new query of the area touches this header, the area's sqlite/<area>_sql.cpp and the
// forwarding in sqlite/sqlite_store.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "domain/call_records.hpp"
#include "domain/millis_histogram.hpp"
#include "storage/store_types.hpp"

namespace siaga::storage {

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
  keyset_paging walk;  // exports: keyset pages without a total
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
  std::optional<std::string> number;  // the sender's number (a data subject's export, issue 12)
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

// The call rollups (issue 10, storage/call_rollup_deltas.hpp) of a range of one grain: grain 0
// rows are local hours, from and to local hour numbers (hours since 1970-01-01 local); grain 1
// rows are months, from and to the local day numbers of months' first days. [from, to).
struct call_rollup_range {
  std::string jurisdiction_id;
  int grain = 0;
  std::int64_t from = 0, to = 0;
};

// A row of the call counts: day is the local day number (grain 1: of the month's first day),
// hour the local hour (-1 in month rows); outcome and classification "" for none.
struct call_rollup_row {
  std::int64_t day = 0;
  int hour = 0;
  std::string agent, line, outcome, classification;
  std::int64_t n = 0, follow_ups = 0, within_10 = 0, within_15 = 0, within_20 = 0;
};

// The answer times of the answered calls of one row (migration 15): a local hour (grain 0) or
// month (grain 1, hour -1) × answering agent × line, how many calls were answered (answered_at
// set, ended or not) and their histogram.
struct call_answer_row {
  std::int64_t day = 0;
  int hour = 0;
  std::string agent, line;
  std::int64_t n = 0;
  domain::millis_histogram hist;
};

// The figures of one call_stats bucket as the call period rollups keep them (migration 13),
// in this order: calls, answered, abandoned, missed, live (not ended), the classifications
// (valid, prank, ghost, information, misdirected, test), unclassified (answered, no class),
// follow-ups, answered within 10, 15 and 20 s.
inline constexpr std::array<std::string_view, 16> call_period_columns{
    "n",     "answered", "abandoned",    "missed",     "live",      "valid",     "prank",     "ghost",
    "information", "misdirected", "test", "unclassified", "follow_ups", "within_10", "within_15", "within_20"};
using call_period_figures = std::array<std::int64_t, call_period_columns.size()>;

// A row of the call period rollups: a local hour (grain 0; day and hour) or a local day
// (grain 1; hour -1) of a jurisdiction's calls, without agent and line, so that a year by day
// or by hour reads one row a group. hist: the answer times of its answered calls (migration 15;
// before it, every exact millisecond).
struct call_period_row {
  std::int64_t day = 0;
  int hour = 0;
  call_period_figures figures{};
  domain::millis_histogram hist;
};

// Reads (see store_reader for the rules every read follows).
class calls_reader {
 public:
  virtual ~calls_reader() = default;

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
  // How many calls the number has, counting at most at_most (a read of at most that many entries
  // of the number's index, however long its history): whether a number's calls are all among a
  // few known ones, without its counters' row, which lies on a page of its own.
  virtual result<std::int64_t> count_calls_of_caller(const std::string& jurisdiction_id, const std::string& number,
                                                     std::int64_t at_most) = 0;
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
  // The call rollups: call_rollup_counts and call_answer_histograms read the rows of a range
  // (rows whose counts added up to zero left out); storage_failure for a histogram that does not
  // decode (siaga stats rebuild recounts it).
  virtual result<std::vector<call_rollup_row>> call_rollup_counts(const call_rollup_range& range) = 0;
  virtual result<std::vector<call_answer_row>> call_answer_histograms(const call_rollup_range& range) = 0;
  // The call period rollups of a range (call_rollup_range: grain 0 in local hour numbers, grain 1
  // in local day numbers), by day and hour, rows of no calls left out.
  virtual result<std::vector<call_period_row>> call_period_rollups(const call_rollup_range& range) = 0;
  virtual result<std::optional<domain::api_key>> find_api_key_by_hash(const std::string& key_hash) = 0;
  virtual result<std::vector<domain::api_key>> list_api_keys(const std::string& jurisdiction_id) = 0;
  virtual result<std::optional<domain::api_key>> find_api_key(const std::string& jurisdiction_id,
                                                              const std::string& id) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class calls_writer {
 public:
  virtual ~calls_writer() = default;

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
};

}  // namespace siaga::storage
