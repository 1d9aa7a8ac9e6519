#include "domain/call.hpp"
#include "domain/call_records.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace siaga::domain {
namespace {

using namespace std::chrono_literals;

const timestamp t0 = core::from_micros(1'795'000'000'000'000);

call_event ev(std::string id, call_event_kind kind, std::chrono::seconds at) {
  call_event e;
  e.event_id = std::move(id);
  e.call_id = "c1";
  e.kind = kind;
  e.at = t0 + at;
  return e;
}

std::vector<call_event> answered_call() {
  auto ring = ev("e1", call_event_kind::ringing, 0s);
  ring.caller = "+6281234567890";
  ring.line = "112";
  auto queued = ev("e2", call_event_kind::queued, 1s);
  auto answer = ev("e3", call_event_kind::answered, 7s);
  answer.agent = "ext201";
  auto transfer = ev("e4", call_event_kind::transferred, 60s);
  transfer.agent = "ext202";
  auto end = ev("e5", call_event_kind::ended, 95s);
  end.reason = end_reason::completed;
  return {ring, queued, answer, transfer, end};
}

TEST(fold_call, an_answered_call_has_its_times_agent_and_outcome) {
  auto s = fold_call(answered_call());
  EXPECT_EQ(s.caller, "+6281234567890");
  EXPECT_EQ(s.line, "112");
  EXPECT_EQ(s.ring_at, t0);
  EXPECT_EQ(s.queued_at, t0 + 1s);
  EXPECT_EQ(s.answered_at, t0 + 7s);
  EXPECT_EQ(s.ended_at, t0 + 95s);
  EXPECT_EQ(s.answered_by, "ext201");
  EXPECT_EQ(s.agent, "ext202");
  EXPECT_EQ(s.transfers, 1);
  EXPECT_EQ(s.outcome, call_outcome::answered);
  EXPECT_EQ(s.wait(), 7000ms);
  EXPECT_EQ(s.talk(), 88000ms);
  EXPECT_FALSE(s.live());
}

TEST(fold_call, order_and_duplicates_do_not_matter) {
  auto events = answered_call();
  auto want = fold_call(events);
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    auto shuffled = events;
    // Repeat some events (a bridge retrying) and shuffle (the network reordering).
    for (int i = 0; i < 3; ++i) shuffled.push_back(events[rng() % events.size()]);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto got = fold_call(shuffled);
    EXPECT_EQ(got.ring_at, want.ring_at);
    EXPECT_EQ(got.answered_at, want.answered_at);
    EXPECT_EQ(got.ended_at, want.ended_at);
    EXPECT_EQ(got.agent, want.agent);
    EXPECT_EQ(got.answered_by, want.answered_by);
    EXPECT_EQ(got.transfers, want.transfers);
    EXPECT_EQ(got.outcome, want.outcome);
    EXPECT_EQ(got.caller, want.caller);
  }
}

TEST(fold_call, unanswered_calls_are_abandoned_or_missed_by_the_end_reason) {
  auto ring = ev("r", call_event_kind::ringing, 0s);
  ring.caller = "+6281234567890";
  auto hangup = ev("h", call_event_kind::ended, 12s);
  hangup.reason = end_reason::caller_hangup;
  auto s = fold_call(std::vector{ring, hangup});
  EXPECT_EQ(s.outcome, call_outcome::abandoned);
  EXPECT_EQ(s.wait(), 12000ms);
  EXPECT_FALSE(s.talk());

  auto timeout = ev("t", call_event_kind::ended, 40s);
  timeout.reason = end_reason::no_agent;
  EXPECT_EQ(fold_call(std::vector{ring, timeout}).outcome, call_outcome::missed);

  // Completed without an answered event: missed, until the answered event turns up.
  auto completed = ev("c", call_event_kind::ended, 90s);
  completed.reason = end_reason::completed;
  EXPECT_EQ(fold_call(std::vector{ring, completed}).outcome, call_outcome::missed);
  auto late_answer = ev("a", call_event_kind::answered, 5s);
  late_answer.agent = "ext7";
  EXPECT_EQ(fold_call(std::vector{completed, ring, late_answer}).outcome, call_outcome::answered);
}

TEST(fold_call, a_live_call_has_no_outcome_yet) {
  auto ring = ev("r", call_event_kind::ringing, 0s);
  auto s = fold_call(std::vector{ring});
  EXPECT_TRUE(s.live());
  EXPECT_FALSE(s.outcome);
  EXPECT_FALSE(s.wait());
}

TEST(fold_call, without_a_ringing_event_the_first_event_starts_the_call) {
  auto answer = ev("a", call_event_kind::answered, 3s);
  answer.caller = "+6281111111111";
  auto end = ev("e", call_event_kind::ended, 30s);
  end.reason = end_reason::completed;
  auto s = fold_call(std::vector{end, answer});
  EXPECT_EQ(s.ring_at, t0 + 3s);
  EXPECT_EQ(s.caller, "+6281111111111");
}

TEST(fold_call, a_ringing_number_wins_over_a_later_one) {
  auto ring = ev("r", call_event_kind::ringing, 0s);
  ring.caller = "+6281111111111";
  auto answer = ev("a", call_event_kind::answered, 3s);
  answer.caller = "+6282222222222";
  EXPECT_EQ(fold_call(std::vector{answer, ring}).caller, "+6281111111111");
}

TEST(fold_call, dtmf_digits_join_in_time_order_and_55_marks_a_silent_caller) {
  auto d1 = ev("d1", call_event_kind::dtmf, 10s);
  d1.digits = "5";
  auto d2 = ev("d2", call_event_kind::dtmf, 11s);
  d2.digits = "5";
  auto s = fold_call(std::vector{d2, d1});
  EXPECT_EQ(s.digits, "55");
  EXPECT_TRUE(s.silent_caller);
  auto d3 = ev("d3", call_event_kind::dtmf, 12s);
  d3.digits = "1";
  auto d0 = ev("d0", call_event_kind::dtmf, 9s);
  d0.digits = "5";
  EXPECT_FALSE(fold_call(std::vector{d0, d3}).silent_caller);
}

TEST(check_event_time, events_before_the_ring_or_from_a_lost_clock_are_refused) {
  const auto now = t0 + 10min;
  auto call = answered_call();
  // In any order, the call's own events fit each other.
  std::vector<call_event> known;
  for (auto i : {4, 2, 0, 1, 3}) {
    EXPECT_TRUE(check_event_time(known, call[i], now).has_value()) << call[i].event_id;
    known.push_back(call[i]);
  }
  // Answered or ended before the ring: refused, naming both times.
  auto early = ev("x1", call_event_kind::ended, -1s);
  auto refused = check_event_time(known, early, now);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, core::errc::invalid_input);
  EXPECT_NE(refused.error().message.find("before the call rang"), std::string::npos) << refused.error().message;
  // A ringing after the call was already answered (or queued): refused.
  std::vector<call_event> answered_only{call[2]};
  EXPECT_FALSE(check_event_time(answered_only, ev("x2", call_event_kind::ringing, 8s), now).has_value());
  EXPECT_TRUE(check_event_time(answered_only, ev("x3", call_event_kind::ringing, 7s), now).has_value());
  // A second ringing before the first is fine (the first ringing is the ring).
  EXPECT_TRUE(check_event_time(known, ev("x4", call_event_kind::ringing, -5s), now).has_value());
  // A clock in 1926 or year 1, and the ten-year edge; the future is accepted.
  auto old = ev("x5", call_event_kind::ringing, 0s);
  old.at = core::from_micros(-1'385'000'000'000'000);  // 1926
  EXPECT_FALSE(check_event_time({}, old, now).has_value());
  old.at = now - max_event_age - 1s;
  EXPECT_FALSE(check_event_time({}, old, now).has_value());
  old.at = now - max_event_age + 1s;
  EXPECT_TRUE(check_event_time({}, old, now).has_value());
  old.at = now + 48h;
  EXPECT_TRUE(check_event_time({}, old, now).has_value());
}

TEST(auto_classification, silence_is_a_ghost_unless_the_caller_pressed_5_5) {
  auto events = answered_call();
  events.back().silent = true;
  EXPECT_EQ(auto_classification(fold_call(events)), call_class::ghost);

  auto five = ev("d1", call_event_kind::dtmf, 20s);
  five.digits = "55";
  events.push_back(five);
  EXPECT_FALSE(auto_classification(fold_call(events)));

  auto not_silent = answered_call();
  EXPECT_FALSE(auto_classification(fold_call(not_silent)));

  // An unanswered silent call is abandoned or missed, never a ghost: nobody listened.
  auto ring = ev("r", call_event_kind::ringing, 0s);
  auto end = ev("e", call_event_kind::ended, 5s);
  end.reason = end_reason::caller_hangup;
  end.silent = true;
  EXPECT_FALSE(auto_classification(fold_call(std::vector{ring, end})));
}

TEST(same_event, compares_every_field) {
  auto a = answered_call()[2];
  auto b = a;
  EXPECT_TRUE(same_event(a, b));
  b.agent = "other";
  EXPECT_FALSE(same_event(a, b));
  b = a;
  b.at += 1s;
  EXPECT_FALSE(same_event(a, b));
}

call_brief brief(std::string id, std::string caller, std::chrono::seconds ring, std::optional<std::chrono::seconds> end,
                 std::optional<call_outcome> outcome) {
  call_brief b;
  b.id = std::move(id);
  b.caller = std::move(caller);
  b.ring_at = t0 + ring;
  if (end) b.ended_at = t0 + *end;
  b.outcome = outcome;
  return b;
}

TEST(callbacks, an_unanswered_call_needs_a_callback_unless_the_number_got_through_within_10_minutes) {
  const std::string n = "+6281234567890";
  auto missed = brief("m", n, 0s, 30s, call_outcome::abandoned);
  EXPECT_TRUE(needs_callback(missed, {}));
  EXPECT_EQ(callback_due(*missed.ended_at), t0 + 30s + 10min);

  auto soon = brief("a", n, 30s + 9min, 30s + 12min, call_outcome::answered);
  EXPECT_FALSE(needs_callback(missed, std::vector{soon}));
  auto edge = brief("a", n, 30s + 10min, 30s + 12min, call_outcome::answered);
  EXPECT_FALSE(needs_callback(missed, std::vector{edge}));
  auto late = brief("a", n, 30s + 10min + 1s, 30s + 12min, call_outcome::answered);
  EXPECT_TRUE(needs_callback(missed, std::vector{late}));

  auto other_number = brief("o", "+6289999999999", 60s, 90s, call_outcome::answered);
  EXPECT_TRUE(needs_callback(missed, std::vector{other_number}));
  auto unanswered_again = brief("u", n, 60s, 90s, call_outcome::missed);
  EXPECT_TRUE(needs_callback(missed, std::vector{unanswered_again}));
  auto earlier = brief("e", n, -60s, -30s, call_outcome::answered);
  EXPECT_TRUE(needs_callback(missed, std::vector{earlier}));
}

TEST(callbacks, only_ended_unanswered_calls_from_a_dialable_number_are_candidates) {
  EXPECT_TRUE(is_callback_candidate(brief("1", "+6281234567890", 0s, 5s, call_outcome::missed)));
  EXPECT_FALSE(is_callback_candidate(brief("2", "+6281234567890", 0s, 5s, call_outcome::answered)));
  EXPECT_FALSE(is_callback_candidate(brief("3", "+6281234567890", 0s, std::nullopt, std::nullopt)));
  EXPECT_FALSE(is_callback_candidate(brief("4", "", 0s, 5s, call_outcome::abandoned)));
  EXPECT_FALSE(is_callback_candidate(brief("5", "112", 0s, 5s, call_outcome::abandoned)));
  auto completed = brief("6", "+6281234567890", 0s, 5s, call_outcome::missed);
  completed.reason = end_reason::completed;
  EXPECT_FALSE(is_callback_candidate(completed));
  completed.reason = end_reason::no_agent;
  EXPECT_TRUE(is_callback_candidate(completed));
}

TEST(callbacks, no_answer_retries_up_to_three_attempts_then_fails) {
  auto now = t0 + 1h;
  auto first = apply_callback_attempt(callback_status::in_progress, 0, t0, callback_result::no_answer, now);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, callback_status::open);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(first->due_at, now + 15min);
  auto second = apply_callback_attempt(callback_status::open, 1, first->due_at, callback_result::no_answer, now);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, callback_status::open);
  auto third = apply_callback_attempt(callback_status::in_progress, 2, second->due_at, callback_result::no_answer, now);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, callback_status::failed);
  EXPECT_EQ(third->attempts, 3);

  auto reached =
      apply_callback_attempt(callback_status::in_progress, 1, t0, callback_result::reached_no_emergency, now);
  ASSERT_TRUE(reached);
  EXPECT_EQ(reached->status, callback_status::done);
  EXPECT_EQ(apply_callback_attempt(callback_status::in_progress, 0, t0, callback_result::reached_valid, now)->status,
            callback_status::done);

  for (auto closed : {callback_status::done, callback_status::failed, callback_status::superseded}) {
    auto r = apply_callback_attempt(closed, 1, t0, callback_result::no_answer, now);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
  }
}

TEST(percentile, nearest_rank) {
  std::vector<std::int64_t> none;
  EXPECT_FALSE(percentile(none, 50));
  std::vector<std::int64_t> one{42};
  EXPECT_EQ(percentile(one, 50), 42);
  EXPECT_EQ(percentile(one, 95), 42);
  std::vector<std::int64_t> ten{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(percentile(ten, 50), 5);
  EXPECT_EQ(percentile(ten, 90), 9);
  EXPECT_EQ(percentile(ten, 95), 10);
  EXPECT_EQ(percentile(ten, 100), 10);
  EXPECT_EQ(percentile(ten, 1), 1);
  std::vector<std::int64_t> twenty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i);
  EXPECT_EQ(percentile(twenty, 95), 19);
  EXPECT_EQ(percentile(twenty, 90), 18);
  EXPECT_FALSE(percentile(twenty, 0));
  EXPECT_FALSE(percentile(twenty, 101));
}

TEST(call_names, round_trip) {
  for (int i = 0; i < 6; ++i) {
    auto k = static_cast<call_event_kind>(i);
    EXPECT_EQ(parse_call_event_kind(to_string(k)).value(), k);
    auto c = static_cast<call_class>(i);
    EXPECT_EQ(parse_call_class(to_string(c)).value(), c);
  }
  EXPECT_FALSE(parse_call_class("spam"));
  EXPECT_FALSE(parse_call_event_kind("hold"));
  EXPECT_EQ(parse_end_reason("no_agent").value(), end_reason::no_agent);
  EXPECT_EQ(parse_callback_result("no_answer").value(), callback_result::no_answer);
}

TEST(caller_number_live, while_the_call_lasts_and_in_the_unclassified_wrap_up_only) {
  call_record c;
  c.state.caller = "+6281211110001";
  c.state.ring_at = t0;
  EXPECT_TRUE(caller_number_live(c, t0 + 1h));  // still ringing or talking, however long
  c.state.ended_at = t0 + 60s;
  EXPECT_TRUE(caller_number_live(c, t0 + 60s));
  EXPECT_TRUE(caller_number_live(c, t0 + 60s + caller_wrap_up - 1s));
  EXPECT_FALSE(caller_number_live(c, t0 + 60s + caller_wrap_up));
  c.classification = call_class::information;  // classified: the wrap-up is over at once
  EXPECT_FALSE(caller_number_live(c, t0 + 61s));
}

TEST(callback_number_live, while_the_task_is_open) {
  callback_task t;
  for (auto s : {callback_status::open, callback_status::in_progress}) {
    t.status = s;
    EXPECT_TRUE(callback_number_live(t)) << to_string(s);
  }
  for (auto s : {callback_status::done, callback_status::failed, callback_status::superseded, callback_status::merged,
                 callback_status::expired}) {
    t.status = s;
    EXPECT_FALSE(callback_number_live(t)) << to_string(s);
  }
}

}  // namespace
}  // namespace siaga::domain
