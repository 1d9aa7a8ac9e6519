// The call use cases against a real (temporary) SQLite store.
#include "services/call_service.hpp"
#include "services/callbacks.hpp"

#include "services/access.hpp"
#include "core/test_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::services {
namespace {

using domain::call_event_kind;
using domain::callback_status;
using namespace std::chrono_literals;

const core::timestamp t0 = core::from_micros(1'795'000'000'000'000);
const std::string number = "+6281234567890";

class counting_random final : public core::random_source {
 public:
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(state_ = state_ * 1103515245u + 12345u);
  }

 private:
  std::uint32_t state_ = 11;
};

class call_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = core::fresh_test_dir("siaga-calls-svc-");
    auto st = storage::open_sqlite({(dir_ / "t.db").string()});
    ASSERT_TRUE(st) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate());
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      if (auto r = tx.insert_jurisdiction({"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}}); !r) return r;
      for (auto [id, role] : {std::pair{"u-ct", domain::role::call_taker}, std::pair{"u-ct2", domain::role::call_taker},
                              std::pair{"u-sup", domain::role::supervisor}, std::pair{"u-adm", domain::role::admin}}) {
        domain::user u;
        u.id = id;
        u.jurisdiction_id = "j1";
        u.username = id;
        u.display_name = id;
        u.user_role = role;
        u.password_hash = "x";
        u.created_at = t0;
        if (auto r = tx.insert_user(u); !r) return r;
      }
      return {};
    }));
    key_ = domain::api_key{"k1", "j1", "PBX", "h", "sk112_x", "u-adm", t0, std::nullopt};
    pbx_ = integration_actor(key_);
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  context ctx() { return context{clock_, ids_, random_}; }

  template <class T, class Fn>
  core::result<T> run(Fn fn) {
    std::optional<core::result<T>> out;
    auto done = store_->write([&](storage::store_txn& tx) -> core::result<void> {
      out.emplace(fn(tx));
      if (!*out) return out->error();
      return {};
    });
    if (!done) return done.error();
    return std::move(*out);
  }

  core::result<std::vector<ingested_event>> ingest(std::vector<domain::call_event> events) {
    return run<std::vector<ingested_event>>(
        [&](storage::store_txn& tx) { return ingest_call_events(tx, ctx(), pbx_, events); });
  }

  static domain::call_event ev(std::string id, std::string call, call_event_kind kind, core::timestamp at) {
    domain::call_event e;
    e.event_id = std::move(id);
    e.call_id = std::move(call);
    e.kind = kind;
    e.at = at;
    return e;
  }

  // The events of one call from `number`: rings at `at`, answered after 6 s (or abandoned).
  static std::vector<domain::call_event> call_events(const std::string& call, core::timestamp at, bool answer,
                                                     const std::string& from = number, bool silent = false) {
    auto ring = ev(call + "-r", call, call_event_kind::ringing, at);
    ring.caller = from;
    ring.line = "112";
    std::vector<domain::call_event> out{ring};
    if (answer) {
      auto a = ev(call + "-a", call, call_event_kind::answered, at + 6s);
      a.agent = "ext201";
      out.push_back(a);
    }
    auto end = ev(call + "-e", call, call_event_kind::ended, at + (answer ? 90s : 20s));
    end.reason = answer ? domain::end_reason::completed : domain::end_reason::caller_hangup;
    end.silent = silent;
    out.push_back(end);
    return out;
  }

  domain::call_record call_of(const std::string& external) {
    auto c = store_->reader().find_call_by_external("j1", external);
    EXPECT_TRUE(c && *c) << external;
    return c && *c ? **c : domain::call_record{};
  }

  std::int64_t event_count() { return store_->reader().events_of_jurisdiction("j1")->size(); }

  core::result<domain::call_record> classify(const std::string& external, domain::call_class cls,
                                             const actor& who = call_taker()) {
    auto id = call_of(external).id;
    classification_input in;
    in.classification = cls;
    in.report.description = "Kebakaran rumah";
    return run<domain::call_record>([&](storage::store_txn& tx) { return classify_call(tx, ctx(), who, id, in); });
  }

  static actor call_taker() { return actor{"u-ct", "j1", domain::role::call_taker, std::nullopt, "Petugas"}; }
  static actor supervisor() { return actor{"u-sup", "j1", domain::role::supervisor, std::nullopt, "Supervisor"}; }

  std::vector<domain::callback_task> callbacks() {
    return store_->reader().list_callbacks({.jurisdiction_id = "j1"})->items;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  core::manual_clock clock_{t0 + 1h};
  counting_random random_;
  core::id_generator ids_{random_};
  domain::api_key key_;
  actor pbx_;
};

TEST_F(call_service_test, events_build_the_call_and_repeats_change_nothing) {
  auto events = call_events("c1", t0, true);
  auto first = ingest({events[0]});
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 1u);
  EXPECT_FALSE((*first)[0].duplicate);
  ASSERT_TRUE((*first)[0].caller);
  EXPECT_EQ((*first)[0].caller->decision.kind, domain::decision_kind::allow);
  EXPECT_TRUE((*first)[0].call.state.live());

  auto rest = ingest({events[1], events[2]});
  ASSERT_TRUE(rest) << rest.error().message;
  auto c = call_of("c1");
  EXPECT_EQ(c.state.outcome, domain::call_outcome::answered);
  EXPECT_EQ(c.state.wait(), 6000ms);
  EXPECT_EQ(c.state.caller, number);

  auto before = event_count();
  auto again = ingest({events[1]});
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)[0].duplicate);
  EXPECT_EQ(event_count(), before);

  auto changed = events[1];
  changed.agent = "someone-else";
  auto clash = ingest({changed});
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, core::errc::conflict);
  EXPECT_EQ(event_count(), before);
  EXPECT_EQ(call_of("c1").state.agent, "ext201");
}

TEST_F(call_service_test, out_of_order_events_give_the_same_record) {
  auto events = call_events("c1", t0, true);
  auto reversed = call_events("c2", t0, true);
  std::reverse(reversed.begin(), reversed.end());
  ASSERT_TRUE(ingest(events));
  for (const auto& e : reversed) ASSERT_TRUE(ingest({e}));
  auto a = call_of("c1");
  auto b = call_of("c2");
  EXPECT_EQ(a.state.ring_at, b.state.ring_at);
  EXPECT_EQ(a.state.answered_at, b.state.answered_at);
  EXPECT_EQ(a.state.ended_at, b.state.ended_at);
  EXPECT_EQ(a.state.outcome, b.state.outcome);
  EXPECT_EQ(a.state.caller, b.state.caller);
  EXPECT_TRUE(callbacks().empty());
}

TEST_F(call_service_test, silence_is_classified_ghost_automatically_but_not_after_5_5) {
  ASSERT_TRUE(ingest(call_events("c1", t0, true, number, true)));
  auto c = call_of("c1");
  EXPECT_EQ(c.classification, domain::call_class::ghost);
  EXPECT_EQ(c.classified_source, domain::classification_source::automatic);

  // The 5 5 arrives late: the automatic ghost is withdrawn.
  auto five = ev("c1-d", "c1", call_event_kind::dtmf, t0 + 30s);
  five.digits = "55";
  ASSERT_TRUE(ingest({five}));
  c = call_of("c1");
  EXPECT_FALSE(c.classification);
  EXPECT_TRUE(c.state.silent_caller);

  // A person's classification stands.
  ASSERT_TRUE(ingest(call_events("c2", t0 + 1h, true, number, true)));
  ASSERT_TRUE(classify("c2", domain::call_class::prank));
  auto again = ev("c2-x", "c2", call_event_kind::transferred, t0 + 1h + 20s);
  again.agent = "ext300";
  ASSERT_TRUE(ingest({again}));
  EXPECT_EQ(call_of("c2").classification, domain::call_class::prank);
}

TEST_F(call_service_test, a_valid_call_creates_a_report_with_the_callers_number) {
  ASSERT_TRUE(ingest(call_events("c1", t0, true)));
  auto c = classify("c1", domain::call_class::valid);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->report_id);
  auto rep = store_->reader().find_report("j1", *c->report_id);
  ASSERT_TRUE(rep && *rep);
  EXPECT_EQ((*rep)->reporter_phone, number);
  EXPECT_EQ((*rep)->source, domain::channel::call);
  EXPECT_EQ(c->classified_by, "u-ct");

  ASSERT_TRUE(ingest(call_events("c2", t0 + 1h, false)));
  auto unanswered = classify("c2", domain::call_class::prank);
  ASSERT_FALSE(unanswered);
  EXPECT_EQ(unanswered.error().code, core::errc::conflict);

  actor leader{"u-l", "j1", domain::role::leader, std::nullopt, "Walikota"};
  auto forbidden = classify("c1", domain::call_class::prank, leader);
  ASSERT_FALSE(forbidden);
  EXPECT_EQ(forbidden.error().code, core::errc::forbidden);
}

TEST_F(call_service_test, three_pranks_in_a_day_block_the_number_and_a_supervisor_unblocks_it) {
  clock_.set(t0 + 3h);
  for (int i = 0; i < 3; ++i) {
    auto id = "p" + std::to_string(i);
    ASSERT_TRUE(ingest(call_events(id, t0 + std::chrono::hours(i), true)));
    ASSERT_TRUE(classify(id, i == 1 ? domain::call_class::ghost : domain::call_class::prank));
  }
  auto view = view_caller(store_->reader(), clock_, "j1", number);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->decision.kind, domain::decision_kind::block);
  EXPECT_EQ(view->decision.until, t0 + 2h + 24h);
  EXPECT_EQ(view->history.prank, 2);
  EXPECT_EQ(view->history.ghost, 1);
  EXPECT_EQ(view->history.calls, 3);

  // The next ringing call carries the decision to the call taker and the PBX.
  auto ringing = call_events("p3", t0 + 2h + 30min, true);
  auto r = ingest({ringing[0]});
  ASSERT_TRUE(r);
  ASSERT_TRUE((*r)[0].caller);
  EXPECT_EQ((*r)[0].caller->decision.kind, domain::decision_kind::block);

  auto by_ct =
      run<caller_view>([&](storage::store_txn& tx) { return unblock_caller(tx, ctx(), call_taker(), number, ""); });
  ASSERT_FALSE(by_ct);
  EXPECT_EQ(by_ct.error().code, core::errc::forbidden);
  auto by_sup = run<caller_view>(
      [&](storage::store_txn& tx) { return unblock_caller(tx, ctx(), supervisor(), number, "salah"); });
  ASSERT_TRUE(by_sup) << by_sup.error().message;
  EXPECT_NE(by_sup->decision.kind, domain::decision_kind::block);
  auto twice =
      run<caller_view>([&](storage::store_txn& tx) { return unblock_caller(tx, ctx(), supervisor(), number, ""); });
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, core::errc::conflict);

  auto kinds = store_->reader().events_of_jurisdiction("j1");
  std::vector<std::string> caller_kinds;
  for (const auto& e : *kinds) {
    if (e.subject == domain::subject_kind::caller) caller_kinds.push_back(e.kind);
  }
  EXPECT_EQ(caller_kinds, (std::vector<std::string>{"caller.flagged", "caller.blocked", "caller.unblocked"}));
}

// Issue 14: the policy reads the number's counters and the strikes of one window, so a number's
// long history changes neither the decision nor what the policy records, only the counts shown.
TEST_F(call_service_test, a_prank_callers_decision_is_the_same_with_3_or_3000_earlier_calls) {
  const std::string few = "+6281300000003", many = "+6281300003000";
  const auto long_ago = t0 - std::chrono::hours(24 * 400);
  // Both numbers end their history with the same three silent (ghost) calls an hour apart, long
  // ago; `many` called 2,997 times before them, every 3 hours: answered, abandoned, and every
  // tenth silent (never three within a day).
  std::vector<domain::call_event> old;
  for (int i = 0; i < 2997; ++i) {
    auto at = long_ago - std::chrono::hours(3 * (i + 1));
    auto id = "m" + std::to_string(i);
    auto evs = call_events(id, at, i % 10 != 3, many, i % 10 == 9);
    old.insert(old.end(), evs.begin(), evs.end());
  }
  for (const auto& who : {few, many}) {
    for (int i = 0; i < 3; ++i) {
      auto evs = call_events(who + "-old" + std::to_string(i), long_ago + std::chrono::hours(i), true, who, true);
      old.insert(old.end(), evs.begin(), evs.end());
    }
  }
  clock_.set(long_ago + 3h);
  ASSERT_TRUE(ingest(old));
  for (const auto& [who, calls] : {std::pair{few, 3}, std::pair{many, 3000}}) {
    auto history = store_->reader().caller_history_of("j1", who);
    ASSERT_TRUE(history) << who << ": " << history.error().message;
    EXPECT_EQ(history->calls, calls) << who;
  }

  // Now: the same three pranks within a day from each, then each rings again.
  clock_.set(t0 + 3h);
  std::map<std::string, caller_view> seen;
  for (const auto& who : {few, many}) {
    for (int i = 0; i < 3; ++i) {
      auto id = who + "-p" + std::to_string(i);
      ASSERT_TRUE(ingest(call_events(id, t0 + std::chrono::hours(i), true, who)));
      ASSERT_TRUE(classify(id, domain::call_class::prank));
    }
    auto ringing = call_events(who + "-now", t0 + 2h + 30min, true, who);
    auto r = ingest({ringing[0]});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE((*r)[0].caller);
    seen[who] = *(*r)[0].caller;
  }
  const auto& a = seen[few];
  const auto& b = seen[many];
  EXPECT_EQ(a.decision.kind, domain::decision_kind::block);
  EXPECT_EQ(b.decision.kind, a.decision.kind);
  EXPECT_EQ(b.decision.reason_code, a.decision.reason_code);
  EXPECT_EQ(b.decision.reason, a.decision.reason);
  EXPECT_EQ(b.decision.until, a.decision.until);
  EXPECT_EQ(b.decision.recent_strikes, a.decision.recent_strikes);
  EXPECT_EQ(a.decision.recent_strikes, 3);
  EXPECT_EQ(b.flags.flagged_at, a.flags.flagged_at);
  EXPECT_EQ(b.flags.blocked_until, a.flags.blocked_until);
  // Only the history differs: 3 + 4 and 3,000 + 4 calls.
  EXPECT_EQ(a.history.calls, 7);
  EXPECT_EQ(b.history.calls, 3004);
  EXPECT_EQ(a.history.prank, 3);
  EXPECT_EQ(b.history.prank, 3);
  EXPECT_EQ(a.history.ghost, 3);
  EXPECT_EQ(b.history.ghost, 3 + 299);
  EXPECT_EQ(a.history.last_call_at, t0 + 2h + 30min);
  EXPECT_EQ(b.history.last_call_at, t0 + 2h + 30min);
  EXPECT_EQ(b.history.first_call_at, long_ago - std::chrono::hours(3 * 2997));

  // And the policy recorded the same for both now.
  auto events = store_->reader().events_of_jurisdiction("j1");
  ASSERT_TRUE(events);
  std::map<std::string, std::vector<std::string>> recorded;
  for (const auto& e : *events) {
    if (e.subject == domain::subject_kind::caller && e.at >= t0) recorded[e.subject_id].push_back(e.kind);
  }
  EXPECT_EQ(recorded[few], (std::vector<std::string>{"caller.flagged", "caller.blocked"}));
  EXPECT_EQ(recorded[many], recorded[few]);
}

TEST_F(call_service_test, the_policy_can_turn_blocking_off) {
  domain::caller_policy p;
  p.block_enabled = false;
  actor admin{"u-adm", "j1", domain::role::admin, std::nullopt, "Admin"};
  ASSERT_TRUE(
      run<domain::caller_policy>([&](storage::store_txn& tx) { return set_caller_policy(tx, ctx(), admin, p); }));
  p.threshold = 0;
  EXPECT_FALSE(
      run<domain::caller_policy>([&](storage::store_txn& tx) { return set_caller_policy(tx, ctx(), admin, p); }));
  clock_.set(t0 + 3h);
  for (int i = 0; i < 3; ++i) {
    auto id = "p" + std::to_string(i);
    ASSERT_TRUE(ingest(call_events(id, t0 + std::chrono::hours(i), true)));
    ASSERT_TRUE(classify(id, domain::call_class::prank));
  }
  auto view = view_caller(store_->reader(), clock_, "j1", number);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->decision.kind, domain::decision_kind::warn);
  EXPECT_TRUE(view->flags.flagged_at);
  EXPECT_FALSE(view->flags.blocked_until);
}

TEST_F(call_service_test, an_abandoned_call_gets_a_callback_unless_the_number_got_through_within_10_minutes) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  auto tasks = callbacks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, callback_status::open);
  EXPECT_EQ(tasks[0].due_at, t0 + 20s + 10min);
  EXPECT_EQ(tasks[0].caller, number);

  ASSERT_TRUE(ingest(call_events("a2", t0 + 5min, true)));
  tasks = callbacks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, callback_status::superseded);
  EXPECT_EQ(tasks[0].superseded_by, call_of("a2").id);

  // Follow-up first, abandoned call second: the same outcome.
  const std::string other = "+6285555555555";
  ASSERT_TRUE(ingest(call_events("b2", t0 + 2h + 5min, true, other)));
  ASSERT_TRUE(ingest(call_events("b1", t0 + 2h, false, other)));
  // A follow-up after more than 10 minutes does not count.
  ASSERT_TRUE(ingest(call_events("d1", t0 + 4h, false, "+6287777777777")));
  ASSERT_TRUE(ingest(call_events("d2", t0 + 4h + 20s + 10min + 1s, true, "+6287777777777")));
  // Withheld numbers and short codes cannot be called back.
  ASSERT_TRUE(ingest(call_events("w1", t0 + 5h, false, "")));
  std::map<std::string, callback_status> by_caller;
  for (const auto& t : callbacks()) by_caller[t.caller] = t.status;
  EXPECT_EQ(by_caller.size(), 3u);
  EXPECT_EQ(by_caller[other], callback_status::superseded);
  EXPECT_EQ(by_caller["+6287777777777"], callback_status::open);
}

TEST_F(call_service_test, a_follow_up_whose_number_arrives_last_still_supersedes_the_callback) {
  // The follow-up's answered and ended events come first, without the number; then the
  // abandoned call; then the follow-up's ringing event with the number.
  auto follow = call_events("f1", t0 + 3min, true);
  ASSERT_TRUE(ingest({follow[1], follow[2]}));
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  ASSERT_EQ(callbacks().size(), 1u);
  EXPECT_EQ(callbacks()[0].status, callback_status::open);
  ASSERT_TRUE(ingest({follow[0]}));
  ASSERT_EQ(callbacks().size(), 1u);
  EXPECT_EQ(callbacks()[0].status, callback_status::superseded);
}

TEST_F(call_service_test, callback_attempts_retry_then_fail_or_reach_the_caller) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  ASSERT_TRUE(ingest(call_events("a2", t0 + 1min, false)));
  auto tasks = callbacks();
  ASSERT_EQ(tasks.size(), 2u);
  auto id = tasks[0].id;
  auto take = [&](const actor& who) {
    return run<domain::callback_task>([&](storage::store_txn& tx) { return take_callback(tx, ctx(), who, id, true); });
  };
  auto attempt = [&](domain::callback_result result, const actor& who) {
    callback_attempt_input in;
    in.result = result;
    in.report.description = "Ada kebakaran";
    return run<domain::callback_task>(
        [&](storage::store_txn& tx) { return record_callback_attempt(tx, ctx(), who, id, in); });
  };
  auto taken = take(call_taker());
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_EQ(taken->status, callback_status::in_progress);
  actor other{"u-ct2", "j1", domain::role::call_taker, std::nullopt, "Lain"};
  auto clash = take(other);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, core::errc::conflict);

  auto first = attempt(domain::callback_result::no_answer, call_taker());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, callback_status::open);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(first->due_at, clock_.now() + 15min);
  ASSERT_TRUE(attempt(domain::callback_result::no_answer, other));
  auto reached = attempt(domain::callback_result::reached_valid, call_taker());
  ASSERT_TRUE(reached) << reached.error().message;
  EXPECT_EQ(reached->status, callback_status::done);
  ASSERT_TRUE(reached->report_id);
  EXPECT_EQ((*store_->reader().find_report("j1", *reached->report_id))->reporter_phone, number);
  // The second callback of the same number was covered by this one.
  for (const auto& t : callbacks()) EXPECT_EQ(t.status, callback_status::done) << t.id;
  auto closed = attempt(domain::callback_result::no_answer, call_taker());
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, core::errc::conflict);
}

TEST_F(call_service_test, unanswered_calls_of_one_number_share_one_open_callback) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  ASSERT_TRUE(ingest(call_events("a2", t0 + 3min, false)));
  ASSERT_TRUE(ingest(call_events("a3", t0 + 2h, false)));
  ASSERT_TRUE(ingest(call_events("x1", t0 + 1min, false, "+6285555555555")));
  std::map<std::string, domain::callback_task> by_call;
  for (const auto& t : callbacks()) by_call[t.call_id] = t;
  ASSERT_EQ(by_call.size(), 4u);
  const auto& anchor = by_call[call_of("a1").id];
  EXPECT_EQ(anchor.status, callback_status::open);
  EXPECT_EQ(anchor.calls, 3);
  EXPECT_EQ(anchor.due_at, t0 + 20s + 10min);
  EXPECT_EQ(anchor.last_call_at, t0 + 2h + 20s);
  for (const auto* ext : {"a2", "a3"}) {
    const auto& t = by_call[call_of(ext).id];
    EXPECT_EQ(t.status, callback_status::merged) << ext;
    EXPECT_EQ(t.merged_into, anchor.id) << ext;
  }
  EXPECT_EQ(by_call[call_of("x1").id].status, callback_status::open);
  auto open = store_->reader().list_callbacks(
      {.jurisdiction_id = "j1", .statuses = {callback_status::open, callback_status::in_progress}});
  ASSERT_TRUE(open);
  EXPECT_EQ(open->total, 2);  // one task per number in the queue

  // An earlier call that arrives late becomes the first: the task moves to it.
  ASSERT_TRUE(ingest(call_events("a0", t0 - 5min, false)));
  by_call.clear();
  for (const auto& t : callbacks()) by_call[t.call_id] = t;
  EXPECT_EQ(by_call[call_of("a0").id].status, callback_status::open);
  EXPECT_EQ(by_call[call_of("a0").id].calls, 4);
  EXPECT_EQ(by_call[call_of("a1").id].status, callback_status::merged);
  EXPECT_EQ(by_call[call_of("a1").id].merged_into, by_call[call_of("a0").id].id);

  // The number gets through within 10 minutes of its last unanswered call: that call needs no
  // callback any more, the rest of the task stays.
  ASSERT_TRUE(ingest(call_events("a4", t0 + 2h + 5min, true)));
  by_call.clear();
  for (const auto& t : callbacks()) by_call[t.call_id] = t;
  EXPECT_EQ(by_call[call_of("a3").id].status, callback_status::superseded);
  EXPECT_EQ(by_call[call_of("a0").id].calls, 3);
}

TEST_F(call_service_test, a_task_nobody_took_expires_and_a_later_call_opens_a_new_one) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  clock_.set(t0 + 20s + 24h);
  auto none = run<int>([&](storage::store_txn& tx) { return expire_callbacks(tx, ctx(), pbx_); });
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);  // exactly at the expiry: still waiting
  clock_.set(t0 + 20s + 24h + 1s);
  auto one = run<int>([&](storage::store_txn& tx) { return expire_callbacks(tx, ctx(), pbx_); });
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, 1);
  ASSERT_EQ(callbacks().size(), 1u);
  EXPECT_EQ(callbacks()[0].status, callback_status::expired);
  EXPECT_TRUE(callbacks()[0].closed_at);
  auto events = store_->reader().events_of_jurisdiction("j1");
  ASSERT_TRUE(events);
  EXPECT_EQ(std::count_if(events->begin(), events->end(), [](const auto& e) { return e.kind == "callback.expired"; }),
            1);

  ASSERT_TRUE(ingest(call_events("a2", t0 + 30h, false)));
  std::map<std::string, domain::callback_task> by_call;
  for (const auto& t : callbacks()) by_call[t.call_id] = t;
  EXPECT_EQ(by_call[call_of("a1").id].status, callback_status::expired);
  EXPECT_EQ(by_call[call_of("a2").id].status, callback_status::open);
  EXPECT_FALSE(by_call[call_of("a2").id].merged_into);
}

TEST_F(call_service_test, a_failed_callback_closes_the_calls_merged_into_it) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  ASSERT_TRUE(ingest(call_events("a2", t0 + 1min, false)));
  auto anchor = call_of("a1").id;
  std::string id;
  for (const auto& t : callbacks()) {
    if (t.call_id == anchor) id = t.id;
  }
  for (int i = 0; i < 3; ++i) {
    callback_attempt_input in;
    in.result = domain::callback_result::no_answer;
    ASSERT_TRUE(run<domain::callback_task>(
        [&](storage::store_txn& tx) { return record_callback_attempt(tx, ctx(), call_taker(), id, in); }));
  }
  for (const auto& t : callbacks()) EXPECT_EQ(t.status, callback_status::failed) << t.call_id;
  // A new unanswered call after the failure is a new matter.
  ASSERT_TRUE(ingest(call_events("a3", t0 + 3h, false)));
  for (const auto& t : callbacks()) {
    if (t.call_id == call_of("a3").id) {
      EXPECT_EQ(t.status, callback_status::open);
    }
  }
}

TEST_F(call_service_test, three_unanswered_attempts_fail_the_callback) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  auto id = callbacks()[0].id;
  for (int i = 0; i < 3; ++i) {
    callback_attempt_input in;
    in.result = domain::callback_result::no_answer;
    auto r = run<domain::callback_task>(
        [&](storage::store_txn& tx) { return record_callback_attempt(tx, ctx(), call_taker(), id, in); });
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, i < 2 ? callback_status::open : callback_status::failed);
  }
}

TEST_F(call_service_test, a_location_fix_attaches_to_the_latest_call_of_its_number) {
  ASSERT_TRUE(ingest(call_events("c1", t0, true)));
  ASSERT_TRUE(ingest({call_events("c2", t0 + 30min, true)[0]}));
  location_input in;
  domain::location_fix fix;
  fix.format = "els_https";
  fix.lat = -3.7;
  fix.lon = 128.2;
  fix.radius_m = 15;
  fix.fix_time = t0 + 30min + 10s;
  fix.method = domain::location_method::gnss;
  in.fix = fix;
  in.number = number;
  in.raw = "location_latitude=-3.7";
  auto rec = run<domain::location_record>([&](storage::store_txn& tx) { return record_location(tx, ctx(), pbx_, in); });
  ASSERT_TRUE(rec) << rec.error().message;
  auto c2 = call_of("c2");
  EXPECT_EQ(rec->call_id, c2.id);
  ASSERT_TRUE(c2.location);
  EXPECT_DOUBLE_EQ(c2.location->lat, -3.7);
  EXPECT_EQ(c2.location->radius_m, 15.0);
  EXPECT_FALSE(call_of("c1").location);

  // An older fix does not replace a newer one; a refusal is kept with its reason.
  fix.lat = -3.0;
  fix.fix_time = t0;
  in.fix = fix;
  ASSERT_TRUE(
      run<domain::location_record>([&](storage::store_txn& tx) { return record_location(tx, ctx(), pbx_, in); }));
  EXPECT_DOUBLE_EQ(call_of("c2").location->lat, -3.7);
  location_input refused;
  refused.rejection = "ml salah";
  refused.format = "aml_sms";
  refused.number = number;
  refused.raw = "A\"ML=1;lt=";
  auto r =
      run<domain::location_record>([&](storage::store_txn& tx) { return record_location(tx, ctx(), pbx_, refused); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->accepted);
  EXPECT_EQ(r->call_id, c2.id);
  auto rejected = store_->reader().list_location_records({.jurisdiction_id = "j1", .accepted = false});
  EXPECT_EQ(rejected->total, 1);
  EXPECT_EQ(rejected->items[0].rejection, "ml salah");
}

TEST_F(call_service_test, api_keys_authenticate_until_revoked) {
  actor admin{"u-adm", "j1", domain::role::admin, std::nullopt, "Admin"};
  auto made = run<created_api_key>([&](storage::store_txn& tx) { return create_api_key(tx, ctx(), admin, "PBX"); });
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(made->secret.starts_with("sk112_"));
  EXPECT_NE(made->key.key_hash, made->secret);
  auto ok = authenticate_api_key(store_->reader(), made->secret);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->id, made->key.id);
  EXPECT_FALSE(authenticate_api_key(store_->reader(), made->secret + "x"));
  EXPECT_FALSE(authenticate_api_key(store_->reader(), ""));
  EXPECT_FALSE(
      run<created_api_key>([&](storage::store_txn& tx) { return create_api_key(tx, ctx(), call_taker(), "x"); }));
  ASSERT_TRUE(
      run<domain::api_key>([&](storage::store_txn& tx) { return revoke_api_key(tx, ctx(), admin, made->key.id); }));
  auto revoked = authenticate_api_key(store_->reader(), made->secret);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, core::errc::unauthenticated);
  auto again =
      run<domain::api_key>([&](storage::store_txn& tx) { return revoke_api_key(tx, ctx(), admin, made->key.id); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::errc::conflict);
}

TEST_F(call_service_test, only_dispatchers_see_the_events_that_carry_phone_numbers) {
  ASSERT_TRUE(ingest(call_events("a1", t0, false)));
  actor leader{"u-l", "j1", domain::role::leader, std::nullopt, "Walikota"};
  actor agency{"u-op", "j1", domain::role::agency_operator, std::string("ag"), "Damkar"};
  auto events = store_->reader().events_of_jurisdiction("j1");
  ASSERT_TRUE(events);
  int seen = 0;
  for (const auto& e : *events) {
    if (e.subject != domain::subject_kind::call && e.subject != domain::subject_kind::callback) continue;
    ++seen;
    EXPECT_EQ(event_visibility_for(call_taker(), e), event_visibility::visible) << e.kind;
    EXPECT_EQ(event_visibility_for(supervisor(), e), event_visibility::visible) << e.kind;
    EXPECT_EQ(event_visibility_for(leader, e), event_visibility::hidden) << e.kind;
    EXPECT_EQ(event_visibility_for(agency, e), event_visibility::hidden) << e.kind;
  }
  EXPECT_EQ(seen, 3);  // call.ringing, call.ended, callback.created
}

}  // namespace
}  // namespace siaga::services
