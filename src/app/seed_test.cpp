#include "app/seed.hpp"

#include "domain/lifecycle.hpp"

#include "domain/geo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace siaga::app {
namespace {

using domain::dispatch_status;
using domain::incident_status;
using domain::report_status;
using domain::role;
namespace fs = std::filesystem;

core::timestamp at(std::string_view iso) {
  return core::parse_iso8601(iso).value();
}

// A fresh SQLite file per store, removed with its WAL files.
class temp_store {
 public:
  temp_store() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("siaga_seed_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".db");
    remove_files();
    auto opened = storage::open_sqlite({path_.string()});
    if (!opened) throw std::runtime_error("open_sqlite: " + opened.error().message);
    store_ = std::move(*opened);
    auto migrated = store_->migrate();
    if (!migrated) throw std::runtime_error("migrate: " + migrated.error().message);
  }
  ~temp_store() {
    store_->close();
    store_.reset();
    remove_files();
  }
  storage::store& operator*() { return *store_; }
  storage::store* operator->() { return store_.get(); }

 private:
  void remove_files() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-counters"}) fs::remove(path_.string() + suffix, ec);
  }
  fs::path path_;
  std::unique_ptr<storage::store> store_;
};

struct everything {
  std::vector<domain::report> reports;
  std::vector<domain::incident> incidents;
  std::vector<domain::dispatch> dispatches;
  std::vector<domain::event> events;
};

everything read_all(storage::store& st, const std::string& jid) {
  everything out;
  auto& rd = st.reader();
  storage::report_filter rf;
  rf.jurisdiction_id = jid;
  rf.page.limit = 500;
  out.reports = rd.list_reports(rf).value().items;
  storage::incident_filter inf;
  inf.jurisdiction_id = jid;
  inf.page.limit = 500;
  out.incidents = rd.list_incidents(inf).value().items;
  storage::dispatch_filter df;
  df.jurisdiction_id = jid;
  df.page.limit = 500;
  out.dispatches = rd.list_dispatches(df).value().items;
  out.events = rd.events_of_jurisdiction(jid).value();
  return out;
}

// Seeds once for the whole suite: hashing six passwords is the slow part.
class seed_demo_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new temp_store();
    auto s = seed_demo(**store_, rnd_, now_);
    ASSERT_TRUE(s) << s.error().message;
    summary_ = new seed_summary(*s);
  }
  static void TearDownTestSuite() {
    delete summary_;
    summary_ = nullptr;
    delete store_;
    store_ = nullptr;
  }
  storage::store_reader& reader() { return (**store_).reader(); }
  const std::string& jid() { return summary_->jurisdiction_id; }

  static inline const core::timestamp now_ = at("2026-11-22T03:30:00Z");  // 12:30 WIT
  static inline core::secure_random rnd_;
  static inline temp_store* store_ = nullptr;
  static inline seed_summary* summary_ = nullptr;
};

TEST_F(seed_demo_test, creates_kota_ambon_with_five_districts) {
  ASSERT_FALSE(summary_->already_seeded);
  auto j = reader().find_jurisdiction_by_code("81.71").value();
  ASSERT_TRUE(j);
  EXPECT_EQ(j->id, jid());
  EXPECT_TRUE(core::looks_like_uuid(j->id));
  EXPECT_EQ(j->name, "Kota Ambon");
  EXPECT_EQ(j->timezone, "Asia/Jayapura");
  EXPECT_EQ(j->incident_prefix, "AMB");
  auto ds = reader().list_districts(jid()).value();
  ASSERT_EQ(ds.size(), 5u);
  std::set<std::string> codes;
  for (const auto& d : ds) {
    codes.insert(d.code);
    ASSERT_TRUE(d.center) << d.name;
    EXPECT_NEAR(d.center->lat, -3.69, 0.1) << d.name;
    EXPECT_NEAR(d.center->lon, 128.18, 0.1) << d.name;
  }
  EXPECT_EQ(codes, (std::set<std::string>{"81.71.01", "81.71.02", "81.71.03", "81.71.04", "81.71.05"}));
}

TEST_F(seed_demo_test, ships_the_kelurahan_and_desa_with_approximate_boundaries_that_hold_their_centres) {
  auto ds = reader().list_districts(jid()).value();
  auto vs = reader().list_villages(jid(), std::nullopt).value();
  ASSERT_EQ(vs.size(), 50u);  // idn-area-data 4.0.1: 50 kelurahan and desa in 81.71
  std::map<std::string, int> per_district;
  for (const auto& d : ds) {
    EXPECT_TRUE(d.boundary_approximate) << d.name;
    EXPECT_TRUE(domain::read_area(d.boundary_geojson)) << d.name;
  }
  auto dir = domain::make_area_directory(ds, vs);
  for (const auto& v : vs) {
    EXPECT_TRUE(v.boundary_approximate) << v.name;
    ++per_district[v.district_id];
    ASSERT_TRUE(v.center) << v.name;
    // Each village's centre is placed in the village itself and in its own district.
    auto p = domain::place_point(*v.center, dir);
    EXPECT_EQ(p.village_id, v.id) << v.name;
    EXPECT_EQ(p.district_id, v.district_id) << v.name;
  }
  EXPECT_EQ(per_district.size(), 5u);
  EXPECT_EQ(vs.front().code, "81.71.01.1006");
  EXPECT_EQ(vs.front().name, "Nusaniwe");
}

TEST_F(seed_demo_test, creates_agencies_and_the_fire_run_card) {
  auto as = reader().list_agencies(jid()).value();
  EXPECT_GE(as.size(), 12u);
  std::map<std::string, std::string> code_of;
  for (const auto& a : as) code_of[a.id] = a.code;
  auto cats = reader().list_categories(jid()).value();
  auto fire = std::find_if(cats.begin(), cats.end(), [](const auto& c) { return c.code == "fire"; });
  ASSERT_NE(fire, cats.end());
  EXPECT_EQ(fire->name_id, "Kebakaran");
  EXPECT_EQ(fire->urgency_class, domain::urgency::emergency);
  EXPECT_EQ(fire->sla.dispatch_within_s, 60);
  EXPECT_EQ(fire->sla.acknowledge_within_s, 120);
  EXPECT_EQ(fire->sla.on_scene_within_s, 900);
  EXPECT_FALSE(fire->sop.empty());
  ASSERT_EQ(fire->run_card.size(), 4u);
  EXPECT_EQ(code_of[fire->run_card[0].agency_id], "DAMKAR");
  EXPECT_EQ(fire->run_card[0].role, domain::dispatch_role::primary);
  std::set<std::string> supporting;
  for (std::size_t i = 1; i < fire->run_card.size(); ++i) {
    EXPECT_EQ(fire->run_card[i].role, domain::dispatch_role::supporting);
    supporting.insert(code_of[fire->run_card[i].agency_id]);
  }
  EXPECT_EQ(supporting, (std::set<std::string>{"PLN", "RSUD", "DISHUB"}));
  auto info = std::find_if(cats.begin(), cats.end(), [](const auto& c) { return c.code == "information"; });
  ASSERT_NE(info, cats.end());
  EXPECT_TRUE(info->run_card.empty());
}

TEST_F(seed_demo_test, creates_one_user_per_role) {
  auto us = reader().list_users(jid()).value();
  ASSERT_EQ(us.size(), 6u);
  std::map<std::string, domain::user> by_name;
  for (const auto& u : us) by_name[u.username] = u;
  EXPECT_EQ(by_name["admin"].user_role, role::admin);
  EXPECT_EQ(by_name["supervisor"].user_role, role::supervisor);
  EXPECT_EQ(by_name["calltaker"].user_role, role::call_taker);
  EXPECT_EQ(by_name["walikota"].user_role, role::leader);
  EXPECT_EQ(by_name["psc119"].user_role, role::agency_operator);
  ASSERT_EQ(by_name["damkar"].user_role, role::agency_operator);
  ASSERT_TRUE(by_name["damkar"].agency_id);
  auto damkar = reader().find_agency(jid(), *by_name["damkar"].agency_id).value();
  ASSERT_TRUE(damkar);
  EXPECT_EQ(damkar->code, "DAMKAR");
  EXPECT_FALSE(by_name["admin"].agency_id);

  ASSERT_EQ(summary_->logins.size(), 6u);
  for (const auto& l : summary_->logins) {
    EXPECT_EQ(l.password, "siaga112demo");
    ASSERT_TRUE(by_name.count(l.username)) << l.username;
    EXPECT_EQ(l.role, to_string(by_name[l.username].user_role));
    EXPECT_EQ(l.display_name, by_name[l.username].display_name);
    EXPECT_NE(by_name[l.username].password_hash.find("argon2id"), std::string::npos);
  }
}

TEST_F(seed_demo_test, counts_match_the_summary_and_the_outcomes_are_mixed) {
  auto all = read_all(**store_, jid());
  EXPECT_EQ(static_cast<int>(all.reports.size()), summary_->reports);
  EXPECT_EQ(static_cast<int>(all.incidents.size()), summary_->incidents);
  EXPECT_GE(summary_->reports, 50);
  EXPECT_LE(summary_->reports, 70);
  std::map<report_status, int> by_status;
  std::set<domain::channel> channels;
  std::map<std::string, int> per_incident;
  for (const auto& r : all.reports) {
    ++by_status[r.status];
    channels.insert(r.source);
    if (r.incident_id) ++per_incident[*r.incident_id];
    EXPECT_EQ(r.reporter_phone.rfind("+628", 0), 0u) << r.reporter_phone;
    EXPECT_TRUE(r.location);
    EXPECT_TRUE(r.district_id);
  }
  auto share = [&](report_status s) { return 100 * by_status[s] / summary_->reports; };
  EXPECT_GE(share(report_status::rejected), 18);
  EXPECT_LE(share(report_status::rejected), 32);
  EXPECT_GE(share(report_status::answered), 6);
  EXPECT_LE(share(report_status::answered), 14);
  EXPECT_EQ(channels, (std::set<domain::channel>{domain::channel::call, domain::channel::whatsapp, domain::channel::web,
                                                 domain::channel::app, domain::channel::lapor}));
  int linked_repeats = 0;
  for (const auto& [id, n] : per_incident) {
    EXPECT_LE(n, 3);
    if (n > 1) ++linked_repeats;
  }
  EXPECT_GE(linked_repeats, 3);
  EXPECT_EQ(per_incident.size(), all.incidents.size());
}

TEST_F(seed_demo_test, has_incidents_in_every_status) {
  auto all = read_all(**store_, jid());
  std::map<incident_status, int> n;
  for (const auto& i : all.incidents) ++n[i.status];
  EXPECT_GE(n[incident_status::open] + n[incident_status::dispatched], 1);
  EXPECT_GE(n[incident_status::in_progress], 1);
  EXPECT_GE(n[incident_status::resolved], 1);
  EXPECT_GE(n[incident_status::cancelled], 1);
  EXPECT_GT(n[incident_status::closed], static_cast<int>(all.incidents.size()) / 2);

  std::map<dispatch_status, int> d;
  bool declined_with_reason = false;
  for (const auto& x : all.dispatches) {
    ++d[x.status];
    if (x.status == dispatch_status::declined && !x.decline_reason.empty()) declined_with_reason = true;
    if (x.status == dispatch_status::completed) {
      EXPECT_FALSE(x.note.empty());
      ASSERT_TRUE(x.acknowledged_at && x.completed_at);
      EXPECT_LT(x.notified_at, *x.acknowledged_at);
      EXPECT_LT(*x.acknowledged_at, *x.completed_at);
      if (x.en_route_at) {
        ASSERT_TRUE(x.on_scene_at);
        EXPECT_LT(*x.acknowledged_at, *x.en_route_at);
        EXPECT_LT(*x.en_route_at, *x.on_scene_at);
        EXPECT_LT(*x.on_scene_at, *x.completed_at);
      }
    }
  }
  EXPECT_TRUE(declined_with_reason);
  EXPECT_GE(d[dispatch_status::notified], 1);
  EXPECT_GE(d[dispatch_status::cancelled], 1);
  for (const auto& i : all.incidents) {
    if (i.status == incident_status::closed) {
      EXPECT_TRUE(i.closed_at && i.resolved_at) << i.number;
    }
    EXPECT_EQ(i.number.rfind("AMB-", 0), 0u) << i.number;
  }
}

TEST_F(seed_demo_test, leaves_a_few_new_reports_in_the_last_hour) {
  auto all = read_all(**store_, jid());
  int fresh = 0;
  for (const auto& r : all.reports) {
    if (r.status != report_status::new_) continue;
    ++fresh;
    EXPECT_GE(r.created_at, now_ - std::chrono::hours(1));
  }
  EXPECT_GE(fresh, 3);
  EXPECT_LE(fresh, 5);
}

TEST_F(seed_demo_test, history_is_a_week_long_chronological_and_chained) {
  auto all = read_all(**store_, jid());
  ASSERT_FALSE(all.events.empty());
  EXPECT_FALSE(domain::verify_chain(all.events)) << domain::verify_chain(all.events)->reason;
  for (std::size_t i = 1; i < all.events.size(); ++i) {
    EXPECT_LE(all.events[i - 1].at, all.events[i].at) << all.events[i].kind;
  }
  EXPECT_LE(all.events.back().at, now_);
  EXPECT_GE(all.events.front().at, now_ - std::chrono::days(8));
  auto oldest = std::min_element(all.reports.begin(), all.reports.end(),
                                 [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  EXPECT_LE(oldest->created_at, now_ - std::chrono::days(5));
}

TEST_F(seed_demo_test, second_run_writes_nothing) {
  auto before = read_all(**store_, jid());
  auto again = seed_demo(**store_, rnd_, now_ + std::chrono::hours(1));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->already_seeded);
  EXPECT_EQ(again->jurisdiction_id, jid());
  EXPECT_EQ(again->logins.size(), 6u);
  EXPECT_EQ(again->reports, summary_->reports);
  EXPECT_EQ(again->incidents, summary_->incidents);
  auto after = read_all(**store_, jid());
  EXPECT_EQ(after.reports.size(), before.reports.size());
  EXPECT_EQ(after.incidents.size(), before.incidents.size());
  EXPECT_EQ(after.dispatches.size(), before.dispatches.size());
  EXPECT_EQ(after.events.size(), before.events.size());
  EXPECT_EQ(reader().list_jurisdictions().value().size(), 1u);
}

TEST_F(seed_demo_test, is_reproducible_for_the_same_now) {
  temp_store other;
  core::secure_random rnd;
  auto s = seed_demo(*other, rnd, now_);
  ASSERT_TRUE(s) << s.error().message;
  auto a = read_all(**store_, jid());
  auto b = read_all(*other, s->jurisdiction_id);
  ASSERT_EQ(a.reports.size(), b.reports.size());
  auto by_time = [](const auto& x, const auto& y) { return x.created_at < y.created_at; };
  std::sort(a.reports.begin(), a.reports.end(), by_time);
  std::sort(b.reports.begin(), b.reports.end(), by_time);
  for (std::size_t i = 0; i < a.reports.size(); ++i) {
    EXPECT_EQ(a.reports[i].created_at, b.reports[i].created_at);
    EXPECT_EQ(a.reports[i].description, b.reports[i].description);
    EXPECT_EQ(a.reports[i].reporter_phone, b.reports[i].reporter_phone);
    EXPECT_EQ(a.reports[i].status, b.reports[i].status);
  }
  EXPECT_EQ(a.events.size(), b.events.size());
}

// Just after local midnight today's hours are few; the stories still must all fit before now.
TEST(seed_demo_at_midnight, still_ends_every_story_before_now) {
  temp_store st;
  core::secure_random rnd;
  auto now = at("2026-11-21T15:05:00Z");  // 00:05 WIT
  auto s = seed_demo(*st, rnd, now);
  ASSERT_TRUE(s) << s.error().message;
  auto all = read_all(*st, s->jurisdiction_id);
  EXPECT_FALSE(domain::verify_chain(all.events));
  for (const auto& e : all.events) EXPECT_LE(e.at, now) << e.kind;
  std::set<incident_status> statuses;
  for (const auto& i : all.incidents) statuses.insert(i.status);
  EXPECT_TRUE(statuses.count(incident_status::in_progress));
  EXPECT_TRUE(statuses.count(incident_status::dispatched));
  EXPECT_TRUE(statuses.count(incident_status::resolved));
  EXPECT_TRUE(statuses.count(incident_status::closed));
  EXPECT_TRUE(statuses.count(incident_status::cancelled));
}

}  // namespace
}  // namespace siaga::app
