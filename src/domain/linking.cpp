#include "domain/linking.hpp"

#include "domain/geo.hpp"

#include <algorithm>

namespace siaga::domain {

std::string_view to_string(link_basis b) { return b == link_basis::distance ? "distance" : "district"; }

namespace {
bool active(incident_status s) {
  return s == incident_status::open || s == incident_status::dispatched || s == incident_status::in_progress;
}
}  // namespace

std::vector<link_candidate> link_candidates(const report& r, std::span<const incident> open_incidents,
                                            const link_rules& rules) {
  std::vector<link_candidate> out;
  for (const auto& inc : open_incidents) {
    if ((r.category_id && inc.category_id != *r.category_id) || !active(inc.status)) continue;
    auto after = r.created_at - inc.created_at;
    if (after > rules.window || after < -rules.clock_skew) continue;
    if (r.location && inc.location) {
      double d = distance_m(*r.location, *inc.location);
      if (d <= rules.radius_m) out.push_back({&inc, d, link_basis::distance});
    } else if (r.district_id && inc.district_id == r.district_id) {
      out.push_back({&inc, std::nullopt, link_basis::district});
    }
  }
  std::sort(out.begin(), out.end(), [](const link_candidate& a, const link_candidate& b) {
    if (a.basis != b.basis) return a.basis == link_basis::distance;
    if (a.distance_m != b.distance_m) return a.distance_m.value_or(0) < b.distance_m.value_or(0);
    return a.match->created_at > b.match->created_at;
  });
  if (out.size() > rules.max) out.resize(rules.max);
  return out;
}

}  // namespace siaga::domain
