// The call on the call taker's screen (issue 9), server side: users mapped to their PBX agent
// so that the console knows which live call is theirs, and the caller card with the reports
// from the number that are still being worked on.
#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"
#include "support/ws_client.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

class live_call : public shared_server_test {
 protected:
  void SetUp() override {
    admin_ = client_.login("admin", demo_password);
    ct_ = client_.login("calltaker", demo_password);
  }

  std::string user_id(const std::string& username) {
    auto r = client_.get("/api/v1/users", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& u : r.json().at("items").as_array()) {
      if (str(u, "username") == username) return str(u, "id");
    }
    ADD_FAILURE() << "no user " << username;
    return {};
  }

  std::string agent_of(const std::string& username) {
    auto r = client_.get("/api/v1/users", admin_);
    for (const auto& u : r.json().at("items").as_array()) {
      if (str(u, "username") == username) return str(u, "pbx_agent");
    }
    return "?";
  }

  std::string admin_, ct_;
};

TEST_F(live_call, an_admin_maps_users_to_pbx_agents_and_refusals_change_nothing) {
  auto ct = user_id("calltaker");
  auto set = client_.request("PATCH", "/api/v1/users/" + ct, json::serialize(json::object{{"pbx_agent", "ext201"}}),
                             admin_);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(str(set.json(), "pbx_agent"), "ext201");
  auto me = client_.get("/api/v1/me", client_.login("calltaker", demo_password));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json(), "pbx_agent"), "ext201");

  // Taken by the call taker: a second user cannot answer as ext201.
  auto sup = user_id("supervisor");
  auto taken = client_.request("PATCH", "/api/v1/users/" + sup, json::serialize(json::object{{"pbx_agent", "ext201"}}),
                               admin_);
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(str(taken.json(), "error"), "conflict");
  EXPECT_EQ(agent_of("supervisor"), "");
  auto made = client_.post("/api/v1/users",
                           json::object{{"username", "ct2"},
                                        {"display_name", "Petugas Dua"},
                                        {"role", "call_taker"},
                                        {"password", "rahasia-sekali-112"},
                                        {"pbx_agent", "ext201"}},
                           admin_);
  EXPECT_EQ(made.status, 409) << made.body;
  EXPECT_EQ(user_id("calltaker"), ct);

  auto bad = client_.request("PATCH", "/api/v1/users/" + sup, json::serialize(json::object{{"pbx_agent", "ext 9!"}}),
                             admin_);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(str(bad.json(), "error"), "invalid_input");
  auto not_text = client_.request("PATCH", "/api/v1/users/" + sup, json::serialize(json::object{{"pbx_agent", 201}}),
                                  admin_);
  EXPECT_EQ(not_text.status, 400) << not_text.body;
  EXPECT_EQ(agent_of("supervisor"), "");
  auto by_ct = client_.request("PATCH", "/api/v1/users/" + sup, json::serialize(json::object{{"pbx_agent", "ext202"}}),
                               ct_);
  EXPECT_EQ(by_ct.status, 403) << by_ct.body;
  EXPECT_EQ(agent_of("supervisor"), "");

  // A new user with an agent of its own, and clearing an agent.
  auto ct3 = client_.post("/api/v1/users",
                          json::object{{"username", "ct3"},
                                       {"display_name", "Petugas Tiga"},
                                       {"role", "call_taker"},
                                       {"password", "rahasia-sekali-112"},
                                       {"pbx_agent", "sip:ct3@pbx"}},
                          admin_);
  ASSERT_EQ(ct3.status, 201) << ct3.body;
  EXPECT_EQ(str(ct3.json(), "pbx_agent"), "sip:ct3@pbx");
  auto cleared = client_.request("PATCH", "/api/v1/users/" + str(ct3.json(), "id"),
                                 json::serialize(json::object{{"pbx_agent", ""}}), admin_);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(str(cleared.json(), "pbx_agent"), "");
}

TEST_F(live_call, the_caller_card_lists_the_numbers_reports_still_being_worked_on) {
  auto key_reply = client_.post("/api/v1/api_keys", json::object{{"name", "PBX kartu"}}, admin_);
  ASSERT_EQ(key_reply.status, 201) << key_reply.body;
  auto key = str(key_reply.json(), "secret");
  const std::string number = "+6281277770001";
  auto t = core::system_clock{}.now() - 30min;
  auto ev = [&](const std::string& id, const std::string& type, core::timestamp at) {
    return json::object{{"event_id", id}, {"call_id", "card-1"}, {"type", type}, {"at", core::format_utc(at)}};
  };
  auto ring = ev("card-1-r", "ringing", t);
  ring["caller"] = number;
  ring["line"] = "112";
  auto answered = ev("card-1-a", "answered", t + 5s);
  answered["agent"] = "ext201";
  json::array events{ring, answered};
  auto sent = client_.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", events}}),
                              {}, "application/json", {{"X-Api-Key", key}});
  ASSERT_EQ(sent.status, 200) << sent.body;

  auto card = client_.get("/api/v1/callers/" + number, ct_);
  ASSERT_EQ(card.status, 200) << card.body;
  EXPECT_TRUE(card.json().at("open_reports").as_array().empty());
  ASSERT_EQ(card.json().at("recent_calls").as_array().size(), 1u);
  auto call_id = str(card.json().at("recent_calls").as_array()[0], "id");

  auto classified = client_.post(
      "/api/v1/calls/" + call_id + "/classify",
      json::object{{"classification", "valid"}, {"report", json::object{{"description", "Asap dari gudang"}}}}, ct_);
  ASSERT_EQ(classified.status, 200) << classified.body;
  auto report_id = str(classified.json(), "report_id");
  card = client_.get("/api/v1/callers/" + number, ct_);
  ASSERT_EQ(card.status, 200) << card.body;
  auto open = card.json().at("open_reports").as_array();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(str(open[0].at("report"), "id"), report_id);
  EXPECT_TRUE(open[0].at("incident").is_null());

  auto cats = client_.get("/api/v1/categories", ct_);
  std::string fire;
  for (const auto& c : cats.json().at("items").as_array()) {
    if (str(c, "code") == "fire") fire = str(c, "id");
  }
  auto accepted = client_.post("/api/v1/reports/" + report_id + "/accept", json::object{{"category_id", fire}}, ct_);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  card = client_.get("/api/v1/callers/" + number, ct_);
  open = card.json().at("open_reports").as_array();
  ASSERT_EQ(open.size(), 1u);
  ASSERT_TRUE(open[0].at("incident").is_object());
  EXPECT_EQ(str(open[0].at("incident"), "status"), "dispatched");  // the run card went out on accept

  // The card is the dispatchers' view: a leader and an agency operator are refused.
  EXPECT_EQ(client_.get("/api/v1/callers/" + number, client_.login("walikota", demo_password)).status, 403);
  EXPECT_EQ(client_.get("/api/v1/callers/" + number, client_.login("damkar", demo_password)).status, 403);
}

TEST_F(live_call, a_dial_request_reaches_the_pbx_bridge_and_the_call_it_placed_is_linked) {
  auto key_reply = client_.post("/api/v1/api_keys", json::object{{"name", "PBX dial"}}, admin_);
  ASSERT_EQ(key_reply.status, 201) << key_reply.body;
  auto key = str(key_reply.json(), "secret");
  const std::string number = "+6281277770002";
  auto t = core::system_clock{}.now() - 1h;
  json::array events;
  auto ring = json::object{{"event_id", "dial-1-r"}, {"call_id", "dial-1"}, {"type", "ringing"},
                           {"at", core::format_utc(t)}, {"caller", number}, {"line", "112"}};
  auto end = json::object{{"event_id", "dial-1-e"}, {"call_id", "dial-1"}, {"type", "ended"},
                          {"at", core::format_utc(t + 30s)}, {"reason", "caller_hangup"}};
  events.push_back(ring);
  events.push_back(end);
  auto sent = client_.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", events}}),
                              {}, "application/json", {{"X-Api-Key", key}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto list = client_.get("/api/v1/callbacks?caller=" + number, ct_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json().at("items").as_array().size(), 1u);
  auto id = str(list.json().at("items").as_array()[0], "id");

  // A user's session is not a bridge, nor is a wrong key.
  ws_client by_user(server_->port());
  EXPECT_EQ(by_user.connect("/api/v1/telephony/stream", {{"Authorization", "Bearer " + ct_}}), 401);
  ws_client wrong(server_->port());
  EXPECT_EQ(wrong.connect("/api/v1/telephony/stream?api_key=sk112_wrong"), 401);

  ws_client bridge(server_->port());
  ASSERT_EQ(bridge.connect("/api/v1/telephony/stream", {{"X-Api-Key", key}}), 101) << bridge.refusal_body();
  auto hello = bridge.next();
  ASSERT_TRUE(hello);
  EXPECT_EQ(str(*hello, "type"), "hello");

  // Not dialled yet: the bridge cannot report a call for it.
  auto early = client_.request("POST", "/api/v1/callbacks/" + id + "/dialed",
                               json::serialize(json::object{{"call_id", "out-1"}, {"outcome", "answered"}}), {},
                               "application/json", {{"X-Api-Key", key}});
  EXPECT_EQ(early.status, 409) << early.body;

  auto dial = client_.post("/api/v1/callbacks/" + id + "/dial", json::object{}, ct_);
  ASSERT_EQ(dial.status, 200) << dial.body;
  // The bridge sees the dial request, and nothing of the calls, callers or reports before it.
  auto msg = bridge.next();
  ASSERT_TRUE(msg) << bridge.last_error();
  const auto& ev = msg->at("event");
  EXPECT_EQ(str(ev, "kind"), "callback.dial_requested");
  EXPECT_EQ(str(ev, "subject_id"), id);
  EXPECT_EQ(str(ev.at("payload"), "number"), number);

  auto post_dialed = [&](const json::object& body, const std::string& secret) {
    return client_.request("POST", "/api/v1/callbacks/" + id + "/dialed", json::serialize(body), {},
                           "application/json", {{"X-Api-Key", secret}});
  };
  EXPECT_EQ(post_dialed({{"call_id", "out-1"}, {"outcome", "answered"}}, "sk112_wrong").status, 401);
  EXPECT_EQ(post_dialed({{"call_id", "out-1"}, {"outcome", "maybe"}}, key).status, 400);
  EXPECT_EQ(post_dialed({{"call_id", ""}, {"outcome", "busy"}}, key).status, 400);
  EXPECT_EQ(post_dialed({{"call_id", "out-1"}, {"outcome", "busy"}, {"extra", 1}}, key).status, 400);
  auto unchanged = client_.get("/api/v1/callbacks?caller=" + number, ct_);
  EXPECT_EQ(str(unchanged.json().at("items").as_array()[0], "dialed_call"), "");
  EXPECT_EQ(unchanged.json().at("items").as_array()[0].at("attempts").as_int64(), 0);
  auto unknown = client_.request("POST", "/api/v1/callbacks/no-such/dialed",
                                 json::serialize(json::object{{"call_id", "out-1"}, {"outcome", "busy"}}), {},
                                 "application/json", {{"X-Api-Key", key}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;

  // Nobody picked up: linked, and counted as an attempt without an answer.
  auto busy = post_dialed({{"call_id", "out-1"}, {"outcome", "no_answer"}}, key);
  ASSERT_EQ(busy.status, 200) << busy.body;
  EXPECT_EQ(str(busy.json(), "dialed_call"), "out-1");
  EXPECT_EQ(str(busy.json(), "status"), "open");
  EXPECT_EQ(busy.json().at("attempts").as_int64(), 1);

  // Dialled again and answered: linked, the call taker now records what the call found.
  ASSERT_EQ(client_.post("/api/v1/callbacks/" + id + "/dial", json::object{}, ct_).status, 200);
  auto answered = post_dialed({{"call_id", "out-2"}, {"outcome", "answered"}}, key);
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(str(answered.json(), "dialed_call"), "out-2");
  EXPECT_EQ(str(answered.json(), "status"), "in_progress");
  EXPECT_EQ(answered.json().at("attempts").as_int64(), 1);
}

}  // namespace siaga::testing
