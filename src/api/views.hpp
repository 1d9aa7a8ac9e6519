// The JSON forms of domain values, with the privacy rules applied for the viewer.
#pragma once

#include "domain/model.hpp"
#include "services/context.hpp"

#include <boost/json/object.hpp>

namespace siaga::api {

namespace json = boost::json;

// show_contact: the viewer may see the reporter's name and number; otherwise the name is
// withheld and the number masked.
json::object report_json(const domain::report& r, bool show_contact);
json::object incident_json(const domain::incident& i);
json::object dispatch_json(const domain::dispatch& d);
json::object event_json(const domain::event& e);
json::object agency_json(const domain::agency& a);
json::object category_json(const domain::category& c);
json::object district_json(const domain::district& d);
json::object user_json(const domain::user& u);  // never the password hash
json::object jurisdiction_json(const domain::jurisdiction& j);

}  // namespace siaga::api
