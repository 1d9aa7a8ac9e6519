// The SP4N-LAPOR! import rules against a real (temporary) SQLite store: one report per tracking
// id, a category counted in working days (or nothing imported), the text cut to the intake's
// limit with the whole content kept, and a status change queued for LAPOR! in the same command.
#include "services/lapor.hpp"

#include "services/directory_service.hpp"
#include "services/incident_service.hpp"
#include "services/service_test_fixture.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

class lapor_test : public testing::store_fixture {
 protected:
  void SetUp() override {
    store_fixture::SetUp();
    admin_ = system_actor("j1");
  }

  domain::category category(std::string code, std::string name, int complete_days, bool is_public = true) {
    domain::category c;
    c.code = std::move(code);
    c.name_id = std::move(name);
    c.urgency_class = complete_days > 0 ? domain::urgency::complaint : domain::urgency::emergency;
    c.sla.complete_within_days = complete_days;
    if (complete_days == 0) c.sla.dispatch_within_s = 60;
    c.is_public = is_public;
    return run<domain::category>([&](auto& tx) { return save_category(tx, ctx(), admin_, c); }).value();
  }

  lapor_import complaint(std::string id) {
    lapor_import in;
    in.jurisdiction_id = "j1";
    in.lapor_id = std::move(id);
    in.title = "Lampu jalan mati";
    in.content = "Sudah dua minggu lampu di depan kantor pos mati.";
    in.category = "Lampu jalan";
    in.address = "Jl. Pattimura";
    in.reporter_name = "B*** S***";
    in.submitted_at = clock_.now();
    return in;
  }

  core::result<lapor_import_outcome> import(const lapor_import& in) {
    return run<lapor_import_outcome>([&](auto& tx) { return import_lapor_report(tx, ctx(), in); });
  }

  std::int64_t reports() { return store_->reader().list_reports({"j1"}).value().total; }

  actor admin_;
};

TEST_F(lapor_test, a_tracking_id_is_imported_once_with_a_working_day_category) {
  category("fire", "Kebakaran", 0);
  auto lamp = category("street_light", "Lampu jalan", 8);
  auto first = import(complaint("LAPOR-1"));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_FALSE(first->duplicate);
  ASSERT_TRUE(first->report);
  const auto& r = first->report->report;
  EXPECT_EQ(r.source, domain::channel::lapor);
  EXPECT_EQ(r.category_id, lamp.id);
  EXPECT_EQ(r.reporter_name, "B*** S***");
  EXPECT_NE(r.description.find("[SP4N-LAPOR! LAPOR-1] Lampu jalan mati"), std::string::npos);
  auto again = import(complaint("LAPOR-1"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(reports(), 1);
  auto contact = store_->reader().find_channel_contact(r.id).value();
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->source, domain::channel::lapor);
  EXPECT_EQ(contact->address, "LAPOR-1");
  auto rec = store_->reader().find_lapor_report("j1", "LAPOR-1").value();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->report_id, r.id);
}

TEST_F(lapor_test, without_a_working_day_category_nothing_is_imported) {
  category("fire", "Kebakaran", 0);
  category("street_light", "Lampu jalan", 8, false);  // not public
  auto refused = import(complaint("LAPOR-2"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::errc::invalid_input);
  EXPECT_NE(refused.error().message.find("hari kerja"), std::string::npos);
  auto named = complaint("LAPOR-3");
  named.category_code = "fire";
  auto fire = import(named);
  ASSERT_FALSE(fire) << "a category set without working-day limits is refused too";
  named.category_code = "no_such";
  EXPECT_FALSE(import(named));
  EXPECT_EQ(reports(), 0);
  EXPECT_FALSE(store_->reader().find_lapor_report("j1", "LAPOR-2").value());
  auto blank = complaint("");
  EXPECT_FALSE(import(blank));
}

TEST_F(lapor_test, a_long_complaint_is_cut_for_the_queue_and_kept_whole) {
  category("street_light", "Lampu jalan", 8);
  auto in = complaint("LAPOR-4");
  in.content.clear();
  for (int i = 0; i < 800; ++i) in.content += "lampu ";  // 4800 bytes
  in.content += "\xC3\xA9";                              // a two-byte character at the end
  in.attachments = {"https://storage.lapor.go.id/a.jpg"};
  in.anonymous = true;
  in.reporter_name.clear();
  in.address.clear();
  auto done = import(in);
  ASSERT_TRUE(done) << done.error().message;
  const auto& r = done->report->report;
  EXPECT_LE(r.description.size(), max_intake_description);
  EXPECT_NE(r.description.find("[...]"), std::string::npos);
  EXPECT_NE(r.description.find("https://storage.lapor.go.id/a.jpg"), std::string::npos) << "the links survive the cut";
  EXPECT_TRUE(r.reporter_name.empty());
  EXPECT_NE(r.address.find("tidak disebutkan"), std::string::npos);
  EXPECT_EQ(store_->reader().find_lapor_report("j1", "LAPOR-4").value()->content, in.content);
}

TEST_F(lapor_test, accepting_the_report_queues_its_status_for_lapor_in_the_same_command) {
  category("street_light", "Lampu jalan", 8);
  auto done = import(complaint("LAPOR-5"));
  ASSERT_TRUE(done) << done.error().message;
  actor call_taker{"u-ct", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
  new_incident fresh;
  fresh.dispatch_now = false;
  auto inc = run<domain::incident>(
      [&](auto& tx) { return accept_report(tx, ctx(), call_taker, done->report->report.id, std::nullopt, fresh); });
  ASSERT_TRUE(inc) << inc.error().message;
  auto rows = store_->reader().list_notifications({"j1", std::nullopt, {500, 0}}).value().items;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].endpoint, domain::endpoint_kind::lapor);
  EXPECT_EQ(rows[0].target, "LAPOR-5");
  EXPECT_EQ(rows[0].event_kind, "reply.status");
  EXPECT_TRUE(rows[0].agency_id.empty());
  EXPECT_NE(rows[0].payload_json.find("\"status\":\"verified\""), std::string::npos) << rows[0].payload_json;
}

}  // namespace
}  // namespace siaga::services
