// Reading incidents, dispatches and reports with the viewer's rules: what an actor may see is
// decided here, once, so that every handler and the stream apply the same rules.
#pragma once

#include "domain/linking.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::services {

// An incident as the actor may see it: agency operators see only incidents one of their
// agency's dispatches belongs to, and of those only their own dispatches; for anyone else the
// incident exists or not.
struct incident_view {
  domain::incident inc;
  std::vector<domain::dispatch> dispatches;  // those the actor may see
  bool contact_shared = false;               // with the actor's agency
};

// not_found for an unknown incident, another jurisdiction's, or one the actor may not see.
core::result<incident_view> visible_incident(storage::store_reader& rd, const actor& who, const std::string& id);

// Everything the incident panel shows, filtered for the actor: its reports (can_reveal: the
// actor may reveal their contacts through services::reveal_report_contact), the visible dispatches, the events the actor may see (the
// stream's rule) and the photos of those dispatches (photos of the incident as a whole only to
// non-agency roles). Fails like visible_incident.
struct incident_detail {
  incident_view view;
  std::vector<domain::report> reports;
  bool can_reveal = false;
  std::vector<domain::event> events;
  std::vector<domain::media> media;
};
core::result<incident_detail> read_incident_detail(storage::store_reader& rd, const actor& who,
                                                   const std::string& id);

// The timeline of an incident the actor may see, filtered by the stream's rule.
core::result<std::vector<domain::event>> read_incident_events(storage::store_reader& rd, const actor& who,
                                                              const std::string& id);

// Lists with the actor's scope: the filter's jurisdiction is the actor's; an agency operator's
// list is narrowed to its agency, and an operator without an agency is refused (forbidden)
// rather than shown everything.
core::result<storage::page<domain::incident>> list_incidents_for(storage::store_reader& rd, const actor& who,
                                                                 storage::incident_filter f);
core::result<storage::page<domain::dispatch>> list_dispatches_for(storage::store_reader& rd, const actor& who,
                                                                  storage::dispatch_filter f);

// One dispatch the actor may read (check_dispatch_access); not_found otherwise.
core::result<domain::dispatch> read_dispatch(storage::store_reader& rd, const actor& who, const std::string& id);

// Reports of the actor's jurisdiction, and one report; not_found for an unknown one.
core::result<storage::page<domain::report>> list_reports_for(storage::store_reader& rd, const actor& who,
                                                             storage::report_filter f);
core::result<domain::report> read_report(storage::store_reader& rd, const actor& who, const std::string& id);

// The open incidents a report may be about (domain/linking.hpp: same category, or any when the
// report has none, within 500 m or the same district without a point, the report at most 2 h
// after the incident), best first, for the call taker to link it with accept {incident_id}.
// Empty for a report that is not new (it is triaged already). Fails like read_report.
struct link_candidate_view {
  domain::incident inc;
  std::optional<double> distance_m;
  domain::link_basis basis = domain::link_basis::distance;
};
core::result<std::vector<link_candidate_view>> report_link_candidates(storage::store_reader& rd, const actor& who,
                                                                      const std::string& report_id);

}  // namespace siaga::services
