// Telephony events as a PBX bridge sends them (POST /api/v1/telephony/events), for the tests of
// calls, callbacks and batches.
#pragma once

#include "core/time.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"

#include <gtest/gtest.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace siaga::testing {

// An event of a type with no fields of its own yet: the caller adds them (agent, reason, ...).
inline boost::json::object telephony_event(const std::string& id, const std::string& call, const std::string& type,
                                           core::timestamp at) {
  return {{"event_id", id}, {"call_id", call}, {"type", type}, {"at", core::format_utc(at)}};
}

// The ringing event of a call from caller (any Indonesian form) on line 112, its id call + "-r".
inline boost::json::object ringing_event(const std::string& call, const std::string& caller, core::timestamp at) {
  auto ring = telephony_event(call + "-r", call, "ringing", at);
  ring["caller"] = caller;
  ring["line"] = "112";
  return ring;
}

// The events of a simple call: rings, answered by ext201 after 6 s (or not), ended after 60 s
// (completed, or caller_hangup for an unanswered call); ids call + "-r", "-a", "-e".
inline std::vector<boost::json::object> simple_call_events(const std::string& call, const std::string& caller,
                                                           core::timestamp at, bool answer) {
  using namespace std::chrono_literals;
  std::vector<boost::json::object> out{ringing_event(call, caller, at)};
  if (answer) {
    auto a = telephony_event(call + "-a", call, "answered", at + 6s);
    a["agent"] = "ext201";
    out.push_back(a);
  }
  auto end = telephony_event(call + "-e", call, "ended", at + 60s);
  end["reason"] = answer ? "completed" : "caller_hangup";
  out.push_back(end);
  return out;
}

// A PBX bridge of a running server: an api key the demo admin made for it, and the demo's
// admin and call taker signed in (a test failure when either fails).
class pbx_bridge {
 public:
  explicit pbx_bridge(std::uint16_t port, const std::string& key_name = "PBX uji") : client_{"127.0.0.1", port} {
    admin_ = client_.login("admin", demo_password);
    calltaker_ = client_.login("calltaker", demo_password);
    auto r = client_.post("/api/v1/api_keys", boost::json::object{{"name", key_name}}, admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    key_ = str(r.json(), "secret");
  }

  // Posts one event, or {"events": [...]}, with the bridge's key; the full answer.
  http_reply post(const boost::json::value& body) {
    return client_.request("POST", "/api/v1/telephony/events", boost::json::serialize(body), {}, "application/json",
                           {{"X-Api-Key", key_}});
  }
  // Posts the events as one batch.
  http_reply post_batch(const std::vector<boost::json::object>& events) {
    return post(boost::json::object{{"events", boost::json::array(events.begin(), events.end())}});
  }

  http_client& client() { return client_; }
  const std::string& calltaker() const { return calltaker_; }

 private:
  http_client client_;
  std::string admin_, calltaker_, key_;
};

}  // namespace siaga::testing
