// Contacts masked everywhere (issue 12, UU PDP 27/2022), over the real server: no answer of a
// route that shows a report or a call carries the reporter's full number or name, or a caller's
// full number once the call is no longer live; the audited reveals give them and record who
// asked for which record, and a role without the right gets 403 with nothing recorded.
#include "core/time.hpp"
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The reporter: a number typed with spaces (stored as +6281355550101) and a family name.
constexpr const char* reporter_typed = "0813 5555 0101";
constexpr const char* reporter_e164 = "+6281355550101";
constexpr const char* reporter_name = "Maria Tupamahu";
// Callers: one whose call ended long ago, one still ringing, one in its wrap-up.
constexpr const char* old_caller = "+6281377770202";
constexpr const char* ringing_caller = "+6281377770303";
constexpr const char* wrap_up_caller = "+6281377770404";

// The digits after the country code: what any leak of the number would contain, however
// formatted (E.164 or national with a leading 0).
std::string significant(const std::string& e164) { return e164.substr(3); }

// Fails the test when an answer carries the number's digits or the name (what names the leak).
void expect_no_leak(const http_reply& r, const std::string& what, const std::string& number,
                    const std::string& name = {}, int status = 200) {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(r.body.find(significant(number)), std::string::npos) << what << " carries " << number << ": " << r.body;
  if (!name.empty()) EXPECT_EQ(r.body.find(name), std::string::npos) << what << " carries the name: " << r.body;
}

json::object call_event(const std::string& call, const std::string& type, core::timestamp at) {
  return {{"event_id", call + "-" + type}, {"call_id", call}, {"type", type}, {"at", core::format_utc(at)}};
}

// One call from caller rung at `at`: answered by ext201 after 6 s and ended after 60 s when
// `answered`, abandoned after 20 s when not, still ringing when `ends` is false.
json::array call_events(const std::string& call, const std::string& caller, core::timestamp at, bool answered,
                        bool ends = true) {
  auto ring = call_event(call, "ringing", at);
  ring["caller"] = caller;
  ring["line"] = "112";
  json::array out{ring};
  if (!ends) return out;
  if (answered) {
    auto a = call_event(call, "answered", at + 6s);
    a["agent"] = "ext201";
    out.push_back(a);
  }
  auto end = call_event(call, "ended", at + (answered ? 60s : 20s));
  end["reason"] = answered ? "completed" : "caller_hangup";
  out.push_back(end);
  return out;
}

// The call record id of the only call from number.
std::string call_of(http_client& c, const std::string& token, const std::string& number) {
  auto r = c.get("/api/v1/calls?caller=" + number, token);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto& items = r.json().at("items").as_array();
  EXPECT_EQ(items.size(), 1u) << r.body;
  return items.empty() ? std::string() : str(items[0], "id");
}

}  // namespace

TEST(contact_mask, no_answer_carries_a_full_contact_and_only_the_audited_reveals_give_it) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  http_client c{"127.0.0.1", server.port()};
  auto admin = c.login("admin", demo_password);
  auto ct = c.login("calltaker", demo_password);
  auto sup = c.login("supervisor", demo_password);
  auto leader = c.login("walikota", demo_password);
  auto damkar = c.login("damkar", demo_password);
  auto ct_id = str(c.get("/api/v1/me", ct).json(), "id");
  const auto fire = category(c, ct, "fire");
  const auto events_of = [&](const std::string& kind) {
    return query_int(server.database(), "SELECT COUNT(*) FROM events WHERE kind = '" + kind + "'");
  };

  // ---- reports: every answer that shows one masks its reporter, for every role ----
  const auto new_report = [&](const std::string& text) {
    auto r = c.post("/api/v1/reports",
                    json::object{{"description", text},
                                 {"reporter_name", reporter_name},
                                 {"reporter_phone", reporter_typed},
                                 {"category_id", fire.at("id")}},
                    ct);
    expect_no_leak(r, "POST /reports", reporter_e164, reporter_name, 201);
    return r;
  };
  auto created = new_report("Asap tebal dari gudang kopra");
  const auto& shown = created.json().at("reporter");
  EXPECT_EQ(str(shown, "phone"), "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0101");
  EXPECT_TRUE(shown.at("name").is_null());
  EXPECT_TRUE(shown.at("masked").as_bool());
  EXPECT_TRUE(shown.at("has_name").as_bool());
  EXPECT_TRUE(shown.at("can_reveal").as_bool());
  const auto report_id = str(created.json(), "id");
  const auto rejected_id = str(new_report("Kebakaran (iseng)").json(), "id");
  const auto answered_id = str(new_report("Tanya nomor Damkar").json(), "id");

  expect_no_leak(c.get("/api/v1/reports?limit=100", ct), "GET /reports (call taker)", reporter_e164, reporter_name);
  expect_no_leak(c.get("/api/v1/reports?limit=100", leader), "GET /reports (leader)", reporter_e164, reporter_name);
  expect_no_leak(c.get("/api/v1/reports/" + report_id, ct), "GET /reports/{id}", reporter_e164, reporter_name);
  expect_no_leak(c.get("/api/v1/reports/" + report_id, sup), "GET /reports/{id} (supervisor)", reporter_e164,
                 reporter_name);
  expect_no_leak(c.post("/api/v1/reports/" + rejected_id + "/reject", json::object{{"reason", "prank"}}, ct),
                 "reject reply", reporter_e164, reporter_name);
  expect_no_leak(c.post("/api/v1/reports/" + answered_id + "/answer", json::object{{"note", "Damkar: 113"}}, ct),
                 "answer reply", reporter_e164, reporter_name);
  // Accepted and dispatched with the contact shared with the agencies: the incident still masks
  // it for everyone, the agency operator included.
  auto accepted = c.post("/api/v1/reports/" + report_id + "/accept", json::object{{"share_contact", true}}, ct);
  expect_no_leak(accepted, "accept reply", reporter_e164, reporter_name);
  const auto incident_id = str(accepted.json(), "id");
  for (const auto& [who, token] : std::vector<std::pair<std::string, std::string>>{
           {"call taker", ct}, {"supervisor", sup}, {"leader", leader}, {"damkar", damkar}}) {
    auto detail = c.get("/api/v1/incidents/" + incident_id, token);
    expect_no_leak(detail, "GET /incidents/{id} as " + who, reporter_e164, reporter_name);
    expect_no_leak(c.get("/api/v1/incidents/" + incident_id + "/events", token), "incident events as " + who,
                   reporter_e164, reporter_name);
    const auto& rep = detail.json().at("reports").as_array()[0].at("reporter");
    EXPECT_TRUE(rep.at("masked").as_bool()) << who;
    EXPECT_EQ(rep.at("can_reveal").as_bool(), who != "leader") << who;
  }

  // The reveal: refused for the leader (403) with nothing recorded; the call taker gets the
  // contact and one event says who revealed which report.
  auto refused = c.post("/api/v1/reports/" + report_id + "/contact", json::object{}, leader);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.body.find(significant(reporter_e164)), std::string::npos);
  EXPECT_EQ(events_of("report.contact_revealed"), 0);
  auto contact = reveal_contact(c, ct, report_id);
  EXPECT_EQ(contact.phone, reporter_e164);
  EXPECT_EQ(contact.name, reporter_name);
  EXPECT_EQ(events_of("report.contact_revealed"), 1);
  EXPECT_EQ(query_int(server.database(), "SELECT COUNT(*) FROM events WHERE kind = 'report.contact_revealed' AND "
                                         "actor_id = '" + ct_id + "' AND subject_id = '" + report_id + "'"),
            1);

  // ---- calls: the number shows while the call is live, masked after ----
  auto key = c.post("/api/v1/api_keys", json::object{{"name", "PBX uji"}}, admin);
  ASSERT_EQ(key.status, 201) << key.body;
  const auto now = core::system_clock{}.now();
  json::array events;
  for (auto& e : call_events("old-1", old_caller, now - 2h, false)) events.push_back(e);
  for (auto& e : call_events("ring-1", ringing_caller, now - 5s, false, false)) events.push_back(e);
  for (auto& e : call_events("wrap-1", wrap_up_caller, now - 2min, true)) events.push_back(e);
  auto posted = c.request("POST", "/api/v1/telephony/events", json::serialize(json::object{{"events", events}}), {},
                          "application/json", {{"X-Api-Key", str(key.json(), "secret")}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  const auto old_call = call_of(c, ct, old_caller);
  const auto wrap_call = call_of(c, ct, wrap_up_caller);

  // The ringing call and the one in its wrap-up (ended 1 minute ago, unclassified) show theirs.
  auto live = c.get("/api/v1/calls?live=true", ct);
  ASSERT_EQ(live.status, 200) << live.body;
  EXPECT_NE(live.body.find(ringing_caller), std::string::npos) << live.body;
  auto wrap = c.get("/api/v1/calls/" + wrap_call, ct);
  EXPECT_EQ(str(wrap.json(), "caller"), wrap_up_caller) << wrap.body;
  EXPECT_FALSE(wrap.json().at("caller_masked").as_bool());
  // Classified, the wrap-up is over: masked from then on.
  auto classified = c.post("/api/v1/calls/" + wrap_call + "/classify", json::object{{"classification", "information"}}, ct);
  expect_no_leak(classified, "classify reply", wrap_up_caller);
  expect_no_leak(c.get("/api/v1/calls/" + wrap_call, ct), "GET /calls/{id} after the wrap-up", wrap_up_caller);

  // The call that ended two hours ago: masked in the list, the export, and (once its callback
  // is closed) the detail and the callback.
  expect_no_leak(c.get("/api/v1/calls?limit=100", ct), "GET /calls", old_caller);
  expect_no_leak(c.get("/api/v1/calls?limit=100", sup), "GET /calls (supervisor)", old_caller);
  expect_no_leak(c.get("/api/v1/calls?format=csv", sup), "GET /calls?format=csv", old_caller);
  expect_no_leak(c.get("/api/v1/locations?limit=100", ct), "GET /locations", old_caller);
  // Its callback is open: live work, the call taker calls the number back (the list and the
  // call's detail show it until the task is closed).
  auto open = c.get("/api/v1/callbacks", ct);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_NE(open.body.find(old_caller), std::string::npos) << open.body;
  std::string task;
  for (const auto& t : open.json().at("items").as_array()) {
    if (str(t, "call_id") == old_call) task = str(t, "id");
  }
  ASSERT_FALSE(task.empty()) << open.body;
  ASSERT_EQ(c.post("/api/v1/callbacks/" + task + "/take", json::object{}, ct).status, 200);
  auto done = c.post("/api/v1/callbacks/" + task + "/attempt", json::object{{"result", "reached_no_emergency"}}, ct);
  expect_no_leak(done, "closing callback attempt", old_caller);
  expect_no_leak(c.get("/api/v1/callbacks?status=any", ct), "GET /callbacks?status=any", old_caller);
  auto old_detail = c.get("/api/v1/calls/" + old_call, ct);
  expect_no_leak(old_detail, "GET /calls/{id}", old_caller);
  EXPECT_TRUE(old_detail.json().at("caller_masked").as_bool());
  EXPECT_EQ(str(old_detail.json(), "caller"), "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0202");
  EXPECT_TRUE(old_detail.json().at("callback").at("caller_masked").as_bool());

  // The caller's reveal: refused for the leader and an agency operator (403), 400 with a body,
  // 404 for an unknown call, nothing recorded; then the call taker's is recorded.
  EXPECT_EQ(c.post("/api/v1/calls/" + old_call + "/caller", json::object{}, leader).status, 403);
  EXPECT_EQ(c.post("/api/v1/calls/" + old_call + "/caller", json::object{}, damkar).status, 403);
  EXPECT_EQ(c.post("/api/v1/calls/" + old_call + "/caller", json::object{{"why", "penasaran"}}, ct).status, 400);
  EXPECT_EQ(c.post("/api/v1/calls/no-such-call/caller", json::object{}, ct).status, 404);
  EXPECT_EQ(events_of("call.caller_revealed"), 0);
  auto number = c.post("/api/v1/calls/" + old_call + "/caller", json::object{}, ct);
  ASSERT_EQ(number.status, 200) << number.body;
  EXPECT_EQ(str(number.json(), "caller"), old_caller);
  EXPECT_EQ(str(number.json(), "call_id"), old_call);
  EXPECT_EQ(events_of("call.caller_revealed"), 1);
  EXPECT_EQ(query_int(server.database(), "SELECT COUNT(*) FROM events WHERE kind = 'call.caller_revealed' AND "
                                         "actor_id = '" + ct_id + "' AND subject_id = '" + old_call +
                                             "' AND instr(payload_json, '" + significant(old_caller) + "') = 0"),
            1);

  // The supervisor's list holds both reveals, newest first, with who and which record.
  auto reveals = c.get("/api/v1/audit/reveals", sup);
  ASSERT_EQ(reveals.status, 200) << reveals.body;
  const auto& items = reveals.json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << reveals.body;
  EXPECT_EQ(str(items[0], "kind"), "call");
  EXPECT_EQ(str(items[0], "call_id"), old_call);
  EXPECT_TRUE(items[0].at("report_id").is_null());
  EXPECT_EQ(str(items[0], "actor_id"), ct_id);
  EXPECT_EQ(str(items[1], "kind"), "report");
  EXPECT_EQ(str(items[1], "report_id"), report_id);
  EXPECT_EQ(str(items[1], "incident_id"), incident_id);
  EXPECT_EQ(str(items[1], "actor_id"), ct_id);
  expect_no_leak(reveals, "GET /audit/reveals", old_caller);
  EXPECT_EQ(reveals.body.find(significant(reporter_e164)), std::string::npos);
  EXPECT_EQ(c.get("/api/v1/audit/reveals", ct).status, 403);
}

}  // namespace siaga::testing
