// What the integration tests know of the demo city (src/app/seed.cpp).
#pragma once

#include "support/http_client.hpp"

#include <boost/json.hpp>

#include <string>

namespace siaga::testing {

inline constexpr const char* demo_password = "siaga112demo";

// The id of the agency with this code, or "" (and a test failure) when missing.
std::string agency_id(http_client& c, const std::string& token, const std::string& code);

// The category with this code as JSON, or null (and a test failure) when missing.
boost::json::object category(http_client& c, const std::string& token, const std::string& code);

// Gives the agency with this code one webhook endpoint at url (as the admin); the reply of the
// PUT (200 when it worked).
http_reply set_webhook(http_client& c, const std::string& admin_token, const std::string& code, const std::string& url);

// Acknowledges and completes every dispatch of an incident (the JSON of its acceptance, with
// "dispatches"): Damkar's as the damkar user with internal_note and public_note, the others as
// the call taker with internal_note. True when every step answered 200 (a test failure names
// the one that did not).
bool complete_dispatches(http_client& c, const std::string& call_taker, const boost::json::value& incident,
                         const std::string& internal_note, const std::string& public_note);

// Rows in a table of the database file, read beside the running server (WAL allows it); -1
// (and a test failure) when it cannot be read.
std::int64_t count_rows(const std::string& database, const std::string& table);

// The reporter's contact of a report through the audited reveal (POST /reports/{id}/contact,
// which records report.contact_revealed): {"name", "phone"} as strings ("" for none), or both ""
// (and a test failure) when the reveal did not answer 200. Every report view masks them.
struct reporter_contact {
  std::string name;
  std::string phone;
};
reporter_contact reveal_contact(http_client& c, const std::string& token, const std::string& report_id);

// Shorthand for v.as_object().at(key) as a string.
std::string str(const boost::json::value& v, const char* key);

}  // namespace siaga::testing
