// The Open311 GeoReport v2 server (issue 11 item 6) under /open311/v2/: discovery, services,
// service definitions, POST and GET requests, one request, tokens; each as .xml (the
// specification's default) or .json. Answers and errors are the specification's, not the
// /api/v1 JSON error body: a list of {code, description} with 400, 403 (api_key) or 404.
// Unauthenticated except POST, which needs an api key (POST /api/v1/api_keys) of the
// jurisdiction. The wire format is open311/wire.hpp, the rules services/open311.hpp.
#pragma once

#include "api/handler.hpp"
#include "api/rate_limit.hpp"

#include <memory>

#include <string>

namespace siaga::channels {

struct open311_options {
  std::string jurisdiction;  // Kemendagri code used when a request names no jurisdiction_id ("": the first)
  std::string public_url;    // https://112.example.go.id: the discovery document's endpoint url ("": from Host)
  // POST requests a minute per api key (issue 11 item 9): a client's server posts all its
  // users' reports from one address, so the budget is per key, not per address.
  int requests_per_minute_per_key = 60;
};

struct open311_deps {
  api::api_deps& api;
  open311_options options;
  std::shared_ptr<api::rate_limiter> post_limit;  // made by add_open311_routes
};

// Adds the routes. deps must outlive r.
void add_open311_routes(net::router& r, open311_deps& deps);

}  // namespace siaga::channels
