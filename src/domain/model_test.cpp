#include "domain/model.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace siaga::domain {
namespace {

// Walks every value of an enum (its values are 0..count-1), checks that the names are unique
// and that each parses back to its value.
template <class E, class Parse>
void expect_round_trip(int count, Parse parse, const std::vector<std::string>& expected_names) {
  ASSERT_EQ(static_cast<std::size_t>(count), expected_names.size());
  std::set<std::string> seen;
  for (int i = 0; i < count; ++i) {
    const auto v = static_cast<E>(i);
    const std::string name(to_string(v));
    EXPECT_EQ(name, expected_names[i]);
    EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
    auto back = parse(name);
    ASSERT_TRUE(back) << name << ": " << back.error().message;
    EXPECT_EQ(*back, v) << name;
  }
  EXPECT_EQ(to_string(static_cast<E>(count)), "unknown");
}

// Bad names fail with invalid_input, naming the bad value and every accepted one.
template <class Parse>
void expect_refused(Parse parse, const std::vector<std::string>& accepted) {
  std::vector<std::string> bad{"", "unknown", "x", " " + accepted.front(), accepted.front() + " "};
  for (const auto& name : accepted) {
    std::string upper = name;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bad.push_back(upper);
  }
  for (const auto& name : bad) {
    auto r = parse(name);
    ASSERT_FALSE(r) << "accepted '" << name << "'";
    EXPECT_EQ(r.error().code, core::errc::invalid_input);
    EXPECT_NE(r.error().message.find("'" + name + "'"), std::string::npos) << r.error().message;
    for (const auto& ok : accepted) {
      EXPECT_NE(r.error().message.find(ok), std::string::npos) << r.error().message;
    }
  }
}

template <class E, class Parse>
void expect_enum(int count, Parse parse, const std::vector<std::string>& names) {
  expect_round_trip<E>(count, parse, names);
  expect_refused(parse, names);
}

TEST(model, role_names) {
  expect_enum<role>(5, parse_role,
                    {"admin", "supervisor", "call_taker", "agency_operator", "leader"});
}

TEST(model, urgency_names) {
  expect_enum<urgency>(4, parse_urgency, {"emergency", "urgent", "information", "complaint"});
}

TEST(model, channel_names) {
  expect_enum<channel>(12, parse_channel,
                       {"call", "web", "whatsapp", "app", "lapor", "open311", "telegram",
                        "walk_in", "radio", "cctv", "sms", "handover"});
}

TEST(model, report_status_names) {
  expect_enum<report_status>(4, parse_report_status, {"new", "accepted", "rejected", "answered"});
  // new_ is spelt with an underscore only because `new` is a keyword.
  EXPECT_FALSE(parse_report_status("new_"));
}

TEST(model, reject_reason_names) {
  expect_enum<reject_reason>(5, parse_reject_reason,
                             {"prank", "ghost", "misdirected", "duplicate", "test"});
}

TEST(model, incident_status_names) {
  expect_enum<incident_status>(
      6, parse_incident_status,
      {"open", "dispatched", "in_progress", "resolved", "closed", "cancelled"});
}

TEST(model, dispatch_status_names) {
  expect_enum<dispatch_status>(
      7, parse_dispatch_status,
      {"notified", "acknowledged", "en_route", "on_scene", "completed", "declined", "cancelled"});
}

TEST(model, dispatch_role_names) {
  expect_enum<dispatch_role>(2, parse_dispatch_role, {"primary", "supporting"});
}

TEST(model, agency_kind_names) {
  expect_enum<agency_kind>(14, parse_agency_kind,
                           {"fire", "health", "disaster", "civil_order", "police", "electricity",
                            "water", "transport", "public_works", "social", "blood", "hospital",
                            "search_rescue", "other"});
}

TEST(model, subject_kind_names) {
  expect_enum<subject_kind>(15, parse_subject_kind,
                            {"report", "incident", "dispatch", "user", "agency", "category",
                             "district", "jurisdiction", "notification", "call", "caller", "callback",
                             "location", "api_key", "village"});
}

TEST(model, endpoint_kind_names) {
  expect_enum<endpoint_kind>(5, parse_endpoint_kind, {"webhook", "telegram", "whatsapp", "sms", "lapor"});
}

TEST(model, notification_status_names) {
  expect_enum<notification_status>(3, parse_notification_status, {"pending", "delivered", "dead"});
}

TEST(model, refusal_says_what_kind_of_value_was_expected) {
  EXPECT_NE(parse_dispatch_status("done").error().message.find("dispatch status"),
            std::string::npos);
  EXPECT_NE(parse_incident_status("done").error().message.find("incident status"),
            std::string::npos);
}

TEST(model, defaults_match_the_lifecycle_starts) {
  EXPECT_EQ(report{}.status, report_status::new_);
  EXPECT_EQ(incident{}.status, incident_status::open);
  EXPECT_EQ(dispatch{}.status, dispatch_status::notified);
  EXPECT_EQ(event{}.payload_json, "{}");
  EXPECT_TRUE(event{}.prev_hash.empty());
}

}  // namespace
}  // namespace siaga::domain
