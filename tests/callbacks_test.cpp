// One open callback task per number, over the real server: the same unanswered calls sent by a
// PBX bridge in two different orders (and batchings) to two servers leave the same tasks, and
// those tasks are the ones the rule says: a number's unanswered calls merged into the task of
// its first, superseded by a follow-up within 10 minutes, a new task after a 24 h gap, expired
// once 24 h passed after the last call.
#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/telephony.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The events of one call: rings, answered after 6 s or not, ended after 60 s.
std::vector<json::object> call_events(const std::string& call, const std::string& caller, core::timestamp at,
                                      bool answer) {
  return simple_call_events(call, caller, at, answer);
}

const std::string n1 = "+6281100000001", n2 = "+6281100000002", n3 = "+6281100000003", n4 = "+6281100000004";

// What a task looks like, with call ids replaced by the PBX's: status, the PBX id of the call
// whose row carries it (merged rows), calls, due, last call.
using task_shape = std::tuple<std::string, std::string, std::int64_t, std::string, std::string>;

class replay {
 public:
  void send(const std::vector<json::object>& events) {
    auto r = bridge_.post_batch(events);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The tasks of a number by the PBX id of their call.
  std::map<std::string, task_shape> tasks_of(const std::string& number) {
    std::map<std::string, std::string> external;  // call record id -> PBX id
    auto calls = client_.get("/api/v1/calls?caller=" + number + "&limit=500", ct_);
    EXPECT_EQ(calls.status, 200) << calls.body;
    for (const auto& c : calls.json().at("items").as_array()) external[str(c, "id")] = str(c, "external_id");
    auto r = client_.get("/api/v1/callbacks?status=any&caller=" + number + "&limit=500", ct_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::string> call_of_task;  // callback id -> PBX id of its call
    for (const auto& t : r.json().at("items").as_array()) call_of_task[str(t, "id")] = external[str(t, "call_id")];
    std::map<std::string, task_shape> out;
    for (const auto& v : r.json().at("items").as_array()) {
      const auto& t = v.as_object();
      auto into = t.at("merged_into").is_string() ? call_of_task[str(t, "merged_into")] : std::string();
      auto last = t.at("last_call_at").is_string() ? str(t, "last_call_at") : std::string();
      out[external[str(t, "call_id")]] = {str(t, "status"), into, t.at("calls").as_int64(), str(t, "due_at"), last};
    }
    return out;
  }

 private:
  server_process server_;
  pbx_bridge bridge_{server_.port()};
  http_client& client_ = bridge_.client();
  const std::string& ct_ = bridge_.calltaker();
};

}  // namespace

TEST(callbacks_per_number, two_orders_of_the_same_calls_leave_the_same_tasks) {
  const auto now = core::system_clock{}.now();
  std::vector<std::vector<json::object>> calls{
      // n1: three unanswered calls in five hours: one task on the first.
      call_events("p1a", n1, now - 5h, false),
      call_events("p1b", n1, now - 4h - 50min, false),
      call_events("p1c", n1, now - 3h, false),
      // n2: got through two minutes later (superseded), then a new unanswered call.
      call_events("p2a", n2, now - 6h, false),
      call_events("p2b", n2, now - 6h + 2min, true),
      call_events("p2c", n2, now - 2h, false),
      // n3: 30 h between two unanswered calls: the first task expired, the second open.
      call_events("p3a", n3, now - 40h, false),
      call_events("p3b", n3, now - 10h, false),
      // n4: an answered call long after (no follow-up) and two unanswered ones.
      call_events("p4a", n4, now - 3h, false),
      call_events("p4b", n4, now - 2h, false),
      call_events("p4c", n4, now - 1h, true),
  };
  replay first;
  for (const auto& c : calls) first.send(c);

  std::vector<json::object> all;
  for (const auto& c : calls) all.insert(all.end(), c.begin(), c.end());
  std::mt19937 rng(112);
  std::shuffle(all.begin(), all.end(), rng);
  replay second;
  for (std::size_t i = 0; i < all.size(); i += 7) {
    second.send(std::vector<json::object>(all.begin() + i, all.begin() + std::min(all.size(), i + 7)));
  }

  for (const auto& n : {n1, n2, n3, n4}) {
    auto a = first.tasks_of(n);
    EXPECT_EQ(a, second.tasks_of(n)) << n;
  }
  auto t1 = first.tasks_of(n1);
  ASSERT_EQ(t1.size(), 3u);
  EXPECT_EQ(std::get<0>(t1["p1a"]), "open");
  EXPECT_EQ(std::get<2>(t1["p1a"]), 3);
  EXPECT_EQ(t1["p1b"], task_shape("merged", "p1a", 1, std::get<3>(t1["p1b"]), std::get<4>(t1["p1b"])));
  EXPECT_EQ(std::get<0>(t1["p1c"]), "merged");
  EXPECT_EQ(std::get<1>(t1["p1c"]), "p1a");
  EXPECT_EQ(std::get<4>(t1["p1a"]), core::format_utc(now - 3h + 60s));

  auto t2 = first.tasks_of(n2);
  ASSERT_EQ(t2.size(), 2u);
  EXPECT_EQ(std::get<0>(t2["p2a"]), "superseded");
  EXPECT_EQ(std::get<0>(t2["p2c"]), "open");
  EXPECT_EQ(std::get<2>(t2["p2c"]), 1);

  auto t3 = first.tasks_of(n3);
  ASSERT_EQ(t3.size(), 2u);
  EXPECT_EQ(std::get<0>(t3["p3a"]), "expired");
  EXPECT_EQ(std::get<0>(t3["p3b"]), "open");

  auto t4 = first.tasks_of(n4);
  ASSERT_EQ(t4.size(), 2u);
  EXPECT_EQ(std::get<0>(t4["p4a"]), "open");
  EXPECT_EQ(std::get<2>(t4["p4a"]), 2);
  EXPECT_EQ(std::get<0>(t4["p4b"]), "merged");
}

}  // namespace siaga::testing
