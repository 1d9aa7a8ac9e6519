#include "services/handover.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

domain::category public_category(const std::string& code, bool is_public = true) {
  domain::category c;
  c.id = "cat-" + code;
  c.code = code;
  c.active = true;
  c.is_public = is_public;
  return c;
}

handover_notice notice() {
  handover_notice n;
  n.dispatch_id = "dsp-1";
  n.from_jurisdiction = "81.71";
  n.incident_number = "AMB-261206-0007";
  n.category_code = "fire";
  n.summary = "Kebakaran hutan";
  n.text = "[Kebakaran] AMB-261206-0007";
  n.address = "Desa Waai";
  n.contact_name = "Ibu Ani";
  n.contact_phone = "081234567890";
  return n;
}

TEST(handover_report, names_the_sender_and_its_number_and_keeps_a_callable_contact) {
  auto r = handover_report("j-1", notice(), {public_category("fire")});
  EXPECT_EQ(r.source, domain::channel::handover);
  EXPECT_EQ(r.jurisdiction_id, "j-1");
  EXPECT_EQ(r.description.rfind("Pelimpahan dari pusat 112 81.71, insiden AMB-261206-0007: Kebakaran hutan", 0), 0u)
      << r.description;
  EXPECT_EQ(r.category_code, std::optional<std::string>("fire"));
  EXPECT_EQ(r.reporter_phone, "+6281234567890");
  EXPECT_EQ(r.reporter_name, "Ibu Ani");
  EXPECT_TRUE(r.consent);
  EXPECT_EQ(r.max_new_reports, 0);
  EXPECT_TRUE(check_channel_report(r));
}

TEST(handover_report, leaves_out_a_category_it_does_not_have_and_a_contact_that_cannot_be_called_back) {
  auto n = notice();
  n.contact_phone = "112";
  auto r = handover_report("j-1", n, {public_category("fire", false), public_category("flood")});
  EXPECT_FALSE(r.category_code);
  EXPECT_EQ(r.reporter_phone, "");
  EXPECT_EQ(r.reporter_name, "");
  EXPECT_FALSE(r.consent);
  EXPECT_TRUE(check_channel_report(r));
}

// True when every multi-byte sequence of s is whole.
bool whole_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

TEST(handover_report, a_long_notice_is_cut_to_what_a_report_holds_on_a_character_boundary) {
  // Two-byte characters after an even and an odd prefix: one of the two cuts falls inside one.
  for (std::string lead : {"", "x"}) {
    auto n = notice();
    n.summary = lead;
    for (int i = 0; i < 1500; ++i) n.summary += "\xC3\xA9";
    auto r = handover_report("j-1", n, {});
    EXPECT_LE(r.description.size(), max_intake_description);
    EXPECT_EQ(r.description.substr(r.description.size() - 3), "...");
    EXPECT_TRUE(whole_utf8(r.description)) << lead;
    EXPECT_TRUE(check_channel_report(r));
  }
}

TEST(handover_update, the_text_names_the_sender_its_incident_and_what_it_did) {
  handover_update u{"row-1", "dispatch.cancelled", "dsp-1", "81.71", "AMB-261206-0007", "salah wilayah"};
  EXPECT_EQ(handover_update_text(u), "Pusat 112 81.71 (insiden AMB-261206-0007) membatalkan pelimpahan: salah wilayah");
  u.event = "incident.updated";
  u.incident_number.clear();
  EXPECT_EQ(handover_update_text(u), "Pusat 112 81.71 memperbarui data pelimpahan: salah wilayah");
  u.event = "incident.note_added";
  u.detail = " ";
  EXPECT_EQ(handover_update_text(u), "Pusat 112 81.71 menambah catatan pada pelimpahan");
}

}  // namespace
}  // namespace siaga::services
