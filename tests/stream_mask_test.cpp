// Callers' numbers on the realtime stream (issue 12, UU PDP 27/2022), over the real server: an
// event that names a number (callback, caller and location-message events) carries it in full
// only to a call taker or supervisor (or the PBX bridge, for the callback it dials) and only
// while the call is live or its callback open, decided when the event is sent; a stream resumed
// with ?after after the callback closed and the wrap-up ended shows only the mask, as the REST
// views do; an agency operator and a leader never see any of it.
#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// One caller still ringing, one whose unanswered call ended two hours ago (its callback opens).
constexpr const char* ringing_caller = "+6281377771111";
constexpr const char* old_caller = "+6281377772222";
constexpr const char* old_caller_masked = "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 2222";

// The digits after the country code: what any leak of the number contains, however formatted.
std::string significant(const std::string& e164) {
  return e164.substr(3);
}

bool is_event(const json::value& m, const std::string& kind) {
  return str(m, "type") == "event" && str(m.at("event"), "kind") == kind;
}

// The payload of the first event of kind (null when there is none).
json::value payload_of(const std::vector<json::value>& messages, const std::string& kind) {
  for (const auto& m : messages) {
    if (is_event(m, kind)) return m.at("event").at("payload");
  }
  return nullptr;
}

std::string text_of(const std::vector<json::value>& messages) {
  std::string out;
  for (const auto& m : messages) out += json::serialize(m) + "\n";
  return out;
}

json::object call_event(const std::string& call, const std::string& type, core::timestamp at) {
  return {{"event_id", call + "-" + type}, {"call_id", call}, {"type", type}, {"at", core::format_utc(at)}};
}

}  // namespace

TEST(stream_mask, numbers_show_only_to_dispatchers_while_live_and_a_resumed_stream_masks_them) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  http_client c{"127.0.0.1", server.port()};
  auto admin = c.login("admin", demo_password);
  auto ct = c.login("calltaker", demo_password);
  auto leader = c.login("walikota", demo_password);
  auto damkar = c.login("damkar", demo_password);
  auto key = c.post("/api/v1/api_keys", json::object{{"name", "PBX uji"}}, admin);
  ASSERT_EQ(key.status, 201) << key.body;
  const auto secret = str(key.json(), "secret");

  // Live streams of the call taker, the leader, the Damkar operator and the PBX bridge.
  ws_client ct_live{server.port()}, leader_live{server.port()}, damkar_live{server.port()}, bridge{server.port()};
  ASSERT_EQ(ct_live.connect("/api/v1/stream", {{"Authorization", "Bearer " + ct}}), 101) << ct_live.refusal_body();
  ASSERT_EQ(leader_live.connect("/api/v1/stream", {{"Authorization", "Bearer " + leader}}), 101);
  ASSERT_EQ(damkar_live.connect("/api/v1/stream", {{"Authorization", "Bearer " + damkar}}), 101);
  ASSERT_EQ(bridge.connect("/api/v1/telephony/stream", {{"X-Api-Key", secret}}), 101) << bridge.refusal_body();
  const auto start = read_hello(ct_live);
  ASSERT_GE(start, 0);
  read_hello(leader_live);
  read_hello(damkar_live);
  read_hello(bridge);

  // A call still ringing, located by an ELS fix; an unanswered call of two hours ago, whose
  // callback opens.
  const auto now = core::system_clock{}.now();
  auto ring = call_event("ring-1", "ringing", now - 5s);
  ring["caller"] = ringing_caller;
  auto old_ring = call_event("old-1", "ringing", now - 2h);
  old_ring["caller"] = old_caller;
  auto old_end = call_event("old-1", "ended", now - 2h + 20s);
  old_end["reason"] = "caller_hangup";
  auto posted = c.request("POST", "/api/v1/telephony/events",
                          json::serialize(json::object{{"events", json::array{ring, old_ring, old_end}}}), {},
                          "application/json", {{"X-Api-Key", secret}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  auto form = "v=3&device_number=%2B" + significant(ringing_caller).insert(0, "62") +
              "&emergency_number=112&location_latitude=-3.71&location_longitude=128.2&location_accuracy=8.5"
              "&location_time=" +
              std::to_string(ms) + "&location_source=GPS&location_certainty=83";
  auto els = c.request("POST", "/api/v1/aml", form, {}, "application/x-www-form-urlencoded", {{"X-Api-Key", secret}});
  ASSERT_EQ(els.status, 200) << els.body;
  ASSERT_TRUE(els.json().at("accepted").as_bool()) << els.body;

  // Live: the call taker sees both numbers in full (the call rings, the callback is open).
  auto seen = read_messages_until(ct_live, [](const json::value& m) { return is_event(m, "call.located"); });
  auto created = payload_of(seen, "callback.created");
  ASSERT_TRUE(created.is_object()) << text_of(seen);
  EXPECT_EQ(str(created, "number"), old_caller);
  auto located = payload_of(seen, "call.located");
  ASSERT_TRUE(located.is_object()) << text_of(seen);
  EXPECT_EQ(str(located, "number"), ringing_caller);
  for (const auto& m : seen) {
    if (is_event(m, "callback.created")) EXPECT_FALSE(m.at("event").at("number_masked").as_bool());
  }

  // The call taker dials the callback: the bridge gets the number it must dial, in full.
  auto open = c.get("/api/v1/callbacks", ct);
  ASSERT_EQ(open.status, 200) << open.body;
  std::string task;
  for (const auto& t : open.json().at("items").as_array()) {
    if (str(t, "caller") == old_caller) task = str(t, "id");
  }
  ASSERT_FALSE(task.empty()) << open.body;
  ASSERT_EQ(c.post("/api/v1/callbacks/" + task + "/dial", json::object{}, ct).status, 200);
  auto dial = read_messages_until(bridge, [](const json::value& m) { return is_event(m, "callback.dial_requested"); });
  EXPECT_EQ(str(payload_of(dial, "callback.dial_requested"), "number"), old_caller) << text_of(dial);

  // Closed: from now on the callback is no longer live work, and its call ended long ago.
  auto done = c.post("/api/v1/callbacks/" + task + "/attempt", json::object{{"result", "reached_no_emergency"}}, ct);
  ASSERT_EQ(done.status, 200) << done.body;
  auto closing = read_messages_until(ct_live, [](const json::value& m) {
    return str(m, "type") == "event" && str(m.at("event"), "kind").starts_with("callback.") &&
           str(m.at("event"), "kind") != "callback.taken" && str(m.at("event"), "kind") != "callback.dial_requested";
  });
  EXPECT_TRUE(closing.back().at("event").at("number_masked").as_bool()) << text_of(closing);

  // A stream resumed from before it all: the closed callback's events (created, dial request,
  // close) show only the mask; the ringing call's fix still shows its number.
  ws_client resumed{server.port()};
  ASSERT_EQ(resumed.connect("/api/v1/stream?after=" + std::to_string(start), {{"Authorization", "Bearer " + ct}}), 101);
  read_hello(resumed);
  auto closed_kind = str(closing.back().at("event"), "kind");
  auto backlog = read_messages_until(resumed, [&](const json::value& m) { return is_event(m, closed_kind); });
  const auto backlog_text = text_of(backlog);
  EXPECT_EQ(backlog_text.find(significant(old_caller)), std::string::npos) << backlog_text;
  auto replayed = payload_of(backlog, "callback.created");
  ASSERT_TRUE(replayed.is_object()) << backlog_text;
  EXPECT_EQ(str(replayed, "number"), old_caller_masked);
  EXPECT_EQ(str(payload_of(backlog, "callback.dial_requested"), "number"), old_caller_masked);
  EXPECT_EQ(str(payload_of(backlog, "call.located"), "number"), ringing_caller);
  for (const auto& m : backlog) {
    if (is_event(m, "callback.created")) EXPECT_TRUE(m.at("event").at("number_masked").as_bool());
  }

  // The leader and the Damkar operator: nothing of either number, up to an event each of them
  // does see (a fire report accepted and dispatched to Damkar).
  const auto fire = category(c, ct, "fire");
  auto report = c.post("/api/v1/reports",
                       json::object{{"description", "Kebakaran di pasar"},
                                    {"category_id", fire.at("id")},
                                    {"location", json::object{{"lat", -3.6958}, {"lon", 128.1825}}},
                                    {"address", "Pasar Mardika"}},
                       ct);
  ASSERT_EQ(report.status, 201) << report.body;
  auto accepted = c.post("/api/v1/reports/" + str(report.json(), "id") + "/accept", json::object{}, ct);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const auto incident = str(accepted.json(), "id");
  auto reaches_incident = [&](const json::value& m) {
    return str(m, "type") == "event" && m.at("event").at("incident_id").is_string() &&
           str(m.at("event"), "incident_id") == incident;
  };
  for (auto* ws : {&leader_live, &damkar_live}) {
    auto got = read_messages_until(*ws, reaches_incident);
    const auto text = text_of(got);
    EXPECT_EQ(text.find(significant(old_caller)), std::string::npos) << text;
    EXPECT_EQ(text.find(significant(ringing_caller)), std::string::npos) << text;
    EXPECT_EQ(text.find("\"callback."), std::string::npos) << text;
  }
}

}  // namespace siaga::testing
