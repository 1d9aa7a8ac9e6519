// Contract tests of the store's notification outbox and agency endpoints (store.hpp,
// "Notifications"), written against the interface; the SQLite store is the one backend today.
#include "storage/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <tuple>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage {
namespace {

using namespace std::chrono_literals;
using domain::notification_status;

const core::timestamp t0 = core::from_micros(1'795'000'000'000'000);

core::timestamp at(std::int64_t seconds) { return t0 + std::chrono::seconds(seconds); }

template <class T>
std::string outcome(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code)) + " (" + r.error().message + ")";
}

template <class T>
std::string code_of(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code));
}

std::optional<std::int64_t> us(const std::optional<core::timestamp>& t) {
  if (!t) return std::nullopt;
  return core::to_micros(*t);
}

auto fields(const domain::notification& n) {
  return std::make_tuple(n.id, n.jurisdiction_id, n.agency_id, n.dispatch_id, n.incident_id, n.endpoint_index,
                         domain::to_string(n.endpoint), n.target, n.event_kind, n.payload_json,
                         domain::to_string(n.status), n.attempts, core::to_micros(n.next_attempt_at), n.last_error,
                         core::to_micros(n.created_at), core::to_micros(n.updated_at), us(n.delivered_at));
}

auto fields(const domain::agency_endpoint& e) {
  return std::make_tuple(domain::to_string(e.kind), e.url, e.secret, e.chat_id, e.active);
}

std::vector<std::string> ids_of(const std::vector<domain::notification>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
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

class outbox_store : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> serial{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("siaga-outbox-test-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".db"))
                .string();
    remove_files();
    store_ = open();
    ASSERT_TRUE(store_);
    ASSERT_EQ(outcome(write([](store_txn& t) -> result<void> {
                for (auto [id, code] : {std::pair{"j1", "81.71"}, std::pair{"j2", "32.73"}}) {
                  if (auto r = t.insert_jurisdiction({id, code, "Kota", "Asia/Jayapura", "AMB"}); !r) return r;
                }
                for (auto [j, id] : {std::pair{"j1", "a_fire"}, std::pair{"j2", "a_other"}}) {
                  domain::agency a;
                  a.id = id;
                  a.jurisdiction_id = j;
                  a.code = "DAMKAR";
                  a.name = "Damkar";
                  a.kind = domain::agency_kind::fire;
                  if (auto r = t.upsert_agency(a); !r) return r;
                }
                return {};
              })),
              "ok");
  }

  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    remove_files();
  }

  void remove_files() {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  std::unique_ptr<store> open() {
    auto opened = open_sqlite({.path = path_});
    EXPECT_EQ(outcome(opened), "ok");
    if (!opened) return nullptr;
    EXPECT_EQ(outcome((*opened)->migrate()), "ok");
    return std::move(*opened);
  }

  result<void> write(write_command command) { return store_->write(std::move(command)); }
  store_reader& reader() { return store_->reader(); }

  result<void> insert(const domain::notification& n) {
    return write([&](store_txn& t) { return t.insert_notification(n); });
  }

  std::string path_;
  std::unique_ptr<store> store_;
};

TEST_F(outbox_store, agency_endpoints_round_trip_in_order_and_are_replaced_whole) {
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
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].endpoints.size(), 2u);

  a.endpoints = {a.endpoints[1]};
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_agency(a); })), "ok");
  found = reader().find_agency("j1", "a_fire").value().value();
  ASSERT_EQ(found.endpoints.size(), 1u);
  EXPECT_EQ(fields(found.endpoints[0]), fields(a.endpoints[0]));
}

TEST_F(outbox_store, rows_round_trip_with_every_field_set_and_unset) {
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

TEST_F(outbox_store, a_row_must_name_an_agency_and_incident_of_its_jurisdiction_and_hold_json) {
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

TEST_F(outbox_store, update_writes_the_delivery_state_and_nothing_else) {
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

TEST_F(outbox_store, due_rows_are_pending_and_due_from_every_jurisdiction_soonest_first) {
  ASSERT_EQ(outcome(insert(make_row("j1", "late", "a_fire", at(0), at(30)))), "ok");
  ASSERT_EQ(outcome(insert(make_row("j1", "soon", "a_fire", at(1), at(5)))), "ok");
  ASSERT_EQ(outcome(insert(make_row("j2", "other", "a_other", at(2), at(10)))), "ok");
  auto done = make_row("j1", "done", "a_fire", at(3), at(1));
  done.status = notification_status::delivered;
  ASSERT_EQ(outcome(insert(done)), "ok");
  auto dead = make_row("j1", "dead", "a_fire", at(4), at(1));
  dead.status = notification_status::dead;
  ASSERT_EQ(outcome(insert(dead)), "ok");

  EXPECT_EQ(ids_of(reader().due_notifications(at(4), 10).value()), std::vector<std::string>{});
  EXPECT_EQ(ids_of(reader().due_notifications(at(5), 10).value()), std::vector<std::string>{"soon"});
  EXPECT_EQ(ids_of(reader().due_notifications(at(30), 10).value()),
            (std::vector<std::string>{"soon", "other", "late"}));
  EXPECT_EQ(ids_of(reader().due_notifications(at(30), 2).value()), (std::vector<std::string>{"soon", "other"}));
  EXPECT_TRUE(reader().due_notifications(at(30), 0).value().empty());

  auto next = reader().next_notification_due().value();
  ASSERT_TRUE(next);
  EXPECT_EQ(core::to_micros(*next), core::to_micros(at(5))) << "the earliest pending row, not the delivered one";
}

TEST_F(outbox_store, next_due_is_empty_when_nothing_is_pending) {
  EXPECT_FALSE(reader().next_notification_due().value());
  auto done = make_row("j1", "done", "a_fire", at(0), at(0));
  done.status = notification_status::delivered;
  ASSERT_EQ(outcome(insert(done)), "ok");
  EXPECT_FALSE(reader().next_notification_due().value());
}

TEST_F(outbox_store, lists_filter_by_status_newest_first_and_page) {
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

TEST_F(outbox_store, pending_rows_survive_close_and_reopen) {
  ASSERT_EQ(outcome(insert(make_row("j1", "n1", "a_fire", at(0), at(7)))), "ok");
  store_->close();
  store_ = open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(ids_of(reader().due_notifications(at(7), 10).value()), std::vector<std::string>{"n1"});
}

TEST_F(outbox_store, a_row_rolls_back_with_its_failed_command) {
  auto r = write([](store_txn& t) -> result<void> {
    if (auto w = t.insert_notification(make_row("j1", "n1", "a_fire", at(0), at(0))); !w) return w;
    return core::conflict("the dispatch failed after the row was written");
  });
  EXPECT_EQ(code_of(r), "conflict");
  EXPECT_FALSE(reader().find_notification("j1", "n1").value());
}

}  // namespace
}  // namespace siaga::storage
