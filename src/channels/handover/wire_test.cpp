#include "channels/handover/wire.hpp"

#include "domain/notification.hpp"

#include <gtest/gtest.h>

namespace siaga::channels::handover {
namespace {

// A notice as the sending centre's outbox writes it, made by its own code.
domain::dispatch_notice fire_notice() {
  domain::dispatch_notice n;
  n.event_kind = "dispatch.notified";
  n.jurisdiction_code = "81.71";
  n.dispatch_id = "dsp-1";
  n.agency_code = "P112-SBT";
  n.agency_name = "Pusat 112 Seram Bagian Timur";
  n.incident_id = "inc-1";
  n.incident_number = "AMB-261206-0007";
  n.category_code = "fire";
  n.category_name = "Kebakaran";
  n.summary = "Kebakaran hutan di perbatasan";
  n.address = "Desa Waai, batas kabupaten";
  n.location = domain::geo_point{-3.56, 128.33};
  n.share_contact = true;
  n.contact_name = "Ibu Ani";
  n.contact_phone = "+6281234567890";
  return n;
}

TEST(handover_wire, an_update_carries_its_row_id_and_the_reason_changes_or_note_of_its_kind) {
  struct kind {
    const char* event;
    const char* detail;
  };
  for (auto [event, detail] : {kind{"dispatch.cancelled", "salah wilayah"}, kind{"incident.updated", "Alamat, Lokasi"},
                               kind{"incident.note_added", "Akses lewat gang"}}) {
    auto n = fire_notice();
    n.event_kind = event;
    n.reason = detail;
    auto parsed = parse_notice(domain::notice_payload(n, "row-7"));
    ASSERT_TRUE(parsed) << event << ": " << parsed.error().message;
    EXPECT_EQ(parsed->event, event);
    EXPECT_EQ(parsed->id, "row-7");
    EXPECT_EQ(parsed->detail, detail) << event;
    EXPECT_EQ(parsed->handover.dispatch_id, "dsp-1");
  }
  auto notified = parse_notice(domain::notice_payload(fire_notice(), "row-1"));
  ASSERT_TRUE(notified);
  EXPECT_EQ(notified->detail, "") << "a first notice has no update";
}

TEST(handover_wire, reads_the_notice_a_siaga_outbox_sends) {
  auto parsed = parse_notice(domain::notice_payload(fire_notice(), "row-1"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->event, "dispatch.notified");
  const auto& h = parsed->handover;
  EXPECT_EQ(h.dispatch_id, "dsp-1");
  EXPECT_EQ(h.from_jurisdiction, "81.71");
  EXPECT_EQ(h.incident_number, "AMB-261206-0007");
  EXPECT_EQ(h.category_code, "fire");
  EXPECT_EQ(h.summary, "Kebakaran hutan di perbatasan");
  EXPECT_EQ(h.address, "Desa Waai, batas kabupaten");
  ASSERT_TRUE(h.location);
  EXPECT_DOUBLE_EQ(h.location->lat, -3.56);
  EXPECT_EQ(h.contact_phone, "+6281234567890");
  EXPECT_EQ(h.contact_name, "Ibu Ani");
  EXPECT_NE(h.text.find("AMB-261206-0007"), std::string::npos) << h.text;
}

TEST(handover_wire, a_notice_without_contact_or_location_has_neither) {
  auto n = fire_notice();
  n.share_contact = false;
  n.location.reset();
  auto parsed = parse_notice(domain::notice_payload(n, "row-2"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->handover.location);
  EXPECT_EQ(parsed->handover.contact_phone, "");
}

TEST(handover_wire, ignores_fields_it_does_not_know_and_refuses_what_it_needs_missing) {
  EXPECT_TRUE(parse_notice(R"({"event":"dispatch.notified","jurisdiction_code":"81.71","dispatch":{"id":"d"},
                               "incident":{"summary":"x"},"future":{"a":1}})"));
  EXPECT_FALSE(parse_notice("[]"));
  EXPECT_FALSE(parse_notice("not json"));
  EXPECT_FALSE(parse_notice(R"({"jurisdiction_code":"81.71","dispatch":{"id":"d"},"incident":{}})"));
  EXPECT_FALSE(parse_notice(R"({"event":"dispatch.notified","dispatch":{"id":"d"},"incident":{}})"));
  EXPECT_FALSE(parse_notice(R"({"event":"dispatch.notified","jurisdiction_code":"81.71","incident":{}})"));
  EXPECT_FALSE(parse_notice(R"({"event":"dispatch.notified","jurisdiction_code":"81.71","dispatch":{"id":""},"incident":{}})"));
  EXPECT_FALSE(parse_notice(R"({"event":"dispatch.notified","jurisdiction_code":"81.71","dispatch":{"id":"d"}})"));
  EXPECT_FALSE(parse_notice(R"({"event":"dispatch.notified","jurisdiction_code":"81.71","dispatch":{"id":"d"},
                                "incident":{"location":{"lat":"-3"}}})"));
  EXPECT_FALSE(parse_notice(R"({"event":"dispatch.notified","jurisdiction_code":81,"dispatch":{"id":"d"},"incident":{}})"));
}

}  // namespace
}  // namespace siaga::channels::handover
