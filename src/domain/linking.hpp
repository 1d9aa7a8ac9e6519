// Which open incidents a new report may be about (issue 11 item 8): a resident's WhatsApp about
// the smoke that three callers already reported belongs to that incident, not to a second one.
// The same rule as the consoles' duplicate suggestions (web/src/lib/duplicates.ts), so the call
// taker's form and an integrator asking the API see the same candidates. Pure: no I/O.
#pragma once

#include "domain/model.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace siaga::domain {

struct link_rules {
  double radius_m = 500;                            // near: within this distance of the incident
  std::chrono::minutes window{120};                 // soon: the report came at most this long after it
  std::chrono::minutes clock_skew{1};               // a report stamped this much before the incident still counts
  std::size_t max = 5;                              // at most this many, best first
};

enum class link_basis { distance, district };

struct link_candidate {
  const incident* match = nullptr;     // points into the span given
  std::optional<double> distance_m;    // both have a location
  link_basis basis = link_basis::distance;
};

std::string_view to_string(link_basis b);

// The incidents of `open_incidents` that the report may be about: the same category as the
// report's (any category when the report has none yet: a WhatsApp or SMS report arrives without
// one, and the incident it may join tells the call taker what it is), still active (open, dispatched or in
// progress), created no more than rules.window before the report (and at most clock_skew after
// it), and within rules.radius_m of the report's location; when the report or the incident has
// no location, those in the report's district instead. Nearest first (district matches after
// distance matches), then the newest; at most rules.max.
std::vector<link_candidate> link_candidates(const report& r, std::span<const incident> open_incidents,
                                            const link_rules& rules = {});

}  // namespace siaga::domain
