#include "services/incident_service.hpp"

#include "domain/geo.hpp"
#include "domain/phone.hpp"
#include "services/access.hpp"
#include "services/area_index.hpp"
#include "services/events.hpp"
#include "services/incident_rules.hpp"
#include "services/notifications.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>

namespace siaga::services {
namespace json = boost::json;
using domain::dispatch_status;
using domain::incident_status;
using domain::report_status;
using domain::subject_kind;

namespace {

core::result<domain::report> load_new_report(storage::store_reader& tx, const actor& who, const std::string& id) {
  auto r = tx.find_report(who.jurisdiction_id, id);
  if (!r) return r.error();
  if (!*r) return core::not_found("report " + id + " not found");
  if (auto ok = domain::check_report_transition((*r)->status, report_status::accepted); !ok) {
    return core::conflict("report " + id + " is already " + std::string(to_string((*r)->status)));
  }
  return std::move(**r);
}

// After any change to an incident's dispatches: recompute its status, store and record it.
core::result<domain::incident> follow_dispatches(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 domain::incident inc) {
  auto all = tx.dispatches_of_incident(inc.id);
  if (!all) return all.error();
  auto next = domain::derive_incident_status(inc.status, *all);
  // Dispatched to the field once it has any dispatch, whatever its status does (the statistics'
  // "dispatched" and the calls' follow-ups count it from first_dispatched_at).
  bool first_dispatch = !inc.first_dispatched_at && !all->empty();
  if (next == inc.status && !first_dispatch) return inc;
  auto now = ctx.clock.now();
  auto from = inc.status;
  inc.status = next;
  inc.updated_at = now;
  if (first_dispatch) inc.first_dispatched_at = now;
  if (next == incident_status::resolved && from != next) inc.resolved_at = now;
  if (auto r = tx.update_incident(inc); !r) return r.error();
  if (next == from) return inc;
  auto e = record(tx, ctx, who, subject_kind::incident, inc.id, "incident.status_changed",
                  {{"from", to_string(from)}, {"to", to_string(next)}}, inc.id);
  if (!e) return e.error();
  return inc;
}

// A tracking code no report has: drawn again on the rare collision, so that the insert never
// meets the unique index (which would fail the whole batch's command).
core::result<std::string> fresh_tracking_code(storage::store_txn& tx, const context& ctx, std::size_t length) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto code = core::make_tracking_code(ctx.random, length);
    SIAGA_TRY(taken, tx.find_report_by_tracking_code(code));
    if (!taken) return code;
  }
  return core::make_error(core::errc::internal, "no free tracking code after 8 draws: is the random source broken?");
}

// joined: the report joins an incident that existed before (a repeat report of the same event),
// which its reporter is told in those words.
core::result<void> link_report(storage::store_txn& tx, const context& ctx, const actor& who, domain::report rep,
                               const domain::incident& inc, bool joined) {
  // The reporter's photos go with the report to its incident, where the call taker sees them.
  SIAGA_TRY(photos, tx.media_of_report(rep.id));
  for (auto& m : photos) {
    if (!m.incident_id.empty()) continue;
    m.incident_id = inc.id;
    SIAGA_CHECK(tx.update_media(m));
  }
  rep.status = report_status::accepted;
  rep.incident_id = inc.id;
  rep.updated_at = ctx.clock.now();
  if (auto r = tx.update_report(rep); !r) return r.error();
  json::object payload{{"incident_id", inc.id}, {"incident_number", inc.number}};
  if (joined) payload["joined"] = true;
  auto e = record(tx, ctx, who, subject_kind::report, rep.id, "report.accepted", payload, inc.id);
  if (!e) return e.error();
  return {};
}

core::result<std::vector<domain::dispatch>> dispatch_agencies(storage::store_txn& tx, const context& ctx,
                                                              const actor& who, const domain::incident& inc,
                                                              const std::vector<domain::run_card_entry>& plan,
                                                              bool share_contact, bool new_incident = false) {
  // A brand-new incident has no dispatches yet: no need to ask the database.
  core::result<std::vector<domain::dispatch>> existing =
      new_incident ? core::result<std::vector<domain::dispatch>>{std::vector<domain::dispatch>{}}
                   : tx.dispatches_of_incident(inc.id);
  if (!existing) return existing.error();
  std::vector<domain::dispatch> made;
  for (const auto& entry : plan) {
    auto ag = tx.find_agency(who.jurisdiction_id, entry.agency_id);
    if (!ag) return ag.error();
    if (!*ag) return core::invalid("agency_id '" + entry.agency_id + "' is not an agency of this jurisdiction");
    if (!(*ag)->active) return core::invalid("agency " + (*ag)->code + " is inactive and cannot be dispatched");
    auto busy = std::any_of(existing->begin(), existing->end(), [&](const domain::dispatch& d) {
      return d.agency_id == entry.agency_id && !domain::is_final(d.status);
    });
    if (busy) return core::conflict("agency " + (*ag)->code + " is already dispatched to this incident");
    auto now = ctx.clock.now();
    domain::dispatch d;
    d.id = ctx.ids.next(now);
    d.jurisdiction_id = who.jurisdiction_id;
    d.incident_id = inc.id;
    d.agency_id = entry.agency_id;
    d.role = entry.role;
    d.status = dispatch_status::notified;
    d.share_contact = share_contact;
    d.notified_at = now;
    d.updated_at = now;
    if (auto r = tx.insert_dispatch(d); !r) return r.error();
    auto e = record(tx, ctx, who, subject_kind::dispatch, d.id, "dispatch.notified",
                    {{"agency_id", d.agency_id}, {"agency_code", (*ag)->code}, {"role", to_string(d.role)},
                     {"share_contact", d.share_contact}, {"status", to_string(d.status)},
                     {"notified_at", core::format_utc(d.notified_at)}},
                    inc.id, d.agency_id);
    if (!e) return e.error();
    if (auto n = notify_agency(tx, ctx, d, "dispatch.notified"); !n) return n.error();
    existing->push_back(d);
    made.push_back(std::move(d));
  }
  return made;
}

}  // namespace

core::result<domain::report> create_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const new_report& in) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  return record_report(tx, ctx, who, in, 8);
}

core::result<domain::report> record_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const new_report& in, std::size_t code_length) {
  if (in.description.empty() && !in.category_id) {
    return core::invalid("a report needs a description or a category_id");
  }
  if (in.description.size() > 10000) return core::invalid("description is longer than 10000 characters");
  if (auto ok = check_location(in.location); !ok) return ok.error();
  if (in.category_id) {
    if (auto c = load_category(tx, who, *in.category_id); !c) return c.error();
  }
  // Typed by staff or sent by a channel, a number is stored as callers' numbers are (E.164),
  // so that it can be called back and matched to the caller's history; text is refused.
  std::string phone;
  if (in.reporter_phone.find_first_not_of(" \t") != std::string::npos) {
    SIAGA_TRY(normalised, domain::normalize_reporter_phone(in.reporter_phone, "reporter_phone"));
    phone = std::move(normalised);
  }
  auto place = locate_in_txn(tx, who, in.district_id, in.village_id, in.location);
  if (!place) return place.error();

  auto now = ctx.clock.now();
  domain::report r;
  r.id = ctx.ids.next(now);
  r.jurisdiction_id = who.jurisdiction_id;
  SIAGA_TRY(code, fresh_tracking_code(tx, ctx, code_length));
  r.tracking_code = std::move(code);
  r.source = in.source;
  r.status = report_status::new_;
  r.reporter_name = in.reporter_name;
  r.reporter_phone = std::move(phone);
  r.description = in.description;
  r.category_id = in.category_id;
  r.location = in.location;
  r.address = in.address;
  r.district_id = std::move(place->district_id);
  r.village_id = std::move(place->village_id);
  r.created_by = who.user_id;
  r.created_at = now;
  r.updated_at = now;
  if (auto w = tx.insert_report(r); !w) return w.error();
  // What a replay of the log needs to count the report (services/rollup_replay.hpp): absent
  // values are written as null so that an old event (without them) is told apart.
  json::object payload{{"channel", to_string(r.source)},   {"tracking_code", r.tracking_code},
                       {"status", to_string(r.status)},    {"category_id", optional_json(r.category_id)},
                       {"district_id", optional_json(r.district_id)}, {"village_id", optional_json(r.village_id)},
                       {"created_at", core::format_utc(r.created_at)}};
  if (auto e = record(tx, ctx, who, subject_kind::report, r.id, "report.created", payload); !e) return e.error();
  return r;
}

core::result<domain::incident> create_incident(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const new_incident& in) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  if (in.category_id.empty()) return core::invalid("category_id is required");
  auto cat = load_category(tx, who, in.category_id);
  if (!cat) return cat.error();
  if (auto ok = check_location(in.location); !ok) return ok.error();
  auto place = locate_in_txn(tx, who, in.district_id, in.village_id, in.location);
  if (!place) return place.error();
  if (in.summary.size() > 500) return core::invalid("summary is longer than 500 characters");

  std::vector<domain::report> reports;
  for (const auto& id : in.report_ids) {
    auto r = load_new_report(tx, who, id);
    if (!r) return r.error();
    reports.push_back(std::move(*r));
  }

  // The dispatch plan is settled before anything is written, so that the incident row is
  // written once with the status its dispatches give it.
  std::vector<domain::run_card_entry> plan;
  if (in.dispatch_now && in.agency_ids) {
    for (const auto& id : *in.agency_ids) {
      if (std::any_of(plan.begin(), plan.end(), [&](const auto& e) { return e.agency_id == id; })) {
        return core::invalid("agency_ids names agency '" + id + "' twice");
      }
      auto on_card = std::find_if(cat->run_card.begin(), cat->run_card.end(),
                                  [&](const domain::run_card_entry& e) { return e.agency_id == id; });
      plan.push_back({id, on_card != cat->run_card.end() ? on_card->role : domain::dispatch_role::supporting});
    }
  } else if (in.dispatch_now) {
    plan = domain::plan_dispatches(*cat, in.add_agency_ids, in.remove_agency_ids);
  }
  auto jur = tx.find_jurisdiction(who.jurisdiction_id);
  if (!jur) return jur.error();
  if (!*jur) return core::make_error(core::errc::internal, "the actor's jurisdiction is missing");
  auto offset = core::zone_offset_minutes((*jur)->timezone);
  if (!offset) return offset.error();

  auto now = ctx.clock.now();
  auto seq = tx.next_counter(who.jurisdiction_id, "incident:" + domain::local_day(now, *offset));
  if (!seq) return seq.error();

  domain::incident inc;
  inc.id = ctx.ids.next(now);
  inc.jurisdiction_id = who.jurisdiction_id;
  inc.number = domain::format_incident_number((*jur)->incident_prefix, now, *offset, *seq);
  inc.category_id = cat->id;
  inc.urgency_class = cat->urgency_class;
  inc.status = plan.empty() ? incident_status::open : incident_status::dispatched;
  if (!plan.empty()) inc.first_dispatched_at = now;
  inc.summary = in.summary.empty() ? cat->name_id : in.summary;
  inc.description = in.description;
  inc.location = in.location;
  inc.address = in.address;
  inc.district_id = std::move(place->district_id);
  inc.village_id = std::move(place->village_id);
  inc.created_by = who.user_id;
  inc.created_at = now;
  inc.updated_at = now;
  if (auto w = tx.insert_incident(inc); !w) return w.error();
  json::object payload{{"number", inc.number},
                       {"category_id", inc.category_id},
                       {"urgency", to_string(inc.urgency_class)},
                       {"summary", inc.summary},
                       {"location", point_json(inc.location)},
                       {"status", to_string(inc.status)},
                       {"district_id", optional_json(inc.district_id)},
                       {"village_id", optional_json(inc.village_id)},
                       {"created_at", core::format_utc(inc.created_at)}};
  if (auto e = record(tx, ctx, who, subject_kind::incident, inc.id, "incident.created", payload, inc.id); !e) {
    return e.error();
  }
  for (auto& r : reports) {
    if (auto ok = link_report(tx, ctx, who, std::move(r), inc, false); !ok) return ok.error();
  }
  if (plan.empty()) return inc;
  auto made = dispatch_agencies(tx, ctx, who, inc, plan, in.share_contact, true);
  if (!made) return made.error();
  // The row already holds the status its new dispatches give it (written once, above); the
  // timeline still shows the step.
  auto changed = record(tx, ctx, who, subject_kind::incident, inc.id, "incident.status_changed",
                        {{"from", to_string(incident_status::open)}, {"to", to_string(inc.status)}}, inc.id);
  if (!changed) return changed.error();
  return inc;
}

core::result<domain::incident> accept_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& report_id,
                                             const std::optional<std::string>& incident_id, new_incident fresh) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  auto rep = load_new_report(tx, who, report_id);
  if (!rep) return rep.error();
  if (incident_id) {
    auto inc = load_incident(tx, who, *incident_id);
    if (!inc) return inc.error();
    if (inc->status == incident_status::closed || inc->status == incident_status::cancelled) {
      return core::conflict("incident " + inc->number + " is " + std::string(to_string(inc->status)) +
                            "; reopen it first or create a new incident");
    }
    if (auto ok = link_report(tx, ctx, who, std::move(*rep), *inc, true); !ok) return ok.error();
    return inc;
  }
  if (fresh.category_id.empty() && rep->category_id) fresh.category_id = *rep->category_id;
  if (fresh.category_id.empty()) return core::invalid("category_id is required: the report has no category");
  if (!fresh.location) fresh.location = rep->location;
  if (fresh.address.empty()) fresh.address = rep->address;
  if (!fresh.district_id && !fresh.village_id) {
    fresh.district_id = rep->district_id;
    fresh.village_id = rep->village_id;
  }
  if (fresh.description.empty()) fresh.description = rep->description;
  fresh.report_ids.insert(fresh.report_ids.begin(), report_id);
  return create_incident(tx, ctx, who, fresh);
}

namespace {
core::result<domain::report> finish_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const std::string& report_id, report_status to,
                                           std::optional<domain::reject_reason> reason, const std::string& note) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  auto found = tx.find_report(who.jurisdiction_id, report_id);
  if (!found) return found.error();
  if (!*found) return core::not_found("report " + report_id + " not found");
  auto rep = std::move(**found);
  if (auto ok = domain::check_report_transition(rep.status, to); !ok) return ok.error();
  if (note.size() > 5000) return core::invalid("note is longer than 5000 characters");
  rep.status = to;
  rep.rejection = reason;
  rep.resolution_note = note;
  rep.updated_at = ctx.clock.now();
  if (auto w = tx.update_report(rep); !w) return w.error();
  json::object payload{{"note", note}};
  if (reason) payload["reason"] = to_string(*reason);
  auto kind = to == report_status::rejected ? "report.rejected" : "report.answered";
  if (auto e = record(tx, ctx, who, subject_kind::report, rep.id, kind, payload); !e) return e.error();
  return rep;
}
}  // namespace

core::result<domain::report> reject_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const std::string& report_id, domain::reject_reason reason,
                                           const std::string& note) {
  return finish_report(tx, ctx, who, report_id, report_status::rejected, reason, note);
}

core::result<domain::report> answer_report(storage::store_txn& tx, const context& ctx, const actor& who,
                                           const std::string& report_id, const std::string& note) {
  if (is_blank(note)) return core::invalid("note is required: say what information was given");
  return finish_report(tx, ctx, who, report_id, report_status::answered, std::nullopt, note);
}

core::result<std::vector<domain::dispatch>> add_dispatches(storage::store_txn& tx, const context& ctx,
                                                           const actor& who, const std::string& incident_id,
                                                           const std::vector<std::string>& agency_ids,
                                                           bool share_contact) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  if (agency_ids.empty()) return core::invalid("agency_ids must name at least one agency");
  auto inc = load_incident(tx, who, incident_id);
  if (!inc) return inc.error();
  if (inc->status == incident_status::closed || inc->status == incident_status::cancelled) {
    return core::conflict("incident " + inc->number + " is " + std::string(to_string(inc->status)) +
                          "; reopen it before dispatching");
  }
  auto cat = load_category(tx, who, inc->category_id);
  if (!cat) return cat.error();
  std::vector<domain::run_card_entry> plan;
  for (const auto& id : agency_ids) {
    if (std::any_of(plan.begin(), plan.end(), [&](const auto& e) { return e.agency_id == id; })) {
      return core::invalid("agency_ids names agency '" + id + "' twice");
    }
    auto on_card = std::find_if(cat->run_card.begin(), cat->run_card.end(),
                                [&](const domain::run_card_entry& e) { return e.agency_id == id; });
    plan.push_back({id, on_card != cat->run_card.end() ? on_card->role : domain::dispatch_role::supporting});
  }
  auto made = dispatch_agencies(tx, ctx, who, *inc, plan, share_contact);
  if (!made) return made.error();
  if (auto f = follow_dispatches(tx, ctx, who, std::move(*inc)); !f) return f.error();
  return made;
}

namespace {

core::result<domain::dispatch> move_dispatch_via(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::string& dispatch_id, dispatch_status to,
                                                 const std::string& text, std::optional<domain::ack_via> via,
                                                 const std::string& public_note = {}) {
  auto found = tx.find_dispatch(who.jurisdiction_id, dispatch_id);
  if (!found) return found.error();
  if (!*found) return core::not_found("dispatch " + dispatch_id + " not found");
  auto d = std::move(**found);
  if (auto ok = check_dispatch_access(who, d, true); !ok) return ok.error();
  if (to == dispatch_status::cancelled) {
    if (auto ok = require_dispatcher(who); !ok) return ok.error();
    if (is_blank(text)) return core::invalid("reason is required to cancel a dispatch");
  }
  if (text.size() > 5000) return core::invalid("note or reason is longer than 5000 characters");
  if (public_note.size() > 2000) return core::invalid("public_note is longer than 2000 characters");
  auto inc = load_incident(tx, who, d.incident_id);
  if (!inc) return inc.error();
  if (inc->status == incident_status::closed || inc->status == incident_status::cancelled) {
    return core::conflict("incident " + inc->number + " is " + std::string(to_string(inc->status)));
  }
  auto from = d.status;
  if (auto ok = domain::apply_dispatch_transition(d, to, ctx.clock.now(), text); !ok) return ok.error();
  d.public_note = public_note;
  if (auto w = tx.update_dispatch(d); !w) return w.error();
  json::object payload{{"from", to_string(from)}, {"to", to_string(to)}, {"at", core::format_utc(d.updated_at)}};
  if (!public_note.empty()) payload["public_note"] = public_note;
  if (!text.empty()) payload[to == dispatch_status::completed ? "note" : "reason"] = text;
  if (via) payload["via"] = to_string(*via);
  auto e = record(tx, ctx, who, subject_kind::dispatch, d.id, "dispatch." + std::string(to_string(to)), payload,
                  d.incident_id, d.agency_id);
  if (!e) return e.error();
  if (to == dispatch_status::cancelled) {
    if (auto n = notify_agency(tx, ctx, d, "dispatch.cancelled", text); !n) return n.error();
  }
  if (auto f = follow_dispatches(tx, ctx, who, std::move(*inc)); !f) return f.error();
  return d;
}

}  // namespace

core::result<domain::dispatch> move_dispatch(storage::store_txn& tx, const context& ctx, const actor& who,
                                             const std::string& dispatch_id, dispatch_status to,
                                             const std::string& text) {
  std::optional<domain::ack_via> via;
  if (to == dispatch_status::acknowledged) via = domain::ack_via::console;
  return move_dispatch_via(tx, ctx, who, dispatch_id, to, text, via);
}

core::result<domain::dispatch> complete_dispatch(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::string& dispatch_id, const std::string& note,
                                                 const std::string& public_note) {
  return move_dispatch_via(tx, ctx, who, dispatch_id, dispatch_status::completed, note, std::nullopt,
                           is_blank(public_note) ? std::string() : public_note);
}

core::result<domain::dispatch> acknowledge_dispatch(storage::store_txn& tx, const context& ctx, const actor& who,
                                                    const std::string& dispatch_id, domain::ack_via via) {
  if (via == domain::ack_via::phone) SIAGA_CHECK(require_dispatcher(who));
  if (via == domain::ack_via::delivery_receipt && who.user_id != system_actor(who.jurisdiction_id).user_id) {
    return core::forbidden("only the delivery of a notice acknowledges by delivery receipt");
  }
  return move_dispatch_via(tx, ctx, who, dispatch_id, dispatch_status::acknowledged, {}, via);
}

core::result<domain::incident> act_on_incident(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const std::string& incident_id, domain::incident_action action,
                                               const std::string& reason) {
  if (auto ok = require_dispatcher(who); !ok) return ok.error();
  auto inc = load_incident(tx, who, incident_id);
  if (!inc) return inc.error();
  if (action != domain::incident_action::close && is_blank(reason)) {
    return core::invalid("reason is required to cancel or reopen an incident");
  }
  auto next = domain::apply_incident_action(inc->status, action);
  if (!next) return next.error();
  auto now = ctx.clock.now();
  if (action == domain::incident_action::cancel) {
    auto all = tx.dispatches_of_incident(inc->id);
    if (!all) return all.error();
    for (auto& d : *all) {
      if (domain::is_final(d.status)) continue;
      auto from = d.status;
      if (auto ok = domain::apply_dispatch_transition(d, dispatch_status::cancelled, now, reason); !ok) {
        return ok.error();
      }
      if (auto w = tx.update_dispatch(d); !w) return w.error();
      auto e = record(tx, ctx, who, subject_kind::dispatch, d.id, "dispatch.cancelled",
                      {{"from", to_string(from)}, {"to", "cancelled"}, {"reason", reason}, {"at", core::format_utc(now)}},
                      inc->id, d.agency_id);
      if (!e) return e.error();
      if (auto n = notify_agency(tx, ctx, d, "dispatch.cancelled", reason); !n) return n.error();
    }
  }
  auto from = inc->status;
  inc->status = *next;
  inc->updated_at = now;
  if (action == domain::incident_action::close) inc->closed_at = now;
  if (action == domain::incident_action::reopen) {
    inc->closed_at.reset();
    inc->resolved_at.reset();
  }
  if (auto w = tx.update_incident(*inc); !w) return w.error();
  static constexpr const char* kinds[] = {"incident.closed", "incident.cancelled", "incident.reopened"};
  json::object payload{{"from", to_string(from)}, {"to", to_string(*next)}};
  if (!reason.empty()) payload["reason"] = reason;
  auto e = record(tx, ctx, who, subject_kind::incident, inc->id, kinds[static_cast<int>(action)], payload, inc->id);
  if (!e) return e.error();
  return inc;
}

}  // namespace siaga::services
