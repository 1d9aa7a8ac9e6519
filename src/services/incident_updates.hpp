// Changing an incident after it was created: "dispatch first, details later". A correction of
// its location, address, description, summary or category, and a note on its timeline, are
// each one event, announced to every agency still working on it (on its console through the
// stream, and through its notification endpoints through the outbox).
#pragma once

#include "domain/model.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace siaga::services {

// The fields to change; an absent field stays as it is. location and district_id may be set
// to nothing (a wrong point removed). A new location without a district_id moves the district
// with it (the district the point lies in); a new location or district brings the village the
// point lies in within that district (none without a point).
struct incident_patch {
  std::optional<std::string> summary;
  std::optional<std::string> description;
  std::optional<std::string> address;
  std::optional<std::optional<domain::geo_point>> location;
  std::optional<std::optional<std::string>> district_id;
  std::optional<std::string> category_id;
  std::string note;  // why, kept on the event (optional)

  bool empty() const {
    return !summary && !description && !address && !location && !district_id && !category_id;
  }
};

// Applies a correction by a dispatcher (call taker, supervisor, admin) and records one
// "incident.updated" event whose payload lists each changed field with its old and new value;
// a new category also brings its urgency. Every agency with an active dispatch gets an
// "incident.updated" notification. A patch that changes nothing returns the incident as it is
// and records nothing. Fails with invalid_input for an empty patch, a blank summary, a field
// past its length, an unknown category or district, a point off the globe; forbidden for other
// roles; not_found for an unknown incident; conflict when it is closed or cancelled.
core::result<domain::incident> update_incident(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const std::string& incident_id, const incident_patch& patch);

// Adds a note (1 to 2,000 characters) to an incident's timeline as "incident.note_added".
// A dispatcher's note is for every agency on the incident and is announced to those with an
// active dispatch; an agency operator's note (only on an incident its agency was dispatched
// to) is for the dispatchers and that agency. Fails with invalid_input for a blank or too long
// text; not_found for an unknown incident or one the operator's agency is not on; forbidden
// for leaders; conflict when the incident is closed or cancelled.
core::result<domain::event> add_incident_note(storage::store_txn& tx, const context& ctx, const actor& who,
                                              const std::string& incident_id, const std::string& text);

}  // namespace siaga::services
