#include "services/incident_queries.hpp"

#include "services/access.hpp"

#include <algorithm>

namespace siaga::services {
using domain::role;

core::result<incident_view> visible_incident(storage::store_reader& rd, const actor& who, const std::string& id) {
  SIAGA_TRY(inc, rd.find_incident(who.jurisdiction_id, id));
  if (!inc) return core::not_found("incident " + id + " not found");
  SIAGA_TRY(all, rd.dispatches_of_incident(id));
  incident_view v{std::move(*inc), {}, false};
  const bool operator_ = who.role == role::agency_operator;
  for (auto& d : all) {
    if (operator_ && (!who.agency_id || d.agency_id != *who.agency_id)) continue;
    if (operator_ && d.share_contact) v.contact_shared = true;
    v.dispatches.push_back(std::move(d));
  }
  if (operator_ && v.dispatches.empty()) return core::not_found("incident " + id + " not found");
  return v;
}

namespace {

// Called only for events of an incident the actor may see, which for an agency operator means
// one dispatched to its agency; the rule is the stream's.
std::vector<domain::event> visible_events(const actor& who, std::vector<domain::event> events) {
  std::erase_if(events, [&](const domain::event& e) { return event_visibility_for(who, e) == event_visibility::hidden; });
  return events;
}

}  // namespace

core::result<incident_detail> read_incident_detail(storage::store_reader& rd, const actor& who,
                                                   const std::string& id) {
  SIAGA_TRY(v, visible_incident(rd, who, id));
  incident_detail out;
  SIAGA_TRY(reports, rd.reports_of_incident(id));
  SIAGA_TRY(events, rd.events_of_incident(id));
  SIAGA_TRY(media, rd.media_of_incident(id));
  out.can_reveal = may_see_contact(who, v.contact_shared);
  out.reports = std::move(reports);
  out.events = visible_events(who, std::move(events));
  for (auto& m : media) {
    bool shown = m.dispatch_id ? std::any_of(v.dispatches.begin(), v.dispatches.end(),
                                             [&](const domain::dispatch& d) { return d.id == *m.dispatch_id; })
                               : who.role != role::agency_operator;
    if (shown) out.media.push_back(std::move(m));
  }
  out.view = std::move(v);
  return out;
}

core::result<std::vector<domain::event>> read_incident_events(storage::store_reader& rd, const actor& who,
                                                              const std::string& id) {
  SIAGA_CHECK(visible_incident(rd, who, id));
  SIAGA_TRY(events, rd.events_of_incident(id));
  return visible_events(who, std::move(events));
}

namespace {

// Fail closed: an operator without an agency sees nothing rather than everything.
core::result<void> narrow_to_agency(const actor& who, std::optional<std::string>& agency_id) {
  if (who.role != role::agency_operator) return {};
  if (!who.agency_id) return core::forbidden("this agency operator account has no agency");
  agency_id = who.agency_id;
  return {};
}

}  // namespace

core::result<storage::page<domain::incident>> list_incidents_for(storage::store_reader& rd, const actor& who,
                                                                 storage::incident_filter f) {
  f.jurisdiction_id = who.jurisdiction_id;
  SIAGA_CHECK(narrow_to_agency(who, f.agency_id));
  return rd.list_incidents(f);
}

core::result<storage::page<domain::dispatch>> list_dispatches_for(storage::store_reader& rd, const actor& who,
                                                                  storage::dispatch_filter f) {
  f.jurisdiction_id = who.jurisdiction_id;
  SIAGA_CHECK(narrow_to_agency(who, f.agency_id));
  return rd.list_dispatches(f);
}

core::result<domain::dispatch> read_dispatch(storage::store_reader& rd, const actor& who, const std::string& id) {
  SIAGA_TRY(d, rd.find_dispatch(who.jurisdiction_id, id));
  if (!d) return core::not_found("dispatch " + id + " not found");
  SIAGA_CHECK(check_dispatch_access(who, *d, false));
  return std::move(*d);
}

core::result<storage::page<domain::report>> list_reports_for(storage::store_reader& rd, const actor& who,
                                                             storage::report_filter f) {
  f.jurisdiction_id = who.jurisdiction_id;
  return rd.list_reports(f);
}

core::result<domain::report> read_report(storage::store_reader& rd, const actor& who, const std::string& id) {
  SIAGA_TRY(rep, rd.find_report(who.jurisdiction_id, id));
  if (!rep) return core::not_found("report " + id + " not found");
  return std::move(*rep);
}

core::result<std::vector<link_candidate_view>> report_link_candidates(storage::store_reader& rd, const actor& who,
                                                                      const std::string& report_id) {
  SIAGA_TRY(rep, read_report(rd, who, report_id));
  std::vector<link_candidate_view> out;
  if (rep.status != domain::report_status::new_) return out;
  const domain::link_rules rules;
  storage::incident_filter f;
  f.jurisdiction_id = who.jurisdiction_id;
  f.statuses = {domain::incident_status::open, domain::incident_status::dispatched,
                domain::incident_status::in_progress};
  f.category_id = rep.category_id;
  f.from = rep.created_at - rules.window;
  f.to = rep.created_at + rules.clock_skew + std::chrono::microseconds(1);
  f.page.limit = 500;  // the open incidents of one category in two hours: a handful, a few hundred in a disaster
  SIAGA_TRY(page, rd.list_incidents(f));
  for (const auto& c : domain::link_candidates(rep, page.items, rules)) {
    out.push_back({*c.match, c.distance_m, c.basis});
  }
  return out;
}

}  // namespace siaga::services
