// Contract tests of the store's notification outbox and agency endpoints (outbox_store.hpp),
// written against the interface and run on every backend (store_test_fixture.hpp): rows, their
// delivery state, and the claiming of due rows by lease. What only a store shared by several
// nodes does (two stores on one database) is in postgres/postgres_store_test.cpp.
#include "storage/store_test_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace siaga::storage::contract {
namespace {

using domain::notification_status;

// The lease every backend gives a claimed row by default (sqlite_options, postgres_options).
constexpr std::int64_t lease_seconds = 60;

auto fields(const domain::notification& n) {
  return std::make_tuple(n.id, n.jurisdiction_id, n.agency_id, n.dispatch_id, n.incident_id, n.endpoint_index,
                         domain::to_string(n.endpoint), n.target, n.event_kind, n.payload_json,
                         domain::to_string(n.status), n.attempts, core::to_micros(n.next_attempt_at), n.last_error,
                         core::to_micros(n.created_at), core::to_micros(n.updated_at), us(n.delivered_at));
}

auto fields(const domain::agency_endpoint& e) {
  return std::make_tuple(domain::to_string(e.kind), e.url, e.secret, e.chat_id, e.active);
}

domain::notification make_row(std::string jurisdiction_id, std::string id, std::string agency_id,
                              core::timestamp created, core::timestamp due) {
  domain::notification n;
  n.id = std::move(id);
  n.jurisdiction_id = std::move(jurisdiction_id);
  n.agency_id = std::move(agency_id);
  n.endpoint = domain::endpoint_kind::webhook;
  n.target = "https://damkar.example/hook";
  n.event_kind = "dispatch.notified";
  n.payload_json = R"({"id":")" + n.id + R"("})";
  n.next_attempt_at = due;
  n.created_at = created;
  n.updated_at = created;
  return n;
}

// The fixture's jurisdictions j1 (agencies a_fire, a_health) and j2 (a_other).
class outbox_contract : public store_contract {
 protected:
  result<void> insert(const domain::notification& n) {
    return write([&](store_txn& t) { return t.insert_notification(n); });
  }
  result<void> update(const domain::notification& n) {
    return write([&](store_txn& t) { return t.update_notification(n); });
  }
  std::vector<std::string> claim(core::timestamp now, int limit) {
    auto due = reader().due_notifications(now, limit);
    EXPECT_EQ(outcome(due), "ok");
    return due ? ids_of(*due) : std::vector<std::string>{};
  }
};

TEST_P(outbox_contract, agency_endpoints_round_trip_in_order_and_are_replaced_whole) {
  auto a = reader().find_agency("j1", "a_fire").value().value();
  EXPECT_TRUE(a.endpoints.empty()) << "agencies start without endpoints";
  a.endpoints = {{domain::endpoint_kind::webhook, "https://damkar.example/hook", "s3cret-s3cret-s3cret", "", true},
                 {domain::endpoint_kind::telegram, "", "", "-1001234567890", false}};
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_agency(a); })), "ok");
  auto found = reader().find_agency("j1", "a_fire").value().value();
  ASSERT_EQ(found.endpoints.size(), 2u);
  EXPECT_EQ(fields(found.endpoints[0]), fields(a.endpoints[0]));
  EXPECT_EQ(fields(found.endpoints[1]), fields(a.endpoints[1]));
  auto listed = reader().list_agencies("j1").value();
  auto fire = std::find_if(listed.begin(), listed.end(), [](const domain::agency& x) { return x.id == "a_fire"; });
  ASSERT_NE(fire, listed.end());
  EXPECT_EQ(fire->endpoints.size(), 2u);

  a.endpoints = {a.endpoints[1]};
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_agency(a); })), "ok");
  found = reader().find_agency("j1", "a_fire").value().value();
  ASSERT_EQ(found.endpoints.size(), 1u);
  EXPECT_EQ(fields(found.endpoints[0]), fields(a.endpoints[0]));
}

TEST_P(outbox_contract, rows_round_trip_with_every_field_set_and_unset) {
  auto full = make_row("j1", "n1", "a_fire", at(0), at(0));
  full.dispatch_id = "dispatch-1";
  full.endpoint_index = 3;
  full.endpoint = domain::endpoint_kind::telegram;
  full.target = "-1001234567890";
  full.event_kind = "dispatch.cancelled";
  full.status = notification_status::delivered;
  full.attempts = 4;
  full.last_error = "HTTP 500";
  full.updated_at = at(9);
  full.delivered_at = at(9);
  auto bare = make_row("j1", "n2", "a_fire", at(1), at(1));
  ASSERT_EQ(outcome(insert(full)), "ok");
  ASSERT_EQ(outcome(insert(bare)), "ok");

  auto found = reader().find_notification("j1", "n1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(full));
  found = reader().find_notification("j1", "n2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(bare));
  EXPECT_FALSE(reader().find_notification("j2", "n1").value()) << "scoped to its jurisdiction";
  EXPECT_FALSE(reader().find_notification("j1", "nope").value());

  EXPECT_EQ(code_of(insert(make_row("j1", "n1", "a_fire", at(2), at(2)))), "conflict");
}

TEST_P(outbox_contract, a_row_must_name_an_agency_and_incident_of_its_jurisdiction_and_hold_json) {
  EXPECT_EQ(code_of(insert(make_row("j1", "n1", "a_other", at(0), at(0)))), "storage_failure");
  EXPECT_EQ(code_of(insert(make_row("j1", "n2", "nope", at(0), at(0)))), "storage_failure");
  auto with_incident = make_row("j1", "n3", "a_fire", at(0), at(0));
  with_incident.incident_id = "no-such-incident";
  EXPECT_EQ(code_of(insert(with_incident)), "storage_failure");
  auto not_json = make_row("j1", "n4", "a_fire", at(0), at(0));
  not_json.payload_json = "{oops";
  EXPECT_EQ(code_of(insert(not_json)), "storage_failure");
  EXPECT_EQ(reader().list_notifications({.jurisdiction_id = "j1"}).value().total, 0);
}

TEST_P(outbox_contract, update_writes_the_delivery_state_and_nothing_else) {
  auto n = make_row("j1", "n1", "a_fire", at(0), at(0));
  ASSERT_EQ(outcome(insert(n)), "ok");
  auto changed = n;
  changed.status = notification_status::dead;
  changed.attempts = 8;
  changed.next_attempt_at = at(60);
  changed.last_error = "connect: Connection refused";
  changed.updated_at = at(61);
  changed.delivered_at = at(62);
  changed.target = "ignored";
  changed.payload_json = R"({"ignored":true})";
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_notification(changed); })), "ok");
  auto found = reader().find_notification("j1", "n1").value().value();
  auto expected = changed;
  expected.target = n.target;
  expected.payload_json = n.payload_json;
  EXPECT_EQ(fields(found), fields(expected));

  auto missing = make_row("j1", "nope", "a_fire", at(0), at(0));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_notification(missing); })), "not_found");
  auto elsewhere = changed;
  elsewhere.jurisdiction_id = "j2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_notification(elsewhere); })), "not_found");
}

TEST_P(outbox_contract, due_rows_are_pending_and_due_from_every_jurisdiction_soonest_first) {
  ASSERT_EQ(outcome(insert(make_row("j1", "late", "a_fire", at(0), at(30)))), "ok");
  ASSERT_EQ(outcome(insert(make_row("j1", "soon", "a_fire", at(1), at(5)))), "ok");
  ASSERT_EQ(outcome(insert(make_row("j2", "other", "a_other", at(2), at(10)))), "ok");
  ASSERT_EQ(outcome(insert(make_row("j1", "latest", "a_fire", at(3), at(20)))), "ok");
  auto done = make_row("j1", "done", "a_fire", at(3), at(1));
  done.status = notification_status::delivered;
  ASSERT_EQ(outcome(insert(done)), "ok");
  auto dead = make_row("j1", "dead", "a_fire", at(4), at(1));
  dead.status = notification_status::dead;
  ASSERT_EQ(outcome(insert(dead)), "ok");

  EXPECT_TRUE(claim(at(30), 0).empty());
  EXPECT_TRUE(claim(at(30), -1).empty());
  EXPECT_EQ(claim(at(4), 10), std::vector<std::string>{});
  EXPECT_EQ(claim(at(5), 10), std::vector<std::string>{"soon"});
  EXPECT_EQ(claim(at(30), 2), (std::vector<std::string>{"other", "latest"})) << "soonest first, soon is claimed";
  EXPECT_EQ(claim(at(30), 10), std::vector<std::string>{"late"});

  auto next = reader().next_notification_due().value();
  ASSERT_TRUE(next);
  EXPECT_EQ(core::to_micros(*next), core::to_micros(at(5))) << "the earliest pending row, claimed or not";
}

TEST_P(outbox_contract, a_claimed_row_waits_for_its_lease_to_end_or_its_attempt_to_be_recorded) {
  auto first = make_row("j1", "n1", "a_fire", at(0), at(0));
  auto second = make_row("j1", "n2", "a_fire", at(0), at(1));
  ASSERT_EQ(outcome(insert(first)), "ok");
  ASSERT_EQ(outcome(insert(second)), "ok");
  EXPECT_EQ(claim(at(1), 10), (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(claim(at(1), 10), std::vector<std::string>{}) << "claimed: not handed out twice";
  EXPECT_EQ(claim(at(lease_seconds), 10), std::vector<std::string>{}) << "the lease lasts until at(1 + lease)";

  // The claim changes nothing a reader sees of the rows.
  EXPECT_EQ(fields(reader().find_notification("j1", "n1").value().value()), fields(first));
  EXPECT_EQ(reader().list_notifications({.jurisdiction_id = "j1", .status = notification_status::pending}).value().total,
            2);

  // n1's attempt failed and is recorded with a retry at at(10): due again then, lease or not.
  auto retried = first;
  retried.attempts = 1;
  retried.next_attempt_at = at(10);
  retried.last_error = "HTTP 503";
  retried.updated_at = at(2);
  ASSERT_EQ(outcome(update(retried)), "ok");
  EXPECT_EQ(claim(at(9), 10), std::vector<std::string>{});
  EXPECT_EQ(claim(at(10), 10), std::vector<std::string>{"n1"});

  // n2's claimer never recorded anything (it died): n2 is claimed again when its lease ends.
  EXPECT_EQ(claim(at(1 + lease_seconds), 10), std::vector<std::string>{"n2"});
  EXPECT_EQ(claim(at(1 + lease_seconds), 10), std::vector<std::string>{});

  // A delivered row is never due again, whatever its lease.
  auto delivered = second;
  delivered.status = notification_status::delivered;
  delivered.attempts = 1;
  delivered.delivered_at = at(70);
  delivered.updated_at = at(70);
  ASSERT_EQ(outcome(update(delivered)), "ok");
  EXPECT_EQ(claim(at(1000), 10), std::vector<std::string>{"n1"}) << "n1's second lease ended at at(70)";
}

// The delivery worker's path when the database fails to record an attempt: it releases the
// row, which is then due again at once rather than at the end of its lease.
TEST_P(outbox_contract, a_released_row_is_due_again_at_once_and_a_release_of_nothing_changes_nothing) {
  auto first = make_row("j1", "n1", "a_fire", at(0), at(0));
  auto second = make_row("j1", "n2", "a_fire", at(0), at(0));
  ASSERT_EQ(outcome(insert(first)), "ok");
  ASSERT_EQ(outcome(insert(second)), "ok");
  EXPECT_EQ(claim(at(1), 10), (std::vector<std::string>{"n1", "n2"}));
  ASSERT_EQ(outcome(reader().release_notification("n1")), "ok");
  EXPECT_EQ(claim(at(2), 10), std::vector<std::string>{"n1"}) << "released: due again, n2 still leased";
  EXPECT_EQ(claim(at(2), 10), std::vector<std::string>{}) << "claimed again: leased again";

  // Releasing a row that no one holds, or one that does not exist, is not an error and
  // leases or frees nothing else.
  EXPECT_EQ(outcome(reader().release_notification("no-such-row")), "ok");
  EXPECT_EQ(claim(at(3), 10), std::vector<std::string>{});
  EXPECT_EQ(fields(reader().find_notification("j1", "n1").value().value()), fields(first))
      << "a release changes nothing a reader sees of the row";

  // A delivered row stays delivered: a late release does not make it due.
  auto delivered = second;
  delivered.status = notification_status::delivered;
  delivered.attempts = 1;
  delivered.delivered_at = at(4);
  delivered.updated_at = at(4);
  ASSERT_EQ(outcome(update(delivered)), "ok");
  ASSERT_EQ(outcome(reader().release_notification("n2")), "ok");
  EXPECT_EQ(claim(at(1000), 10), std::vector<std::string>{"n1"}) << "n1's lease ended; n2 is delivered";
}

TEST_P(outbox_contract, a_row_claimed_on_one_thread_is_not_handed_to_another) {
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(outcome(insert(make_row("j1", "n" + std::to_string(100 + i), "a_fire", at(0), at(0)))), "ok");
  }
  // Four threads, each with its own reader, claim in small bites until nothing is left.
  std::vector<std::vector<std::string>> claimed(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < claimed.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 40; ++round) {  // bounded: a store that never leases fails, not hangs
        auto got = store_->reader().due_notifications(at(1), 3);
        if (!got || got->empty()) return;
        for (auto& n : *got) claimed[t].push_back(n.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::multiset<std::string> all;
  for (auto& c : claimed) all.insert(c.begin(), c.end());
  EXPECT_EQ(all.size(), 40u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 40u) << "no row handed out twice";
}

TEST_P(outbox_contract, next_due_is_empty_when_nothing_is_pending) {
  EXPECT_FALSE(reader().next_notification_due().value());
  auto done = make_row("j1", "done", "a_fire", at(0), at(0));
  done.status = notification_status::delivered;
  ASSERT_EQ(outcome(insert(done)), "ok");
  EXPECT_FALSE(reader().next_notification_due().value());
}

TEST_P(outbox_contract, lists_filter_by_status_newest_first_and_page) {
  for (int i = 0; i < 5; ++i) {
    auto n = make_row("j1", "n" + std::to_string(i), "a_fire", at(i), at(i));
    if (i % 2) n.status = notification_status::dead;
    ASSERT_EQ(outcome(insert(n)), "ok");
  }
  ASSERT_EQ(outcome(insert(make_row("j2", "x", "a_other", at(9), at(9)))), "ok");

  auto all = reader().list_notifications({.jurisdiction_id = "j1"}).value();
  EXPECT_EQ(all.total, 5);
  EXPECT_EQ(ids_of(all.items), (std::vector<std::string>{"n4", "n3", "n2", "n1", "n0"}));
  auto dead = reader().list_notifications({.jurisdiction_id = "j1", .status = notification_status::dead}).value();
  EXPECT_EQ(dead.total, 2);
  EXPECT_EQ(ids_of(dead.items), (std::vector<std::string>{"n3", "n1"}));
  auto pending_page = reader()
                          .list_notifications({.jurisdiction_id = "j1",
                                               .status = notification_status::pending,
                                               .page = {.limit = 1, .offset = 1}})
                          .value();
  EXPECT_EQ(pending_page.total, 3);
  EXPECT_EQ(ids_of(pending_page.items), std::vector<std::string>{"n2"});
  auto clamped = reader().list_notifications({.jurisdiction_id = "j1", .page = {.limit = 0, .offset = -5}}).value();
  EXPECT_EQ(ids_of(clamped.items), std::vector<std::string>{"n4"});
}

TEST_P(outbox_contract, pending_rows_survive_close_and_reopen) {
  ASSERT_EQ(outcome(insert(make_row("j1", "n1", "a_fire", at(0), at(7)))), "ok");
  reopen();
  EXPECT_EQ(claim(at(7), 10), std::vector<std::string>{"n1"});
}

TEST_P(outbox_contract, a_row_rolls_back_with_its_failed_command) {
  auto r = write([](store_txn& t) -> result<void> {
    if (auto w = t.insert_notification(make_row("j1", "n1", "a_fire", at(0), at(0))); !w) return w;
    return core::conflict("the dispatch failed after the row was written");
  });
  EXPECT_EQ(code_of(r), "conflict");
  EXPECT_FALSE(reader().find_notification("j1", "n1").value());
}

INSTANTIATE_TEST_SUITE_P(backends, outbox_contract, every_backend(), backend_name);

}  // namespace
}  // namespace siaga::storage::contract
