// The outbox use cases against a real (temporary) SQLite store: rows are enqueued with the
// dispatch in one command, attempts are recorded with backoff and dead-lettering, and a
// supervisor can requeue a dead row; agency endpoints are checked when saved.
#include "services/notifications.hpp"

#include "services/directory_service.hpp"
#include "services/incident_service.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace siaga::services {
namespace {

using domain::notification_status;
using namespace std::chrono_literals;

class counting_random final : public core::random_source {
 public:
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(state_ = state_ * 1103515245u + 12345u);
  }

 private:
  std::uint32_t state_ = 11;
};

domain::agency_endpoint webhook(std::string url, std::string secret = "damkar-secret-0123456789") {
  return {domain::endpoint_kind::webhook, std::move(url), std::move(secret), "", true};
}

domain::agency_endpoint telegram(std::string chat_id, bool active = true) {
  return {domain::endpoint_kind::telegram, "", "", std::move(chat_id), active};
}

class notifications_test : public ::testing::Test {
 protected:
  void SetUp() override {
    static int serial = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("siaga-notify-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
    std::filesystem::create_directories(dir_);
    auto st = storage::open_sqlite({(dir_ / "t.db").string()});
    ASSERT_TRUE(st.has_value()) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate().has_value());
    admin_ = system_actor("j1");
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      return tx.insert_jurisdiction({"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
    }));
    damkar_ = save({"", "", "DAMKAR", "Dinas Pemadam Kebakaran", domain::agency_kind::fire, "", true,
                    {webhook("https://damkar.example/hook"), telegram("-1001"), telegram("-1002", false)}})
                  .value()
                  .id;
    pln_ = save({"", "", "PLN", "PLN UP3 Ambon", domain::agency_kind::electricity, "", true, {}}).value().id;
    domain::category fire;
    fire.code = "fire";
    fire.name_id = "Kebakaran";
    fire.urgency_class = domain::urgency::emergency;
    fire.run_card = {{damkar_, domain::dispatch_role::primary}, {pln_, domain::dispatch_role::supporting}};
    fire_ = run<domain::category>([&](auto& tx) { return save_category(tx, ctx(), admin_, fire); }).value().id;
    call_taker_ = actor{"u-ct", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
    supervisor_ = actor{"u-sv", "j1", domain::role::supervisor, std::nullopt, "Supervisor"};
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

  core::result<domain::agency> save(domain::agency a) {
    return run<domain::agency>([&](auto& tx) { return save_agency(tx, ctx(), admin_, a); });
  }

  std::vector<domain::notification> rows(std::optional<notification_status> status = std::nullopt) {
    return store_->reader().list_notifications({"j1", status, {500, 0}}).value().items;
  }

  domain::incident fire_incident(bool share_contact) {
    new_report rep;
    rep.reporter_name = "Ibu Maria";
    rep.reporter_phone = "+6281234567890";
    rep.description = "Rumah terbakar";
    rep.category_id = fire_;
    auto r = run<domain::report>([&](auto& tx) { return create_report(tx, ctx(), call_taker_, rep); }).value();
    new_incident in;
    in.category_id = fire_;
    in.summary = "Kebakaran rumah";
    in.address = "Jl. Sultan Hairun";
    in.location = domain::geo_point{-3.6958, 128.182};
    in.report_ids = {r.id};
    in.share_contact = share_contact;
    return run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); }).value();
  }

  core::result<domain::notification> outcome(const domain::notification& n, bool ok, std::string error = {}) {
    delivery_outcome o{"j1", n.id, n.attempts, ok, std::move(error)};
    return run<domain::notification>([&](auto& tx) { return record_delivery(tx, ctx(), o, policy_); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  core::manual_clock clock_{core::from_micros(1'795'000'000'000'000)};
  counting_random random_;
  core::id_generator ids_{random_};
  domain::retry_policy policy_{1000ms, 8000ms, 3};
  actor admin_, call_taker_, supervisor_;
  std::string damkar_, pln_, fire_;
};

TEST_F(notifications_test, a_dispatch_enqueues_one_row_per_active_endpoint_in_its_command) {
  auto inc = fire_incident(false);
  auto all = rows();
  ASSERT_EQ(all.size(), 2u) << "DAMKAR's webhook and active telegram chat; PLN has no endpoints";
  auto dispatches = store_->reader().dispatches_of_incident(inc.id).value();
  std::set<std::pair<int, std::string>> targets;
  for (const auto& n : all) {
    targets.emplace(n.endpoint_index, n.target);
    EXPECT_EQ(n.agency_id, damkar_);
    EXPECT_EQ(n.incident_id, inc.id);
    ASSERT_TRUE(n.dispatch_id);
    EXPECT_EQ(store_->reader().find_dispatch("j1", *n.dispatch_id).value()->agency_id, damkar_);
    EXPECT_EQ(n.event_kind, "dispatch.notified");
    EXPECT_EQ(n.status, notification_status::pending);
    EXPECT_EQ(n.attempts, 0);
    EXPECT_EQ(n.next_attempt_at, clock_.now()) << "due at once";
    auto payload = boost::json::parse(n.payload_json).as_object();
    EXPECT_EQ(payload.at("id").as_string(), n.id) << "the body names its idempotency key";
    EXPECT_EQ(payload.at("incident").at("number").as_string(), inc.number);
    EXPECT_FALSE(payload.contains("contact")) << "contact not shared";
    EXPECT_EQ(std::string(payload.at("text").as_string()).find("Maria"), std::string::npos);
  }
  EXPECT_EQ(targets, (std::set<std::pair<int, std::string>>{{0, "https://damkar.example/hook"}, {1, "-1001"}}));
}

TEST_F(notifications_test, the_contact_travels_only_when_the_dispatch_shares_it) {
  fire_incident(true);
  for (const auto& n : rows()) {
    auto payload = boost::json::parse(n.payload_json).as_object();
    EXPECT_EQ(payload.at("contact").at("phone").as_string(), "+6281234567890");
    EXPECT_NE(std::string(payload.at("text").as_string()).find("Pelapor: Ibu Maria, +6281234567890"),
              std::string::npos);
  }
}

TEST_F(notifications_test, rows_roll_back_with_a_dispatch_that_fails) {
  new_incident in;
  in.category_id = fire_;
  in.agency_ids = std::vector<std::string>{damkar_, "no-such-agency"};
  auto r = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::invalid_input);
  EXPECT_TRUE(rows().empty()) << "DAMKAR's rows were written before the failure and rolled back with it";
}

TEST_F(notifications_test, cancelling_a_dispatch_or_the_incident_notifies_with_the_reason) {
  auto inc = fire_incident(false);
  auto damkar_dispatch = rows().front().dispatch_id.value();
  clock_.advance(1min);
  ASSERT_TRUE(run<domain::dispatch>([&](auto& tx) {
    return move_dispatch(tx, ctx(), call_taker_, damkar_dispatch, domain::dispatch_status::cancelled, "Salah kirim");
  }));
  auto all = rows();
  ASSERT_EQ(all.size(), 4u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(all[i].event_kind, "dispatch.cancelled") << "newest first";
    auto payload = boost::json::parse(all[i].payload_json).as_object();
    EXPECT_EQ(payload.at("reason").as_string(), "Salah kirim");
    EXPECT_NE(std::string(payload.at("text").as_string()).find("DIBATALKAN"), std::string::npos);
  }

  // Re-dispatch DAMKAR, then cancel the whole incident: its active dispatch is notified too.
  ASSERT_TRUE(run<std::vector<domain::dispatch>>(
      [&](auto& tx) { return add_dispatches(tx, ctx(), call_taker_, inc.id, {damkar_}, false); }));
  ASSERT_EQ(rows().size(), 6u);
  ASSERT_TRUE(run<domain::incident>([&](auto& tx) {
    return act_on_incident(tx, ctx(), call_taker_, inc.id, domain::incident_action::cancel, "Laporan palsu");
  }));
  all = rows();
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all[0].event_kind, "dispatch.cancelled");
  EXPECT_EQ(boost::json::parse(all[0].payload_json).at("reason").as_string(), "Laporan palsu");
}

TEST_F(notifications_test, a_failed_attempt_is_retried_after_a_jittered_backoff_then_delivered) {
  fire_incident(false);
  auto n = rows().front();
  auto before = store_->reader().events_of_jurisdiction("j1").value().size();

  auto failed = outcome(n, false, "HTTP 500: boom").value();
  EXPECT_EQ(failed.status, notification_status::pending);
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_EQ(failed.last_error, "HTTP 500: boom");
  EXPECT_GE(failed.next_attempt_at, clock_.now());
  EXPECT_LT(failed.next_attempt_at, clock_.now() + 1000ms) << "first wait below the base";

  auto again = outcome(failed, false, "").value();
  EXPECT_EQ(again.attempts, 2);
  EXPECT_EQ(again.last_error, "delivery failed") << "an empty reason still says something";
  EXPECT_LT(again.next_attempt_at, clock_.now() + 2000ms);

  clock_.advance(5s);
  auto done = outcome(again, true).value();
  EXPECT_EQ(done.status, notification_status::delivered);
  EXPECT_EQ(done.attempts, 3);
  EXPECT_EQ(done.delivered_at, clock_.now());
  EXPECT_TRUE(done.last_error.empty());
  EXPECT_EQ(store_->reader().find_notification("j1", n.id).value()->status, notification_status::delivered);
  // Failed attempts record nothing; the delivery is the acknowledgement of an agency without
  // operator accounts (this one has none), recorded once.
  auto events = store_->reader().events_of_jurisdiction("j1").value();
  ASSERT_EQ(events.size(), before + 1) << "no event per attempt";
  EXPECT_EQ(events.back().kind, "dispatch.acknowledged");
  EXPECT_EQ(events.back().subject_id, *n.dispatch_id);
  EXPECT_NE(events.back().payload_json.find("\"via\":\"delivery_receipt\""), std::string::npos) << events.back().payload_json;
  EXPECT_EQ(store_->reader().find_dispatch("j1", *n.dispatch_id).value()->status, domain::dispatch_status::acknowledged);
}

TEST_F(notifications_test, after_max_attempts_the_row_is_dead_with_one_event) {
  auto inc = fire_incident(false);
  auto n = rows().front();
  auto long_error = std::string(800, 'x');
  for (int i = 0; i < 3; ++i) n = outcome(n, false, long_error).value();
  EXPECT_EQ(n.status, notification_status::dead);
  EXPECT_EQ(n.attempts, 3);
  EXPECT_EQ(n.last_error.size(), 500u);
  auto events = store_->reader().events_of_incident(inc.id).value();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, "notification.dead_lettered");
  EXPECT_EQ(events.back().subject, domain::subject_kind::notification);
  EXPECT_EQ(events.back().subject_id, n.id);
  EXPECT_EQ(events.back().agency_id, damkar_);
  EXPECT_EQ(events.back().actor_id, "system");
  EXPECT_EQ(rows(notification_status::dead).size(), 1u);
  EXPECT_EQ(store_->reader().due_notifications(clock_.now() + 24h, 10).value().size(), 1u)
      << "only the other endpoint's row is still pending";
}

TEST_F(notifications_test, a_stale_outcome_changes_nothing) {
  fire_incident(false);
  auto n = rows().front();
  auto delivered = outcome(n, true).value();
  auto events = store_->reader().events_of_jurisdiction("j1").value().size();
  auto late = outcome(n, false, "timeout").value();  // attempts_before 0 again
  EXPECT_EQ(late.status, notification_status::delivered);
  EXPECT_EQ(late.attempts, delivered.attempts);
  EXPECT_EQ(store_->reader().events_of_jurisdiction("j1").value().size(), events);
  delivery_outcome unknown{"j1", "no-such-row", 0, true, ""};
  auto r = run<domain::notification>([&](auto& tx) { return record_delivery(tx, ctx(), unknown, policy_); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::not_found);
}

TEST_F(notifications_test, a_supervisor_requeues_a_dead_row_and_nothing_else) {
  auto inc = fire_incident(false);
  auto n = rows().front();
  auto requeue = [&](const actor& who, const std::string& id) {
    return run<domain::notification>([&](auto& tx) { return requeue_notification(tx, ctx(), who, id); });
  };
  auto pending = requeue(supervisor_, n.id);
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, core::errc::conflict);

  for (int i = 0; i < 3; ++i) n = outcome(n, false, "HTTP 503").value();
  ASSERT_EQ(n.status, notification_status::dead);
  auto by_call_taker = requeue(call_taker_, n.id);
  ASSERT_FALSE(by_call_taker);
  EXPECT_EQ(by_call_taker.error().code, core::errc::forbidden);
  EXPECT_EQ(store_->reader().find_notification("j1", n.id).value()->status, notification_status::dead);
  auto unknown = requeue(supervisor_, "no-such-row");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::errc::not_found);

  clock_.advance(10min);
  auto back = requeue(supervisor_, n.id).value();
  EXPECT_EQ(back.status, notification_status::pending);
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(back.next_attempt_at, clock_.now());
  EXPECT_TRUE(back.last_error.empty());
  EXPECT_EQ(back.id, n.id) << "same row, so the same idempotency key";
  auto events = store_->reader().events_of_incident(inc.id).value();
  EXPECT_EQ(events.back().kind, "notification.requeued");
  EXPECT_EQ(events.back().actor_id, "u-sv");
  ASSERT_EQ(requeue(admin_, n.id).error().code, core::errc::conflict) << "pending again";
}

TEST_F(notifications_test, bad_endpoints_are_refused_naming_their_index_and_change_nothing) {
  auto before = store_->reader().find_agency("j1", pln_).value().value();
  auto a = before;
  a.endpoints = {telegram("-1001"), webhook("ftp://pln.example/")};
  auto r = save(a);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::invalid_input);
  EXPECT_NE(r.error().message.find("endpoints[1]"), std::string::npos) << r.error().message;
  a.endpoints = {webhook("https://pln.example/", "")};
  EXPECT_EQ(save(a).error().code, core::errc::invalid_input) << "a new webhook needs its secret";
  a.endpoints.assign(11, telegram("-1001"));
  EXPECT_EQ(save(a).error().code, core::errc::invalid_input);
  EXPECT_TRUE(store_->reader().find_agency("j1", pln_).value()->endpoints.empty());
}

TEST_F(notifications_test, an_update_without_a_secret_keeps_the_stored_one_for_the_same_url) {
  auto a = store_->reader().find_agency("j1", damkar_).value().value();
  a.endpoints = {webhook("https://damkar.example/hook", ""), telegram("-1003")};
  a.name = "Damkar Kota Ambon";
  auto saved = save(a).value();
  EXPECT_EQ(saved.endpoints[0].secret, "damkar-secret-0123456789");
  auto stored = store_->reader().find_agency("j1", damkar_).value().value();
  EXPECT_EQ(stored.endpoints[0].secret, "damkar-secret-0123456789");
  EXPECT_EQ(stored.endpoints[1].chat_id, "-1003");

  a.endpoints = {webhook("https://damkar.example/other", "")};
  EXPECT_EQ(save(a).error().code, core::errc::invalid_input) << "another url does not inherit the secret";

  domain::agency details = stored;
  details.endpoints.clear();
  details.phone = "113";
  auto kept = run<domain::agency>(
                  [&](auto& tx) { return save_agency_keeping_endpoints(tx, ctx(), admin_, details); })
                  .value();
  EXPECT_EQ(kept.phone, "113");
  EXPECT_EQ(store_->reader().find_agency("j1", damkar_).value()->endpoints.size(), 2u);
}

}  // namespace
}  // namespace siaga::services
