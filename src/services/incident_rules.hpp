// Checks and loads shared by the commands on reports and incidents (incident_service,
// incident_updates): each fails with invalid_input or not_found in the words an API client
// reads, and none writes.
#pragma once

#include "domain/model.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace siaga::services {

// invalid_input unless the point, when there is one, has lat in [-90, 90] and lon in [-180, 180].
core::result<void> check_location(const std::optional<domain::geo_point>& p);

// The category of the actor's jurisdiction; invalid_input for an unknown id.
core::result<domain::category> load_category(storage::store_reader& tx, const actor& who, const std::string& id);

// invalid_input when the district, when there is one, is not of the actor's jurisdiction.
core::result<void> check_district(storage::store_reader& tx, const actor& who, const std::optional<std::string>& id);

// The incident of the actor's jurisdiction; not_found otherwise.
core::result<domain::incident> load_incident(storage::store_reader& tx, const actor& who, const std::string& id);

// True for an empty string or one of spaces only.
bool is_blank(const std::string& s);

// {"lat", "lon"}, or null without a point.
boost::json::value point_json(const std::optional<domain::geo_point>& p);

// The string, or null without one.
boost::json::value optional_json(const std::optional<std::string>& s);

}  // namespace siaga::services
