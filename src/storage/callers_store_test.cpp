// Contract tests of the calls facet, continued (calls_store_test.cpp): the callers' counters
// against a recount from the calls, the callers and their policy, and the callback tasks, on
// every backend.
#include "storage/bulk_writes.hpp"
#include "storage/calls_store_test_fixture.hpp"

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage {
namespace {

using namespace std::chrono_literals;
using namespace calls_test;

// The history counted the slow way: every call of the number, read and added up.
domain::caller_history recount(store_reader& rd, const std::string& j, const std::string& number) {
  domain::caller_history h;
  h.number = number;
  call_filter f{.jurisdiction_id = j, .caller = number};
  f.page.limit = 1000;
  auto calls = rd.list_calls(f);
  EXPECT_TRUE(calls);
  if (!calls) return h;
  for (const auto& c : calls->items) {
    ++h.calls;
    auto o = c.state.outcome;
    h.answered += o == domain::call_outcome::answered;
    h.abandoned += o == domain::call_outcome::abandoned;
    h.missed += o == domain::call_outcome::missed;
    auto k = c.classification;
    h.valid += k == domain::call_class::valid;
    h.prank += k == domain::call_class::prank;
    h.ghost += k == domain::call_class::ghost;
    h.information += k == domain::call_class::information;
    h.misdirected += k == domain::call_class::misdirected;
    h.test += k == domain::call_class::test;
    auto at = c.state.ring_at.value_or(c.created_at);
    if (!h.first_call_at || at < *h.first_call_at) h.first_call_at = at;
    if (!h.last_call_at || at > *h.last_call_at) h.last_call_at = at;
  }
  return h;
}

void expect_counted(store_reader& rd, const std::string& j, const std::string& number, const std::string& step) {
  auto kept = rd.caller_history_of(j, number);
  ASSERT_TRUE(kept) << kept.error().message;
  auto want = recount(rd, j, number);
  std::vector<std::int64_t> k{kept->calls, kept->answered, kept->abandoned,   kept->missed,      kept->valid,
                              kept->prank, kept->ghost,    kept->information, kept->misdirected, kept->test};
  std::vector<std::int64_t> w{want.calls, want.answered, want.abandoned,   want.missed,      want.valid,
                              want.prank, want.ghost,    want.information, want.misdirected, want.test};
  EXPECT_EQ(k, w) << step << ": " << j << " " << number;
  EXPECT_EQ(kept->first_call_at, want.first_call_at) << step << ": " << j << " " << number;
  EXPECT_EQ(kept->last_call_at, want.last_call_at) << step << ": " << j << " " << number;
}

// What stats rebuild said of caller_counts.
std::optional<rollup_check> counters_check(store& s) {
  std::optional<rollup_check> out;
  auto w = s.write([&](store_txn& t) -> result<void> {
    auto checks = t.rebuild_call_rollups();
    if (!checks) return checks.error();
    for (auto& c : *checks) {
      if (c.table == "caller_counts") out = c;
    }
    return {};
  });
  EXPECT_TRUE(w) << (w ? "" : w.error().message);
  return out;
}

TEST_P(calls_store, caller_counters_follow_every_change_of_a_call_and_equal_the_recount) {
  // The counters, their check (rebuild_call_rollups) and erasure are SQLite's so far; the
  // PostgreSQL store counts a number's calls when asked (src/storage/postgres/README.md).
  if (GetParam().name != "sqlite") GTEST_SKIP() << "caller counters are kept by the SQLite store only";
  const std::string a = "+6281111111111", b = "+6282222222222";
  auto all_counted = [&](const std::string& step) {
    for (const auto& j : {"j1", "j2"}) {
      for (const auto& n : {a, b}) expect_counted(rd(), j, n, step);
    }
  };
  auto a_in_j2 = make_call("d1", "q1", a, 30s);
  a_in_j2.jurisdiction_id = "j2";
  std::vector<domain::call_record> calls = {make_call("c1", "p1", a, 0s),
                                            make_call("c2", "p2", a, 1h),
                                            answered(make_call("c3", "p3", a, 2h), domain::call_class::prank),
                                            answered(make_call("c4", "p4", b, 3h), domain::call_class::valid),
                                            make_call("c5", "p5", "", 4h),
                                            a_in_j2};
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (const auto& c : calls) {
                if (auto r = t.insert_call(c); !r) return r;
              }
              return {};
            })),
            "ok");
  all_counted("inserted");
  EXPECT_EQ(rd().caller_history_of("j1", a)->calls, 3);
  EXPECT_EQ(rd().caller_history_of("j2", a)->calls, 1);

  // Outcomes and classifications change, one call's ring time moves earlier, another's later.
  calls[0] = answered(calls[0], domain::call_class::ghost);
  calls[1].state.ended_at = t0 + 1h + 9s;
  calls[1].state.outcome = domain::call_outcome::missed;
  calls[2].classification = domain::call_class::information;
  calls[2].state.ring_at = t0 - 1h;
  calls[3].state.ring_at = t0 + 9h;
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (int i : {0, 1, 2, 3}) {
                if (auto r = t.update_call(calls[i]); !r) return r;
              }
              return {};
            })),
            "ok");
  all_counted("outcomes, classes and ring times changed");
  EXPECT_EQ(rd().caller_history_of("j1", a)->first_call_at, t0 - 1h);

  // A number learnt late, a number corrected to another, an update that changes nothing counted.
  calls[4].state.caller = b;
  calls[1].state.caller = b;
  calls[0].note = "catatan";
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (int i : {4, 1, 0}) {
                if (auto r = t.update_call(calls[i]); !r) return r;
              }
              return {};
            })),
            "ok");
  all_counted("numbers changed");
  EXPECT_EQ(rd().caller_history_of("j1", b)->calls, 3);

  // Erasure (privacy): the number's calls before a time lose it, the later ones keep it.
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              auto n = t.erase_caller_numbers({"j1", a, t0 + 1s});
              if (!n) return n.error();
              EXPECT_EQ(*n, 2);
              return {};
            })),
            "ok");
  all_counted("erased before t0 + 1s");
  EXPECT_EQ(rd().caller_history_of("j1", a)->calls, 0);
  EXPECT_FALSE(rd().caller_history_of("j1", a)->first_call_at);
  EXPECT_EQ(rd().caller_history_of("j2", a)->calls, 1);

  // Retention (every number of j1 before t0 + 5h): b keeps only its call at 9h, j2 is untouched.
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              auto n = t.erase_caller_numbers({"j1", std::nullopt, t0 + 5h});
              if (!n) return n.error();
              EXPECT_EQ(*n, 2);
              return {};
            })),
            "ok");
  all_counted("every number erased before t0 + 5h");
  EXPECT_EQ(rd().caller_history_of("j1", b)->calls, 1);
  EXPECT_EQ(rd().caller_history_of("j1", b)->first_call_at, t0 + 9h);
  EXPECT_EQ(rd().caller_history_of("j2", a)->calls, 1);

  auto check = counters_check(*store_);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->rows, 2);  // b in j1, a in j2
  EXPECT_EQ(check->differing, 0);
}

TEST_P(calls_store, a_call_read_then_updated_in_one_command_is_counted_from_the_row_as_it_is) {
  // The writer keeps the call a command read for the update that follows (a verdict reads its
  // call, then updates it); a write between the two must make the update read the row again.
  if (GetParam().name != "sqlite") GTEST_SKIP() << "caller counters are kept by the SQLite store only";
  const std::string a = "+6281111111111", b = "+6282222222222";
  auto c1 = answered(make_call("c1", "p1", a, 0s), domain::call_class::information);
  auto c2 = make_call("c2", "p2", b, 1h);
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_call(c1); !r) return r;
              return t.insert_call(c2);
            })),
            "ok");
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              // Read, then updated at once: the read row serves as what the call was.
              auto read = t.find_call("j1", "c1");
              if (!read) return read.error();
              EXPECT_TRUE(*read);
              auto now = **read;
              now.classification = domain::call_class::prank;
              if (auto r = t.update_call(now); !r) return r;
              // Read, then another write (the number erased from the call's row), then updated
              // from the stale read: what the call was is the row as the erasure left it.
              auto again = t.find_call("j1", "c1");
              if (!again) return again.error();
              auto n = t.erase_caller_numbers({"j1", a, t0 + 1s});
              if (!n) return n.error();
              EXPECT_EQ(*n, 1);
              auto stale = **again;
              stale.classification = domain::call_class::ghost;
              if (auto r = t.update_call(stale); !r) return r;
              // Read, another call updated, then the first updated.
              auto third = t.find_call("j1", "c1");
              if (!third) return third.error();
              auto other = c2;
              other.state.caller = a;
              if (auto r = t.update_call(other); !r) return r;
              auto last = **third;
              last.classification = domain::call_class::test;
              return t.update_call(last);
            })),
            "ok");
  for (const auto& n : {a, b}) expect_counted(rd(), "j1", n, "read, written between, updated");
  auto history = rd().caller_history_of("j1", a);
  ASSERT_TRUE(history);
  EXPECT_EQ(history->calls, 2);  // c1 given its number back by the update, c2 moved to it
  EXPECT_EQ(history->test, 1);
  EXPECT_EQ(history->prank, 0);
  EXPECT_EQ(rd().caller_history_of("j1", b)->calls, 0);
  auto check = counters_check(*store_);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->differing, 0);
}

TEST_P(calls_store, a_corrupted_caller_counter_is_reported_and_recounted) {
  // The counters, their check (rebuild_call_rollups) and erasure are SQLite's so far; the
  // PostgreSQL store counts a number's calls when asked (src/storage/postgres/README.md).
  if (GetParam().name != "sqlite") GTEST_SKIP() << "caller counters are kept by the SQLite store only";
  const std::string a = "+6281111111111", b = "+6282222222222";
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (const auto& c : {answered(make_call("c1", "p1", a, 0s), domain::call_class::prank),
                                    make_call("c2", "p2", a, 1h), make_call("c3", "p3", b, 2h)}) {
                if (auto r = t.insert_call(c); !r) return r;
              }
              return {};
            })),
            "ok");
  auto clean = counters_check(*store_);
  ASSERT_TRUE(clean);
  EXPECT_EQ(clean->rows, 2);
  EXPECT_EQ(clean->differing, 0);

  // One number counted wrong, one missing, one counted that has no call.
  ASSERT_EQ(
      code_of(GetParam().raw_sql(location_, "UPDATE caller_counts SET prank = prank + 4 WHERE number = '" + a +
                                                "'; DELETE FROM caller_counts WHERE number = '" + b +
                                                "'; INSERT INTO caller_counts SELECT jurisdiction_id, '+6289', calls, "
                                                "answered, abandoned, missed, valid, prank, ghost, information, "
                                                "misdirected, test, first_ring_at, last_ring_at FROM caller_counts "
                                                "WHERE number = '" +
                                                a + "';")),
      "ok");
  EXPECT_EQ(rd().caller_history_of("j1", a)->prank, 5);
  auto dirty = counters_check(*store_);
  ASSERT_TRUE(dirty);
  EXPECT_EQ(dirty->rows, 2);
  EXPECT_EQ(dirty->differing, 3);
  // The recount is kept.
  expect_counted(rd(), "j1", a, "recounted");
  expect_counted(rd(), "j1", b, "recounted");
  EXPECT_EQ(rd().caller_history_of("j1", "+6289")->calls, 0);
  auto again = counters_check(*store_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->differing, 0);
}

TEST_P(calls_store, callers_and_the_policy_upsert) {
  domain::caller_record c{"j1", "+6281234567890", {t0, t0 + 24h, std::nullopt}, t0};
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.upsert_caller(c); })), "ok");
  auto got = rd().find_caller("j1", c.number);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->flags.flagged_at, t0);
  EXPECT_EQ((*got)->flags.blocked_until, t0 + 24h);
  EXPECT_FALSE((*got)->flags.strikes_since);
  c.flags.blocked_until.reset();
  c.flags.strikes_since = t0 + 1h;
  c.updated_at = t0 + 1h;
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.upsert_caller(c); })), "ok");
  got = rd().find_caller("j1", c.number);
  EXPECT_FALSE((*got)->flags.blocked_until);
  EXPECT_EQ((*got)->flags.strikes_since, t0 + 1h);
  EXPECT_FALSE(*rd().find_caller("j2", c.number));

  EXPECT_FALSE(*rd().find_caller_policy("j1"));
  domain::caller_policy p;
  p.threshold = 5;
  p.block_enabled = false;
  p.window = 12h;
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.upsert_caller_policy("j1", p); })), "ok");
  auto pol = rd().find_caller_policy("j1");
  ASSERT_TRUE(pol && *pol);
  EXPECT_EQ((*pol)->threshold, 5);
  EXPECT_FALSE((*pol)->block_enabled);
  EXPECT_EQ((*pol)->window, 12h);
  EXPECT_EQ((*pol)->block_for, 24h);
  p.threshold = 0;
  EXPECT_NE(code_of(write([&](store_txn& t) { return t.upsert_caller_policy("j1", p); })), "ok");
}

TEST_P(calls_store, callbacks_are_one_per_call_and_list_by_due_time) {
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (auto id : {"c1", "c2", "c3"}) {
                if (auto r = t.insert_call(make_call(id, std::string("p-") + id, "+6281234567890", 0s)); !r) return r;
              }
              return {};
            })),
            "ok");
  auto task = [](std::string id, std::string call, std::chrono::minutes due, domain::callback_status s) {
    domain::callback_task t;
    t.id = std::move(id);
    t.jurisdiction_id = "j1";
    t.call_id = std::move(call);
    t.caller = "+6281234567890";
    t.status = s;
    t.due_at = t0 + due;
    t.created_at = t0;
    t.updated_at = t0;
    return t;
  };
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (const auto& k : {task("k1", "c1", 30min, domain::callback_status::open),
                                    task("k2", "c2", 10min, domain::callback_status::open),
                                    task("k3", "c3", 20min, domain::callback_status::done)}) {
                if (auto r = t.insert_callback(k); !r) return r;
              }
              return {};
            })),
            "ok");
  EXPECT_EQ(code_of(write([&](store_txn& t) {
              return t.insert_callback(task("k4", "c1", 5min, domain::callback_status::open));
            })),
            "conflict");
  auto open = rd().list_callbacks({.jurisdiction_id = "j1", .statuses = {domain::callback_status::open}});
  ASSERT_TRUE(open);
  ASSERT_EQ(open->items.size(), 2u);
  EXPECT_EQ(open->items[0].id, "k2");
  EXPECT_EQ(open->items[1].id, "k1");
  EXPECT_EQ(rd().list_callbacks({.jurisdiction_id = "j1"})->total, 3);
  // By number: the waiting ones (migration 25's partial index), any status through its calls.
  const std::string number = "+6281234567890";
  using domain::callback_status;
  auto waiting = rd().list_callbacks(
      {.jurisdiction_id = "j1", .statuses = {callback_status::open, callback_status::in_progress}, .caller = number});
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->total, 2);
  EXPECT_EQ(rd().list_callbacks({.jurisdiction_id = "j1", .caller = number})->total, 3);
  EXPECT_EQ(
      rd().list_callbacks({.jurisdiction_id = "j1", .statuses = {callback_status::done}, .caller = number})->total, 1);
  EXPECT_EQ(rd().list_callbacks({.jurisdiction_id = "j1", .caller = "+6281299999999"})->total, 0);

  auto k1 = task("k1", "c1", 30min, domain::callback_status::in_progress);
  k1.assigned_to = "u1";
  k1.attempts = 1;
  k1.last_result = domain::callback_result::no_answer;
  k1.note = "tidak diangkat";
  k1.superseded_by = "c3";
  k1.closed_at = t0 + 1h;
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.update_callback(k1); })), "ok");
  auto got = rd().find_callback_of_call("j1", "c1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->status, domain::callback_status::in_progress);
  EXPECT_EQ((*got)->assigned_to, "u1");
  EXPECT_EQ((*got)->attempts, 1);
  EXPECT_EQ((*got)->last_result, domain::callback_result::no_answer);
  EXPECT_EQ((*got)->note, "tidak diangkat");
  EXPECT_EQ((*got)->superseded_by, "c3");
  EXPECT_EQ((*got)->closed_at, t0 + 1h);
  EXPECT_FALSE(*rd().find_callback("j2", "k1"));
  k1.assigned_to = "no-such-user";
  EXPECT_NE(code_of(write([&](store_txn& t) { return t.update_callback(k1); })), "ok");
}

// The bulk form of insert_callback (a CDR import's callbacks decided in memory) writes the rows
// the single-row form writes, across the SQLite store's chunks, every field kept; a task of a
// call that has one already fails the batch whole.
TEST_P(calls_store, callbacks_written_in_bulk_equal_those_written_one_by_one) {
  std::vector<domain::call_record> calls;
  std::vector<domain::callback_task> tasks;
  for (int i = 0; i < 300; ++i) {
    auto n = std::to_string(i);
    calls.push_back(make_call("c" + n, "pbx-" + n, "0812" + std::to_string(i % 7), std::chrono::seconds(i)));
    domain::callback_task t;
    t.id = "k" + n;
    t.jurisdiction_id = "j1";
    t.call_id = "c" + n;
    t.caller = calls.back().state.caller;
    t.status = i % 3 == 0   ? domain::callback_status::expired
               : i % 3 == 1 ? domain::callback_status::merged
                            : domain::callback_status::in_progress;
    t.due_at = t0 + std::chrono::seconds(i + 60);
    t.attempts = i % 4;
    if (i % 3 == 2) t.assigned_to = "u1";
    if (i % 5 == 0) t.last_result = domain::callback_result::no_answer;
    t.note = i % 2 ? "catatan " + n : "";
    if (i % 3 == 1) t.merged_into = "k0";
    if (i % 11 == 0) t.superseded_by = "c1";
    t.calls = 1 + i % 3;
    t.last_call_at = t0 + std::chrono::seconds(i + 20);
    if (i % 13 == 0) {
      t.dialed_call = "dial-" + n;
      t.dialed_at = t0 + std::chrono::seconds(i + 90);
    }
    t.created_at = t0 + std::chrono::seconds(i);
    t.updated_at = t0 + std::chrono::seconds(i + 1);
    if (i % 3 == 0) t.closed_at = t0 + std::chrono::seconds(i + 3600);
    tasks.push_back(t);
  }
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = insert_calls(t, calls); !r) return r;
              return insert_callbacks(t, tasks);
            })),
            "ok");
  for (int i : {0, 1, 2, 13, 127, 128, 255, 256, 299}) {
    auto got = rd().find_callback_of_call("j1", "c" + std::to_string(i));
    ASSERT_TRUE(got && *got) << i;
    const auto& want = tasks[i];
    const auto& g = **got;
    EXPECT_EQ(g.id, want.id) << i;
    EXPECT_EQ(g.caller, want.caller) << i;
    EXPECT_EQ(g.status, want.status) << i;
    EXPECT_EQ(g.due_at, want.due_at) << i;
    EXPECT_EQ(g.attempts, want.attempts) << i;
    EXPECT_EQ(g.assigned_to, want.assigned_to) << i;
    EXPECT_EQ(g.last_result, want.last_result) << i;
    EXPECT_EQ(g.note, want.note) << i;
    EXPECT_EQ(g.merged_into, want.merged_into) << i;
    EXPECT_EQ(g.superseded_by, want.superseded_by) << i;
    EXPECT_EQ(g.calls, want.calls) << i;
    EXPECT_EQ(g.last_call_at, want.last_call_at) << i;
    EXPECT_EQ(g.dialed_call, want.dialed_call) << i;
    EXPECT_EQ(g.dialed_at, want.dialed_at) << i;
    EXPECT_EQ(g.created_at, want.created_at) << i;
    EXPECT_EQ(g.updated_at, want.updated_at) << i;
    EXPECT_EQ(g.closed_at, want.closed_at) << i;
  }
  EXPECT_EQ(rd().list_callbacks({.jurisdiction_id = "j1"})->total, 300);

  // A batch holding a task for a call that has one fails whole: its other task is not written.
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.insert_call(make_call("c-new", "pbx-new", "", 0s)); })), "ok");
  auto fresh = tasks[0];
  fresh.id = "k-new";
  fresh.call_id = "c-new";
  auto again = tasks[5];
  again.id = "k-again";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return insert_callbacks(t, {fresh, again}); })), "conflict");
  EXPECT_FALSE(*rd().find_callback_of_call("j1", "c-new"));
  EXPECT_EQ(rd().list_callbacks({.jurisdiction_id = "j1"})->total, 300);
}

}  // namespace
}  // namespace siaga::storage
