#include "services/callbacks.hpp"

#include "core/enum_names.hpp"
#include "domain/callback_episodes.hpp"
#include "services/call_service.hpp"
#include "services/event_batch.hpp"
#include "services/events.hpp"
#include "storage/bulk_writes.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace siaga::services {
namespace json = boost::json;
using domain::callback_status;
using domain::subject_kind;

namespace {

bool closed_by_people(callback_status s) {
  return s == callback_status::done || s == callback_status::failed;
}

// The fields reconcile sets; a row whose fields are unchanged is not written again.
auto shape(const domain::callback_task& t) {
  return std::tie(t.status, t.due_at, t.attempts, t.assigned_to, t.last_result, t.note, t.report_id, t.superseded_by,
                  t.merged_into, t.calls, t.last_call_at, t.closed_at);
}

domain::callback_task new_row(const context& ctx, const actor& who, const domain::call_record& call,
                              core::timestamp now) {
  domain::callback_task t;
  t.id = ctx.ids.next(now);
  t.jurisdiction_id = who.jurisdiction_id;
  t.call_id = call.id;
  t.caller = call.state.caller;
  t.due_at = domain::callback_due(*call.state.ended_at);
  t.last_call_at = call.state.ended_at;
  t.created_at = now;
  t.updated_at = now;
  return t;
}

// A row that does not carry a task holds only its own call: the task's state (attempts, holder,
// notes, report) moved to the row that carries it.
void reset_to_own_call(domain::callback_task& t, const domain::call_record& call) {
  t.due_at = domain::callback_due(*call.state.ended_at);
  t.last_call_at = call.state.ended_at;
  t.attempts = 0;
  t.assigned_to.reset();
  t.last_result.reset();
  t.note.clear();
  t.report_id.reset();
  t.superseded_by.reset();
  t.merged_into.reset();
  t.calls = 1;
  t.closed_at.reset();
}

// Writes a row that reconcile made or changed, with its event; with a bulk, the row and the
// event are left in it.
core::result<void> save(storage::store_txn& tx, const context& ctx, const actor& who, domain::callback_task& t,
                        const std::optional<domain::callback_task>& before, core::timestamp now, callback_bulk* bulk) {
  if (before && shape(*before) == shape(t)) return {};
  t.updated_at = now;
  std::string kind = "callback.updated";
  json::object payload{{"call_id", t.call_id}, {"number", t.caller}, {"status", to_string(t.status)}};
  if (!before) {
    if (bulk) {
      bulk->new_rows.push_back(t);
    } else if (auto r = tx.insert_callback(t); !r) {
      return r.error();
    }
    kind = "callback.created";
    payload["due_at"] = core::format_utc(t.due_at);
  } else {
    if (bulk) {
      bulk->changed_rows.push_back(t);
    } else if (auto r = tx.update_callback(t); !r) {
      return r.error();
    }
    bool leaves = t.status == callback_status::merged || t.status == callback_status::expired ||
                  t.status == callback_status::superseded;
    if (leaves && t.status != before->status) kind = "callback." + std::string(to_string(t.status));
  }
  if (t.merged_into) payload["into"] = *t.merged_into;
  if (t.superseded_by) payload["by_call_id"] = *t.superseded_by;
  if (!t.merged_into) payload["calls"] = t.calls;
  if (bulk) {
    bulk->events.push_back(make_event(ctx, who, subject_kind::callback, t.id, std::move(kind), payload));
    return {};
  }
  auto e = record(tx, ctx, who, subject_kind::callback, t.id, kind, payload);
  if (!e) return e.error();
  return {};
}

}  // namespace

void callback_bulk::inserted(const domain::call_record& call) {
  fresh_calls.insert(call.id);
  new_calls[call.state.caller].push_back(call);
}

void callback_bulk::forget_calls() {
  fresh_calls.clear();
  new_calls.clear();
}

core::result<void> callback_bulk::write(storage::store_txn& tx) {
  if (auto r = storage::insert_callbacks(tx, new_rows); !r) return r.error();
  for (const auto& t : changed_rows) SIAGA_CHECK(tx.update_callback(t));
  if (auto r = storage::append_events(tx, std::move(events)); !r) return r.error();
  new_rows.clear();
  changed_rows.clear();
  events.clear();
  return {};
}

core::result<void> reconcile_callbacks(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const std::string& number, core::timestamp around, callback_bulk* bulk) {
  const auto& j = who.jurisdiction_id;
  const auto now = ctx.clock.now();
  // The calls from two expiries before `around` cover every episode the call can touch, except
  // one that began earlier still: then its first call's row, which rows in the window are
  // merged into, says where to start.
  auto since = around - 2 * ctx.callback_expiry;
  // A number whose every call this command inserted (a new number in a bulk import) has its
  // calls in memory, and none of them a row. Its calls are counted up to one more than these,
  // on the index page its inserts just wrote: its counters' row would be a page of its own, cold
  // for a number never seen (half of a year's numbers).
  const std::vector<domain::call_record>* all_new = nullptr;
  if (bulk) {
    if (auto it = bulk->new_calls.find(number); it != bulk->new_calls.end()) {
      const auto listed = static_cast<std::int64_t>(it->second.size());
      SIAGA_TRY(stored, tx.count_calls_of_caller(j, number, listed + 1));
      if (stored == listed) all_new = &it->second;
    }
  }
  std::vector<domain::call_record> calls;
  std::map<std::string, domain::callback_task> rows;  // by call id: the rows of candidate calls
  for (int pass = 0; pass < 2; ++pass) {
    if (all_new) {
      // As calls_of_caller answers: ring time (the creation before a ring) from since on, in
      // order of it and of id.
      calls.clear();
      for (const auto& c : *all_new) {
        if (c.state.ring_at.value_or(c.created_at) >= since) calls.push_back(c);
      }
      std::sort(calls.begin(), calls.end(), [](const domain::call_record& a, const domain::call_record& b) {
        return std::pair(a.state.ring_at.value_or(a.created_at), std::string_view(a.id)) <
               std::pair(b.state.ring_at.value_or(b.created_at), std::string_view(b.id));
      });
    } else {
      SIAGA_TRY(loaded, tx.calls_of_caller(j, number, since));
      calls = std::move(loaded);
    }
    rows.clear();
    auto earliest = since;
    for (const auto& c : calls) {
      if (!domain::is_callback_candidate(domain::brief_of(c)) || !c.state.ring_at) continue;
      if (bulk && bulk->fresh_calls.contains(c.id)) continue;  // inserted by this command: no row yet
      SIAGA_TRY(row, tx.find_callback_of_call(j, c.id));
      if (!row) continue;
      if (pass == 0 && row->merged_into) {
        SIAGA_TRY(carrier, tx.find_callback(j, *row->merged_into));
        if (carrier) {
          SIAGA_TRY(first, tx.find_call(j, carrier->call_id));
          if (first && first->state.ring_at && *first->state.ring_at < earliest) earliest = *first->state.ring_at;
        }
      }
      rows.emplace(c.id, std::move(*row));
    }
    if (earliest == since) break;
    since = earliest;
  }

  std::map<std::string, const domain::call_record*> call_by_id;
  std::vector<domain::call_brief> input;
  for (const auto& c : calls) {
    call_by_id[c.id] = &c;
    if (auto it = rows.find(c.id); it != rows.end() && closed_by_people(it->second.status)) continue;
    input.push_back(domain::brief_of(c));
  }

  std::set<std::string> placed;
  for (const auto& ep : domain::callback_episodes(input, {}, ctx.callback_expiry)) {
    // The row that carries the episode's task now: one a call taker holds, else the open or
    // expired one (the former first call, if an earlier call arrived late).
    const domain::callback_task* carrier = nullptr;
    for (const auto& id : ep.call_ids) {
      auto it = rows.find(id);
      if (it == rows.end()) continue;
      if (it->second.status == callback_status::in_progress) {
        carrier = &it->second;
        break;
      }
      if (!carrier && (it->second.status == callback_status::open || it->second.status == callback_status::expired)) {
        carrier = &it->second;
      }
    }
    const auto& first = *call_by_id.at(ep.anchor());
    std::optional<domain::callback_task> before;
    if (auto it = rows.find(first.id); it != rows.end()) before = it->second;
    domain::callback_task anchor = before.value_or(new_row(ctx, who, first, now));
    if (carrier && carrier->id != anchor.id) {
      anchor.attempts = carrier->attempts;
      anchor.assigned_to = carrier->assigned_to;
      anchor.last_result = carrier->last_result;
      anchor.note = carrier->note;
      anchor.report_id = carrier->report_id;
      anchor.due_at = carrier->due_at;
    }
    const bool held = carrier && carrier->status == callback_status::in_progress;
    const bool expired = !held && domain::callback_expired(ep, now, ctx.callback_expiry);
    anchor.status = held ? callback_status::in_progress : expired ? callback_status::expired : callback_status::open;
    if (!held) anchor.assigned_to.reset();
    if (anchor.attempts == 0) anchor.due_at = domain::callback_due(ep.first_ended_at);
    anchor.merged_into.reset();
    anchor.superseded_by.reset();
    anchor.calls = static_cast<int>(ep.call_ids.size());
    anchor.last_call_at = ep.last_ended_at;
    anchor.closed_at = expired ? (before && before->closed_at ? before->closed_at : std::optional(now)) : std::nullopt;
    SIAGA_CHECK(save(tx, ctx, who, anchor, before, now, bulk));

    for (const auto& id : ep.call_ids) {
      placed.insert(id);
      if (id == anchor.call_id) continue;
      std::optional<domain::callback_task> was;
      if (auto it = rows.find(id); it != rows.end()) was = it->second;
      domain::callback_task t = was.value_or(new_row(ctx, who, *call_by_id.at(id), now));
      reset_to_own_call(t, *call_by_id.at(id));
      t.status = callback_status::merged;
      t.merged_into = anchor.id;
      SIAGA_CHECK(save(tx, ctx, who, t, was, now, bulk));
    }
  }

  // Candidates in no episode need no callback: the number got through after them.
  for (const auto& b : input) {
    if (placed.count(b.id) || !domain::is_callback_candidate(b)) continue;
    std::optional<domain::callback_task> was;
    if (auto it = rows.find(b.id); it != rows.end()) was = it->second;
    if (was && was->status == callback_status::in_progress) continue;  // a call taker decides
    domain::callback_task t = was.value_or(new_row(ctx, who, *call_by_id.at(b.id), now));
    for (const auto& o : input) {
      if (domain::follows_up(o, b)) {
        t.superseded_by = o.id;
        break;
      }
    }
    auto closed = was && was->status == callback_status::superseded ? was->closed_at : std::optional(now);
    auto by = t.superseded_by;
    reset_to_own_call(t, *call_by_id.at(b.id));
    t.status = callback_status::superseded;
    t.superseded_by = by;
    t.closed_at = closed;
    SIAGA_CHECK(save(tx, ctx, who, t, was, now, bulk));
  }
  return {};
}

core::result<int> expire_callbacks(storage::store_txn& tx, const context& ctx, const actor& who) {
  const auto now = ctx.clock.now();
  storage::callback_filter f;
  f.jurisdiction_id = who.jurisdiction_id;
  f.statuses = {callback_status::open};
  f.page = {500, 0};
  std::vector<domain::callback_task> due;
  for (;;) {
    SIAGA_TRY(page, tx.list_callbacks(f));
    for (auto& t : page.items) {
      auto last = t.last_call_at.value_or(t.due_at - domain::callback_grace);
      if (now > last + ctx.callback_expiry) due.push_back(std::move(t));
    }
    f.page.offset += static_cast<int>(page.items.size());
    if (page.items.empty() || f.page.offset >= page.total) break;
  }
  for (auto& t : due) {
    auto before = t;
    t.status = callback_status::expired;
    t.closed_at = now;
    SIAGA_CHECK(save(tx, ctx, who, t, before, now, nullptr));
  }
  return static_cast<int>(due.size());
}

namespace {
constexpr auto dial_outcome_names =
    core::make_enum_names<dial_outcome>("outcome", {"answered", "no_answer", "busy", "failed"});
}  // namespace

std::string_view to_string(dial_outcome v) {
  return dial_outcome_names.name(v);
}
core::result<dial_outcome> parse_dial_outcome(std::string_view s) {
  return dial_outcome_names.parse(s);
}

core::result<domain::callback_task> record_callback_dialed(storage::store_txn& tx, const context& ctx, const actor& who,
                                                           const std::string& id, const std::string& call_id,
                                                           dial_outcome outcome) {
  if (call_id.empty() || call_id.size() > 128) return core::invalid("call_id is required (at most 128 characters)");
  SIAGA_TRY(found, tx.find_callback(who.jurisdiction_id, id));
  if (!found) return core::not_found("callback " + id + " tidak ditemukan (not found)");
  auto t = std::move(*found);
  if (t.status != callback_status::in_progress) {
    return core::conflict("callback " + id + " tidak sedang ditelepon (no call taker asked to dial it; status " +
                          std::string(to_string(t.status)) + ")");
  }
  const auto now = ctx.clock.now();
  t.dialed_call = call_id;
  t.dialed_at = now;
  t.updated_at = now;
  if (auto r = tx.update_callback(t); !r) return r.error();
  auto e = record(tx, ctx, who, subject_kind::callback, t.id, "callback.dialed",
                  {{"number", t.caller}, {"dialed_call", call_id}, {"outcome", to_string(outcome)}});
  if (!e) return e.error();
  if (outcome == dial_outcome::answered) return t;
  callback_attempt_input in;
  in.result = domain::callback_result::no_answer;
  in.note = "PBX: " + std::string(to_string(outcome));
  return apply_callback_attempt_to(tx, ctx, who, std::move(t), in);
}

core::result<int> expire_all_callbacks(storage::store_txn& tx, const context& ctx) {
  SIAGA_TRY(all, tx.list_jurisdictions());
  int n = 0;
  for (const auto& j : all) {
    SIAGA_TRY(k, expire_callbacks(tx, ctx, system_actor(j.id)));
    n += k;
  }
  return n;
}

}  // namespace siaga::services
