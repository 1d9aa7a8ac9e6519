// The JSON forms of domain values, with the privacy rules applied for the viewer.
#pragma once

#include "domain/media.hpp"
#include "domain/model.hpp"
#include "domain/sla.hpp"
#include "services/context.hpp"
#include "services/incident_queries.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace siaga::api {

namespace json = boost::json;

// A report with its reporter masked for every viewer: name withheld (has_name tells whether
// there is one), the number masked by domain::mask_phone, masked: true. can_reveal: the viewer
// may ask the audited reveal (POST /api/v1/reports/{id}/contact) for it, and there is a contact.
json::object report_json(const domain::report& r, bool can_reveal);
json::object incident_json(const domain::incident& i);
json::object dispatch_json(const domain::dispatch& d);
json::object event_json(const domain::event& e);
// An event that names a caller's number (services::event_names_number) as shown once the number
// is no longer live: event_json with the number masked by domain::mask_phone (payload "number",
// and the subject id of a caller event) and number_masked: true.
json::object masked_event_json(const domain::event& e);
// A media record without its bytes; url is where GET fetches them (/api/v1/media/{id}).
json::object media_json(const domain::media& m);
json::object agency_json(const domain::agency& a);
// An agency's notification endpoints as an admin sees them: kind, url, chat_id, active and
// has_secret, never the secret itself (secrets are write-only).
json::array endpoints_json(const std::vector<domain::agency_endpoint>& endpoints);
// Reads the "endpoints" array of an agency request: objects with kind (webhook, telegram),
// url, secret, chat_id and active (default true), no other fields. Fails with invalid_input
// naming the index; the values themselves are checked by the service (domain::check_endpoint).
core::result<std::vector<domain::agency_endpoint>> endpoints_from_json(const json::value& v);
json::object category_json(const domain::category& c);
json::object district_json(const domain::district& d);
json::object village_json(const domain::village& v);
json::object user_json(const domain::user& u);  // never the password hash
json::object jurisdiction_json(const domain::jurisdiction& j);
// The jurisdiction as its settings page edits it: jurisdiction_json with the calendar and the
// alert endpoints (secrets left out, as endpoints_json does).
json::object jurisdiction_settings_json(const domain::jurisdiction& j);
// SLA clocks: [{step, started_at, warn_at, due_at, met_at, state, unit, limit}].
json::array clocks_json(const std::vector<domain::sla_clock>& clocks);
json::object sla_alert_json(const domain::sla_alert& a);
json::array events_json(const std::vector<domain::event>& events);
json::array dispatches_json(const std::vector<domain::dispatch>& ds);

// The incident panel: the incident with its reports (contacts masked, can_reveal as the detail
// allows), visible
// dispatches, events and photos.
json::object incident_detail_json(const services::incident_detail& d);

// Reads an incident's detail for the actor (services::read_incident_detail) and renders it,
// with the SLA clocks of the incident and of each dispatch as of now.
core::result<json::object> incident_detail_of(storage::store_reader& rd, const services::actor& who,
                                              const std::string& id, core::timestamp now);
// Renders a detail already read (by a write command, in its transaction) as incident_detail_of
// does, with the clocks as of now.
core::result<json::object> incident_detail_with_clocks(storage::store_reader& rd, const services::actor& who,
                                                       const services::incident_detail& d, core::timestamp now);

// Incidents and dispatches rendered with their SLA clocks as of now (for lists).
core::result<json::array> incidents_with_clocks(storage::store_reader& rd, const services::actor& who,
                                                const std::vector<domain::incident>& items, core::timestamp now);
core::result<json::array> dispatches_with_clocks(storage::store_reader& rd, const services::actor& who,
                                                 const std::vector<domain::dispatch>& items, core::timestamp now);

}  // namespace siaga::api
