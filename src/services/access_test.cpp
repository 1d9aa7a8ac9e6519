#include "services/access.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

using domain::role;
using domain::subject_kind;

actor who(role r, std::optional<std::string> agency = std::nullopt, std::string jurisdiction = "j-ambon") {
  return actor{"u-1", std::move(jurisdiction), r, std::move(agency), "Tester"};
}

domain::event event_of(subject_kind subject, std::optional<std::string> incident, std::optional<std::string> agency,
                       std::string jurisdiction = "j-ambon") {
  domain::event e;
  e.seq = 7;
  e.jurisdiction_id = std::move(jurisdiction);
  e.subject = subject;
  e.subject_id = "s-1";
  e.incident_id = std::move(incident);
  e.agency_id = std::move(agency);
  e.kind = "x";
  return e;
}

TEST(event_visibility, dispatchers_and_leaders_see_their_whole_jurisdiction) {
  for (auto r : {role::admin, role::supervisor, role::call_taker, role::leader}) {
    for (auto subject : {subject_kind::report, subject_kind::incident, subject_kind::dispatch, subject_kind::user,
                         subject_kind::agency, subject_kind::category}) {
      EXPECT_EQ(event_visibility_for(who(r), event_of(subject, "i-1", "a-damkar")), event_visibility::visible);
      EXPECT_EQ(event_visibility_for(who(r), event_of(subject, std::nullopt, std::nullopt)), event_visibility::visible);
    }
  }
}

TEST(event_visibility, an_integration_sees_only_dial_requests_of_its_jurisdiction) {
  actor bridge{"api_key:k1", "j-ambon", role::leader, std::nullopt, "PBX"};
  EXPECT_TRUE(is_integration(bridge));
  EXPECT_FALSE(is_integration(who(role::leader)));
  auto dial = event_of(subject_kind::callback, std::nullopt, std::nullopt);
  dial.kind = "callback.dial_requested";
  EXPECT_EQ(event_visibility_for(bridge, dial), event_visibility::visible);
  auto elsewhere = event_of(subject_kind::callback, std::nullopt, std::nullopt, "j-other");
  elsewhere.kind = "callback.dial_requested";
  EXPECT_EQ(event_visibility_for(bridge, elsewhere), event_visibility::hidden);
  for (auto subject : {subject_kind::report, subject_kind::incident, subject_kind::dispatch, subject_kind::call,
                       subject_kind::caller, subject_kind::callback, subject_kind::user}) {
    EXPECT_EQ(event_visibility_for(bridge, event_of(subject, "i-1", std::nullopt)), event_visibility::hidden);
  }
}

TEST(event_visibility, nobody_sees_another_jurisdiction) {
  for (auto r : {role::admin, role::call_taker, role::leader}) {
    EXPECT_EQ(event_visibility_for(who(r), event_of(subject_kind::incident, "i-1", std::nullopt, "j-other")),
              event_visibility::hidden);
  }
  EXPECT_EQ(event_visibility_for(who(role::agency_operator, "a-damkar"),
                                 event_of(subject_kind::dispatch, "i-1", "a-damkar", "j-other")),
            event_visibility::hidden);
}

TEST(event_visibility, operator_sees_its_agency_and_its_incidents_only) {
  auto op = who(role::agency_operator, "a-damkar");
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::dispatch, "i-1", "a-damkar")), event_visibility::visible);
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::dispatch, "i-1", "a-psc119")), event_visibility::hidden);
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::incident, "i-1", std::nullopt)),
            event_visibility::if_incident_dispatched);
  // Report events, even those naming an incident, and directory events stay hidden.
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::report, "i-1", std::nullopt)), event_visibility::hidden);
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::report, std::nullopt, std::nullopt)),
            event_visibility::hidden);
  for (auto subject : {subject_kind::user, subject_kind::agency, subject_kind::category, subject_kind::district}) {
    EXPECT_EQ(event_visibility_for(op, event_of(subject, std::nullopt, std::nullopt)), event_visibility::hidden);
  }
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::incident, std::nullopt, std::nullopt)),
            event_visibility::hidden);
}

TEST(event_visibility, operator_without_agency_sees_nothing) {
  auto op = who(role::agency_operator);
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::incident, "i-1", std::nullopt)), event_visibility::hidden);
  EXPECT_EQ(event_visibility_for(op, event_of(subject_kind::dispatch, "i-1", "a-damkar")), event_visibility::hidden);
}

}  // namespace
}  // namespace siaga::services
