// Calls and callers over the real server: telephony events from a PBX bridge (idempotent, in
// any order), a month of generated calls whose statistics must match the generated truth
// exactly, the prank policy and the decision a PBX asks for, callbacks, AML / ELS location,
// api keys, and bad input that changes nothing.
#include "app/simulate.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"
#include "support/telephony.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string iso(core::timestamp t) {
  return core::format_utc(t);
}

core::timestamp now() {
  return core::system_clock{}.now();
}

// The admin creates an api key; returns the secret.
std::string make_api_key(http_client& c, const std::string& admin, const std::string& name) {
  auto r = c.post("/api/v1/api_keys", json::object{{"name", name}}, admin);
  EXPECT_EQ(r.status, 201) << r.body;
  return str(r.json(), "secret");
}

http_reply post_events(http_client& c, const std::string& key, const json::value& body) {
  return c.request("POST", "/api/v1/telephony/events", json::serialize(body), {}, "application/json",
                   {{"X-Api-Key", key}});
}

json::object event(const std::string& id, const std::string& call, const std::string& type, core::timestamp at) {
  return {{"event_id", id}, {"call_id", call}, {"type", type}, {"at", iso(at)}};
}

// The events of one simple call: rings, answered after 6 s (or not), ended after 60 s.
json::array simple_call(const std::string& call, const std::string& caller, core::timestamp at, bool answer,
                        bool silent = false) {
  auto events = simple_call_events(call, caller, at, answer);
  if (silent) events.back()["silent"] = true;
  return json::array(events.begin(), events.end());
}

std::int64_t total_of(http_client& c, const std::string& token, const std::string& path) {
  auto r = c.get(path, token);
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return r.json().is_object() ? r.json().at("total").as_int64() : -1;
}

void expect_error(const http_reply& r, int status, const std::string& code, const std::string& part = {}) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(str(r.json(), "error"), code) << r.body;
  if (!part.empty()) {
    EXPECT_NE(str(r.json(), "message").find(part), std::string::npos) << r.body;
  }
}

}  // namespace

class calls_api : public shared_server_test {
 protected:
  void SetUp() override {
    admin_ = client_.login("admin", demo_password);
    ct_ = client_.login("calltaker", demo_password);
    sup_ = client_.login("supervisor", demo_password);
    if (key_.empty()) key_ = make_api_key(client_, admin_, "PBX uji");
  }

  // The call record of a PBX call id, looked up through the list.
  json::object call_by_external(const std::string& external, const std::string& caller) {
    auto r = client_.get("/api/v1/calls?caller=" + caller + "&limit=500", ct_);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& c : r.json().at("items").as_array()) {
      if (str(c, "external_id") == external) return c.as_object();
    }
    ADD_FAILURE() << "no call " << external;
    return {};
  }

  static std::string key_;
  std::string admin_, ct_, sup_;
};
std::string calls_api::key_;

TEST_F(calls_api, events_are_idempotent_and_their_order_does_not_matter) {
  auto t = now() - 50min;
  auto in_order = simple_call("pbx-a", "0812-1111-0001", t, true);
  auto reversed = simple_call("pbx-b", "+62 812 1111 0002", t, true);
  std::reverse(reversed.begin(), reversed.end());
  auto first = post_events(client_, key_, in_order[0]);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("duplicate").as_bool(), false);
  EXPECT_EQ(str(first.json().at("call"), "phase"), "ringing");
  EXPECT_EQ(str(first.json().at("call"), "caller"), "+6281211110001");
  EXPECT_EQ(str(first.json().at("caller").at("decision"), "decision"), "allow");
  ASSERT_EQ(post_events(client_, key_, json::object{{"events", json::array{in_order[1], in_order[2]}}}).status, 200);
  for (const auto& e : reversed) ASSERT_EQ(post_events(client_, key_, e).status, 200);
  // Sent again: duplicates, nothing changes.
  auto again = post_events(client_, key_, json::object{{"events", reversed}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("duplicates").as_int64(), 3);
  EXPECT_EQ(again.json().at("accepted").as_int64(), 0);

  auto a = call_by_external("pbx-a", "+6281211110001");
  auto b = call_by_external("pbx-b", "+6281211110002");
  for (const auto* c : {&a, &b}) {
    EXPECT_EQ(str(*c, "outcome"), "answered");
    EXPECT_EQ(str(*c, "ring_at"), iso(t));
    EXPECT_EQ(str(*c, "answered_at"), iso(t + 6s));
    EXPECT_EQ(str(*c, "ended_at"), iso(t + 60s));
    EXPECT_DOUBLE_EQ(c->at("wait_s").as_double(), 6.0);
    EXPECT_DOUBLE_EQ(c->at("talk_s").as_double(), 54.0);
    EXPECT_EQ(str(*c, "agent"), "ext201");
  }
  auto detail = client_.get("/api/v1/calls/" + str(b, "id"), ct_);
  ASSERT_EQ(detail.status, 200) << detail.body;
  ASSERT_EQ(detail.json().at("events").as_array().size(), 3u);
  EXPECT_EQ(str(detail.json().at("events").as_array()[0], "type"), "ringing");
  // Ended 49 minutes ago and unclassified: past the wrap-up, so the number is masked
  // (POST /calls/{id}/caller reveals it).
  EXPECT_EQ(str(detail.json().at("caller_view"), "number"), "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0002");
  EXPECT_TRUE(detail.json().at("caller_view").at("number_masked").as_bool());
  EXPECT_TRUE(detail.json().at("caller_masked").as_bool());

  // A bridge catching up asks for the short answer (RFC 7240): ids and counts only.
  auto late = simple_call("pbx-c", "0812-1111-0003", t, false);
  auto short_one = client_.request("POST", "/api/v1/telephony/events", json::serialize(late[0]), {}, "application/json",
                                   {{"X-Api-Key", key_}, {"Prefer", "respond-async, return=minimal"}});
  ASSERT_EQ(short_one.status, 200) << short_one.body;
  EXPECT_EQ(short_one.headers["preference-applied"], "return=minimal");
  EXPECT_EQ(short_one.json().as_object().size(), 2u) << short_one.body;
  EXPECT_FALSE(short_one.json().at("duplicate").as_bool());
  auto c_id = str(short_one.json(), "call_id");
  auto short_batch =
      client_.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", late}}), {},
                      "application/json", {{"X-Api-Key", key_}, {"Prefer", "return=minimal"}});
  ASSERT_EQ(short_batch.status, 200) << short_batch.body;
  EXPECT_EQ(short_batch.json().at("accepted").as_int64(), 1);
  EXPECT_EQ(short_batch.json().at("duplicates").as_int64(), 1);
  for (const auto& item : short_batch.json().at("results").as_array()) {
    EXPECT_EQ(item.as_object().size(), 2u) << short_batch.body;
    EXPECT_EQ(str(item, "call_id"), c_id);
  }
  EXPECT_EQ(str(call_by_external("pbx-c", "+6281211110003"), "id"), c_id);
  EXPECT_EQ(str(call_by_external("pbx-c", "+6281211110003"), "outcome"), "abandoned");
  // A repeat of a stored event whose call the batch does not otherwise touch: its call's id too.
  auto other = simple_call("pbx-d", "0812-1111-0004", t, false);
  auto mixed = client_.request("POST", "/api/v1/telephony/events",
                               json::serialize(json::object{{"events", json::array{late[0], other[0]}}}), {},
                               "application/json", {{"X-Api-Key", key_}, {"Prefer", "return=minimal"}});
  ASSERT_EQ(mixed.status, 200) << mixed.body;
  const auto& mixed_results = mixed.json().at("results").as_array();
  ASSERT_EQ(mixed_results.size(), 2u);
  EXPECT_TRUE(mixed_results[0].at("duplicate").as_bool());
  EXPECT_EQ(str(mixed_results[0], "call_id"), c_id);
  EXPECT_FALSE(mixed_results[1].at("duplicate").as_bool());
  EXPECT_EQ(str(mixed_results[1], "call_id"), str(call_by_external("pbx-d", "+6281211110004"), "id"));
  // Without the preference the answer stays whole.
  auto whole = post_events(client_, key_, late[1]);
  EXPECT_EQ(whole.headers.count("preference-applied"), 0u);
  EXPECT_TRUE(whole.json().as_object().contains("call"));

  // The same event id with other content: 409, nothing changes.
  auto clash = in_order[1].as_object();
  clash["agent"] = "ext999";
  expect_error(post_events(client_, key_, clash), 409, "conflict", "pbx-a-a");
  EXPECT_EQ(str(call_by_external("pbx-a", "+6281211110001"), "agent"), "ext201");
}

TEST_F(calls_api, bad_telephony_input_gets_a_4xx_and_changes_nothing) {
  auto before = total_of(client_, ct_, "/api/v1/calls?limit=1");
  auto t = now() - 40min;
  auto base = event("bad-1", "pbx-bad", "ringing", t);
  auto with = [&](const char* key, json::value v) {
    auto e = base;
    e[key] = std::move(v);
    return e;
  };
  auto without = [&](const char* key) {
    auto e = base;
    e.erase(key);
    return e;
  };
  expect_error(post_events(client_, key_, without("event_id")), 400, "invalid_input", "event_id");
  expect_error(post_events(client_, key_, without("call_id")), 400, "invalid_input", "call_id");
  expect_error(post_events(client_, key_, without("at")), 400, "invalid_input", "at");
  expect_error(post_events(client_, key_, with("type", "hold")), 400, "invalid_input", "hold");
  expect_error(post_events(client_, key_, with("at", "yesterday")), 400, "invalid_input", "at");
  expect_error(post_events(client_, key_, with("at", json::string(iso(now() + 3h)))), 400, "invalid_input", "future");
  expect_error(post_events(client_, key_, with("caller", "0812-ABCD")), 400, "invalid_input", "caller");
  expect_error(post_events(client_, key_, with("digits", "55")), 400, "invalid_input", "digits");
  expect_error(post_events(client_, key_, with("reasn", "x")), 400, "invalid_input", "reasn");
  auto ended = event("bad-2", "pbx-bad", "ended", t);
  expect_error(post_events(client_, key_, ended), 400, "invalid_input", "reason");
  ended["reason"] = "bored";
  expect_error(post_events(client_, key_, ended), 400, "invalid_input", "bored");
  auto answered = event("bad-3", "pbx-bad", "answered", t);
  expect_error(post_events(client_, key_, answered), 400, "invalid_input", "agent");
  auto dtmf = event("bad-4", "pbx-bad", "dtmf", t);
  dtmf["digits"] = "5a";
  expect_error(post_events(client_, key_, dtmf), 400, "invalid_input", "digits");
  // One bad event spoils the batch: nothing of it is stored.
  expect_error(post_events(client_, key_, json::object{{"events", json::array{base, with("type", "hold")}}}), 400,
               "invalid_input", "events[1]");
  expect_error(post_events(client_, key_, json::object{{"events", json::array{}}}), 400, "invalid_input", "events");
  expect_error(post_events(client_, key_, json::array{base}), 400, "invalid_input");
  expect_error(client_.request("POST", "/api/v1/telephony/events", "{\"event_id\": ", {}, "application/json",
                               {{"X-Api-Key", key_}}),
               400, "invalid_input");
  // Without a valid api key: 401, also for a signed-in user's session token.
  expect_error(post_events(client_, "", base), 401, "unauthenticated");
  expect_error(post_events(client_, "sk112_wrong", base), 401, "unauthenticated");
  expect_error(client_.request("POST", "/api/v1/telephony/events", json::serialize(base), ct_), 401, "unauthenticated");
  EXPECT_EQ(total_of(client_, ct_, "/api/v1/calls?limit=1"), before);
  // The good event alone goes in.
  EXPECT_EQ(post_events(client_, key_, base).status, 200);
  EXPECT_EQ(total_of(client_, ct_, "/api/v1/calls?limit=1"), before + 1);
}

// Issue 12, item 7: a bridge with a lost clock (1926, year 1) or events before the ring would
// give negative waits that count as "answered within 10 s" and a call live for ever.
TEST_F(calls_api, events_before_the_ring_or_from_a_lost_clock_are_refused) {
  auto before = total_of(client_, ct_, "/api/v1/calls?limit=1");
  auto in_1926 = event("old-1", "pbx-old", "ringing", core::from_micros(-1'385'000'000'000'000));
  in_1926["caller"] = "081234567001";
  expect_error(post_events(client_, key_, in_1926), 400, "invalid_input", "ten years");
  auto year_one = in_1926;
  year_one["at"] = "0001-01-01T00:00:00Z";
  expect_error(post_events(client_, key_, year_one), 400, "invalid_input");
  EXPECT_EQ(total_of(client_, ct_, "/api/v1/calls?limit=1"), before);

  // A call that rang 20 minutes ago: an answer or an end before that ring is refused, and the
  // whole batch with it; the call stays as it was.
  auto t = now() - 20min;
  auto ring = event("order-r", "pbx-order", "ringing", t);
  ring["caller"] = "081234567002";
  ASSERT_EQ(post_events(client_, key_, ring).status, 200);
  auto answered = event("order-a", "pbx-order", "answered", t - 1h);
  answered["agent"] = "ext201";
  expect_error(post_events(client_, key_, answered), 400, "invalid_input", "before the call rang");
  auto ended = event("order-e", "pbx-order", "ended", t + 60s);
  ended["reason"] = "completed";
  expect_error(post_events(client_, key_, json::object{{"events", json::array{ended, answered}}}), 400,
               "invalid_input", "event_id 'order-a'");
  // Found by its caller: the demo city's simulated calls of the last minutes (more of them at
  // Ambon's midday) would push it out of a page of the newest calls.
  auto call = call_by_external("pbx-order", "+6281234567002");
  ASSERT_FALSE(call.empty());
  EXPECT_TRUE(call.at("answered_at").is_null()) << json::serialize(call);
  EXPECT_TRUE(call.at("ended_at").is_null()) << json::serialize(call);

  // A ringing dated after the call's answer is refused too (the answer came first here).
  auto late_answer = event("late-a", "pbx-late", "answered", t);
  late_answer["agent"] = "ext201";
  ASSERT_EQ(post_events(client_, key_, late_answer).status, 200);
  auto late_ring = event("late-r", "pbx-late", "ringing", t + 5s);
  late_ring["caller"] = "081234567003";
  expect_error(post_events(client_, key_, late_ring), 400, "invalid_input", "after the call's first other event");
  // In order, the same call goes in.
  answered["at"] = iso(t + 8s);
  answered["event_id"] = "order-a2";
  EXPECT_EQ(post_events(client_, key_, json::object{{"events", json::array{answered, ended}}}).status, 200);
}

TEST_F(calls_api, three_pranks_block_the_number_until_a_supervisor_unblocks_it) {
  const std::string number = "+6281299990001";
  auto t = now() - 5h;
  for (int i = 0; i < 3; ++i) {
    auto id = "prank-" + std::to_string(i);
    ASSERT_EQ(post_events(client_, key_, json::object{{"events", simple_call(id, number, t + i * 1h, true)}}).status,
              200);
    auto call = call_by_external(id, number);
    auto r = client_.post("/api/v1/calls/" + str(call, "id") + "/classify",
                          json::object{{"classification", "prank"}, {"note", "iseng"}}, ct_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(r.json(), "classification"), "prank");
  }
  auto by_key = client_.request("GET", "/api/v1/callers/" + number + "/decision", {}, {}, "", {{"X-Api-Key", key_}});
  ASSERT_EQ(by_key.status, 200) << by_key.body;
  EXPECT_EQ(str(by_key.json(), "decision"), "block");
  EXPECT_EQ(str(by_key.json(), "reason_code"), "blocked");
  EXPECT_EQ(str(by_key.json(), "until"), iso(t + 2h + 24h));
  // The same through a bearer api key, a call taker's session, and a local way of writing it.
  auto by_bearer = client_.get("/api/v1/callers/0812-9999-0001/decision", key_);
  EXPECT_EQ(str(by_bearer.json(), "decision"), "block") << by_bearer.body;
  EXPECT_EQ(str(client_.get("/api/v1/callers/%2B6281299990001/decision", ct_).json(), "decision"), "block");
  EXPECT_EQ(str(client_.get("/api/v1/callers/081277770000/decision", key_).json(), "decision"), "allow");
  expect_error(client_.get("/api/v1/callers/not-a-number/decision", key_), 400, "invalid_input");
  expect_error(client_.get("/api/v1/callers/" + number + "/decision"), 401, "unauthenticated");
  expect_error(client_.get("/api/v1/callers/" + number + "/decision", client_.login("damkar", demo_password)), 403,
               "forbidden");

  auto caller = client_.get("/api/v1/callers/" + number, ct_);
  ASSERT_EQ(caller.status, 200) << caller.body;
  EXPECT_EQ(caller.json().at("history").at("prank").as_int64(), 3);
  EXPECT_EQ(caller.json().at("recent_calls").as_array().size(), 3u);
  EXPECT_FALSE(caller.json().at("flags").at("blocked_until").is_null());

  expect_error(client_.post("/api/v1/callers/" + number + "/unblock", json::object{}, ct_), 403, "forbidden");
  auto unblocked = client_.post("/api/v1/callers/" + number + "/unblock", json::object{{"note", "salah paham"}}, sup_);
  ASSERT_EQ(unblocked.status, 200) << unblocked.body;
  EXPECT_EQ(str(unblocked.json().at("decision"), "decision"), "allow");
  expect_error(client_.post("/api/v1/callers/" + number + "/unblock", json::object{}, sup_), 409, "conflict");
  EXPECT_EQ(str(client_.get("/api/v1/callers/" + number + "/decision", key_).json(), "decision"), "allow");
}

// POST /api/v1/calls/classifications: several verdicts in one write, all or none; bad input is
// a 4xx naming the item, and nothing is written.
TEST_F(calls_api, verdicts_sent_together_are_kept_all_or_none) {
  const std::string number = "+6281288880001";
  auto t = now() - 4h;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto ext = "bulk-" + std::to_string(i);
    ASSERT_EQ(post_events(client_, key_, json::object{{"events", simple_call(ext, number, t + i * 10min, i != 2)}}).status,
              200);
    ids.push_back(str(call_by_external(ext, number), "id"));
  }
  auto verdict = [](const std::string& id, const std::string& cls) {
    return json::object{{"call_id", id}, {"classification", cls}};
  };
  auto send = [&](const json::value& body, const std::string& token) {
    return client_.request("POST", "/api/v1/calls/classifications", json::serialize(body), token, "application/json",
                           {});
  };
  auto unchanged = [&] {
    for (const auto& id : ids) {
      auto r = client_.get("/api/v1/calls/" + id, ct_);
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_TRUE(r.json().at("classification").is_null()) << id << ": " << r.body;
    }
    EXPECT_EQ(client_.get("/api/v1/callers/" + number, ct_).json().at("history").at("prank").as_int64(), 0);
  };
  expect_error(send(json::object{{"items", json::array{}}}, ct_), 400, "invalid_input", "at least one");
  expect_error(send(json::object{{"items", "prank"}}, ct_), 400, "invalid_input", "items");
  expect_error(send(json::object{{"items", json::array{json::object{{"classification", "prank"}}}}}, ct_), 400,
               "invalid_input", "items[0]");
  expect_error(send(json::object{{"items", json::array{verdict(ids[0], "prank"), verdict(ids[1], "wrong")}}}, ct_), 400,
               "invalid_input", "items[1]");
  expect_error(send(json::object{{"items", json::array{verdict(ids[0], "prank"), verdict(ids[0], "ghost")}}}, ct_), 400,
               "invalid_input", "named twice");
  // The unanswered call (ids[2]) fails the request after two good verdicts: they are not kept.
  expect_error(send(json::object{{"items", json::array{verdict(ids[0], "prank"), verdict(ids[1], "prank"),
                                                       verdict(ids[2], "prank")}}},
                    ct_),
               409, "conflict", "items[2] (call " + ids[2] + ")");
  expect_error(send(json::object{{"items", json::array{verdict(ids[0], "prank"), verdict("no-such-call", "prank")}}}, ct_),
               404, "not_found", "items[1]");
  json::array too_many;
  for (int i = 0; i <= 500; ++i) too_many.push_back(verdict("call-" + std::to_string(i), "prank"));
  expect_error(send(json::object{{"items", too_many}}, ct_), 400, "invalid_input", "at most 500");
  expect_error(send(json::object{{"items", json::array{verdict(ids[0], "prank")}}},
                    client_.login("damkar", demo_password)),
               403, "forbidden");
  unchanged();

  auto done = send(json::object{{"items", json::array{verdict(ids[0], "prank"), verdict(ids[1], "prank"),
                                                      verdict(ids[3], "prank"), verdict(ids[4], "information")}}},
                   ct_);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json().at("classified").as_int64(), 4);
  const auto& items = done.json().at("items").as_array();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(str(items[0], "id"), ids[0]);
  EXPECT_EQ(str(items[2], "classification"), "prank");
  EXPECT_EQ(str(items[3], "classification"), "information");
  // Three pranks within the policy's window, as three single verdicts would: the number is blocked.
  auto caller = client_.get("/api/v1/callers/" + number, ct_);
  EXPECT_EQ(caller.json().at("history").at("prank").as_int64(), 3) << caller.body;
  EXPECT_EQ(str(client_.get("/api/v1/callers/" + number + "/decision", key_).json(), "decision"), "block");

  // A bulk client asks for the count alone.
  auto minimal = client_.request("POST", "/api/v1/calls/classifications",
                                 json::serialize(json::object{{"items", json::array{verdict(ids[4], "misdirected")}}}),
                                 ct_, "application/json", {{"Prefer", "return=minimal"}});
  ASSERT_EQ(minimal.status, 200) << minimal.body;
  EXPECT_EQ(minimal.json().at("classified").as_int64(), 1);
  EXPECT_FALSE(minimal.json().as_object().contains("items"));
  EXPECT_EQ(minimal.headers["preference-applied"], "return=minimal");
  EXPECT_EQ(str(client_.get("/api/v1/calls/" + ids[4], ct_).json(), "classification"), "misdirected");
}

TEST_F(calls_api, silent_calls_are_ghosts_unless_the_caller_pressed_5_5) {
  const std::string number = "+6281255550001";
  auto t = now() - 3h;
  ASSERT_EQ(post_events(client_, key_, json::object{{"events", simple_call("ghost-1", number, t, true, true)}}).status,
            200);
  auto ghost = call_by_external("ghost-1", number);
  EXPECT_EQ(str(ghost, "classification"), "ghost");
  EXPECT_EQ(str(ghost, "classification_source"), "automatic");
  auto events = simple_call("silent-1", number, t + 10min, true, true);
  auto five = event("silent-1-d", "silent-1", "dtmf", t + 10min + 20s);
  five["digits"] = "55";
  events.push_back(five);
  ASSERT_EQ(post_events(client_, key_, json::object{{"events", events}}).status, 200);
  auto silent = call_by_external("silent-1", number);
  EXPECT_TRUE(silent.at("classification").is_null());
  EXPECT_TRUE(silent.at("silent_caller").as_bool());
}

TEST_F(calls_api, an_abandoned_call_is_called_back_and_a_valid_callback_makes_a_report) {
  const std::string number = "+6281266660001";
  auto t = now() - 2h;
  ASSERT_EQ(post_events(client_, key_, json::object{{"events", simple_call("aband-1", number, t, false)}}).status, 200);
  auto list = client_.get("/api/v1/callbacks?caller=" + number, ct_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json().at("items").as_array().size(), 1u);
  auto task = list.json().at("items").as_array()[0].as_object();
  EXPECT_EQ(str(task, "status"), "open");
  EXPECT_EQ(str(task, "due_at"), iso(t + 60s + 10min));
  EXPECT_GT(task.at("overdue_s").as_double(), 0.0);
  auto id = str(task, "id");
  auto dial = client_.post("/api/v1/callbacks/" + id + "/dial", json::object{}, ct_);
  ASSERT_EQ(dial.status, 200) << dial.body;
  EXPECT_EQ(str(dial.json(), "status"), "in_progress");
  expect_error(client_.post("/api/v1/callbacks/" + id + "/attempt", json::object{{"result", "maybe"}}, ct_), 400,
               "invalid_input");
  expect_error(client_.post("/api/v1/callbacks/" + id + "/attempt",
                            json::object{{"result", "no_answer"}, {"report", json::object{{"description", "x"}}}}, ct_),
               400, "invalid_input");
  auto no_answer = client_.post("/api/v1/callbacks/" + id + "/attempt", json::object{{"result", "no_answer"}}, ct_);
  ASSERT_EQ(no_answer.status, 200) << no_answer.body;
  EXPECT_EQ(str(no_answer.json(), "status"), "open");
  EXPECT_EQ(no_answer.json().at("attempts").as_int64(), 1);
  auto reached = client_.post(
      "/api/v1/callbacks/" + id + "/attempt",
      json::object{{"result", "reached_valid"}, {"report", json::object{{"description", "Anak hilang di pasar"}}}},
      ct_);
  ASSERT_EQ(reached.status, 200) << reached.body;
  EXPECT_EQ(str(reached.json(), "status"), "done");
  auto report = client_.get("/api/v1/reports/" + str(reached.json(), "report_id"), ct_);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_TRUE(report.json().at("reporter").at("masked").as_bool());
  EXPECT_EQ(reveal_contact(client_, ct_, str(report.json(), "id")).phone, number);
  EXPECT_EQ(str(report.json(), "channel"), "call");
  expect_error(client_.post("/api/v1/callbacks/" + id + "/attempt", json::object{{"result", "no_answer"}}, ct_), 409,
               "conflict");
  expect_error(client_.post("/api/v1/callbacks/no-such-task/take", json::object{}, ct_), 404, "not_found");
}

TEST_F(calls_api, aml_and_els_fixes_attach_to_the_call_and_refusals_are_recorded_with_200) {
  const std::string number = "+6281277770001";
  auto t = now() - 30s;
  auto ring = simple_call("aml-1", number, t, true)[0];
  ASSERT_EQ(post_events(client_, key_, ring).status, 200);
  auto refused_before = total_of(client_, ct_, "/api/v1/locations?accepted=false&limit=1");
  auto sms = [&](const std::string& text, const std::string& from) {
    return client_.request("POST", "/api/v1/aml/sms?from=" + from, text, {}, "text/plain", {{"X-Api-Key", key_}});
  };
  const std::string v1 =
      "A\"ML=1;lt=-3.69583;lg=+128.18250;rd=12;top=20261122031505;lc=68;pm=G;si=510101234567890;"
      "ei=353472104343540;mcc=510;mnc=10;ml=128";
  auto ok = sms(v1, "0812-7777-0001");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(ok.json().at("accepted").as_bool()) << ok.body;
  auto call = call_by_external("aml-1", number);
  EXPECT_EQ(str(ok.json(), "call_id"), str(call, "id"));
  ASSERT_TRUE(call.at("location").is_object());
  EXPECT_DOUBLE_EQ(call.at("location").at("lat").as_double(), -3.69583);
  EXPECT_DOUBLE_EQ(call.at("location").at("radius_m").as_double(), 12.0);

  // Refused, but answered 200 as ELS requires, and recorded with the reason.
  for (const auto& bad : {v1.substr(0, 70), v1.substr(0, v1.size() - 3) + "127", std::string("garbage"),
                          std::string("A\"ML=9;lt=1;lg=2;ml=20"), std::string()}) {
    auto r = sms(bad, "0812-7777-0001");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json().at("accepted").as_bool()) << bad;
    EXPECT_FALSE(str(r.json(), "reason").empty());
  }
  auto no_sender = sms(v1, "");
  EXPECT_FALSE(no_sender.json().at("accepted").as_bool());

  // Version 2, then the ELS HTTPS form: each newer fix becomes the call's location.
  auto v2 = sms("A\"ML=2;en=112;et=" +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count()) +
                    ";lo=-3.70000,128.19000,30;lt=-2;lc=70;ls=W;ei=358239059042542;nc=51010;hc=51010;lg=id",
                number);
  ASSERT_TRUE(v2.json().at("accepted").as_bool()) << v2.body;
  EXPECT_DOUBLE_EQ(call_by_external("aml-1", number).at("location").at("lat").as_double(), -3.7);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count() + 1000;
  auto form =
      "v=3&device_number=%2B6281277770001&emergency_number=112&location_latitude=-3.71&location_longitude="
      "128.2&location_accuracy=8.5&location_time=" +
      std::to_string(ms) + "&location_source=GPS&location_certainty=83";
  auto els =
      client_.request("POST", "/api/v1/aml", form, {}, "application/x-www-form-urlencoded", {{"X-Api-Key", key_}});
  ASSERT_EQ(els.status, 200) << els.body;
  EXPECT_TRUE(els.json().at("accepted").as_bool()) << els.body;
  auto located = call_by_external("aml-1", number);
  EXPECT_DOUBLE_EQ(located.at("location").at("lat").as_double(), -3.71);
  EXPECT_DOUBLE_EQ(located.at("location").at("radius_m").as_double(), 8.5);
  EXPECT_EQ(str(located.at("location"), "format"), "els_https");
  auto els_bad = client_.request("POST", "/api/v1/aml", "location_latitude=-3.7", {},
                                 "application/x-www-form-urlencoded", {{"X-Api-Key", key_}});
  EXPECT_EQ(els_bad.status, 200);
  EXPECT_FALSE(els_bad.json().at("accepted").as_bool());
  auto els_json = client_.request("POST", "/api/v1/aml", "{}", {}, "application/json", {{"X-Api-Key", key_}});
  EXPECT_EQ(els_json.status, 200);
  EXPECT_FALSE(els_json.json().at("accepted").as_bool());
  expect_error(client_.request("POST", "/api/v1/aml/sms", v1, {}, "text/plain"), 401, "unauthenticated");

  EXPECT_EQ(total_of(client_, ct_, "/api/v1/locations?accepted=false&limit=1"), refused_before + 8);
  auto detail = client_.get("/api/v1/calls/" + str(located, "id"), ct_);
  // Three accepted fixes and the five refused messages from the same number.
  EXPECT_EQ(detail.json().at("locations").as_array().size(), 8u) << detail.body;
}

TEST_F(calls_api, api_keys_are_for_admins_and_stop_working_when_revoked) {
  expect_error(client_.post("/api/v1/api_keys", json::object{{"name", "x"}}, ct_), 403, "forbidden");
  expect_error(client_.post("/api/v1/api_keys", json::object{}, admin_), 400, "invalid_input", "name");
  auto key = client_.post("/api/v1/api_keys", json::object{{"name", "Gateway SMS"}}, admin_);
  ASSERT_EQ(key.status, 201) << key.body;
  auto secret = str(key.json(), "secret");
  auto list = client_.get("/api/v1/api_keys", admin_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos) << "the secret must not be listed";
  auto ring = simple_call("key-1", "+6281288880001", now() - 1min, false)[0];
  EXPECT_EQ(post_events(client_, secret, ring).status, 200);
  auto revoked = client_.request("DELETE", "/api/v1/api_keys/" + str(key.json(), "id"), {}, admin_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.json().at("revoked_at").is_null());
  expect_error(post_events(client_, secret, ring), 401, "unauthenticated");
  expect_error(client_.request("DELETE", "/api/v1/api_keys/" + str(key.json(), "id"), {}, admin_), 409, "conflict");
}

TEST_F(calls_api, the_wallboard_shows_calls_waiting_and_the_longest_wait) {
  auto t = now() - 25s;
  auto ring = event("wait-1-r", "wait-1", "ringing", t);
  ring["caller"] = "+6281299991111";
  ASSERT_EQ(post_events(client_, key_, ring).status, 200);
  auto live = client_.get("/api/v1/stats/calls/live", sup_);
  ASSERT_EQ(live.status, 200) << live.body;
  EXPECT_GE(live.json().at("waiting").as_int64(), 1);
  EXPECT_GE(live.json().at("longest_wait_s").as_double(), 25.0);
  EXPECT_GE(live.json().at("today").at("total").as_int64(), 1);
  auto leader = client_.get("/api/v1/stats/calls/live", client_.login("walikota", demo_password));
  EXPECT_EQ(leader.status, 200);
  expect_error(client_.get("/api/v1/stats/calls?group=week", sup_), 400, "invalid_input", "week");
  expect_error(client_.get("/api/v1/stats/calls?from=2026-11-10&to=2026-11-01", sup_), 400, "invalid_input");
  expect_error(client_.get("/api/v1/calls?live=maybe", ct_), 400, "invalid_input");
}

// ---------------------------------------------------------------------------------------
// A month of calls through the events API, against the generated truth.

class calls_month : public shared_server_test {
 protected:
};

// The truth of one bucket, computed here from the generated calls, independently of the server.
struct truth {
  std::int64_t total = 0, answered = 0, abandoned = 0, missed = 0, follow_ups = 0;
  std::map<std::string, std::int64_t> classes;
  std::vector<std::int64_t> answer_ms;

  void add(const app::simulated_call& c, bool dispatched) {
    ++total;
    if (c.outcome == domain::call_outcome::answered) {
      ++answered;
      ++classes[std::string(domain::to_string(*c.classification))];
      answer_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(*c.answered_at - c.ring_at).count());
    } else if (c.outcome == domain::call_outcome::abandoned) {
      ++abandoned;
    } else {
      ++missed;
    }
    if (dispatched) ++follow_ups;
  }
  // Nearest rank: the value at position ceil(p/100 * n) in ascending order.
  double nearest_rank_s(double p) {
    std::sort(answer_ms.begin(), answer_ms.end());
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(answer_ms.size()) / 100.0));
    return static_cast<double>(answer_ms[rank - 1]) / 1000.0;
  }
  std::int64_t within(int seconds) const {
    return std::count_if(answer_ms.begin(), answer_ms.end(), [&](auto ms) { return ms <= seconds * 1000; });
  }
};

void expect_bucket(const json::value& got, truth& want, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(got.at("total").as_int64(), want.total);
  EXPECT_EQ(got.at("answered").as_int64(), want.answered);
  EXPECT_EQ(got.at("abandoned").as_int64(), want.abandoned);
  EXPECT_EQ(got.at("missed").as_int64(), want.missed);
  EXPECT_EQ(got.at("live").as_int64(), 0);
  for (auto k : {"valid", "prank", "ghost", "information", "misdirected", "test"}) {
    EXPECT_EQ(got.at("by_classification").at(k).as_int64(), want.classes[k]) << k;
  }
  EXPECT_EQ(got.at("by_classification").at("unclassified").as_int64(), 0);
  EXPECT_EQ(got.at("follow_ups").as_int64(), want.follow_ups);
  if (want.answer_ms.empty()) return;
  // Percentiles come from the rollups' histograms: within 1/128 of the exact nearest rank.
  for (double p : {50.0, 90.0, 95.0}) {
    auto key = "p" + std::to_string(static_cast<int>(p));
    auto exact = want.nearest_rank_s(p);
    EXPECT_NEAR(got.at("answer_time_s").at(key).as_double(), exact, exact / 128 + 1e-9) << key;
  }
  for (int s : {10, 15, 20}) {
    auto key = std::to_string(s) + "s";
    EXPECT_EQ(got.at("answered_within").at(key).as_int64(), want.within(s)) << key;
    EXPECT_DOUBLE_EQ(got.at("share_answered_within").at(key).as_double(),
                     static_cast<double>(want.within(s)) / static_cast<double>(want.answered + want.missed))
        << key;
  }
}

TEST_F(calls_month, a_month_replayed_out_of_order_with_duplicates_matches_the_truth) {
  auto admin = client_.login("admin", demo_password);
  auto ct = client_.login("calltaker", demo_password);
  auto key = make_api_key(client_, admin, "PBX bulan");

  app::simulation_params p;
  // From a local midnight (WIT) 40 days ago: the month ends before the demo city's week of calls.
  p.start = std::chrono::floor<std::chrono::days>(now()) - std::chrono::days{40} - 9h;
  p.duration = std::chrono::days{30};
  p.calls_per_hour = 2;
  p.seed = 20261122;
  auto calls = app::generate_calls(p);
  ASSERT_GT(calls.size(), 1000u);
  auto events = app::delivery_order(calls, 0.05, 25, p.seed);
  std::size_t event_total = 0;
  for (const auto& c : calls) event_total += c.events.size();
  ASSERT_GT(events.size(), event_total) << "some events must be sent twice";

  // The demo city comes with a week of calls and their callbacks: count from there.
  auto open_before = total_of(client_, admin, "/api/v1/callbacks?status=open&limit=1");
  auto superseded_before = total_of(client_, admin, "/api/v1/callbacks?status=superseded&limit=1");
  auto expired_before = total_of(client_, admin, "/api/v1/callbacks?status=expired&limit=1");
  auto merged_before = total_of(client_, admin, "/api/v1/callbacks?status=merged&limit=1");
  auto any_before = total_of(client_, admin, "/api/v1/callbacks?status=any&limit=1");
  for (std::size_t i = 0; i < events.size(); i += 250) {
    json::array batch;
    for (std::size_t j = i; j < std::min(events.size(), i + 250); ++j)
      batch.push_back(app::telephony_event_json(events[j]));
    auto r = post_events(client_, key, json::object{{"events", std::move(batch)}});
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  }

  // The call taker classifies the answered calls (ghosts classified themselves); the first two
  // valid reports become incidents dispatched to the field.
  std::map<std::string, std::string> ids;
  auto from = iso(p.start);
  auto to = iso(p.start + p.duration);
  for (int offset = 0;; offset += 500) {
    auto page =
        client_.get("/api/v1/calls?limit=500&offset=" + std::to_string(offset) + "&from=" + from + "&to=" + to, ct);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& c : page.json().at("items").as_array()) ids[str(c, "external_id")] = str(c, "id");
    if (offset + 500 >= page.json().at("total").as_int64()) break;
  }
  ASSERT_EQ(ids.size(), calls.size());
  auto fire = category(client_, ct, "fire");
  std::set<std::string> dispatched;
  for (const auto& c : calls) {
    if (!c.classification) continue;
    if (*c.classification == domain::call_class::ghost) continue;
    json::object in{{"classification", domain::to_string(*c.classification)}};
    if (*c.classification == domain::call_class::valid) in["report"] = json::object{{"description", "Laporan uji"}};
    auto r = client_.post("/api/v1/calls/" + ids[c.call_id] + "/classify", in, ct);
    ASSERT_EQ(r.status, 200) << r.body;
    if (*c.classification == domain::call_class::valid && dispatched.size() < 2) {
      auto acc = client_.post("/api/v1/reports/" + str(r.json(), "report_id") + "/accept",
                              json::object{{"category_id", fire.at("id")}}, ct);
      ASSERT_EQ(acc.status, 200) << acc.body;
      dispatched.insert(c.call_id);
    }
  }

  truth all;
  std::map<std::string, truth> by_day;
  std::map<std::string, truth> by_agent;
  for (const auto& c : calls) {
    bool d = dispatched.count(c.call_id) > 0;
    all.add(c, d);
    by_day[iso(c.ring_at + 9h).substr(0, 10)].add(c, d);
    by_agent[c.agent].add(c, d);
  }
  auto stats = client_.get("/api/v1/stats/calls?group=day&from=" + from + "&to=" + to, ct);
  ASSERT_EQ(stats.status, 200) << stats.body;
  expect_bucket(stats.json().at("total"), all, "total");
  const auto& days = stats.json().at("groups").as_array();
  ASSERT_EQ(days.size(), by_day.size());
  ASSERT_EQ(days.size(), 30u);
  for (const auto& g : days) expect_bucket(g, by_day[str(g, "key")], "day " + str(g, "key"));

  auto agents = client_.get("/api/v1/stats/calls?group=agent&from=" + from + "&to=" + to, ct);
  ASSERT_EQ(agents.status, 200) << agents.body;
  ASSERT_EQ(agents.json().at("groups").as_array().size(), by_agent.size());
  for (const auto& g : agents.json().at("groups").as_array()) {
    expect_bucket(g, by_agent[str(g, "key")], "agent " + str(g, "key"));
  }
  auto months = client_.get("/api/v1/stats/calls?group=month&from=" + from + "&to=" + to, ct);
  std::int64_t month_total = 0;
  for (const auto& g : months.json().at("groups").as_array()) month_total += g.at("total").as_int64();
  EXPECT_EQ(month_total, all.total);

  // Callbacks: every unanswered call has a row; superseded when the number got through within
  // 10 minutes; the others grouped per number into one task while less than 24 h separate one
  // call's end from the next ring, the first call's row carrying it (open, or expired once 24 h
  // passed after its last call), the others merged into it.
  std::int64_t want_superseded = 0, want_merged = 0, want_open = 0, want_expired = 0;
  std::map<std::string, std::vector<const app::simulated_call*>> needing;
  for (const auto& u : calls) {
    if (u.outcome == domain::call_outcome::answered) continue;
    bool followed = std::any_of(calls.begin(), calls.end(), [&](const app::simulated_call& a) {
      return a.call_id != u.call_id && a.caller == u.caller && a.outcome == domain::call_outcome::answered &&
             a.ring_at >= u.ring_at && a.ring_at <= u.ended_at + 10min;
    });
    if (followed) {
      ++want_superseded;
    } else {
      needing[u.caller].push_back(&u);
    }
  }
  const auto at = now();
  for (auto& [number, list] : needing) {
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->ring_at < b->ring_at; });
    core::timestamp last_end{};
    for (std::size_t i = 0; i < list.size(); ++i) {
      bool fresh = i == 0 || list[i]->ring_at > last_end + 24h;
      if (fresh && i > 0) ++(at > last_end + 24h ? want_expired : want_open);
      if (!fresh) ++want_merged;
      last_end = fresh ? list[i]->ended_at : std::max(last_end, list[i]->ended_at);
    }
    ++(at > last_end + 24h ? want_expired : want_open);
  }
  ASSERT_GT(want_superseded, 0);
  EXPECT_EQ(total_of(client_, ct, "/api/v1/callbacks?status=open&limit=1") - open_before, want_open);
  EXPECT_EQ(total_of(client_, ct, "/api/v1/callbacks?status=expired&limit=1") - expired_before, want_expired);
  EXPECT_EQ(total_of(client_, ct, "/api/v1/callbacks?status=merged&limit=1") - merged_before, want_merged);
  EXPECT_EQ(total_of(client_, ct, "/api/v1/callbacks?status=superseded&limit=1") - superseded_before, want_superseded);
  EXPECT_EQ(total_of(client_, ct, "/api/v1/callbacks?status=any&limit=1") - any_before,
            want_open + want_expired + want_merged + want_superseded);
}

}  // namespace siaga::testing
