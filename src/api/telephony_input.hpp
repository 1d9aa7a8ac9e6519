// The telephony events of a request body (POST /api/v1/telephony/events), parsed and checked
// field by field before anything is stored. Kept apart from the routes, with no I/O, so that
// fuzz/ can drive the parser the route uses.
#pragma once

#include "api/http_util.hpp"
#include "domain/call.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <vector>

namespace siaga::api {

// Telephony events in one request at most.
inline constexpr std::size_t max_batch_events = 500;

// One telephony event of a request body; invalid_input naming the field otherwise.
core::result<domain::call_event> call_event_of(const json::object& o, core::timestamp now);

// The events of a body: one event object, or {"events": [...]} with 1 to max_batch_events of
// them; invalid_input naming the field (and the index in a batch) otherwise.
core::result<std::vector<domain::call_event>> call_events_of(const json::object& body, core::timestamp now);

}  // namespace siaga::api
