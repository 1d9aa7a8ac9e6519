// The caller card (issue 9): what the call taker sees of a number the moment its call rings or
// is answered, in one read, so that the console shows it within the first second.
#pragma once

#include "services/call_service.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <string>
#include <vector>

namespace siaga::services {

// A report made from one of the number's calls that is still being worked on, with its incident.
struct open_matter {
  domain::report report;
  std::optional<domain::incident> incident;
};

struct caller_card {
  caller_view view;                                   // decision, history counters, flags
  std::vector<domain::call_record> recent_calls;      // newest first, at most 20
  std::vector<domain::callback_task> open_callbacks;  // open or held by a call taker
  std::vector<open_matter> open_matters;              // newest first
};

// Builds the card of a normalised number for a dispatcher. open_matters are the reports linked
// to the number's calls of the last 30 days that are new, or accepted into an incident that is
// not resolved, closed or cancelled: "this caller already reported the fire at Jalan Baru".
// Fails with forbidden for roles other than dispatchers, or with storage errors.
core::result<caller_card> read_caller_card(storage::store_reader& reader, const core::clock& clock, const actor& who,
                                           const std::string& number);

}  // namespace siaga::services
