// Replaying the event log into the statistics rollups (issue 10, `siaga stats rebuild`).
//
// replay_rollups is a fold over one jurisdiction's events in seq order: it rebuilds the state
// each counted record has at the end (a report's channel, category, district, status and
// reject reason; an incident's category, urgency, district, village, creator, status and whether
// it was dispatched; a dispatch's agency,
// incident, status and the times of its steps) from the events' payloads alone, then counts
// each record with the rollups' own code (storage/rollup_deltas.hpp), so that its rows have
// the keys and histograms the store keeps. Pure: no I/O, no SQL. A record's figures depend
// only on its final state, so folding to the states and counting them once is the same as
// adding each event's change (-old +new) in turn.
//
// The events that move a figure, and what their payloads carry for the replay:
//   report.created          channel, category_id, district_id, status, created_at (nulls kept)
//   report.accepted         (status accepted)
//   report.rejected         reason
//   report.answered         (status answered)
//   incident.created        category_id, urgency, district_id, village_id, status, created_at;
//                           its actor is the incident's creator (the call_taker grain)
//   incident.updated        changes.category_id / urgency / district_id / village_id {from, to}
//   incident.status_changed, .closed, .cancelled, .reopened    from, to
//   dispatch.notified       agency_id (and the event's incident_id), status, notified_at; the
//                           incident's first one makes it dispatched
//   dispatch.acknowledged, .en_route, .on_scene, .completed, .declined, .cancelled  from, to, at
// Other events (notes, media, calls, SLA alerts, the directory) move no rollup of incidents,
// reports or dispatches. The step limits are the categories' as they stand now, as the store's
// rollups use them.
//
// An event that `siaga privacy erase` had to erase because its text wrote a person's number
// (incident.created's summary, incident.updated's note, a dispatch's note or reason) is
// replaced in the fold by its restatement: a later privacy.restated event holding
// {"restates": {"seq", "id", "kind"}, "payload": the payload with the number masked}. The
// restatements are read first (rollup_replayer::restate), the latest of an event counting;
// an erased counted event without one is a gap.
//
// Events written before the payloads carried these fields (before this version) cannot be
// replayed: the fold names them (a gap) instead of guessing, and rebuild_rollups recounts from
// the records instead.
#pragma once

#include "core/error.hpp"
#include "domain/model.hpp"
#include "storage/rollup_deltas.hpp"
#include "storage/rollup_rows.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

struct replay_settings {
  int offset_minutes = 0;                           // the jurisdiction's zone
  std::map<std::string, domain::sla_policy> limits;  // category id -> its limits now (none: no limits)
  domain::work_calendar calendar;                   // for limits in working days (its offset: offset_minutes)
};

// The counted events that lack what a replay needs.
struct replay_gap {
  std::int64_t first_seq = 0, last_seq = 0;
  std::int64_t events = 0;
  std::string example;  // "event seq 12 (report.created) has no created_at"
};

struct replay_result {
  storage::rollup_deltas counts;  // +1 per record, at its final state
  std::int64_t events = 0;        // counted events folded
  std::int64_t reports = 0, incidents = 0, dispatches = 0;
  std::optional<replay_gap> gap;  // set: counts must not be trusted
};

// The fold, one event at a time (so that a log can be read page by page): fold each of a
// jurisdiction's events in seq order, then finish.
class rollup_replayer {
 public:
  explicit rollup_replayer(replay_settings settings);
  ~rollup_replayer();
  rollup_replayer(rollup_replayer&&) noexcept;
  rollup_replayer& operator=(rollup_replayer&&) noexcept;

  // Takes a restatement (privacy.restated) in, before any event is folded: from then on an
  // erased event it names is folded with the restated payload. Restatements are given in seq
  // order, so that a later one of the same event wins. Fails with invalid_input naming the
  // event when it is not a restatement or its payload is not one.
  core::result<void> restate(const domain::event& restatement);
  // Folds one event (others than the counted ones are passed over; an erased one by its
  // restatement). Fails with invalid_input
  // naming the event when the log contradicts itself: a payload that is not a JSON object, an
  // unknown status or reason, a step of a report, incident or dispatch that was never created
  // (a gap is not a contradiction: an old event still creates its record).
  core::result<void> fold(const domain::event& e);
  // The rollups of every record folded, at its state now.
  replay_result finish() const;

  struct state;  // the records folded so far (rollup_replay.cpp)

 private:
  replay_settings settings_;
  std::unique_ptr<state> state_;
  std::int64_t events_ = 0;
};

// Folds a whole log at once: rollup_replayer's restate over its restatements, fold over
// events, then finish.
core::result<replay_result> replay_rollups(const std::vector<domain::event>& events, const replay_settings& settings);

// What `siaga stats rebuild` did.
enum class rebuild_source { events, records };

struct rebuild_table {
  std::string table;
  std::int64_t rows = 0;       // rows now kept (both grains)
  std::int64_t differing = 0;  // rows that were wrong, missing or extra before
};

struct rebuild_mismatch {
  std::string jurisdiction_code;
  storage::rollup_mismatch row;
};

struct rebuild_report {
  rebuild_source source = rebuild_source::events;
  std::string fallback_reason;  // for records: why the events could not be replayed
  std::int64_t events = 0;      // counted events replayed (events only)
  std::vector<rebuild_table> tables;
  std::vector<rebuild_mismatch> mismatches;  // each row that differed (events only)
  bool exact() const;                         // no row had to be corrected
};

// In one write command (run it alone): replays every jurisdiction's event log (read in pages
// of seq order), compares the replayed rollups with the kept ones, and keeps the replayed ones
// where they differ. When any jurisdiction's log cannot be replayed (a gap, a contradiction,
// or records the log never created), or from is records, recounts every rollup from the records instead
// (storage's rebuild_rollups) and says why. The replay holds each counted record's state in
// memory (a few hundred bytes a record); the recount is SQL. Fails only when the store cannot
// be read or written.
core::result<rebuild_report> rebuild_rollups(storage::store_txn& tx, rebuild_source from = rebuild_source::events);

}  // namespace siaga::services
