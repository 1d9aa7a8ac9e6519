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

// Shorthand for v.as_object().at(key) as a string.
std::string str(const boost::json::value& v, const char* key);

}  // namespace siaga::testing
