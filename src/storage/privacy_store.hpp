// A store facet, one feature area's narrow interface (storage/store.hpp composes them):
// personal data by design (issue 12, UU PDP): finding what is held about a phone number and
// erasing it, by a data subject's request or after the retention period.
// A new query of the area touches this header, sqlite/privacy_sql.cpp and the forwarding in
// sqlite/sqlite_store.cpp.
#pragma once

#include "domain/model.hpp"
#include "storage/store_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga::storage {

// Which rows an erasure reaches: one jurisdiction's rows from before `before`, and when phone
// is set only those of that number (E.164, as stored).
struct privacy_scope {
  std::string jurisdiction_id;
  std::optional<std::string> phone;
  timestamp before{};
};

// Reads (see store_reader for the rules every read follows).
class privacy_reader {
 public:
  virtual ~privacy_reader() = default;

  // The reports whose reporter number is phone, oldest first.
  virtual result<std::vector<domain::report>> reports_of_phone(const std::string& jurisdiction_id,
                                                               const std::string& phone) = 0;
  // Version-2 events (migration 18) not yet erased, from before scope.before, in seq order, at
  // most limit: with scope.phone those whose payload or subject id holds the number, without
  // it those about calls, callers, callbacks and location fixes (their payloads carry numbers).
  virtual result<std::vector<domain::event>> erasable_events(const privacy_scope& scope, int limit) = 0;
  // A jurisdiction's latest events of one kind (e.g. report.contact_revealed), newest first, at
  // most limit (clamped to 1..500).
  virtual result<std::vector<domain::event>> latest_events_of_kind(const std::string& jurisdiction_id,
                                                                   const std::string& kind, int limit) = 0;
};

// Writes inside one command of a write batch (see store_txn for the rules every write follows).
class privacy_writer {
 public:
  virtual ~privacy_writer() = default;

  // Clears the reporter's name and number of the reports in scope (created before
  // scope.before) that hold either; returns how many reports changed. Statistics rollups hold
  // no contacts and are untouched.
  virtual result<std::int64_t> erase_reporter_contacts(const privacy_scope& scope) = 0;
  // Clears the caller's number (as for a withheld number) of the calls in scope (rung before
  // scope.before), of their telephony events, callback tasks and location records (number and
  // raw text), and drops the numbers' caller rows (flags and blocks) once no call holds them;
  // returns how many calls changed.
  virtual result<std::int64_t> erase_caller_numbers(const privacy_scope& scope) = 0;
  // Writes an event that domain::erase_event_payload erased: its payload, subject id and
  // erased_at. The database refuses any other change to an event (migration 18's trigger).
  virtual result<void> write_erased_event(const domain::event& e) = 0;
};

}  // namespace siaga::storage
