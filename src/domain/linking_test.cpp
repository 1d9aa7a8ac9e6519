#include "domain/linking.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace siaga::domain {
namespace {

using namespace std::chrono_literals;

const core::timestamp t0 = core::timestamp{} + std::chrono::hours(24 * 20000);
const geo_point pasar{-3.6950, 128.1840};

incident fire(std::string id, core::timestamp at, std::optional<geo_point> where, incident_status s = incident_status::open) {
  incident i;
  i.id = std::move(id);
  i.category_id = "fire";
  i.status = s;
  i.created_at = at;
  i.location = where;
  i.district_id = "sirimau";
  return i;
}

report fire_report(core::timestamp at, std::optional<geo_point> where) {
  report r;
  r.id = "r1";
  r.category_id = "fire";
  r.created_at = at;
  r.location = where;
  r.district_id = "sirimau";
  return r;
}

// A point d metres north of p (a degree of latitude is about 111,195 m).
geo_point north(geo_point p, double d) { return {p.lat + d / 111195.0, p.lon}; }

TEST(link_candidates, offers_open_incidents_of_the_category_near_and_recent_nearest_first) {
  std::vector<incident> incs{fire("far", t0, north(pasar, 900)), fire("near", t0, north(pasar, 300)),
                             fire("nearer", t0 - 30min, north(pasar, 100)),
                             fire("edge", t0, north(pasar, 499))};
  auto out = link_candidates(fire_report(t0 + 10min, pasar), incs);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].match->id, "nearer");
  EXPECT_EQ(out[1].match->id, "near");
  EXPECT_EQ(out[2].match->id, "edge");
  EXPECT_NEAR(*out[0].distance_m, 100, 1);
  EXPECT_EQ(out[0].basis, link_basis::distance);
}

TEST(link_candidates, leaves_out_other_categories_finished_incidents_and_old_ones) {
  auto other = fire("flood", t0, pasar);
  other.category_id = "flood";
  std::vector<incident> incs{other, fire("resolved", t0, pasar, incident_status::resolved),
                             fire("closed", t0, pasar, incident_status::closed),
                             fire("cancelled", t0, pasar, incident_status::cancelled),
                             fire("old", t0 - 2h - 1s, pasar), fire("just", t0 - 2h, pasar),
                             fire("later", t0 + 2min, pasar), fire("skew", t0 + 30s, pasar),
                             fire("busy", t0, pasar, incident_status::in_progress)};
  auto out = link_candidates(fire_report(t0, pasar), incs);
  std::vector<std::string> ids;
  for (const auto& c : out) ids.push_back(c.match->id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"busy", "just", "skew"}));
}

TEST(link_candidates, without_a_location_matches_by_district_after_the_near_ones) {
  auto elsewhere = fire("elsewhere", t0, std::nullopt);
  elsewhere.district_id = "nusaniwe";
  std::vector<incident> incs{fire("no_point", t0, std::nullopt), elsewhere, fire("near", t0 - 1h, pasar)};
  auto with_point = link_candidates(fire_report(t0, pasar), incs);
  ASSERT_EQ(with_point.size(), 2u);
  EXPECT_EQ(with_point[0].match->id, "near");
  EXPECT_EQ(with_point[1].match->id, "no_point");
  EXPECT_EQ(with_point[1].basis, link_basis::district);
  EXPECT_FALSE(with_point[1].distance_m);
  auto without = link_candidates(fire_report(t0, std::nullopt), incs);
  ASSERT_EQ(without.size(), 2u);
  EXPECT_EQ(without[0].match->id, "no_point");  // the newest first among district matches
  EXPECT_EQ(without[1].match->id, "near");
}

TEST(link_candidates, a_report_without_category_matches_any_and_the_count_is_capped) {
  std::vector<incident> incs;
  for (int i = 0; i < 8; ++i) incs.push_back(fire("f" + std::to_string(i), t0, north(pasar, 10.0 * i)));
  auto r = fire_report(t0, pasar);
  EXPECT_EQ(link_candidates(r, incs).size(), 5u);
  link_rules two;
  two.max = 2;
  EXPECT_EQ(link_candidates(r, incs, two).size(), 2u);
  incs[0].category_id = "flood";
  EXPECT_EQ(link_candidates(r, incs, two)[0].match->id, "f1");
  r.category_id.reset();
  EXPECT_EQ(link_candidates(r, incs, two)[0].match->id, "f0");
}

}  // namespace
}  // namespace siaga::domain
