// Whether a request comes from a signed-in client, for the server's connection limits
// (net::server_options::signed_in), which know no session of their own.
#pragma once

#include "api/api.hpp"
#include "net/http_server.hpp"

namespace siaga::api {

// True when req carries a valid session (the session cookie or a bearer token): such a request
// may use the places the server keeps for signed-in consoles and does not count against its
// address's cap. Uses the session cache, the store on a miss; a request without a token costs
// nothing.
bool is_signed_in(api_deps& deps, const net::request& req);

}  // namespace siaga::api
