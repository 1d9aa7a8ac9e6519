// The dispatch statistics' share within SLA for a limit in working days (issue 10): the same
// exact figures from the rollups (by month) and from the rows (by hour), by status too, and
// again after the jurisdiction's calendar changes.
#include "services/stats_service.hpp"

#include "storage/store.hpp"
#include "core/test_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace siaga::services {
namespace {

using namespace std::chrono;

core::timestamp utc(const char* iso) { return core::parse_iso8601(iso).value(); }

class working_day_shares : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = core::fresh_test_dir("siaga-shares-");
    auto st = storage::open_sqlite({(dir_ / "shares.db").string()});
    ASSERT_TRUE(st.has_value()) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate().has_value());
    // Kota Ambon (WIT, UTC+9), Saturday and Sunday off, Monday 30 June 2025 a holiday. The
    // complaint category: acknowledged within 1 working day (its 60 s are overruled by the
    // days), on scene within 900 s.
    auto written = store_->write([&](storage::store_txn& tx) -> core::result<void> {
      SIAGA_CHECK(tx.insert_jurisdiction(
          {"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {{"2025-06-30", "Libur"}}, {}}));
      SIAGA_CHECK(tx.upsert_agency({"a1", "j1", "PUPR", "Dinas PUPR", domain::agency_kind::public_works, "", true, {}}));
      domain::category c;
      c.id = "c1";
      c.jurisdiction_id = "j1";
      c.code = "road";
      c.name_id = "Jalan rusak";
      c.name_en = "Damaged road";
      c.urgency_class = domain::urgency::complaint;
      c.sla.acknowledge_within_s = 60;
      c.sla.acknowledge_within_days = 1;
      c.sla.on_scene_within_s = 900;
      SIAGA_CHECK(tx.upsert_category(c));
      domain::incident i;
      i.id = "i1";
      i.jurisdiction_id = "j1";
      i.number = "AMB-250627-0001";
      i.category_id = "c1";
      i.urgency_class = domain::urgency::complaint;
      i.status = domain::incident_status::in_progress;
      i.created_by = "u1";
      i.created_at = i.updated_at = utc("2025-06-27T00:59:00Z");
      i.first_dispatched_at = utc("2025-06-27T01:00:00Z");
      SIAGA_CHECK(tx.insert_incident(i));
      // Notified on Friday 27 June at 10:00 WIT: due by the end of Tuesday 1 July (Monday is a
      // holiday), 2025-07-01T15:00:00Z.
      struct one {
        const char* id;
        const char* acknowledged;  // nullptr: never
        domain::dispatch_status status;
      };
      const one dispatches[] = {
          {"x1", "2025-06-30T05:00:00Z", domain::dispatch_status::acknowledged},  // the holiday
          {"x2", "2025-07-01T14:59:59Z", domain::dispatch_status::acknowledged},
          {"x3", "2025-07-01T15:00:00Z", domain::dispatch_status::acknowledged},  // the deadline itself
          {"x4", "2025-07-01T15:00:01Z", domain::dispatch_status::acknowledged},  // late
          {"x5", "2025-07-02T02:00:00Z", domain::dispatch_status::completed},     // late
          {"x6", nullptr, domain::dispatch_status::declined},
      };
      for (const auto& o : dispatches) {
        domain::dispatch d;
        d.id = o.id;
        d.jurisdiction_id = "j1";
        d.incident_id = "i1";
        d.agency_id = "a1";
        d.status = o.status;
        d.notified_at = d.updated_at = utc("2025-06-27T01:00:00Z");
        if (o.acknowledged) d.acknowledged_at = utc(o.acknowledged);
        if (o.status == domain::dispatch_status::completed) d.completed_at = *d.acknowledged_at + hours(2);
        if (o.status == domain::dispatch_status::declined) d.declined_at = d.notified_at + minutes(5);
        SIAGA_CHECK(tx.insert_dispatch(d));
      }
      return {};
    });
    ASSERT_TRUE(written.has_value()) << written.error().message;
    who_.user_id = "u1";
    who_.jurisdiction_id = "j1";
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  // The acknowledged step's reached, with_limit and within per status ("" for all), from the
  // rollups (grain month) or from the rows (grain hour).
  std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t>> acknowledged(domain::time_grain grain,
                                                                                          bool by_status) {
    stats_request req{local_date(year{2025} / 6 / 1), local_date(year{2025} / 7 / 31), grain, {}};
    if (by_status) req.dims.push_back(storage::stats_dim::status);
    auto rows = dispatch_stats(store_->reader(), who_, req);
    std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t>> out;
    if (!rows) {
      ADD_FAILURE() << rows.error().message;
      return out;
    }
    for (const auto& r : *rows) {
      auto& t = out[by_status ? r.dims.at(0) : ""];
      std::get<0>(t) += r.acknowledged.reached;
      std::get<1>(t) += r.acknowledged.with_limit;
      std::get<2>(t) += r.acknowledged.within;
    }
    return out;
  }

  static domain::local_date local_date(year_month_day d) { return domain::local_date(d); }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  actor who_;
};

using shares = std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t>>;

TEST_F(working_day_shares, a_limit_in_working_days_counts_the_holiday_and_the_deadline_exactly) {
  for (auto grain : {domain::time_grain::month, domain::time_grain::hour}) {
    EXPECT_EQ(acknowledged(grain, false), (shares{{"", {5, 5, 3}}})) << to_string(grain);
    EXPECT_EQ(acknowledged(grain, true),
              (shares{{"acknowledged", {4, 4, 3}}, {"completed", {1, 1, 0}}, {"declined", {0, 0, 0}}}))
        << to_string(grain);
  }
}

TEST_F(working_day_shares, a_changed_calendar_is_counted_again) {
  // Without the holiday the deadline is the end of Monday 30 June (15:00 UTC): only x1 in time.
  auto changed = store_->write([&](storage::store_txn& tx) -> core::result<void> {
    SIAGA_TRY(j, tx.find_jurisdiction("j1"));
    j->holidays.clear();
    return tx.update_jurisdiction(*j);
  });
  ASSERT_TRUE(changed.has_value()) << changed.error().message;
  for (auto grain : {domain::time_grain::month, domain::time_grain::hour}) {
    EXPECT_EQ(acknowledged(grain, false), (shares{{"", {5, 5, 1}}})) << to_string(grain);
  }
  // And a category whose limit goes back to seconds: none of these days-late steps within 60 s.
  auto seconds_only = store_->write([&](storage::store_txn& tx) -> core::result<void> {
    SIAGA_TRY(c, tx.find_category("j1", "c1"));
    c->sla.acknowledge_within_days = 0;
    return tx.upsert_category(*c);
  });
  ASSERT_TRUE(seconds_only.has_value()) << seconds_only.error().message;
  for (auto grain : {domain::time_grain::month, domain::time_grain::hour}) {
    EXPECT_EQ(acknowledged(grain, false), (shares{{"", {5, 5, 0}}})) << to_string(grain);
  }
}

}  // namespace
}  // namespace siaga::services
