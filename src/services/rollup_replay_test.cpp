// The replay of the event log into the rollups: the fold over hand-written events (each kind,
// reopening, a category change moving counts, a declined dispatch replaced, local midnight, old
// events, a log that contradicts itself), and over the events the real commands write, which
// must replay to exactly the rollups the store kept; a tampered row is named and corrected.
#include "services/rollup_replay.hpp"

#include "domain/lifecycle.hpp"

#include "domain/duration_histogram.hpp"
#include "services/directory_service.hpp"
#include "services/incident_service.hpp"
#include "services/incident_updates.hpp"
#include "core/test_dir.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace siaga::services {
namespace {

namespace json = boost::json;

using namespace std::chrono_literals;
using storage::dispatch_roll_key;
using storage::incident_roll_key;
using storage::report_roll_key;
using storage::step_roll_key;

constexpr int wit = 9 * 60;  // Asia/Jayapura
const core::timestamp t0 = core::parse_iso8601("2025-06-03T01:00:00Z").value();  // 10:00 WIT

std::int64_t day_of(const char* iso) { return storage::local_day_number(core::parse_iso8601(iso).value(), wit); }

// A log written by hand, as the services write it: seq and time move on with each event.
class log_builder {
 public:
  log_builder& add(domain::subject_kind subject, std::string id, std::string kind, std::string payload,
                   std::optional<std::string> incident = std::nullopt) {
    domain::event e;
    e.seq = static_cast<std::int64_t>(events_.size()) + 1;
    e.jurisdiction_id = "j1";
    e.subject = subject;
    e.subject_id = std::move(id);
    e.kind = std::move(kind);
    e.payload_json = std::move(payload);
    e.incident_id = std::move(incident);
    e.at = at_;
    at_ += 1s;
    events_.push_back(std::move(e));
    return *this;
  }
  log_builder& report(std::string id, std::string kind, std::string payload) {
    return add(domain::subject_kind::report, std::move(id), std::move(kind), std::move(payload));
  }
  log_builder& incident(std::string id, std::string kind, std::string payload) {
    auto inc = id;
    return add(domain::subject_kind::incident, std::move(id), std::move(kind), std::move(payload), std::move(inc));
  }
  log_builder& dispatch(std::string id, std::string incident, std::string kind, std::string payload) {
    return add(domain::subject_kind::dispatch, std::move(id), std::move(kind), std::move(payload), std::move(incident));
  }
  // An incident created at a time, in a category and district, with a status.
  log_builder& incident_created(const std::string& id, const std::string& category, const char* at,
                                const char* status = "open", const char* district = "\"d1\"") {
    return incident(id, "incident.created",
                    std::string(R"({"category_id":")") + category + R"(","urgency":"emergency","status":")" + status +
                        R"(","district_id":)" + district + R"(,"village_id":null,"created_at":")" + at + "\"}");
  }
  log_builder& notified(const std::string& id, const std::string& incident, const std::string& agency, const char* at) {
    return dispatch(id, incident, "dispatch.notified",
                    R"({"agency_id":")" + agency + R"(","status":"notified","notified_at":")" + at + "\"}");
  }
  log_builder& step(const std::string& id, const std::string& incident, const char* from, const char* to, const char* at) {
    return dispatch(id, incident, std::string("dispatch.") + to,
                    std::string(R"({"from":")") + from + R"(","to":")" + to + R"(","at":")" + at + "\"}");
  }
  log_builder& status(const std::string& id, const char* kind, const char* from, const char* to) {
    return incident(id, kind, std::string(R"({"from":")") + from + R"(","to":")" + to + "\"}");
  }

  const std::vector<domain::event>& events() const { return events_; }

 private:
  std::vector<domain::event> events_;
  core::timestamp at_ = t0;
};

replay_settings settings() {
  replay_settings s{wit, {}, {}};
  s.limits["fire"].acknowledge_within_s = 120;
  s.limits["fire"].on_scene_within_s = 900;
  return s;
}

replay_result replayed(const log_builder& log) {
  auto r = replay_rollups(log.events(), settings());
  EXPECT_TRUE(r.has_value()) << r.error().message;
  EXPECT_FALSE(r->gap.has_value()) << r->gap->example;
  return r ? std::move(*r) : replay_result{};
}

std::int64_t count_of(const std::map<incident_roll_key, std::int64_t>& m, const incident_roll_key& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

TEST(rollup_replay, every_kind_of_event_moves_its_figure) {
  log_builder log;
  const auto day = day_of("2025-06-03T01:00:00Z");
  log.report("r1", "report.created",
             R"({"channel":"call","tracking_code":"T1","status":"new","category_id":"fire","district_id":"d1",)"
             R"("village_id":null,"created_at":"2025-06-03T01:00:00Z"})")
      .report("r2", "report.created",
              R"({"channel":"whatsapp","tracking_code":"T2","status":"new","category_id":null,"district_id":null,)"
              R"("village_id":null,"created_at":"2025-06-03T01:01:00Z"})")
      .report("r3", "report.created",
              R"({"channel":"web","tracking_code":"T3","status":"new","category_id":null,"district_id":"d2",)"
              R"("village_id":null,"created_at":"2025-06-03T01:02:00Z"})")
      .report("r4", "report.created",
              R"({"channel":"call","tracking_code":"T4","status":"new","category_id":null,"district_id":null,)"
              R"("village_id":null,"created_at":"2025-06-03T01:03:00Z"})")
      .incident_created("i1", "fire", "2025-06-03T01:00:30Z")
      .report("r1", "report.accepted", R"({"incident_id":"i1","incident_number":"AMB-1"})")
      .report("r2", "report.rejected", R"({"note":"","reason":"prank"})")
      .report("r3", "report.answered", R"({"note":"jadwal posyandu"})")
      .incident("i1", "incident.updated", R"({"changes":{"district_id":{"from":"d1","to":"d2"}}})")
      .notified("x1", "i1", "damkar", "2025-06-03T01:01:00Z")
      .status("i1", "incident.status_changed", "open", "dispatched")
      .step("x1", "i1", "notified", "acknowledged", "2025-06-03T01:02:00Z")
      .step("x1", "i1", "acknowledged", "en_route", "2025-06-03T01:03:00Z")
      .step("x1", "i1", "en_route", "on_scene", "2025-06-03T01:21:00Z")
      .status("i1", "incident.status_changed", "dispatched", "in_progress")
      .step("x1", "i1", "on_scene", "completed", "2025-06-03T02:01:00Z")
      .status("i1", "incident.status_changed", "in_progress", "resolved")
      .status("i1", "incident.closed", "resolved", "closed")
      .incident("i1", "incident.note_added", R"({"text":"catatan"})");
  auto r = replayed(log);
  EXPECT_EQ(r.reports, 4);
  EXPECT_EQ(r.incidents, 1);
  EXPECT_EQ(r.dispatches, 1);
  EXPECT_EQ(r.events, 18);  // the note moves no figure

  auto reports = r.counts.reports();
  EXPECT_EQ(reports.size(), 4u);
  EXPECT_EQ((reports[{"j1", day, "fire", "d1", "accepted", "call", ""}]), 1);
  EXPECT_EQ((reports[{"j1", day, "", "", "rejected", "whatsapp", "prank"}]), 1);
  EXPECT_EQ((reports[{"j1", day, "", "d2", "answered", "web", ""}]), 1);
  EXPECT_EQ((reports[{"j1", day, "", "", "new", "call", ""}]), 1);

  ASSERT_EQ(r.counts.incidents().size(), 1u);
  EXPECT_EQ(count_of(r.counts.incidents(), {"j1", day, "fire", "emergency", "d2", "closed", "yes"}), 1);
  ASSERT_EQ(r.counts.dispatches().size(), 1u);
  EXPECT_EQ(r.counts.dispatches().begin()->first, (dispatch_roll_key{"j1", day, "damkar", "fire", "completed"}));

  // Each step timed from the notification: 60 s acknowledged (within 120), 120 s en route,
  // 1200 s on scene (over 900), 3600 s completed.
  auto steps = r.counts.steps();
  ASSERT_EQ(steps.size(), 4u);
  auto ack = steps.at({"j1", day, "damkar", "fire", "acknowledged", "completed", domain::duration_histogram::bucket_of(60)});
  EXPECT_EQ(ack.n, 1);
  EXPECT_EQ(ack.limited, 1);
  EXPECT_EQ(ack.within, 1);
  auto scene = steps.at({"j1", day, "damkar", "fire", "on_scene", "completed", domain::duration_histogram::bucket_of(1200)});
  EXPECT_EQ(scene.limited, 1);
  EXPECT_EQ(scene.within, 0);
  EXPECT_EQ(steps.at({"j1", day, "damkar", "fire", "en_route", "completed", domain::duration_histogram::bucket_of(120)}).limited, 0);
  EXPECT_EQ(steps.at({"j1", day, "damkar", "fire", "completed", "completed", domain::duration_histogram::bucket_of(3600)}).n, 1);
}

TEST(rollup_replay, a_reopened_incident_counts_once_under_its_last_status) {
  log_builder log;
  log.incident_created("i1", "fire", "2025-06-03T01:00:00Z", "dispatched")
      .status("i1", "incident.status_changed", "open", "dispatched")
      .status("i1", "incident.status_changed", "dispatched", "resolved")
      .status("i1", "incident.closed", "resolved", "closed")
      .incident("i1", "incident.reopened", R"({"from":"closed","to":"in_progress","reason":"api muncul lagi"})");
  auto r = replayed(log);
  ASSERT_EQ(r.counts.incidents().size(), 1u);
  EXPECT_EQ(r.counts.incidents().begin()->first.status, "in_progress");
  EXPECT_EQ(r.counts.incidents().begin()->second, 1);

  log.status("i1", "incident.cancelled", "in_progress", "cancelled");
  EXPECT_EQ(replayed(log).counts.incidents().begin()->first.status, "cancelled");
}

TEST(rollup_replay, a_category_change_moves_the_incident_and_its_dispatches) {
  log_builder log;
  log.incident_created("i1", "fire", "2025-06-03T01:00:00Z")
      .notified("x1", "i1", "damkar", "2025-06-03T01:00:10Z")
      .step("x1", "i1", "notified", "acknowledged", "2025-06-03T01:05:10Z")
      .incident("i1", "incident.updated",
                R"({"changes":{"category_id":{"from":"fire","to":"flood"},"urgency":{"from":"emergency","to":"urgent"}}})");
  auto r = replayed(log);
  const auto day = day_of("2025-06-03T01:00:00Z");
  ASSERT_EQ(r.counts.incidents().size(), 1u);
  EXPECT_EQ(r.counts.incidents().begin()->first, (incident_roll_key{"j1", day, "flood", "urgent", "d1", "open", "yes"}));
  ASSERT_EQ(r.counts.dispatches().size(), 1u);
  EXPECT_EQ(r.counts.dispatches().begin()->first.category_id, "flood");
  // Flood has no limits: the 300 s acknowledgement is counted but judged by no limit (fire's
  // 120 s would have made it late).
  ASSERT_EQ(r.counts.steps().size(), 1u);
  const auto& [key, counts] = *r.counts.steps().begin();
  EXPECT_EQ(key.category_id, "flood");
  EXPECT_EQ(counts.n, 1);
  EXPECT_EQ(counts.limited, 0);

  // Back to fire: counted under fire again, late.
  log.incident("i1", "incident.updated", R"({"changes":{"category_id":{"from":"flood","to":"fire"}}})");
  auto back = replayed(log);
  EXPECT_EQ(back.counts.incidents().begin()->first.category_id, "fire");
  EXPECT_EQ(back.counts.incidents().begin()->first.urgency, "urgent");  // the change said nothing of urgency
  EXPECT_EQ(back.counts.steps().begin()->second.limited, 1);
  EXPECT_EQ(back.counts.steps().begin()->second.within, 0);
}

TEST(rollup_replay, a_declined_dispatch_and_its_replacement_count_apart) {
  log_builder log;
  log.incident_created("i1", "fire", "2025-06-03T01:00:00Z", "dispatched")
      .notified("x1", "i1", "damkar", "2025-06-03T01:00:00Z")
      .step("x1", "i1", "notified", "declined", "2025-06-03T01:01:00Z")
      .notified("x2", "i1", "damkar", "2025-06-03T01:02:00Z")
      .step("x2", "i1", "notified", "acknowledged", "2025-06-03T01:02:30Z");
  auto r = replayed(log);
  const auto day = day_of("2025-06-03T01:00:00Z");
  EXPECT_EQ(r.dispatches, 2);
  ASSERT_EQ(r.counts.dispatches().size(), 2u);
  EXPECT_EQ(r.counts.dispatches().at({"j1", day, "damkar", "fire", "declined"}), 1);
  EXPECT_EQ(r.counts.dispatches().at({"j1", day, "damkar", "fire", "acknowledged"}), 1);
  // Only the replacement reached a step, 30 s after its own notification.
  ASSERT_EQ(r.counts.steps().size(), 1u);
  EXPECT_EQ(r.counts.steps().begin()->first.bucket, domain::duration_histogram::bucket_of(30));
  EXPECT_EQ(r.counts.steps().begin()->second.within, 1);
}

TEST(rollup_replay, records_fall_on_their_local_day_by_their_own_time_not_the_events) {
  // 23:59:59.999999 WIT on 30 June and midnight of 1 July; the events are written a second
  // apart from 10:00 WIT, so only the payload's times can place them.
  log_builder log;
  log.incident_created("i1", "fire", "2025-06-30T14:59:59.999999Z")
      .incident_created("i2", "fire", "2025-06-30T15:00:00Z")
      .notified("x1", "i1", "damkar", "2025-06-30T14:59:59.999999Z")
      .step("x1", "i1", "notified", "acknowledged", "2025-06-30T15:00:59.999999Z");
  auto r = replayed(log);
  auto june30 = day_of("2025-06-30T12:00:00Z");
  EXPECT_EQ(count_of(r.counts.incidents(), {"j1", june30, "fire", "emergency", "d1", "open", "yes"}), 1);
  EXPECT_EQ(count_of(r.counts.incidents(), {"j1", june30 + 1, "fire", "emergency", "d1", "open", "no"}), 1);
  // The dispatch counts on the day it was notified, its step (60 s) with it.
  EXPECT_EQ(r.counts.dispatches().begin()->first.day, june30);
  EXPECT_EQ(r.counts.steps().begin()->first.day, june30);
  EXPECT_EQ(r.counts.steps().begin()->first.bucket, domain::duration_histogram::bucket_of(60));

  // As rows: two day rows and two month rows, June and July.
  auto rows = storage::rows_of(r.counts);
  ASSERT_TRUE(rows.has_value());
  std::vector<std::pair<int, std::int64_t>> keys;
  for (const auto& [k, n] : rows->incidents) keys.emplace_back(k.first, k.second.day);
  EXPECT_EQ(keys, (std::vector<std::pair<int, std::int64_t>>{
                      {0, june30}, {0, june30 + 1}, {1, storage::month_first_day(june30)}, {1, june30 + 1}}));
}

TEST(rollup_replay, events_without_the_replay_fields_are_named_not_guessed) {
  log_builder log;
  // As written before this version: no status, district or time.
  log.report("r1", "report.created", R"({"channel":"call","tracking_code":"T1"})")
      .incident("i1", "incident.created", R"({"number":"AMB-1","category_id":"fire","urgency":"emergency"})")
      .dispatch("x1", "i1", "dispatch.notified", R"({"agency_id":"damkar","role":"primary"})")
      .dispatch("x1", "i1", "dispatch.acknowledged", R"({"from":"notified","to":"acknowledged"})")
      .incident_created("i2", "fire", "2025-06-03T01:00:00Z");
  auto r = replay_rollups(log.events(), settings());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_TRUE(r->gap.has_value());
  EXPECT_EQ(r->gap->first_seq, 1);
  EXPECT_EQ(r->gap->last_seq, 4);
  EXPECT_EQ(r->gap->events, 4);
  EXPECT_EQ(r->gap->example, "event seq 1 (report.created) has no category_id");
}

TEST(rollup_replay, a_log_that_contradicts_itself_is_refused_naming_the_event) {
  log_builder steps_only;
  steps_only.incident_created("i1", "fire", "2025-06-03T01:00:00Z")
      .step("x9", "i1", "notified", "acknowledged", "2025-06-03T01:02:00Z");
  auto r = replay_rollups(steps_only.events(), settings());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "event seq 2 (dispatch.acknowledged): dispatch x9 was never created");

  log_builder bad_status;
  bad_status.incident_created("i1", "fire", "2025-06-03T01:00:00Z").status("i1", "incident.closed", "open", "shut");
  auto s = replay_rollups(bad_status.events(), settings());
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("event seq 2 (incident.closed): to:"), std::string::npos) << s.error().message;

  log_builder not_json;
  not_json.report("r1", "report.created", "[1]");
  EXPECT_FALSE(replay_rollups(not_json.events(), settings()).has_value());
}

TEST(rollup_replay, an_erased_event_is_folded_by_its_latest_restatement_and_without_one_is_a_gap) {
  log_builder log;
  log.incident_created("i1", "fire", "2025-06-03T01:00:00Z")
      .notified("x1", "i1", "damkar", "2025-06-03T01:01:00Z")
      .step("x1", "i1", "notified", "acknowledged", "2025-06-03T01:02:00Z");
  auto whole = log.events();
  for (auto& e : whole) {
    e.id = "ev" + std::to_string(e.seq);
    e.payload_digest = "digest";  // version 2, as every new event: erasable
  }
  auto before = replay_rollups(whole, settings());
  ASSERT_TRUE(before.has_value()) << before.error().message;
  ASSERT_FALSE(before->gap.has_value());

  // The creation erased (as `siaga privacy erase` does to a summary writing a number), then
  // restated twice: the later restatement is the one folded.
  auto erased = whole;
  const auto original = json::parse(erased[0].payload_json);
  ASSERT_TRUE(domain::erase_event_payload(erased[0], t0 + 1h));
  auto restatement = [&](std::int64_t seq, std::string id, std::string kind, const json::value& fields) {
    domain::event r;
    r.seq = seq;
    r.id = "restated" + std::to_string(seq);
    r.jurisdiction_id = "j1";
    r.subject = domain::subject_kind::incident;
    r.subject_id = "i1";
    r.incident_id = "i1";
    r.kind = std::string(domain::restated_kind);
    r.at = t0 + 1h;
    r.payload_json = json::serialize(json::object{
        {"restates", json::object{{"seq", 1}, {"id", std::move(id)}, {"kind", std::move(kind)}}}, {"payload", fields}});
    return r;
  };
  auto stale = original;
  stale.as_object()["category_id"] = "medical";
  auto restated = erased;
  restated.push_back(restatement(4, "ev1", "incident.created", stale));
  restated.push_back(restatement(5, "ev1", "incident.created", original));
  auto after = replay_rollups(restated, settings());
  ASSERT_TRUE(after.has_value()) << after.error().message;
  EXPECT_FALSE(after->gap.has_value());
  EXPECT_EQ(after->counts.incidents(), before->counts.incidents());
  EXPECT_EQ(after->counts.dispatches(), before->counts.dispatches());
  EXPECT_EQ(after->incidents, 1);

  // Without a restatement the erased creation is a gap (recounted from the records instead).
  auto bare = replay_rollups(erased, settings());
  ASSERT_TRUE(bare.has_value()) << bare.error().message;
  ASSERT_TRUE(bare->gap.has_value());
  EXPECT_EQ(bare->gap->example, "event seq 1 (incident.created) has no category_id");

  // A restatement naming another event, or not shaped as one, contradicts the log.
  auto wrong = erased;
  wrong.push_back(restatement(4, "ev2", "dispatch.notified", original));
  auto w = replay_rollups(wrong, settings());
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().message, "event seq 1 (incident.created): its restatement names event ev2 (dispatch.notified)");
  auto shapeless = erased;
  shapeless.push_back(restatement(4, "ev1", "incident.created", original));
  shapeless.back().payload_json = R"({"restates":{"seq":"1"},"payload":{}})";
  EXPECT_FALSE(replay_rollups(shapeless, settings()).has_value());
  // A restatement of an event that was not erased changes nothing: the event speaks.
  auto kept = whole;
  kept.push_back(restatement(4, "ev1", "incident.created", stale));
  auto k = replay_rollups(kept, settings());
  ASSERT_TRUE(k.has_value()) << k.error().message;
  EXPECT_EQ(k->counts.incidents(), before->counts.incidents());
}

// The real commands over a store: what they write replays to exactly what the store kept.
class replay_over_store : public ::testing::Test {
 protected:
  class counting_random final : public core::random_source {
   public:
    void fill(std::uint8_t* out, std::size_t n) override {
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(++state_ * 2654435761u >> 24);
    }

   private:
    std::uint32_t state_ = 0;
  };

  void SetUp() override {
    dir_ = core::fresh_test_dir("siaga-replay-");
    auto st = storage::open_sqlite({(dir_ / "replay.db").string()});
    ASSERT_TRUE(st.has_value()) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate().has_value());
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      SIAGA_CHECK(tx.insert_jurisdiction({"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}}));
      SIAGA_CHECK(tx.insert_district({"d1", "j1", "81.71.01", "Nusaniwe", std::nullopt, ""}));
      return tx.insert_district({"d2", "j1", "81.71.02", "Sirimau", std::nullopt, ""});
    }));
    damkar_ = agency("DAMKAR");
    psc_ = agency("PSC119");
    fire_ = category("fire", domain::urgency::emergency, damkar_, 120);
    medical_ = category("medical", domain::urgency::emergency, psc_, 60);
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  context ctx() { return context{clock_, ids_, random_}; }

  template <class T, class Fn>
  T run(Fn fn) {
    std::optional<T> out;
    auto done = store_->write([&](storage::store_txn& tx) -> core::result<void> {
      SIAGA_TRY(v, fn(tx));
      out.emplace(std::move(v));
      return {};
    });
    EXPECT_TRUE(done.has_value()) << done.error().message;
    clock_.advance(37s);
    return out.value_or(T{});
  }

  std::string agency(const std::string& code) {
    domain::agency a;
    a.code = code;
    a.name = code;
    return run<domain::agency>([&](auto& tx) { return save_agency(tx, ctx(), admin_, a); }).id;
  }
  std::string category(const std::string& code, domain::urgency u, const std::string& agency, std::int64_t ack) {
    domain::category c;
    c.code = code;
    c.name_id = code;
    c.urgency_class = u;
    c.run_card = {{agency, domain::dispatch_role::primary}};
    c.sla.acknowledge_within_s = ack;
    c.sla.on_scene_within_s = 900;
    return run<domain::category>([&](auto& tx) { return save_category(tx, ctx(), admin_, c); }).id;
  }
  domain::dispatch move(const std::string& id, domain::dispatch_status to, const std::string& text = {}) {
    return run<domain::dispatch>([&](auto& tx) { return move_dispatch(tx, ctx(), call_taker_, id, to, text); });
  }

  // One incident's life: a report accepted into it, dispatched by its run card, the agency's
  // steps, then closed; every third one reopened, every fourth declined and replaced, every
  // fifth moved to the other category and district.
  void history(int n) {
    for (int k = 0; k < n; ++k) {
      new_report nr;
      nr.source = k % 2 ? domain::channel::whatsapp : domain::channel::call;
      nr.description = "laporan " + std::to_string(k);
      nr.category_id = k % 2 ? fire_ : medical_;
      nr.district_id = k % 3 ? "d1" : "d2";
      auto rep = run<domain::report>([&](auto& tx) { return create_report(tx, ctx(), call_taker_, nr); });
      if (k % 7 == 6) {
        run<domain::report>([&](auto& tx) {
          return reject_report(tx, ctx(), call_taker_, rep.id, domain::reject_reason::prank, "iseng");
        });
        continue;
      }
      auto inc = run<domain::incident>([&](auto& tx) { return accept_report(tx, ctx(), call_taker_, rep.id, std::nullopt, {}); });
      auto ds = *store_->reader().dispatches_of_incident(inc.id);
      EXPECT_EQ(ds.size(), 1u);
      auto d = ds.at(0);
      if (k % 4 == 3) {
        move(d.id, domain::dispatch_status::declined, "armada penuh");
        auto again = run<std::vector<domain::dispatch>>(
            [&](auto& tx) { return add_dispatches(tx, ctx(), call_taker_, inc.id, {d.agency_id}, false); });
        d = again.at(0);
      }
      clock_.advance(std::chrono::seconds(20 * k));
      move(d.id, domain::dispatch_status::acknowledged);
      move(d.id, domain::dispatch_status::en_route);
      clock_.advance(5min);
      move(d.id, domain::dispatch_status::on_scene);
      if (k % 5 == 4) {
        incident_patch patch;
        patch.category_id = inc.category_id == fire_ ? medical_ : fire_;
        patch.district_id = std::optional<std::string>("d2");
        run<domain::incident>([&](auto& tx) { return update_incident(tx, ctx(), call_taker_, inc.id, patch); });
      }
      move(d.id, domain::dispatch_status::completed, "selesai");
      run<domain::incident>(
          [&](auto& tx) { return act_on_incident(tx, ctx(), call_taker_, inc.id, domain::incident_action::close, ""); });
      if (k % 3 == 2) {
        run<domain::incident>([&](auto& tx) {
          return act_on_incident(tx, ctx(), call_taker_, inc.id, domain::incident_action::reopen, "belum padam");
        });
      }
      // Eleven hours on: the history crosses local midnights and, over enough incidents, months.
      clock_.advance(11h);
    }
  }

  rebuild_report rebuild() {
    rebuild_report out;
    auto done = store_->write([&](storage::store_txn& tx) -> core::result<void> {
      SIAGA_TRY(r, rebuild_rollups(tx));
      out = std::move(r);
      return {};
    });
    EXPECT_TRUE(done.has_value()) << done.error().message;
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  // 28 May 2025, 20:00 WIT: the history runs into June.
  core::manual_clock clock_{core::parse_iso8601("2025-05-28T11:00:00Z").value()};
  counting_random random_;
  core::id_generator ids_{random_};
  actor admin_ = system_actor("j1");
  actor call_taker_{"u-ct", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
  std::string damkar_, psc_, fire_, medical_;
};

TEST_F(replay_over_store, the_commands_events_replay_to_the_kept_rollups_and_a_tampered_row_is_fixed) {
  history(21);  // 21 × ~11 h: ten days across the end of May
  auto& rd = store_->reader();
  auto events = rd.events_of_jurisdiction("j1");
  ASSERT_TRUE(events.has_value());
  replay_settings s{9 * 60, {}, {}};
  for (const auto& c : *rd.list_categories("j1")) s.limits[c.id] = c.sla;
  auto r = replay_rollups(*events, s);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_FALSE(r->gap.has_value()) << r->gap->example;
  auto rows = storage::rows_of(r->counts);
  ASSERT_TRUE(rows.has_value());
  auto kept = rd.kept_rollups("j1");
  ASSERT_TRUE(kept.has_value());
  for (const auto& m : storage::compare_rows(*kept, *rows)) {
    ADD_FAILURE() << m.table << " " << m.key << ": kept " << m.kept << ", replayed " << m.replayed;
  }
  EXPECT_GT(rows->incidents.size(), 10u);
  std::set<std::int64_t> months;
  for (const auto& [k, n] : rows->incidents) {
    if (k.first == 1) months.insert(k.second.day);
  }
  EXPECT_EQ(months.size(), 2u) << "May and June";

  auto first = rebuild();
  EXPECT_EQ(first.source, rebuild_source::events);
  EXPECT_TRUE(first.exact());
  EXPECT_TRUE(first.mismatches.empty());

  // A kept row made wrong, and one made up: both named, both corrected.
  auto wrong = *kept;
  auto& [key, n] = *wrong.dispatches.begin();
  n += 2;
  wrong.reports[{0, storage::report_roll_key{"j1", 1, "", "", "new", "call", ""}}] = 5;
  ASSERT_TRUE(store_->write([&](storage::store_txn& tx) { return tx.replace_rollups("j1", wrong); }));
  auto second = rebuild();
  EXPECT_FALSE(second.exact());
  ASSERT_EQ(second.mismatches.size(), 2u);
  EXPECT_EQ(second.mismatches[0].row.table, "roll_reports");
  EXPECT_EQ(second.mismatches[0].row.key, "day 1970-01-02 category_id= district_id= status=new channel=call reject_reason=");
  EXPECT_EQ(second.mismatches[0].row.kept, "n=5");
  EXPECT_EQ(second.mismatches[0].row.replayed, "-");
  EXPECT_EQ(second.mismatches[1].row.table, "roll_dispatches");
  EXPECT_EQ(second.mismatches[1].row.kept, "n=" + std::to_string(n));
  EXPECT_EQ(second.mismatches[1].row.replayed, "n=" + std::to_string(n - 2));
  EXPECT_EQ(second.mismatches[1].jurisdiction_code, "81.71");
  EXPECT_EQ(*rd.kept_rollups("j1"), *rows);
  EXPECT_TRUE(rebuild().exact());
}

TEST_F(replay_over_store, an_old_log_is_recounted_from_the_records_and_says_why) {
  history(2);
  // An event as an older version wrote it, appended after the history.
  ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
    domain::event e;
    e.id = "old-1";
    e.jurisdiction_id = "j1";
    e.subject = domain::subject_kind::report;
    e.subject_id = "r-old";
    e.kind = "report.created";
    e.actor_id = "system";
    e.at = clock_.now();
    e.payload_json = R"({"channel":"call","tracking_code":"OLD1"})";
    SIAGA_TRY(appended, tx.append_event(e));
    return {};
  }));
  auto r = rebuild();
  EXPECT_EQ(r.source, rebuild_source::records);
  EXPECT_NE(r.fallback_reason.find("81.71: 1 events up to seq "), std::string::npos) << r.fallback_reason;
  EXPECT_NE(r.fallback_reason.find("lack replay fields"), std::string::npos) << r.fallback_reason;
  EXPECT_TRUE(r.exact());
  EXPECT_EQ(r.tables.size(), 9u);  // incidents, reports, dispatches, dispatch steps, incident grains, the three call
                                   // rollups and the callers' counters
}

}  // namespace
}  // namespace siaga::services
