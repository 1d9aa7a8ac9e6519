#include "services/call_service.hpp"

#include "services/access.hpp"
#include "services/call_rules.hpp"
#include "services/callbacks.hpp"
#include "services/events.hpp"
#include "services/passwords.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>

namespace siaga::services {
namespace json = boost::json;
using domain::call_outcome;
using domain::callback_status;
using domain::subject_kind;
using namespace std::chrono_literals;

namespace {

json::value time_or_null(const std::optional<core::timestamp>& t) {
  if (!t) return nullptr;
  return json::string(core::format_utc(*t));
}

}  // namespace

// ---- the rules the call commands share ----

namespace call_rules {

core::result<domain::call_record> load_call(storage::store_reader& tx, const std::string& jurisdiction_id,
                                            const std::string& id) {
  auto c = tx.find_call(jurisdiction_id, id);
  if (!c) return c.error();
  if (!*c) return core::not_found("panggilan " + id + " tidak ditemukan (call not found)");
  return std::move(**c);
}

bool is_strike(const std::optional<domain::call_class>& c) {
  return c == domain::call_class::prank || c == domain::call_class::ghost;
}

core::timestamp stored_ring_time(const domain::call_record& c) {
  return c.state.ring_at.value_or(c.created_at);
}

core::result<void> reevaluate_caller(storage::store_txn& tx, const context& ctx, const actor& who,
                                     const std::string& number, core::timestamp ring_at) {
  if (number.empty()) return {};
  auto policy = policy_of(tx, who.jurisdiction_id);
  auto found = tx.find_caller(who.jurisdiction_id, number);
  if (!found) return found.error();
  domain::caller_record rec = found->value_or(domain::caller_record{who.jurisdiction_id, number, {}, {}});
  // strike_times reads ring_at > since; a window holds strikes at most policy.window apart.
  auto since = ring_at - policy.window - std::chrono::microseconds{1};
  if (rec.flags.strikes_since && *rec.flags.strikes_since > since) since = *rec.flags.strikes_since;
  auto strikes = tx.strike_times(who.jurisdiction_id, number, since);
  if (!strikes) return strikes.error();
  auto now = ctx.clock.now();
  auto change = domain::apply_strikes(policy, rec.flags, *strikes, now);
  if (change.flags.flagged_at == rec.flags.flagged_at && change.flags.blocked_until == rec.flags.blocked_until) {
    return {};
  }
  rec.flags = change.flags;
  rec.updated_at = now;
  if (auto r = tx.upsert_caller(rec); !r) return r.error();
  if (change.newly_flagged) {
    auto e = record(tx, ctx, who, subject_kind::caller, number, "caller.flagged",
                    {{"number", number},
                     {"strikes", static_cast<std::int64_t>(strikes->size())},
                     {"flagged_at", time_or_null(rec.flags.flagged_at)}});
    if (!e) return e.error();
  }
  if (change.block_extended) {
    auto e = record(tx, ctx, who, subject_kind::caller, number, "caller.blocked",
                    {{"number", number}, {"blocked_until", time_or_null(rec.flags.blocked_until)}});
    if (!e) return e.error();
  }
  return {};
}

}  // namespace call_rules

using call_rules::is_strike;
using call_rules::load_call;
using call_rules::reevaluate_caller;
using call_rules::stored_ring_time;

// ---- api keys ----

actor integration_actor(const domain::api_key& key) {
  return actor{"api_key:" + key.id, key.jurisdiction_id, domain::role::leader, std::nullopt, key.name};
}

core::result<domain::api_key> authenticate_api_key(storage::store_reader& reader, std::string_view secret) {
  auto unauth = [] {
    return core::make_error(core::errc::unauthenticated,
                            "kunci API tidak dikenal atau dicabut (the api key is missing, unknown or revoked)");
  };
  if (secret.empty()) return unauth();
  auto k = reader.find_api_key_by_hash(token_hash(secret));
  if (!k) return k.error();
  if (!*k || (*k)->revoked_at) return unauth();
  return std::move(**k);
}

core::result<created_api_key> create_api_key(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& name) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  if (name.empty() || name.size() > 200) return core::invalid("name is required (at most 200 characters)");
  auto now = ctx.clock.now();
  created_api_key out;
  out.secret = "sk112_" + make_token(ctx.random);
  out.key.id = ctx.ids.next(now);
  out.key.jurisdiction_id = who.jurisdiction_id;
  out.key.name = name;
  out.key.key_hash = token_hash(out.secret);
  out.key.prefix = out.secret.substr(0, 12);
  out.key.created_by = who.user_id;
  out.key.created_at = now;
  if (auto r = tx.insert_api_key(out.key); !r) return r.error();
  auto e = record(tx, ctx, who, subject_kind::api_key, out.key.id, "api_key.created",
                  {{"name", name}, {"prefix", out.key.prefix}});
  if (!e) return e.error();
  return out;
}

core::result<domain::api_key> revoke_api_key(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& id) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  auto k = tx.find_api_key(who.jurisdiction_id, id);
  if (!k) return k.error();
  if (!*k) return core::not_found("api key " + id + " not found");
  auto key = std::move(**k);
  if (key.revoked_at) return core::conflict("api key " + id + " sudah dicabut (is already revoked)");
  key.revoked_at = ctx.clock.now();
  if (auto r = tx.update_api_key(key); !r) return r.error();
  auto e = record(tx, ctx, who, subject_kind::api_key, key.id, "api_key.revoked", {{"name", key.name}});
  if (!e) return e.error();
  return key;
}

// ---- classification ----

namespace {

// Records a person's verdict on a loaded call: the call row, a "call.classified" event saying
// where the verdict came from (source: manual from the console, import from a PBX's records),
// and the caller's standing when the call starts or stops counting as a strike.
core::result<domain::call_record> apply_classification(storage::store_txn& tx, const context& ctx, const actor& who,
                                                       domain::call_record call, domain::call_class classification,
                                                       const std::string& note, std::string_view source) {
  auto now = ctx.clock.now();
  const auto before = call.classification;
  call.classification = classification;
  call.classified_source = domain::classification_source::manual;
  call.classified_by = who.user_id;
  call.classified_at = now;
  if (!note.empty()) call.note = note;
  call.updated_at = now;
  if (auto r = tx.update_call(call); !r) return r.error();
  json::object payload{{"classification", to_string(classification)},
                       {"previous", before ? json::value(to_string(*before)) : json::value(nullptr)},
                       {"source", source}};
  if (call.report_id) payload["report_id"] = *call.report_id;
  auto e = record(tx, ctx, who, subject_kind::call, call.id, "call.classified", payload);
  if (!e) return e.error();
  if (is_strike(before) != is_strike(call.classification)) {
    if (auto r = reevaluate_caller(tx, ctx, who, call.state.caller, stored_ring_time(call)); !r) return r.error();
  }
  return call;
}

}  // namespace

core::result<domain::call_record> classify_call(storage::store_txn& tx, const context& ctx, const actor& who,
                                                const std::string& call_id, const classification_input& in) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  if (in.note.size() > 5000) return core::invalid("note is longer than 5000 characters");
  auto call = load_call(tx, who.jurisdiction_id, call_id);
  if (!call) return call.error();
  if (call->state.outcome != call_outcome::answered) {
    return core::conflict(
        "hanya panggilan yang dijawab yang diklasifikasikan (only answered calls are classified); "
        "this call is " +
        std::string(call->state.outcome ? to_string(*call->state.outcome) : "not answered yet"));
  }
  if (in.classification == domain::call_class::valid && !call->report_id) {
    if (in.report_id) {
      auto rep = tx.find_report(who.jurisdiction_id, *in.report_id);
      if (!rep) return rep.error();
      if (!*rep) return core::not_found("report " + *in.report_id + " not found");
      call->report_id = *in.report_id;
    } else {
      new_report r = in.report;
      r.source = domain::channel::call;
      if (r.reporter_phone.empty()) r.reporter_phone = call->state.caller;
      auto made = create_report(tx, ctx, who, r);
      if (!made) return made.error();
      call->report_id = made->id;
    }
  } else if (in.report_id && in.report_id != call->report_id) {
    return core::invalid("report_id only links a valid call that has no report yet");
  }
  return apply_classification(tx, ctx, who, std::move(*call), in.classification, in.note, "manual");
}

core::result<std::vector<domain::call_record>> classify_calls(storage::store_txn& tx, const context& ctx,
                                                              const actor& who,
                                                              const std::vector<call_verdict>& verdicts) {
  if (verdicts.empty()) return core::invalid("items must hold at least one verdict");
  if (verdicts.size() > max_verdicts_per_batch) {
    return core::invalid("items holds " + std::to_string(verdicts.size()) + " verdicts; at most " +
                         std::to_string(max_verdicts_per_batch) + " a request");
  }
  std::set<std::string_view> named;
  for (std::size_t k = 0; k < verdicts.size(); ++k) {
    if (!named.insert(verdicts[k].call_id).second) {
      return core::invalid("items[" + std::to_string(k) + "]: call " + verdicts[k].call_id +
                           " is named twice; give each call one verdict");
    }
  }
  std::vector<domain::call_record> out;
  out.reserve(verdicts.size());
  for (std::size_t k = 0; k < verdicts.size(); ++k) {
    auto done = classify_call(tx, ctx, who, verdicts[k].call_id, verdicts[k].in);
    if (!done) {
      auto err = done.error();
      err.message = "items[" + std::to_string(k) + "] (call " + verdicts[k].call_id + "): " + err.message;
      return err;
    }
    out.push_back(std::move(*done));
  }
  return out;
}

core::result<domain::call_record> import_classification(storage::store_txn& tx, const context& ctx, const actor& who,
                                                        const std::string& call_id, domain::call_class classification) {
  auto call = load_call(tx, who.jurisdiction_id, call_id);
  if (!call) return call.error();
  if (call->state.outcome != call_outcome::answered) {
    return core::conflict("only answered calls are classified; call " + call_id + " was not answered");
  }
  if (call->classification == classification) return std::move(*call);
  return apply_classification(tx, ctx, who, std::move(*call), classification, "", "import");
}

// ---- callers ----

domain::caller_policy policy_of(storage::store_reader& reader, const std::string& jurisdiction_id) {
  auto p = reader.find_caller_policy(jurisdiction_id);
  if (p && *p) return **p;
  return domain::caller_policy{};
}

core::result<caller_view> view_caller(storage::store_reader& reader, const core::clock& clock,
                                      const std::string& jurisdiction_id, const std::string& number,
                                      bool with_history) {
  auto policy = policy_of(reader, jurisdiction_id);
  auto rec = reader.find_caller(jurisdiction_id, number);
  if (!rec) return rec.error();
  caller_view v;
  v.number = number;
  if (*rec) v.flags = (*rec)->flags;
  auto now = clock.now();
  auto since = now - policy.window;
  if (v.flags.strikes_since && *v.flags.strikes_since > since) since = *v.flags.strikes_since;
  auto strikes = reader.strike_times(jurisdiction_id, number, since);
  if (!strikes) return strikes.error();
  auto recent = std::count_if(strikes->begin(), strikes->end(), [now](auto t) { return t <= now; });
  v.decision = domain::decide(policy, v.flags, static_cast<int>(recent), now);
  v.history.number = number;
  if (!with_history) return v;
  auto h = reader.caller_history_of(jurisdiction_id, number);
  if (!h) return h.error();
  v.history = std::move(*h);
  return v;
}

core::result<caller_view> unblock_caller(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& number, const std::string& note) {
  if (who.role != domain::role::supervisor && who.role != domain::role::admin) {
    return core::forbidden("hanya supervisor yang dapat membuka blokir (only a supervisor or admin may unblock)");
  }
  auto rec = tx.find_caller(who.jurisdiction_id, number);
  if (!rec) return rec.error();
  auto now = ctx.clock.now();
  bool blocked = *rec && (*rec)->flags.blocked_until && *(*rec)->flags.blocked_until > now;
  bool flagged = *rec && (*rec)->flags.flagged_at;
  if (!blocked && !flagged) {
    return core::conflict("nomor " + number + " tidak diblokir atau ditandai (is neither blocked nor flagged)");
  }
  auto r = std::move(**rec);
  auto was = r.flags.blocked_until;
  r.flags.blocked_until.reset();
  r.flags.flagged_at.reset();
  r.flags.strikes_since = now;
  r.updated_at = now;
  if (auto w = tx.upsert_caller(r); !w) return w.error();
  auto e = record(tx, ctx, who, subject_kind::caller, number, "caller.unblocked",
                  {{"number", number}, {"was_blocked_until", time_or_null(was)}, {"note", note}});
  if (!e) return e.error();
  return view_caller(tx, ctx.clock, who.jurisdiction_id, number);
}

core::result<domain::caller_policy> set_caller_policy(storage::store_txn& tx, const context& ctx, const actor& who,
                                                      const domain::caller_policy& policy) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  if (policy.threshold < 1 || policy.threshold > 100) return core::invalid("threshold must be from 1 to 100");
  for (auto [name, len] : {std::pair{"window_hours", policy.window}, std::pair{"block_hours", policy.block_for}}) {
    if (len < 60s || len > std::chrono::seconds{30 * 24 * 3600}) {
      return core::invalid(std::string(name) + " must be from 1 minute to 30 days");
    }
  }
  if (auto r = tx.upsert_caller_policy(who.jurisdiction_id, policy); !r) return r.error();
  auto e = record(tx, ctx, who, subject_kind::jurisdiction, who.jurisdiction_id, "caller.policy_changed",
                  {{"threshold", policy.threshold},
                   {"window_s", static_cast<std::int64_t>(policy.window.count())},
                   {"block_enabled", policy.block_enabled},
                   {"block_s", static_cast<std::int64_t>(policy.block_for.count())}});
  if (!e) return e.error();
  return policy;
}

// ---- callbacks ----

namespace {

core::result<domain::callback_task> load_callback(storage::store_reader& tx, const actor& who, const std::string& id) {
  auto t = tx.find_callback(who.jurisdiction_id, id);
  if (!t) return t.error();
  if (!*t) return core::not_found("callback " + id + " tidak ditemukan (not found)");
  return std::move(**t);
}

bool is_supervising(const actor& who) {
  return who.role == domain::role::supervisor || who.role == domain::role::admin;
}

}  // namespace

core::result<domain::callback_task> take_callback(storage::store_txn& tx, const context& ctx, const actor& who,
                                                  const std::string& id, bool dial) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  auto t = load_callback(tx, who, id);
  if (!t) return t.error();
  if (t->status != callback_status::open && t->status != callback_status::in_progress) {
    return core::conflict("callback " + id + " sudah " + std::string(to_string(t->status)) + " (is closed)");
  }
  if (t->status == callback_status::in_progress && t->assigned_to != who.user_id && !is_supervising(who)) {
    return core::conflict("callback " + id + " sedang ditangani petugas lain (is held by another call taker)");
  }
  auto now = ctx.clock.now();
  bool changed = t->status != callback_status::in_progress || t->assigned_to != who.user_id;
  if (changed) {
    t->status = callback_status::in_progress;
    t->assigned_to = who.user_id;
    t->updated_at = now;
    if (auto r = tx.update_callback(*t); !r) return r.error();
    auto e = record(tx, ctx, who, subject_kind::callback, t->id, "callback.taken", {{"call_id", t->call_id}});
    if (!e) return e.error();
  }
  if (dial) {
    auto e = record(tx, ctx, who, subject_kind::callback, t->id, "callback.dial_requested",
                    {{"number", t->caller}, {"call_id", t->call_id}, {"agent", who.user_id}});
    if (!e) return e.error();
  }
  return std::move(*t);
}

core::result<domain::callback_task> record_callback_attempt(storage::store_txn& tx, const context& ctx,
                                                            const actor& who, const std::string& id,
                                                            const callback_attempt_input& in) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  if (in.note.size() > 5000) return core::invalid("note is longer than 5000 characters");
  auto t = load_callback(tx, who, id);
  if (!t) return t.error();
  if (t->status == callback_status::in_progress && t->assigned_to && t->assigned_to != who.user_id &&
      !is_supervising(who)) {
    return core::conflict("callback " + id + " sedang ditangani petugas lain (is held by another call taker)");
  }
  return apply_callback_attempt_to(tx, ctx, who, std::move(*t), in);
}

core::result<domain::callback_task> apply_callback_attempt_to(storage::store_txn& tx, const context& ctx,
                                                              const actor& who, domain::callback_task task,
                                                              const callback_attempt_input& in) {
  auto* t = &task;
  auto now = ctx.clock.now();
  auto step = domain::apply_callback_attempt(t->status, t->attempts, t->due_at, in.result, now);
  if (!step) return step.error();
  if (in.result == domain::callback_result::reached_valid) {
    new_report r = in.report;
    r.source = domain::channel::call;
    if (r.reporter_phone.empty()) r.reporter_phone = t->caller;
    auto made = create_report(tx, ctx, who, r);
    if (!made) return made.error();
    t->report_id = made->id;
  }
  t->status = step->status;
  t->attempts = step->attempts;
  t->due_at = step->due_at;
  t->last_result = in.result;
  t->note = in.note;
  t->assigned_to = step->status == callback_status::open ? std::nullopt : std::optional(who.user_id);
  t->updated_at = now;
  if (step->status != callback_status::open) t->closed_at = now;
  if (auto r = tx.update_callback(*t); !r) return r.error();
  json::object payload{{"result", to_string(in.result)},
                       {"attempts", t->attempts},
                       {"status", to_string(t->status)},
                       {"due_at", core::format_utc(t->due_at)}};
  if (t->report_id) payload["report_id"] = *t->report_id;
  auto e = record(tx, ctx, who, subject_kind::callback, t->id, "callback.attempted", payload);
  if (!e) return e.error();

  if (t->status == callback_status::done || t->status == callback_status::failed) {
    // Reached: every other waiting callback of the number is answered too. Failed: the calls
    // merged into this task close with it.
    const bool reached = t->status == callback_status::done;
    storage::callback_filter same_number;
    same_number.jurisdiction_id = who.jurisdiction_id;
    same_number.statuses = {callback_status::open, callback_status::merged, callback_status::expired};
    same_number.caller = t->caller;
    same_number.page = {500, 0};
    auto others = tx.list_callbacks(same_number);
    if (!others) return others.error();
    for (auto o : others->items) {
      if (o.id == t->id || (!reached && o.merged_into != t->id)) continue;
      o.status = t->status;
      o.last_result = in.result;
      o.note = reached ? "Sudah dihubungi lewat callback " + t->id + " (reached through callback " + t->id + ")"
                       : "Tidak terhubung lewat callback " + t->id + " (not reached through callback " + t->id + ")";
      o.updated_at = now;
      o.closed_at = now;
      if (auto r = tx.update_callback(o); !r) return r.error();
      auto oe = record(tx, ctx, who, subject_kind::callback, o.id, "callback.closed_with", {{"callback_id", t->id}});
      if (!oe) return oe.error();
    }
  }
  return std::move(*t);
}

// ---- location ----

core::result<domain::location_record> record_location(storage::store_txn& tx, const context& ctx, const actor& who,
                                                      const location_input& in) {
  auto now = ctx.clock.now();
  domain::location_record rec;
  rec.id = ctx.ids.next(now);
  rec.jurisdiction_id = who.jurisdiction_id;
  rec.number = in.number;
  rec.accepted = in.fix.has_value();
  rec.rejection = in.fix ? std::string() : in.rejection;
  rec.format = in.fix ? in.fix->format : in.format;
  rec.fix = in.fix;
  rec.raw = in.raw.substr(0, 2000);
  rec.received_at = now;
  std::optional<domain::call_record> call;
  if (!in.number.empty()) {
    auto latest =
        tx.latest_call_of(who.jurisdiction_id, in.number, core::from_micros(std::numeric_limits<std::int64_t>::max()));
    if (!latest) return latest.error();
    if (*latest) {
      call = std::move(**latest);
      rec.call_id = call->id;
    }
  }
  if (auto r = tx.insert_location_record(rec); !r) return r.error();
  json::object payload{{"location_id", rec.id}, {"format", rec.format}, {"number", rec.number}};
  if (!rec.accepted) {
    payload["rejection"] = rec.rejection;
    auto e = record(tx, ctx, who, call ? subject_kind::call : subject_kind::location, call ? call->id : rec.id,
                    "location.rejected", payload);
    if (!e) return e.error();
    return rec;
  }
  payload["lat"] = rec.fix->lat;
  payload["lon"] = rec.fix->lon;
  payload["radius_m"] = rec.fix->radius_m ? json::value(*rec.fix->radius_m) : json::value(nullptr);
  if (call) {
    auto at = rec.fix->fix_time.value_or(now);
    if (!call->location || !call->location->at || *call->location->at <= at) {
      call->location = domain::call_location{
          rec.fix->lat, rec.fix->lon, rec.fix->radius_m, at, std::string(to_string(rec.fix->method)), rec.fix->format};
      call->updated_at = now;
      if (auto r = tx.update_call(*call); !r) return r.error();
    }
  }
  auto e = record(tx, ctx, who, call ? subject_kind::call : subject_kind::location, call ? call->id : rec.id,
                  call ? "call.located" : "location.received", payload);
  if (!e) return e.error();
  return rec;
}

}  // namespace siaga::services
