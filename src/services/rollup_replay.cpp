#include "services/rollup_replay.hpp"

#include "domain/lifecycle.hpp"
#include "domain/sla.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <iterator>
#include <string_view>

namespace siaga::services {
namespace json = boost::json;
using domain::event;

// The fold's state: every counted record as its events have left it so far.
struct rollup_replayer::state {
  std::map<std::string, domain::report> reports;
  std::map<std::string, domain::incident> incidents;
  std::map<std::string, domain::dispatch> dispatches;
  std::optional<replay_gap> gap;
  // The restatements by the seq of the event each restates: its id, kind and payload.
  struct restated {
    std::string id;
    std::string kind;
    json::object payload;
  };
  std::map<std::int64_t, restated> restatements;
};

namespace {

using replay_state = rollup_replayer::state;

core::error contradiction(const event& e, const std::string& what) {
  return core::invalid("event seq " + std::to_string(e.seq) + " (" + e.kind + "): " + what);
}

// Notes that an event lacks a field a replay needs (once per event).
void lacks(replay_state& s, const event& e, std::string_view field) {
  if (!s.gap) {
    s.gap = replay_gap{e.seq, e.seq, 0,
                       "event seq " + std::to_string(e.seq) + " (" + e.kind + ") has no " + std::string(field)};
  } else if (s.gap->events > 0 && s.gap->last_seq == e.seq) {
    return;
  }
  s.gap->last_seq = e.seq;
  ++s.gap->events;
}

// The payload's fields, read with the fold's rules: a field that must be there and is not is a
// gap (an old event); one that is there with the wrong type is a contradiction.
class payload {
 public:
  payload(replay_state& s, const event& e, json::object o) : s_(s), e_(e), o_(std::move(o)) {}

  bool has(std::string_view key) const { return o_.contains(key); }

  // A string field: nullopt (after noting the gap) when absent.
  core::result<std::optional<std::string>> text(std::string_view key) {
    auto it = o_.find(key);
    if (it == o_.end()) {
      lacks(s_, e_, key);
      return std::optional<std::string>();
    }
    if (!it->value().is_string()) return contradiction(e_, std::string(key) + " is not a string");
    return std::optional<std::string>(std::string(it->value().as_string()));
  }
  // A field that is a string or null: nullopt inside when null; gap when absent (outer nullopt).
  core::result<std::optional<std::optional<std::string>>> nullable(std::string_view key) {
    auto it = o_.find(key);
    if (it == o_.end()) {
      lacks(s_, e_, key);
      return std::optional<std::optional<std::string>>();
    }
    if (it->value().is_null()) return std::optional<std::optional<std::string>>(std::optional<std::string>());
    if (!it->value().is_string()) return contradiction(e_, std::string(key) + " is neither a string nor null");
    return std::optional<std::optional<std::string>>(std::string(it->value().as_string()));
  }
  core::result<std::optional<core::timestamp>> time(std::string_view key) {
    SIAGA_TRY(t, text(key));
    if (!t) return std::optional<core::timestamp>();
    auto parsed = core::parse_iso8601(*t);
    if (!parsed) return contradiction(e_, std::string(key) + ": " + parsed.error().message);
    return std::optional<core::timestamp>(*parsed);
  }
  // A field parsed as an enum.
  template <class E>
  core::result<std::optional<E>> value(std::string_view key, core::result<E> (*parse)(std::string_view)) {
    SIAGA_TRY(t, text(key));
    if (!t) return std::optional<E>();
    auto parsed = parse(*t);
    if (!parsed) return contradiction(e_, std::string(key) + ": " + parsed.error().message);
    return std::optional<E>(*parsed);
  }
  // {"from": .., "to": ..} under changes.key, when the change is there.
  const json::value* change_to(std::string_view key) const {
    auto changes = o_.if_contains("changes");
    if (!changes || !changes->is_object()) return nullptr;
    auto c = changes->as_object().if_contains(key);
    if (!c || !c->is_object()) return nullptr;
    return c->as_object().if_contains("to");
  }

 private:
  replay_state& s_;
  const event& e_;
  json::object o_;
};

template <class Map>
core::result<typename Map::mapped_type*> find_record(Map& m, const event& e, const std::string& id, const char* what) {
  auto it = m.find(id);
  if (it == m.end()) return contradiction(e, std::string(what) + " " + id + " was never created");
  return &it->second;
}

core::result<void> on_report(replay_state& s, const event& e, payload& p) {
  if (e.kind == "report.created") {
    domain::report r;
    r.id = e.subject_id;
    r.jurisdiction_id = e.jurisdiction_id;
    SIAGA_TRY(channel, p.value("channel", &domain::parse_channel));
    SIAGA_TRY(category, p.nullable("category_id"));
    SIAGA_TRY(district, p.nullable("district_id"));
    SIAGA_TRY(status, p.value("status", &domain::parse_report_status));
    SIAGA_TRY(created, p.time("created_at"));
    // An old event still creates the report, so that the later steps find it.
    r.source = channel.value_or(domain::channel::call);
    r.category_id = category.value_or(std::nullopt);
    r.district_id = district.value_or(std::nullopt);
    r.status = status.value_or(domain::report_status::new_);
    r.created_at = created.value_or(e.at);
    s.reports[r.id] = std::move(r);
    return {};
  }
  if (e.kind != "report.accepted" && e.kind != "report.answered" && e.kind != "report.rejected") return {};
  SIAGA_TRY(r, find_record(s.reports, e, e.subject_id, "report"));
  if (e.kind == "report.accepted") {
    r->status = domain::report_status::accepted;
  } else if (e.kind == "report.answered") {
    r->status = domain::report_status::answered;
    r->rejection.reset();
  } else if (e.kind == "report.rejected") {
    SIAGA_TRY(reason, p.value("reason", &domain::parse_reject_reason));
    r->status = domain::report_status::rejected;
    r->rejection = reason;
  }
  return {};
}

core::result<void> on_incident(replay_state& s, const event& e, payload& p) {
  if (e.kind == "incident.created") {
    domain::incident i;
    i.id = e.subject_id;
    i.jurisdiction_id = e.jurisdiction_id;
    SIAGA_TRY(category, p.text("category_id"));
    SIAGA_TRY(urgency, p.value("urgency", &domain::parse_urgency));
    SIAGA_TRY(district, p.nullable("district_id"));
    SIAGA_TRY(village, p.nullable("village_id"));
    SIAGA_TRY(status, p.value("status", &domain::parse_incident_status));
    SIAGA_TRY(created, p.time("created_at"));
    i.category_id = category.value_or("");
    i.urgency_class = urgency.value_or(domain::urgency::emergency);
    i.district_id = district.value_or(std::nullopt);
    i.village_id = village.value_or(std::nullopt);
    i.created_by = e.actor_id;  // the incident's creator is the actor of its creation
    i.status = status.value_or(domain::incident_status::open);
    i.created_at = created.value_or(e.at);
    s.incidents[i.id] = std::move(i);
    return {};
  }
  static constexpr std::string_view status_kinds[] = {"incident.status_changed", "incident.closed",
                                                      "incident.cancelled", "incident.reopened"};
  bool status_kind = std::find(std::begin(status_kinds), std::end(status_kinds), e.kind) != std::end(status_kinds);
  if (!status_kind && e.kind != "incident.updated") return {};  // notes move no figure
  SIAGA_TRY(i, find_record(s.incidents, e, e.subject_id, "incident"));
  if (status_kind) {
    SIAGA_TRY(to, p.value("to", &domain::parse_incident_status));
    if (to) i->status = *to;
    return {};
  }
  if (auto to = p.change_to("category_id")) {
    if (!to->is_string()) return contradiction(e, "changes.category_id.to is not a string");
    i->category_id = std::string(to->as_string());
  }
  if (auto to = p.change_to("urgency")) {
    auto u = to->is_string() ? domain::parse_urgency(to->as_string()) : core::invalid("not a string");
    if (!u) return contradiction(e, "changes.urgency.to: " + u.error().message);
    i->urgency_class = *u;
  }
  if (auto to = p.change_to("district_id")) {
    if (!to->is_string() && !to->is_null()) return contradiction(e, "changes.district_id.to is neither a string nor null");
    i->district_id = to->is_null() ? std::nullopt : std::optional<std::string>(std::string(to->as_string()));
  }
  if (auto to = p.change_to("village_id")) {
    if (!to->is_string() && !to->is_null()) return contradiction(e, "changes.village_id.to is neither a string nor null");
    i->village_id = to->is_null() ? std::nullopt : std::optional<std::string>(std::string(to->as_string()));
  }
  return {};
}

core::result<void> on_dispatch(replay_state& s, const event& e, payload& p) {
  if (e.kind == "dispatch.notified") {
    if (!e.incident_id) return contradiction(e, "a dispatch without its incident");
    SIAGA_TRY(incident, find_record(s.incidents, e, *e.incident_id, "incident"));
    domain::dispatch d;
    d.id = e.subject_id;
    d.jurisdiction_id = e.jurisdiction_id;
    d.incident_id = *e.incident_id;
    SIAGA_TRY(agency, p.text("agency_id"));
    SIAGA_TRY(notified, p.time("notified_at"));
    d.agency_id = agency.value_or(e.agency_id.value_or(""));
    d.status = domain::dispatch_status::notified;
    d.notified_at = notified.value_or(e.at);
    // Its incident has been dispatched to the field (only whether it was counts).
    if (!incident->first_dispatched_at) incident->first_dispatched_at = d.notified_at;
    s.dispatches[d.id] = std::move(d);
    return {};
  }
  auto step = domain::parse_dispatch_status(std::string_view(e.kind).substr(std::string_view("dispatch.").size()));
  if (!step) return {};  // media and other events of a dispatch move no figure
  SIAGA_TRY(d, find_record(s.dispatches, e, e.subject_id, "dispatch"));
  SIAGA_TRY(at, p.time("at"));
  auto when = at.value_or(e.at);
  d->status = *step;
  switch (*step) {
    case domain::dispatch_status::notified:
      return contradiction(e, "a dispatch is notified once");
    case domain::dispatch_status::acknowledged:
      d->acknowledged_at = when;
      break;
    case domain::dispatch_status::en_route:
      d->en_route_at = when;
      break;
    case domain::dispatch_status::on_scene:
      d->on_scene_at = when;
      break;
    case domain::dispatch_status::completed:
      d->completed_at = when;
      break;
    case domain::dispatch_status::declined:
      d->declined_at = when;
      break;
    case domain::dispatch_status::cancelled:
      d->cancelled_at = when;
      break;
  }
  return {};
}

bool counted(const event& e) {
  std::string_view k = e.kind;
  return (e.subject == domain::subject_kind::report && k.starts_with("report.")) ||
         (e.subject == domain::subject_kind::incident && k.starts_with("incident.") && k != "incident.note_added") ||
         (e.subject == domain::subject_kind::dispatch && k.starts_with("dispatch.") && k != "dispatch.media_attached");
}

}  // namespace

rollup_replayer::rollup_replayer(replay_settings settings)
    : settings_(std::move(settings)), state_(std::make_unique<state>()) {}
rollup_replayer::~rollup_replayer() = default;
rollup_replayer::rollup_replayer(rollup_replayer&&) noexcept = default;
rollup_replayer& rollup_replayer::operator=(rollup_replayer&&) noexcept = default;

core::result<void> rollup_replayer::restate(const domain::event& r) {
  if (r.kind != domain::restated_kind) return contradiction(r, "not a restatement");
  std::error_code ec;
  auto v = json::parse(r.payload_json, ec);
  const json::object* o = !ec ? v.if_object() : nullptr;
  const json::value* names = o ? o->if_contains("restates") : nullptr;
  const json::value* restated = o ? o->if_contains("payload") : nullptr;
  const json::object* target = names ? names->if_object() : nullptr;
  const json::value* seq = target ? target->if_contains("seq") : nullptr;
  const json::value* id = target ? target->if_contains("id") : nullptr;
  const json::value* kind = target ? target->if_contains("kind") : nullptr;
  if (!seq || !seq->is_int64() || !id || !id->is_string() || !kind || !kind->is_string() || !restated ||
      !restated->is_object()) {
    return contradiction(r, "a restatement needs restates {seq, id, kind} and payload (an object)");
  }
  state_->restatements[seq->as_int64()] =
      state::restated{std::string(id->as_string()), std::string(kind->as_string()), restated->as_object()};
  return {};
}

core::result<void> rollup_replayer::fold(const domain::event& e) {
  if (!counted(e)) return {};
  auto& s = *state_;
  json::object fields;
  auto restated = e.erased_at ? s.restatements.find(e.seq) : s.restatements.end();
  if (restated != s.restatements.end()) {
    if (restated->second.id != e.id || restated->second.kind != e.kind) {
      return contradiction(e, "its restatement names event " + restated->second.id + " (" + restated->second.kind +
                                  ")");
    }
    fields = restated->second.payload;
  } else {
    std::error_code ec;
    auto v = json::parse(e.payload_json, ec);
    if (ec || !v.is_object()) return contradiction(e, "the payload is not a JSON object");
    fields = std::move(v.as_object());
  }
  payload p(s, e, std::move(fields));
  ++events_;
  if (e.subject == domain::subject_kind::report) return on_report(s, e, p);
  if (e.subject == domain::subject_kind::incident) return on_incident(s, e, p);
  return on_dispatch(s, e, p);
}

replay_result rollup_replayer::finish() const {
  const auto& s = *state_;
  replay_result out;
  for (const auto& [id, r] : s.reports) out.counts.add_report(r, settings_.offset_minutes, 1);
  for (const auto& [id, i] : s.incidents) out.counts.add_incident(i, settings_.offset_minutes, 1);
  for (const auto& [id, d] : s.dispatches) {
    const auto& category = s.incidents.at(d.incident_id).category_id;
    auto limits = settings_.limits.find(category);
    auto cal = settings_.calendar;
    cal.offset_minutes = settings_.offset_minutes;
    out.counts.add_dispatch(d, category, limits == settings_.limits.end() ? domain::sla_policy{} : limits->second, cal,
                            1);
  }
  out.events = events_;
  out.reports = static_cast<std::int64_t>(s.reports.size());
  out.incidents = static_cast<std::int64_t>(s.incidents.size());
  out.dispatches = static_cast<std::int64_t>(s.dispatches.size());
  out.gap = s.gap;
  return out;
}

core::result<replay_result> replay_rollups(const std::vector<domain::event>& events, const replay_settings& settings) {
  rollup_replayer r(settings);
  for (const auto& e : events) {
    if (e.kind == domain::restated_kind && !e.erased_at) SIAGA_CHECK(r.restate(e));
  }
  for (const auto& e : events) SIAGA_CHECK(r.fold(e));
  return r.finish();
}

bool rebuild_report::exact() const {
  for (const auto& t : tables) {
    if (t.differing != 0) return false;
  }
  return true;
}

namespace {

// Events are read in pages of this many, in seq order.
constexpr int page_size = 5000;

core::result<rebuild_report> recount_from_records(storage::store_txn& tx, std::string reason) {
  rebuild_report out;
  out.source = rebuild_source::records;
  out.fallback_reason = std::move(reason);
  SIAGA_TRY(checks, tx.rebuild_rollups());
  for (auto& c : checks) out.tables.push_back({std::move(c.table), c.rows, c.differing});
  return out;
}

// Why a jurisdiction's replay is not to be trusted, or nullopt.
std::optional<std::string> untrusted(const domain::jurisdiction& j, const replay_result& r) {
  if (!r.gap) return std::nullopt;
  const auto& g = *r.gap;
  return j.code + ": " + std::to_string(g.events) + " events up to seq " + std::to_string(g.last_seq) + " (from seq " +
         std::to_string(g.first_seq) + ") lack replay fields, written before this version (" + g.example + ")";
}

// Reads events with read(after) page by page in seq order (a page shorter than page_size is the
// last) and hands each to its jurisdiction's replayer with step (restate or fold); events of an
// unknown jurisdiction are skipped. Returns why the log cannot be replayed (the first event step
// refuses, named by its jurisdiction's code), nullopt when every event was taken; fails with
// what read fails with.
template <class Read>
core::result<std::optional<std::string>> replay_pages(Read read, std::map<std::string, rollup_replayer>& replayers,
                                                      const std::map<std::string, std::string>& codes,
                                                      core::result<void> (rollup_replayer::*step)(const domain::event&)) {
  for (std::int64_t after = 0;;) {
    SIAGA_TRY(page, read(after));
    for (const auto& e : page) {
      auto it = replayers.find(e.jurisdiction_id);
      if (it == replayers.end()) continue;
      if (auto ok = (it->second.*step)(e); !ok) {
        return codes.at(e.jurisdiction_id) + ": the event log cannot be replayed: " + ok.error().message;
      }
    }
    if (page.size() < static_cast<std::size_t>(page_size)) return std::nullopt;
    after = page.back().seq;
  }
}

}  // namespace

core::result<rebuild_report> rebuild_rollups(storage::store_txn& tx, rebuild_source from) {
  if (from == rebuild_source::records) return recount_from_records(tx, "asked for (--from-records)");
  SIAGA_TRY(jurisdictions, tx.list_jurisdictions());
  std::map<std::string, rollup_replayer> replayers;
  for (const auto& j : jurisdictions) {
    SIAGA_TRY(offset, core::zone_offset_minutes(j.timezone));
    SIAGA_TRY(categories, tx.list_categories(j.id));
    replay_settings settings{offset, {}, domain::calendar_of(j)};
    for (const auto& c : categories) settings.limits.emplace(c.id, c.sla);
    replayers.emplace(j.id, rollup_replayer(std::move(settings)));
  }
  std::map<std::string, std::string> codes;
  for (const auto& j : jurisdictions) codes[j.id] = j.code;
  // The restatements first: each takes the place of the erased event it names in the fold.
  SIAGA_TRY(refused_restatement,
            replay_pages([&](std::int64_t after) { return tx.restatements_after(after, page_size); }, replayers, codes,
                         &rollup_replayer::restate));
  if (refused_restatement) return recount_from_records(tx, std::move(*refused_restatement));
  SIAGA_TRY(refused_event, replay_pages([&](std::int64_t after) { return tx.events_after(after, page_size); },
                                        replayers, codes, &rollup_replayer::fold));
  if (refused_event) return recount_from_records(tx, std::move(*refused_event));

  std::vector<std::pair<const domain::jurisdiction*, storage::rollup_rows>> replayed;
  std::int64_t events = 0;
  for (const auto& j : jurisdictions) {
    auto r = replayers.at(j.id).finish();
    if (auto why = untrusted(j, r)) return recount_from_records(tx, std::move(*why));
    SIAGA_TRY(records, tx.count_records(j.id));
    if (records.reports != r.reports || records.incidents != r.incidents || records.dispatches != r.dispatches) {
      return recount_from_records(
          tx, j.code + ": the event log creates " + std::to_string(r.reports) + " reports, " +
                  std::to_string(r.incidents) + " incidents and " + std::to_string(r.dispatches) +
                  " dispatches, the records hold " + std::to_string(records.reports) + ", " +
                  std::to_string(records.incidents) + " and " + std::to_string(records.dispatches) +
                  " (records written without their events)");
    }
    auto rows = storage::rows_of(r.counts);
    if (!rows) return recount_from_records(tx, j.code + ": the event log cannot be replayed: " + rows.error().message);
    events += r.events;
    replayed.emplace_back(&j, std::move(*rows));
  }
  rebuild_report out;
  out.events = events;
  for (const auto* name : storage::rollup_table_names) out.tables.push_back({name, 0, 0});
  for (const auto& [j, rows] : replayed) {
    SIAGA_TRY(kept, tx.kept_rollups(j->id));
    auto differ = storage::compare_rows(kept, rows);
    for (auto& t : out.tables) t.rows += storage::rows_in(rows, t.table);
    for (auto& m : differ) {
      for (auto& t : out.tables) t.differing += t.table == m.table ? 1 : 0;
      out.mismatches.push_back({j->code, std::move(m)});
    }
    if (!differ.empty()) SIAGA_CHECK(tx.replace_rollups(j->id, rows));
  }
  // Calls are not in the event log's counted records: their log is their own telephony events,
  // from which each call is folded, so their rollups are recounted from the calls.
  SIAGA_TRY(call_checks, tx.rebuild_call_rollups());
  for (auto& c : call_checks) out.tables.push_back({std::move(c.table), c.rows, c.differing});
  return out;
}

}  // namespace siaga::services
