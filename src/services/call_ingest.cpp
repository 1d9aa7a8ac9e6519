// Telephony events in (services::ingest_call_events, the live API's command) and calls known
// whole (services::ingest_whole_calls, siaga import calls): the call record folded from its
// events, the automatic ghost classification, and the number's callbacks and prank policy kept in
// step. Split from call_service.cpp; the rules both share are in call_rules.hpp.
#include "domain/phone.hpp"
#include "services/call_rules.hpp"
#include "services/call_service.hpp"
#include "services/callbacks.hpp"
#include "services/event_batch.hpp"
#include "services/events.hpp"
#include "storage/bulk_reads.hpp"
#include "storage/bulk_writes.hpp"

#include <boost/json/object.hpp>

#include <map>
#include <set>
#include <span>

namespace siaga::services {
namespace json = boost::json;
using call_rules::is_strike;
using call_rules::load_call;
using call_rules::reevaluate_caller;
using call_rules::stored_ring_time;
using domain::call_outcome;
using domain::subject_kind;

namespace {

constexpr std::string_view system_user = "system";

bool can_call_back(const std::string& number) {
  return !number.empty() && !domain::is_short_code(number);
}

json::object call_payload(const domain::call_record& c) {
  return {{"call_id", c.id},
          {"external_id", c.external_id},
          {"outcome", c.state.outcome ? json::value(to_string(*c.state.outcome)) : json::value(nullptr)}};
}

// Applies the automatic classification rule unless a person classified the call.
bool apply_auto_classification(domain::call_record& c, core::timestamp now) {
  if (c.classified_source == domain::classification_source::manual) return false;
  auto automatic = domain::auto_classification(c.state);
  if (automatic == c.classification) return false;
  c.classification = automatic;
  c.classified_source = automatic ? std::optional(domain::classification_source::automatic) : std::nullopt;
  c.classified_by = automatic ? std::string(system_user) : std::string();
  c.classified_at = automatic ? std::optional(now) : std::nullopt;
  return true;
}

// What a call's event is recorded as: its call's outcome after it, and the event's own fields.
json::object event_payload(const domain::call_record& call, const domain::call_event& e) {
  auto payload = call_payload(call);
  payload["event_id"] = e.event_id;
  payload["at"] = core::format_utc(e.at);
  if (!e.agent.empty()) payload["agent"] = e.agent;
  if (e.reason) payload["reason"] = to_string(*e.reason);
  return payload;
}

// The "call.classified" event of an automatic verdict that came or went.
json::object automatic_verdict_payload(const domain::call_record& call) {
  return {{"classification", call.classification ? json::value(to_string(*call.classification)) : json::value(nullptr)},
          {"source", "automatic"}};
}

// The earliest time per number, for the bookkeeping done once per number and batch.
void note_earliest(std::map<std::string, core::timestamp>& at, const std::string& number, core::timestamp t) {
  auto [it, added] = at.emplace(number, t);
  if (!added && t < it->second) it->second = t;
}

// A command's calls written together with the store's multi-row facet: the new ones inserted,
// the known ones updated (each once), then their call events and events; flushed before
// anything reads calls back (a known call, callbacks, the prank policy) so that every read sees
// them, and so that the events keep their order.
struct pending_calls {
  std::vector<domain::call_record> calls;    // new: inserted
  std::vector<domain::call_record> updated;  // known: their rows rewritten
  std::vector<domain::stored_call_event> call_events;
  std::vector<domain::event> events;
  std::set<std::string, std::less<>> external_ids;  // of calls

  core::result<void> flush(storage::store_txn& tx) {
    if (!calls.empty()) SIAGA_CHECK(storage::insert_calls(tx, calls));
    for (const auto& c : updated) SIAGA_CHECK(tx.update_call(c));
    if (!call_events.empty()) SIAGA_CHECK(storage::insert_call_events(tx, call_events));
    if (!events.empty()) SIAGA_CHECK(storage::append_events(tx, std::move(events)));
    calls.clear();
    updated.clear();
    call_events.clear();
    events.clear();
    external_ids.clear();
    return {};
  }
};

// ---- telephony events ----

// One call of a telephony batch: read once (a known call with its stored events), folded with
// each of the batch's new events in turn, written once.
struct batch_call {
  domain::call_record call;               // as after the batch's latest event of it so far
  std::vector<domain::call_event> known;  // its stored events, then the batch's new ones
  bool fresh = false;                     // not in the store before this batch: inserted
  bool changed = false;                   // a new event came: written
};

// A telephony batch folded per call: what each event found and did, gathered for one write.
struct telephony_batch {
  std::vector<batch_call> calls;
  std::map<std::string, std::size_t, std::less<>> by_external;  // a call's external id: its index
  std::map<std::string, std::size_t, std::less<>> by_record;    // a known call's record id: its index
  // The batch's new events by event id (the event and its call's index): a repeat within the
  // batch is a duplicate or a conflict as one against the store.
  std::map<std::string, std::pair<const domain::call_event*, std::size_t>, std::less<>> new_events;
  // The batch's event ids the store holds already (read once, before the first event: the store
  // does not change until the batch is written).
  std::map<std::string, domain::stored_call_event, std::less<>> stored;
  ingest_answer answer = ingest_answer::full;
  std::vector<domain::stored_call_event> call_events;
  std::vector<domain::event> events;  // made as record() would have, in the events' order
  // The numbers whose callbacks and prank policy must be brought in step, from when.
  std::map<std::string, core::timestamp> callbacks_from, strikes_from;
};

// An event's answer: its call whole, or under ingest_answer::minimal its id alone.
ingested_event answer_with(const telephony_batch& b, const domain::call_record& call, bool duplicate) {
  if (b.answer != ingest_answer::minimal) return ingested_event{call, duplicate, std::nullopt};
  ingested_event out;
  out.call.id = call.id;
  out.duplicate = duplicate;
  return out;
}

core::error event_conflict(const domain::call_event& e) {
  return core::conflict("event_id '" + e.event_id +
                        "' sudah dipakai untuk peristiwa lain (was already used for a different event)");
}

// The batch's call for e's call id: read (with its stored events) on its first event, or begun
// new when the store has none.
core::result<batch_call*> call_of(storage::store_txn& tx, const context& ctx, const actor& who, telephony_batch& b,
                                  const domain::call_event& e, core::timestamp now) {
  if (auto it = b.by_external.find(e.call_id); it != b.by_external.end()) return &b.calls[it->second];
  SIAGA_TRY(found, tx.find_call_by_external(who.jurisdiction_id, e.call_id));
  batch_call bc;
  if (found) {
    SIAGA_TRY(stored, tx.call_events_of(found->id));
    bc.known = std::move(stored);
    bc.call = std::move(*found);
    b.by_record.emplace(bc.call.id, b.calls.size());
  } else {
    bc.fresh = true;
    bc.call.id = ctx.ids.next(now);
    bc.call.jurisdiction_id = who.jurisdiction_id;
    bc.call.external_id = e.call_id;
    bc.call.state = domain::fold_call(std::span(&e, 1));
    bc.call.created_at = now;
  }
  b.by_external.emplace(e.call_id, b.calls.size());
  b.calls.push_back(std::move(bc));
  return &b.calls.back();
}

// Takes one event of a batch, in the batch's order, as ingesting it alone would: a duplicate
// answers its call as it stands, a conflict fails; a new event joins its call, which is folded
// again, and the events to record and the numbers to bring in step are noted. Nothing is
// written: the answer's call is the call after this event.
core::result<ingested_event> take_event(storage::store_txn& tx, const context& ctx, const actor& who,
                                        telephony_batch& b, const domain::call_event& e) {
  if (auto it = b.new_events.find(e.event_id); it != b.new_events.end()) {
    if (!domain::same_event(*it->second.first, e)) return event_conflict(e);
    return answer_with(b, b.calls[it->second.second].call, true);
  }
  if (auto found = b.stored.find(e.event_id); found != b.stored.end()) {
    const auto& seen = found->second;
    if (!domain::same_event(seen.event, e)) return event_conflict(e);
    if (auto it = b.by_record.find(seen.call_record_id); it != b.by_record.end()) {
      return answer_with(b, b.calls[it->second].call, true);
    }
    if (b.answer == ingest_answer::minimal) {
      ingested_event out;
      out.call.id = seen.call_record_id;
      out.duplicate = true;
      return out;
    }
    SIAGA_TRY(call, load_call(tx, who.jurisdiction_id, seen.call_record_id));
    return ingested_event{std::move(call), true, std::nullopt};
  }

  const auto now = ctx.clock.now();
  SIAGA_TRY(bc, call_of(tx, ctx, who, b, e, now));
  SIAGA_CHECK(domain::check_event_time(bc->known, e, now));
  auto& call = bc->call;
  bc->known.push_back(e);
  bc->changed = true;
  b.new_events.emplace(e.event_id, std::pair(&e, static_cast<std::size_t>(bc - b.calls.data())));

  const std::string before_caller = call.state.caller;
  const auto before_ring = call.state.ring_at;
  const auto before_outcome = call.state.outcome;
  const auto before_class = call.classification;
  call.state = domain::fold_call(bc->known);
  call.updated_at = now;
  const bool reclassified = apply_auto_classification(call, now);
  b.call_events.push_back({who.jurisdiction_id, call.id, e, now});
  b.events.push_back(make_event(ctx, who, subject_kind::call, call.id, "call." + std::string(to_string(e.kind)),
                                event_payload(call, e)));
  if (reclassified) {
    b.events.push_back(
        make_event(ctx, who, subject_kind::call, call.id, "call.classified", automatic_verdict_payload(call)));
  }

  const std::string& number = call.state.caller;
  // Events arrive in any order: the number or the ring time may become known only now, after
  // the call was already answered or classified, and the rules must run again for them.
  const bool identity_changed = before_caller != number || before_ring != call.state.ring_at;
  // The callbacks of the number follow the calls: an unanswered call that ended may open or
  // join its number's task, an answered one may make earlier ones unnecessary.
  const bool settles =
      (call.state.ended_at && call.state.outcome != call_outcome::answered) ||
      (call.state.outcome == call_outcome::answered && (before_outcome != call_outcome::answered || identity_changed));
  if (can_call_back(number) && call.state.ring_at && settles) {
    note_earliest(b.callbacks_from, number, *call.state.ring_at);
  }
  if (!number.empty() && ((reclassified && (is_strike(call.classification) || is_strike(before_class))) ||
                          (identity_changed && is_strike(call.classification)))) {
    note_earliest(b.strikes_from, number, stored_ring_time(call));
  }
  return answer_with(b, call, false);
}

}  // namespace

core::result<std::vector<ingested_event>> ingest_call_events(storage::store_txn& tx, const context& ctx,
                                                             const actor& who,
                                                             const std::vector<domain::call_event>& events,
                                                             ingest_answer answer) {
  telephony_batch b;
  b.answer = answer;
  // Sized once, as in ingest_whole_calls: at most a call and two events an event.
  b.calls.reserve(events.size());
  b.call_events.reserve(events.size());
  b.events.reserve(2 * events.size());
  {
    // Which of the batch's event ids the store has seen: one read for the batch, not one an event.
    std::vector<std::string_view> ids;
    ids.reserve(events.size());
    for (const auto& e : events) ids.emplace_back(e.event_id);
    SIAGA_TRY(stored, storage::find_call_events(tx, who.jurisdiction_id, ids));
    for (auto& s : stored) {
      auto id = s.event.event_id;
      b.stored.emplace(std::move(id), std::move(s));
    }
  }
  std::vector<ingested_event> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    auto r = take_event(tx, ctx, who, b, e);
    if (!r) {
      auto err = r.error();
      if (events.size() > 1) err.message = "event_id '" + e.event_id + "': " + err.message;
      return err;
    }
    out.push_back(std::move(*r));
  }

  // Each call written once: the new ones with the multi-row facet, the known ones updated.
  pending_calls pending;
  callback_bulk callbacks;
  for (auto& bc : b.calls) {
    if (!bc.changed) continue;
    if (bc.fresh) {
      callbacks.inserted(bc.call);
      pending.calls.push_back(std::move(bc.call));
    } else {
      pending.updated.push_back(std::move(bc.call));
    }
  }
  pending.call_events = std::move(b.call_events);
  pending.events = std::move(b.events);
  SIAGA_CHECK(pending.flush(tx));
  // Callbacks and the prank policy once per number, from its earliest call that moved them
  // (both are order-independent: the tasks and flags of the events one by one).
  for (const auto& [number, around] : b.callbacks_from) {
    SIAGA_CHECK(reconcile_callbacks(tx, ctx, who, number, around, &callbacks));
  }
  SIAGA_CHECK(callbacks.write(tx));
  for (const auto& [number, ring_at] : b.strikes_from) SIAGA_CHECK(reevaluate_caller(tx, ctx, who, number, ring_at));

  if (answer == ingest_answer::full) {
    // The number's standing as the batch leaves it, read once per number.
    std::map<std::string, caller_view, std::less<>> views;
    for (std::size_t k = 0; k < events.size(); ++k) {
      const auto& number = out[k].call.state.caller;
      if (out[k].duplicate || events[k].kind != domain::call_event_kind::ringing || number.empty()) continue;
      auto it = views.find(number);
      if (it == views.end()) {
        SIAGA_TRY(view, view_caller(tx, ctx.clock, who.jurisdiction_id, number));
        it = views.emplace(number, std::move(view)).first;
      }
      out[k].caller = it->second;
    }
  }
  return out;
}

// ---- calls known whole ----

core::result<whole_calls_ingested> ingest_whole_calls(storage::store_txn& tx, const context& ctx, const actor& who,
                                                      const std::vector<whole_call>& calls) {
  const auto& j = who.jurisdiction_id;
  whole_calls_ingested counts;
  std::map<std::string, core::timestamp> callbacks_from, strikes_from;
  pending_calls pending;
  // The callbacks decided in memory: the batch's new calls have no task rows; the new rows and
  // the callback events are written together. A known call's live path reconciles its number at
  // once, which may give new calls rows: then none is taken to have none.
  callback_bulk callbacks;
  bool any_known = false;
  // Sized once: grown by doubling, these vectors of a 10,000-call import batch moved every row
  // they held several times, into fresh pages (a tenth of the import's time went to those moves
  // and their page faults). An event a call's telephony event, and one for a verdict.
  std::size_t all_events = 0;
  for (const auto& w : calls) all_events += w.events.size();
  pending.calls.reserve(calls.size());
  pending.call_events.reserve(all_events);
  pending.events.reserve(all_events + calls.size());
  for (const auto& w : calls) {
    if (w.events.empty()) continue;
    const auto& first = w.events.front();
    auto named = [&](const domain::call_event& e, core::error err) {
      if (calls.size() > 1 || w.events.size() > 1) err.message = "event_id '" + e.event_id + "': " + err.message;
      return err;
    };
    if (pending.external_ids.contains(first.call_id)) SIAGA_CHECK(pending.flush(tx));
    SIAGA_TRY(found, tx.find_call_by_external(j, first.call_id));
    if (found) {
      SIAGA_CHECK(pending.flush(tx));
      any_known = true;
      // Known: the live path sorts out which events are new, duplicates or conflicts.
      SIAGA_TRY(ingested, ingest_call_events(tx, ctx, who, w.events, ingest_answer::call));
      for (const auto& i : ingested) ++(i.duplicate ? counts.known_events : counts.new_events);
      const auto& call = ingested.back().call;
      if (w.classification && call.classification != w.classification) {
        SIAGA_TRY(done, import_classification(tx, ctx, who, call.id, *w.classification));
        (void)done;
        ++counts.classified;
      }
      continue;
    }
    const auto now = ctx.clock.now();
    domain::call_record call;
    call.id = ctx.ids.next(now);
    call.jurisdiction_id = j;
    call.external_id = first.call_id;
    call.created_at = now;
    call.updated_at = now;
    // The events one by one as the live path folds them: each one's payload with the call after
    // it, and the automatic verdict where it changes.
    std::vector<std::pair<std::string, json::object>> recorded;
    for (std::size_t k = 0; k < w.events.size(); ++k) {
      const auto& e = w.events[k];
      if (e.call_id != first.call_id) return core::invalid("the events of a whole call must share its call id");
      std::span<const domain::call_event> known(w.events.data(), k);
      if (auto ok = domain::check_event_time(known, e, now); !ok) return named(e, ok.error());
      for (const auto& earlier : known) {
        if (earlier.event_id == e.event_id) return named(e, core::invalid("an event id repeats within its call"));
      }
      call.state = domain::fold_call(std::span(w.events.data(), k + 1));
      recorded.emplace_back("call." + std::string(to_string(e.kind)), event_payload(call, e));
      if (apply_auto_classification(call, now)) {
        recorded.emplace_back("call.classified", automatic_verdict_payload(call));
      }
    }
    if (w.classification && call.classification != w.classification) {
      if (call.state.outcome != call_outcome::answered) {
        return core::conflict("only answered calls are classified; call " + first.call_id + " was not answered");
      }
      const auto before = call.classification;
      call.classification = w.classification;
      call.classified_source = domain::classification_source::manual;
      call.classified_by = who.user_id;
      call.classified_at = now;
      recorded.emplace_back("call.classified",
                            json::object{{"classification", to_string(*w.classification)},
                                         {"previous", before ? json::value(to_string(*before)) : json::value(nullptr)},
                                         {"source", "import"}});
      ++counts.classified;
    }
    for (const auto& e : w.events) pending.call_events.push_back({j, call.id, e, now});
    for (auto& [kind, payload] : recorded) {
      pending.events.push_back(make_event(ctx, who, subject_kind::call, call.id, std::move(kind), payload));
    }
    pending.external_ids.insert(first.call_id);
    callbacks.inserted(call);
    counts.new_events += static_cast<std::int64_t>(w.events.size());
    const auto& number = call.state.caller;
    // As the live path: an unanswered call that ended, or an answered one, moves its number's
    // callbacks; a strike its prank policy.
    const bool settles = call.state.ended_at || call.state.outcome == call_outcome::answered;
    if (can_call_back(number) && call.state.ring_at && settles)
      note_earliest(callbacks_from, number, *call.state.ring_at);
    if (!number.empty() && is_strike(call.classification)) note_earliest(strikes_from, number, stored_ring_time(call));
    pending.calls.push_back(std::move(call));
  }
  SIAGA_CHECK(pending.flush(tx));
  if (any_known) callbacks.forget_calls();
  for (const auto& [number, around] : callbacks_from) {
    if (auto r = reconcile_callbacks(tx, ctx, who, number, around, &callbacks); !r) return r.error();
  }
  SIAGA_CHECK(callbacks.write(tx));
  for (const auto& [number, ring_at] : strikes_from) {
    if (auto r = reevaluate_caller(tx, ctx, who, number, ring_at); !r) return r.error();
  }
  return counts;
}

}  // namespace siaga::services
