// The stream hub against a real (temporary) SQLite store and fake connections. The test
// decides when the hub hears of a commit (publish), so that the races of a resume (fan-out
// behind or ahead of the backlog, live events during the backlog) happen on purpose.
#include "api/stream.hpp"

#include "services/directory_service.hpp"
#include "services/incident_service.hpp"
#include "core/test_dir.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <future>
#include <thread>

namespace siaga::api {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A connection that records what is sent. It drains only when the test says so, which lets
// the test hold the backlog at its pacing point.
class fake_connection final : public net::websocket_connection {
 public:
  fake_connection(asio::any_io_executor ex, std::size_t limit) : ex_(std::move(ex)), limit_(limit) {}

  bool send(std::shared_ptr<const std::string> text) override {
    std::lock_guard lock(mutex_);
    if (!open_) return false;
    if (pending_ >= limit_) {
      open_ = false;
      close_code_ = net::ws_close_policy;
      return false;
    }
    sent_.push_back(boost::json::parse(*text));
    ++pending_;
    return true;
  }
  void close(std::uint16_t code, std::string) override {
    std::lock_guard lock(mutex_);
    if (!open_) return;
    open_ = false;
    close_code_ = code;
  }
  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return open_;
  }
  std::size_t queued() const override {
    std::lock_guard lock(mutex_);
    return pending_;
  }
  void when_drained(std::size_t at_most, std::function<void()> fn) override {
    std::lock_guard lock(mutex_);
    if (pending_ <= at_most) {
      asio::post(ex_, std::move(fn));
    } else {
      drain_at_ = at_most;
      drain_fn_ = std::move(fn);
    }
  }
  asio::any_io_executor get_executor() const override { return ex_; }

  // As if the client read everything.
  void drain() {
    std::lock_guard lock(mutex_);
    pending_ = 0;
    if (drain_fn_) asio::post(ex_, std::exchange(drain_fn_, nullptr));
  }
  std::vector<boost::json::value> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  int close_code() const {
    std::lock_guard lock(mutex_);
    return close_code_;
  }

 private:
  asio::any_io_executor ex_;
  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::vector<boost::json::value> sent_;
  std::size_t pending_ = 0;
  bool open_ = true;
  int close_code_ = 0;
  std::size_t drain_at_ = 0;
  std::function<void()> drain_fn_;
};

std::vector<std::int64_t> event_seqs(const std::vector<boost::json::value>& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) {
    if (m.at("type").as_string() == "event") out.push_back(m.at("event").at("seq").as_int64());
  }
  return out;
}

class stream_hub_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = core::fresh_test_dir("siaga-stream-");
    auto st = storage::open_sqlite({(dir_ / "t.db").string()});
    ASSERT_TRUE(st.has_value()) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate().has_value());
    admin_ = services::system_actor("j1");
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      return tx.insert_jurisdiction(domain::jurisdiction{"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}});
    }));
    damkar_ = make_agency("DAMKAR", domain::agency_kind::fire);
    psc_ = make_agency("PSC119", domain::agency_kind::health);
    fire_ = make_category("fire", damkar_);
    medical_ = make_category("medical", psc_);
    call_taker_ = services::actor{"u-ct", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
    damkar_op_ = services::actor{"u-op", "j1", domain::role::agency_operator, damkar_, "Operator Damkar"};
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    hubs_.clear();
    work_.reset();
    io_.stop();
    thread_.join();
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  services::context ctx() { return services::context{clock_, ids_, random_}; }

  std::string make_agency(const std::string& code, domain::agency_kind kind) {
    std::string id;
    EXPECT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      domain::agency a;
      a.code = code;
      a.name = code;
      a.kind = kind;
      auto saved = services::save_agency(tx, ctx(), admin_, a);
      if (!saved) return saved.error();
      id = saved->id;
      return {};
    }));
    return id;
  }

  std::string make_category(const std::string& code, const std::string& agency) {
    std::string id;
    EXPECT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      domain::category c;
      c.code = code;
      c.name_id = code;
      c.urgency_class = domain::urgency::emergency;
      c.run_card = {{agency, domain::dispatch_role::primary}};
      auto saved = services::save_category(tx, ctx(), admin_, c);
      if (!saved) return saved.error();
      id = saved->id;
      return {};
    }));
    return id;
  }

  // Creates an incident of the category (dispatched by its run card); returns its id.
  std::string create_incident(const std::string& category) {
    std::string id;
    EXPECT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      services::new_incident in;
      in.category_id = category;
      auto inc = services::create_incident(tx, ctx(), call_taker_, in);
      if (!inc) return inc.error();
      id = inc->id;
      return {};
    }));
    return id;
  }

  // The events committed since the last call, as the commit listener would get them.
  std::vector<domain::event> committed() {
    auto events = store_->reader().events_after(read_up_to_, 10'000);
    EXPECT_TRUE(events.has_value());
    if (!events->empty()) read_up_to_ = events->back().seq;
    return *events;
  }

  // A batch as the store hands it to the commit listener.
  static storage::committed_events shared(std::vector<domain::event> events) {
    return std::make_shared<const std::vector<domain::event>>(std::move(events));
  }

  std::int64_t newest() {
    auto all = store_->reader().events_of_jurisdiction("j1");
    return all->empty() ? 0 : all->back().seq;
  }

  stream_hub& make_hub(std::size_t queue_limit) {
    hubs_.push_back(std::make_unique<stream_hub>(*store_, clock_, io_.get_executor(), queue_limit));
    EXPECT_TRUE(hubs_.back()->start().has_value());
    return *hubs_.back();
  }

  // Opens a subscriber on a fake connection, on the io thread as the server would.
  std::shared_ptr<fake_connection> connect(stream_hub& hub, const services::actor& who,
                                           std::optional<std::int64_t> after, std::size_t limit = 1000) {
    auto conn = std::make_shared<fake_connection>(io_.get_executor(), limit);
    auto accept = std::make_shared<net::websocket_accept>(hub.accept(who, after));
    accepts_.push_back(accept);
    run_on_io([&] { accept->on_open(conn); });
    return conn;
  }

  void run_on_io(const std::function<void()>& fn) {
    std::promise<void> done;
    asio::post(io_, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  // Waits until everything posted so far (fan-out, paced backlog) has run.
  void settle() {
    for (int i = 0; i < 5; ++i) run_on_io([] {});
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  core::manual_clock clock_{core::from_micros(1'795'000'000'000'000)};
  core::secure_random random_;
  core::id_generator ids_{random_};
  services::actor admin_, call_taker_, damkar_op_;
  std::string damkar_, psc_, fire_, medical_;
  std::int64_t read_up_to_ = 0;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
  std::vector<std::shared_ptr<net::websocket_accept>> accepts_;
  std::vector<std::unique_ptr<stream_hub>> hubs_;
};

TEST_F(stream_hub_test, start_finds_the_newest_seq) {
  auto& empty_hub = make_hub(1000);
  EXPECT_EQ(empty_hub.last_seq(), newest());
  for (int i = 0; i < 5; ++i) create_incident(fire_);
  auto& hub = make_hub(1000);
  EXPECT_EQ(hub.last_seq(), newest());
  EXPECT_GT(hub.last_seq(), 10);
}

TEST_F(stream_hub_test, live_subscriber_gets_hello_then_each_published_event_once) {
  create_incident(fire_);
  committed();
  auto& hub = make_hub(1000);
  auto conn = connect(hub, call_taker_, std::nullopt);
  EXPECT_EQ(hub.subscribers(), 1u);
  auto id = create_incident(fire_);
  auto batch = committed();
  hub.publish(shared(batch));
  settle();
  auto sent = conn->sent();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].at("type").as_string(), "hello");
  EXPECT_EQ(sent[0].at("last_seq").as_int64(), batch.front().seq - 1);
  EXPECT_TRUE(sent[0].at("after").is_null());
  std::vector<std::int64_t> expected;
  for (const auto& e : batch) expected.push_back(e.seq);
  EXPECT_EQ(event_seqs(sent), expected);
  EXPECT_EQ(sent[1].at("event").at("kind").as_string(), "incident.created");
  EXPECT_EQ(sent[1].at("event").at("incident_id").as_string(), id);
  EXPECT_EQ(hub.last_seq(), batch.back().seq);

  // Unsubscribed on close: nothing more arrives.
  accepts_.back()->on_close();
  EXPECT_EQ(hub.subscribers(), 0u);
  create_incident(fire_);
  hub.publish(shared(committed()));
  settle();
  EXPECT_EQ(conn->sent().size(), sent.size());
}

TEST_F(stream_hub_test, operator_sees_only_incidents_dispatched_to_its_agency) {
  auto& hub = make_hub(1000);
  committed();
  auto conn = connect(hub, damkar_op_, std::nullopt);
  auto fire = create_incident(fire_);
  auto medical = create_incident(medical_);
  auto batch = committed();
  hub.publish(shared(batch));
  settle();
  std::vector<std::int64_t> expected;
  for (const auto& e : batch) {
    bool mine = e.incident_id == fire;
    EXPECT_TRUE(mine || e.incident_id == medical);
    if (mine) expected.push_back(e.seq);
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(event_seqs(conn->sent()), expected);
}

// Visibility is decided once per audience (role, agency, jurisdiction, kind of account): every
// subscriber still gets exactly what its own user may see, whatever the others in the hub.
TEST_F(stream_hub_test, subscribers_of_different_audiences_each_get_what_their_user_sees) {
  auto& hub = make_hub(1000);
  committed();
  const services::actor psc_op{"u-psc", "j1", domain::role::agency_operator, psc_, "Operator PSC"};
  const services::actor other_damkar_op{"u-op2", "j1", domain::role::agency_operator, damkar_, "Operator Damkar 2"};
  const services::actor elsewhere{"u-ct2", "j2", domain::role::call_taker, std::nullopt, "Petugas kota lain"};
  auto damkar_1 = connect(hub, damkar_op_, std::nullopt);
  auto psc = connect(hub, psc_op, std::nullopt);
  auto taker = connect(hub, call_taker_, std::nullopt);
  auto damkar_2 = connect(hub, other_damkar_op, std::nullopt);
  auto other_city = connect(hub, elsewhere, std::nullopt);
  auto fire = create_incident(fire_);
  auto medical = create_incident(medical_);
  auto batch = committed();
  hub.publish(shared(batch));
  settle();
  std::vector<std::int64_t> all, fire_seqs, medical_seqs;
  for (const auto& e : batch) {
    all.push_back(e.seq);
    if (e.incident_id == fire) fire_seqs.push_back(e.seq);
    if (e.incident_id == medical) medical_seqs.push_back(e.seq);
  }
  ASSERT_FALSE(fire_seqs.empty());
  ASSERT_FALSE(medical_seqs.empty());
  EXPECT_EQ(event_seqs(damkar_1->sent()), fire_seqs);
  EXPECT_EQ(event_seqs(damkar_2->sent()), fire_seqs);
  EXPECT_EQ(event_seqs(psc->sent()), medical_seqs);
  EXPECT_EQ(event_seqs(taker->sent()), all);
  EXPECT_TRUE(event_seqs(other_city->sent()).empty()) << "another jurisdiction's call taker sees none of j1";
}

TEST_F(stream_hub_test, resume_sends_the_backlog_once_when_fan_out_lags_behind) {
  create_incident(fire_);
  auto& hub = make_hub(1000);
  hub.publish(shared(committed()));
  settle();
  auto resume_point = hub.last_seq();
  // Committed but not yet seen by the hub: the backlog reads them from the store first.
  create_incident(fire_);
  create_incident(fire_);
  auto late = committed();
  auto conn = connect(hub, call_taker_, resume_point);
  settle();
  // The hub now hears of them, then of newer ones.
  hub.publish(shared(late));
  create_incident(fire_);
  auto fresh = committed();
  hub.publish(shared(fresh));
  settle();
  auto sent = conn->sent();
  EXPECT_EQ(sent[0].at("after").as_int64(), resume_point);
  auto got = event_seqs(sent);
  ASSERT_FALSE(got.empty());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], resume_point + 1 + static_cast<std::int64_t>(i));
  EXPECT_EQ(got.back(), fresh.back().seq);
}

TEST_F(stream_hub_test, live_events_during_a_paced_backlog_are_neither_lost_nor_repeated) {
  // A small queue: the backlog stops at its pacing point until the client drains, and the
  // live events that arrive meanwhile overflow the subscriber's buffer (2 events), so the
  // hub must page the store again.
  for (int i = 0; i < 3; ++i) create_incident(fire_);
  auto& hub = make_hub(8);
  hub.publish(shared(committed()));
  settle();
  auto conn = connect(hub, call_taker_, 0, 8);
  settle();
  EXPECT_LE(conn->queued(), 8u);
  for (int i = 0; i < 3; ++i) {
    create_incident(fire_);
    hub.publish(shared(committed()));
  }
  settle();
  auto target = newest();
  for (int rounds = 0; rounds < 1000; ++rounds) {
    auto got = event_seqs(conn->sent());
    if (!got.empty() && got.back() == target) break;
    conn->drain();
    settle();
  }
  EXPECT_TRUE(conn->is_open());
  auto got = event_seqs(conn->sent());
  std::string listing;
  for (auto g : got) listing += std::to_string(g) + " ";
  ASSERT_EQ(got.size(), static_cast<std::size_t>(target)) << listing;
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], static_cast<std::int64_t>(i) + 1);
  // Live from here on.
  conn->drain();
  create_incident(fire_);
  auto fresh = committed();
  hub.publish(shared(fresh));
  settle();
  EXPECT_TRUE(conn->is_open());
  EXPECT_EQ(event_seqs(conn->sent()).back(), fresh.back().seq);
}

TEST_F(stream_hub_test, operator_backlog_applies_the_same_rule) {
  auto& hub = make_hub(1000);
  hub.publish(shared(committed()));
  settle();
  auto from = hub.last_seq();
  auto fire = create_incident(fire_);
  create_incident(medical_);
  auto batch = committed();
  auto conn = connect(hub, damkar_op_, from);
  settle();
  hub.publish(shared(batch));
  settle();
  std::vector<std::int64_t> expected;
  for (const auto& e : batch) {
    if (e.incident_id == fire) expected.push_back(e.seq);
  }
  EXPECT_EQ(event_seqs(conn->sent()), expected);
}

}  // namespace
}  // namespace siaga::api
