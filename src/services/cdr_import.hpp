// Call detail records of a PBX, for `siaga import calls FILE` (issue 14 item 4): a year of a
// centre's history loaded into the same call records, events and statistics as the live
// telephony API. This part reads the files; each record becomes the telephony events a bridge
// would have sent (ringing, answered, ended) with event ids derived from the record's call id,
// so that importing a file twice adds nothing.
//
// Formats (docs/channels.md has the columns):
// - asterisk: cdr-csv's Master.csv, no heading: accountcode, src, dst, dcontext, clid, channel,
//   dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags,
//   then userfield and uniqueid when the PBX logs them. Times are the PBX's local time.
// - freeswitch: mod_cdr_csv's default template, no heading: caller_id_name, caller_id_number,
//   destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
//   hangup_cause, uuid, bleg_uuid, accountcode, read_codec, write_codec. Local times.
// - generic: a heading line naming call_id, number, line, ring, answer, end, agent, outcome and
//   classification (any order; answer, agent and classification may be empty), times in ISO
//   8601 with their offset (or local times, read in the given zone).
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "domain/call.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::services {

enum class cdr_format { asterisk, freeswitch, generic };

// "asterisk", "freeswitch" or "generic"; invalid_input naming the three otherwise.
core::result<cdr_format> parse_cdr_format(std::string_view name);

// One call as a PBX recorded it.
struct cdr_call {
  std::size_t line = 0;   // where its record starts in the file (1-based), for reports
  std::string call_id;    // the PBX's id of the call (Asterisk without uniqueid: src, channel, start)
  std::string number;     // normalised caller number, "" when withheld
  std::string trunk;      // the line the call came in on (the dialled number: "112")
  core::timestamp ring_at{};
  std::optional<core::timestamp> answer_at;
  core::timestamp end_at{};
  std::string agent;      // who answered (Asterisk: the extension of dstchannel), may be ""
  domain::end_reason reason = domain::end_reason::completed;
  std::optional<domain::call_class> classification;  // generic only

  // The telephony events of the call, ids "cdr:<call_id>:<kind>".
  std::vector<domain::call_event> events() const;
};

// A record that cannot be imported, and why, in words an operator can act on.
struct cdr_refusal {
  std::size_t line = 0;
  std::string reason;
};

// Reads a file's text record by record (RFC 4180 quoting: a quoted field may hold commas,
// doubled quotes and line breaks). The text must outlive the reader.
class cdr_reader {
 public:
  // offset_minutes: the zone of times written without an offset (the jurisdiction's).
  cdr_reader(std::string_view text, cdr_format format, int offset_minutes);

  // Up to max_calls further calls, and the records refused on the way. A generic file whose
  // heading lacks a column gives one refusal for line 1 and nothing after it.
  struct batch {
    std::vector<cdr_call> calls;
    std::vector<cdr_refusal> refused;
  };
  batch next(std::size_t max_calls);

  bool done() const { return at_ >= text_.size() || broken_; }
  // How much of the text has been read, for progress.
  std::size_t position() const { return at_; }

 private:
  // The fields of the next record and the line it starts on; false at the end.
  bool next_record(std::vector<std::string>& fields, std::size_t& line);
  std::optional<cdr_call> convert(const std::vector<std::string>& fields, std::size_t line,
                                  std::vector<cdr_refusal>& refused) const;

  std::string_view text_;
  cdr_format format_;
  int offset_minutes_;
  std::size_t at_ = 0;
  std::size_t line_ = 1;
  bool broken_ = false;
  std::vector<int> columns_;  // generic: the index of each named column in a record
};

// What one import command wrote.
struct cdr_import_counts {
  std::int64_t calls = 0;         // calls of the batch
  std::int64_t new_events = 0;    // telephony events not seen before
  std::int64_t known_events = 0;  // seen before (a file imported again): nothing changed
  std::int64_t classified = 0;    // classifications set or changed
};

// Writes a batch of calls as one write command through ingest_whole_calls (so the records, the
// caller policy, callbacks, rollups and events are those of the live API, each new call folded
// and written once), each classification as import_classification. Fails as those do
// (invalid_input for an event older than ten years, conflict for an event id seen with other
// content or a verdict on an unanswered call), changing nothing: the caller may then import the
// calls one by one to find the one at fault.
core::result<cdr_import_counts> import_cdr_calls(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::vector<cdr_call>& calls);

}  // namespace siaga::services
