// The whole life of a report over the real server: report, incident, three agencies
// dispatched, each acknowledges, arrives and completes, incident resolved, then closed.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <set>

namespace siaga::testing {
namespace json = boost::json;

class lifecycle : public shared_server_test {
 protected:
};

TEST_F(lifecycle, report_to_closed_incident_with_three_agencies) {
  auto ct = client_.login("calltaker", demo_password);
  auto damkar_op = client_.login("damkar", demo_password);
  auto fire = category(client_, ct, "fire");
  auto damkar = agency_id(client_, ct, "DAMKAR");
  auto pln = agency_id(client_, ct, "PLN");
  auto dishub = agency_id(client_, ct, "DISHUB");
  auto rsud = agency_id(client_, ct, "RSUD");

  // A call comes in: the call taker documents it.
  auto rep = client_.post("/api/v1/reports",
                          json::object{{"channel", "call"},
                                       {"reporter_name", "Ibu Maria"},
                                       {"reporter_phone", "+6281234567890"},
                                       {"description", "Rumah terbakar di belakang pasar, asap tebal"},
                                       {"category_id", fire.at("id")},
                                       {"location", json::object{{"lat", -3.6958}, {"lon", 128.1820}}},
                                       {"address", "Jl. Sultan Hairun"}},
                          ct);
  ASSERT_EQ(rep.status, 201) << rep.body;
  auto report_id = str(rep.json(), "id");
  EXPECT_EQ(str(rep.json(), "status"), "new");
  EXPECT_EQ(str(rep.json(), "tracking_code").size(), 8u);

  // Accepted into a new incident: the fire run card without the hospital, so three agencies.
  auto acc = client_.post("/api/v1/reports/" + report_id + "/accept",
                          json::object{{"summary", "Kebakaran rumah dekat pasar"},
                                       {"remove_agency_ids", json::array{json::string(rsud)}}},
                          ct);
  ASSERT_EQ(acc.status, 200) << acc.body;
  auto inc = acc.json().as_object();
  auto incident_id = str(inc, "id");
  EXPECT_EQ(str(inc, "status"), "dispatched");
  EXPECT_EQ(str(inc, "number").substr(0, 4), "AMB-");
  ASSERT_EQ(inc.at("dispatches").as_array().size(), 3u);
  std::map<std::string, std::string> dispatch_of;  // agency id -> dispatch id
  for (const auto& d : inc.at("dispatches").as_array()) {
    EXPECT_EQ(str(d, "status"), "notified");
    dispatch_of[str(d, "agency_id")] = str(d, "id");
  }
  EXPECT_EQ((std::set<std::string>{damkar, pln, dishub}),
            (std::set<std::string>{dispatch_of.begin()->first, std::next(dispatch_of.begin())->first,
                                   std::prev(dispatch_of.end())->first}));

  // A second caller about the same fire is linked, not duplicated.
  auto rep2 = client_.post("/api/v1/reports",
                           json::object{{"description", "Ada api besar dekat pasar"}, {"category_id", fire.at("id")},
                                        {"reporter_phone", "081298765432"}},
                           ct);
  ASSERT_EQ(rep2.status, 201) << rep2.body;
  auto link = client_.post("/api/v1/reports/" + str(rep2.json(), "id") + "/accept",
                           json::object{{"incident_id", incident_id}}, ct);
  ASSERT_EQ(link.status, 200) << link.body;
  EXPECT_EQ(link.json().at("reports").as_array().size(), 2u);

  // Each agency acknowledges, goes, arrives and completes. Damkar acts through its own
  // operator, the others through the call taker on the phone with them.
  auto step = [&](const std::string& token, const std::string& dispatch_id, const std::string& action,
                  json::object body = {}) {
    auto r = client_.post("/api/v1/dispatches/" + dispatch_id + "/" + action, body, token);
    EXPECT_EQ(r.status, 200) << action << ": " << r.body;
    return r;
  };
  step(damkar_op, dispatch_of[damkar], "acknowledge");
  step(damkar_op, dispatch_of[damkar], "en_route");
  auto mid = client_.get("/api/v1/incidents/" + incident_id, ct);
  EXPECT_EQ(str(mid.json(), "status"), "in_progress");
  step(damkar_op, dispatch_of[damkar], "on_scene");
  step(damkar_op, dispatch_of[damkar], "complete", {{"note", "Api padam pukul 10.40, dua rumah rusak"}});
  for (const auto& agency : {pln, dishub}) {
    step(ct, dispatch_of[agency], "acknowledge");
    step(ct, dispatch_of[agency], "en_route");
    step(ct, dispatch_of[agency], "on_scene");
    auto done = step(ct, dispatch_of[agency], "complete", {{"note", "Selesai"}});
    EXPECT_EQ(str(done.json(), "status"), "completed");
  }
  auto resolved = client_.get("/api/v1/incidents/" + incident_id, ct);
  EXPECT_EQ(str(resolved.json(), "status"), "resolved");
  EXPECT_FALSE(resolved.json().at("resolved_at").is_null());

  auto closed = client_.post("/api/v1/incidents/" + incident_id + "/close", json::object{}, ct);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(str(closed.json(), "status"), "closed");

  // The timeline is in order and tells the story.
  auto tl = client_.get("/api/v1/incidents/" + incident_id + "/events", ct);
  ASSERT_EQ(tl.status, 200);
  const auto& events = tl.json().at("items").as_array();
  std::int64_t last_seq = 0;
  std::vector<std::string> kinds;
  for (const auto& e : events) {
    auto seq = e.at("seq").as_int64();
    EXPECT_GT(seq, last_seq);
    last_seq = seq;
    kinds.push_back(str(e, "kind"));
  }
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.front(), "incident.created");
  EXPECT_EQ(kinds.back(), "incident.closed");
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "dispatch.notified"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "dispatch.acknowledged"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "dispatch.completed"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "report.accepted"), 2);
  auto pos = [&](const std::string& k) { return std::find(kinds.begin(), kinds.end(), k) - kinds.begin(); };
  EXPECT_LT(pos("dispatch.notified"), pos("dispatch.acknowledged"));
  EXPECT_LT(pos("dispatch.acknowledged"), pos("dispatch.completed"));

  // The closed incident is listed under its status and no longer open.
  auto list = client_.get("/api/v1/incidents?status=closed&limit=500", ct);
  bool found = false;
  for (const auto& i : list.json().at("items").as_array()) found = found || str(i, "id") == incident_id;
  EXPECT_TRUE(found);
}

TEST_F(lifecycle, reports_can_be_rejected_or_answered_once) {
  auto ct = client_.login("calltaker", demo_password);
  auto prank = client_.post("/api/v1/reports", json::object{{"description", "(tertawa) lalu ditutup"}}, ct);
  ASSERT_EQ(prank.status, 201);
  auto id = str(prank.json(), "id");
  auto rej = client_.post("/api/v1/reports/" + id + "/reject", json::object{{"reason", "prank"}, {"note", "anak-anak"}}, ct);
  ASSERT_EQ(rej.status, 200) << rej.body;
  EXPECT_EQ(str(rej.json(), "status"), "rejected");
  EXPECT_EQ(str(rej.json(), "reject_reason"), "prank");
  auto again = client_.post("/api/v1/reports/" + id + "/answer", json::object{{"note", "info"}}, ct);
  EXPECT_EQ(again.status, 409) << again.body;

  auto info = client_.post("/api/v1/reports", json::object{{"description", "Tanya nomor PDAM"}}, ct);
  auto ans = client_.post("/api/v1/reports/" + str(info.json(), "id") + "/answer",
                          json::object{{"note", "Diberikan nomor pengaduan PDAM"}}, ct);
  ASSERT_EQ(ans.status, 200) << ans.body;
  EXPECT_EQ(str(ans.json(), "status"), "answered");
}

TEST_F(lifecycle, declined_dispatch_returns_incident_to_open_and_redispatch_works) {
  auto ct = client_.login("calltaker", demo_password);
  auto animal = category(client_, ct, "animal");
  auto damkar = agency_id(client_, ct, "DAMKAR");
  auto bpbd = agency_id(client_, ct, "BPBD");
  auto created = client_.post("/api/v1/incidents",
                              json::object{{"category_id", animal.at("id")}, {"summary", "Ular piton masuk rumah"}}, ct);
  ASSERT_EQ(created.status, 201) << created.body;
  auto inc = created.json().as_object();
  ASSERT_EQ(inc.at("dispatches").as_array().size(), 1u);
  auto d = str(inc.at("dispatches").as_array()[0], "id");
  EXPECT_EQ(str(inc.at("dispatches").as_array()[0], "agency_id"), damkar);

  auto no_reason = client_.post("/api/v1/dispatches/" + d + "/decline", json::object{}, ct);
  EXPECT_EQ(no_reason.status, 400) << no_reason.body;
  auto declined = client_.post("/api/v1/dispatches/" + d + "/decline", json::object{{"reason", "Armada sedang di lokasi lain"}}, ct);
  ASSERT_EQ(declined.status, 200) << declined.body;
  auto after = client_.get("/api/v1/incidents/" + str(inc, "id"), ct);
  EXPECT_EQ(str(after.json(), "status"), "open");

  auto more = client_.post("/api/v1/incidents/" + str(inc, "id") + "/dispatches",
                           json::object{{"agency_ids", json::array{json::string(bpbd)}}}, ct);
  ASSERT_EQ(more.status, 201) << more.body;
  auto again = client_.get("/api/v1/incidents/" + str(inc, "id"), ct);
  EXPECT_EQ(str(again.json(), "status"), "dispatched");

  auto cancel_no_reason = client_.post("/api/v1/incidents/" + str(inc, "id") + "/cancel", json::object{}, ct);
  EXPECT_EQ(cancel_no_reason.status, 400);
  auto cancelled = client_.post("/api/v1/incidents/" + str(inc, "id") + "/cancel", json::object{{"reason", "Ular sudah pergi"}}, ct);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(str(cancelled.json(), "status"), "cancelled");
  for (const auto& disp : cancelled.json().at("dispatches").as_array()) {
    auto s = str(disp, "status");
    EXPECT_TRUE(s == "cancelled" || s == "declined") << s;
  }
  auto reopened = client_.post("/api/v1/incidents/" + str(inc, "id") + "/reopen", json::object{{"reason", "Ular kembali"}}, ct);
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_EQ(str(reopened.json(), "status"), "open");
}

// The creation's answer is read in the write command itself (services::create_incident_detail_once),
// not read back after the commit: it must be the incident's detail exactly as GET answers it, with
// the report it links, its dispatches, its timeline and the clocks; a replay of its key answers
// the same detail.
TEST_F(lifecycle, the_creations_answer_is_the_detail_that_get_answers) {
  auto ct = client_.login("calltaker", demo_password);
  auto fire = category(client_, ct, "fire");
  auto rep = client_.post("/api/v1/reports",
                          json::object{{"channel", "call"},
                                       {"reporter_phone", "+6281234500077"},
                                       {"description", "Gudang terbakar"},
                                       {"category_id", fire.at("id")}},
                          ct);
  ASSERT_EQ(rep.status, 201) << rep.body;
  auto body = json::serialize(json::object{{"category_id", fire.at("id")},
                                           {"summary", "Kebakaran gudang"},
                                           {"location", json::object{{"lat", -3.6958}, {"lon", 128.1820}}},
                                           {"report_ids", json::array{rep.json().at("id")}},
                                           {"agency_ids", json::array{json::string(agency_id(client_, ct, "DAMKAR")),
                                                                      json::string(agency_id(client_, ct, "PLN"))}}});
  auto made = client_.request("POST", "/api/v1/incidents", body, ct, "application/json",
                              {{"Idempotency-Key", "answer-is-detail-1"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const auto& answer = made.json().as_object();
  ASSERT_EQ(answer.at("dispatches").as_array().size(), 2u);
  ASSERT_EQ(answer.at("reports").as_array().size(), 1u);
  EXPECT_GE(answer.at("events").as_array().size(), 4u) << "created, linked, two dispatches at least";
  EXPECT_FALSE(answer.at("clocks").as_array().empty());
  auto got = client_.get("/api/v1/incidents/" + str(answer, "id"), ct);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(json::serialize(answer), json::serialize(got.json())) << "POST's answer differs from GET's";
  auto again = client_.request("POST", "/api/v1/incidents", body, ct, "application/json",
                               {{"Idempotency-Key", "answer-is-detail-1"}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(json::serialize(again.json()), json::serialize(got.json()));
}

}  // namespace siaga::testing
