// Changing an incident after dispatch over the real server: corrections and notes are events
// on its timeline, seen by the agencies on it (and only by them), announced through their
// webhooks; bad input and the wrong roles are refused with nothing changed.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace siaga::testing {
namespace {

namespace json = boost::json;

class incident_updates : public own_server_test {
 protected:
  void SetUp() override {
    own_server_test::SetUp();
    psc_ = client_->login("psc119", demo_password);
    leader_ = client_->login("walikota", demo_password);
  }

  // Points DAMKAR's notifications at the stand-in receiver.
  void hook_damkar() {
    auto put = set_webhook(*client_, admin_, "DAMKAR", receiver_.url("/hook/damkar"));
    ASSERT_EQ(put.status, 200) << put.body;
  }

  // A fire at Batu Merah (Sirimau) dispatched to DAMKAR and PLN.
  json::object fire() {
    auto cat = category(*client_, call_taker_, "fire");
    auto r = client_->post(
        "/api/v1/incidents",
        json::object{{"category_id", cat.at("id")},
                     {"summary", "Kebakaran rumah"},
                     {"address", "Jl. Yos Sudarso"},
                     {"location", json::object{{"lat", -3.6871}, {"lon", 128.1902}}},
                     {"agency_ids", json::array{json::value(agency_id(*client_, call_taker_, "DAMKAR")),
                                                json::value(agency_id(*client_, call_taker_, "PLN"))}}},
        call_taker_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  }

  json::object incident(const std::string& id, const std::string& token) {
    auto r = client_->get("/api/v1/incidents/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  std::vector<json::object> events(const std::string& id, const std::string& token, const std::string& kind) {
    auto r = client_->get("/api/v1/incidents/" + id + "/events", token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json::object> out;
    if (r.status != 200) return out;
    for (const auto& e : r.json().at("items").as_array()) {
      if (str(e, "kind") == kind) out.push_back(e.as_object());
    }
    return out;
  }

  // The bodies DAMKAR's webhook received for one event kind.
  std::vector<json::object> received(const std::string& kind) {
    std::vector<json::object> out;
    for (const auto& r : receiver_.requests()) {
      if (r.header("x-siaga-event") == kind) out.push_back(json::parse(r.body).as_object());
    }
    return out;
  }

  // What the receiver got, for failure messages.
  std::string seen_kinds() {
    std::string out;
    for (const auto& r : receiver_.requests()) out += r.header("x-siaga-event") + "(" + std::to_string(r.answered) + ") ";
    return out;
  }

  stand_in_receiver receiver_;
  std::string psc_, leader_;
};

TEST_F(incident_updates, a_corrected_location_reaches_the_agency_as_an_event_and_a_notification) {
  hook_damkar();
  auto inc = fire();
  auto id = str(inc, "id");
  auto sirimau = str(inc, "district_id");

  // Passo, in Baguala: the district follows the point.
  auto r = client_->request("PATCH", "/api/v1/incidents/" + id,
                            json::serialize(json::object{{"location", json::object{{"lat", -3.6415}, {"lon", 128.2655}}},
                                                         {"address", "Jl. Raya Passo"},
                                                         {"note", "penelepon salah sebut"}}),
                            call_taker_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto after = r.json().as_object();
  EXPECT_EQ(str(after, "address"), "Jl. Raya Passo");
  EXPECT_NE(str(after, "district_id"), sirimau);
  EXPECT_NEAR(after.at("location").at("lat").to_number<double>(), -3.6415, 1e-9);

  // The agency sees the corrected incident and the event with what changed.
  auto seen = incident(id, damkar_);
  EXPECT_EQ(str(seen, "address"), "Jl. Raya Passo");
  auto updated = events(id, damkar_, "incident.updated");
  ASSERT_EQ(updated.size(), 1u);
  const auto& changes = updated[0].at("payload").at("changes").as_object();
  EXPECT_EQ(str(changes.at("address"), "from"), "Jl. Yos Sudarso");
  EXPECT_EQ(str(changes.at("address"), "to"), "Jl. Raya Passo");
  EXPECT_TRUE(changes.contains("location"));
  EXPECT_TRUE(changes.contains("district_id"));
  EXPECT_EQ(str(updated[0].at("payload"), "note"), "penelepon salah sebut");

  // And its webhook is told, with the new address in the notice.
  ASSERT_TRUE(eventually([&] { return !received("incident.updated").empty(); })) << seen_kinds();
  auto body = received("incident.updated")[0];
  EXPECT_EQ(str(body.at("incident"), "address"), "Jl. Raya Passo");
  EXPECT_NE(str(body, "changes").find("Alamat"), std::string::npos) << str(body, "changes");
  EXPECT_NE(str(body, "text").find("PEMBARUAN PENUGASAN 112"), std::string::npos) << str(body, "text");

  // The same values again change nothing and record nothing.
  auto same = client_->request("PATCH", "/api/v1/incidents/" + id,
                               json::serialize(json::object{{"address", "Jl. Raya Passo"}}), call_taker_);
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(events(id, call_taker_, "incident.updated").size(), 1u);
}

TEST_F(incident_updates, a_new_category_brings_its_urgency) {
  auto id = str(fire(), "id");
  auto light = category(*client_, call_taker_, "street_light");
  auto r = client_->request("PATCH", "/api/v1/incidents/" + id,
                            json::serialize(json::object{{"category_id", light.at("id")}}), call_taker_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "category_id"), str(light, "id"));
  EXPECT_EQ(str(r.json(), "urgency"), "complaint");
  auto e = events(id, call_taker_, "incident.updated");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(str(e[0].at("payload").at("changes").at("urgency"), "to"), "complaint");
}

TEST_F(incident_updates, notes_are_seen_by_whom_they_are_for) {
  hook_damkar();
  auto id = str(fire(), "id");

  auto mine = client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", "Akses lewat gang belakang"}},
                            call_taker_);
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_EQ(str(mine.json(), "kind"), "incident.note_added");
  auto theirs = client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", "Unit 2 tiba"}}, damkar_);
  ASSERT_EQ(theirs.status, 201) << theirs.body;

  // The call taker's note is for every agency on it; DAMKAR's is for the dispatchers and DAMKAR.
  EXPECT_EQ(events(id, damkar_, "incident.note_added").size(), 2u);
  EXPECT_EQ(events(id, call_taker_, "incident.note_added").size(), 2u);
  EXPECT_EQ(events(id, leader_, "incident.note_added").size(), 2u);

  // PSC119 is not on this fire: the incident does not exist for it.
  EXPECT_EQ(client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", "x"}}, psc_).status, 404);
  EXPECT_EQ(client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", "x"}}, leader_).status, 403);

  ASSERT_TRUE(eventually([&] { return !received("incident.note_added").empty(); })) << seen_kinds();
  // Once nothing is pending, every notification that was written has been delivered.
  ASSERT_TRUE(eventually([&] {
    auto r = client_->get("/api/v1/notifications?status=pending", admin_);
    return r.status == 200 && r.json().at("items").as_array().empty();
  }));
  auto notes = received("incident.note_added");
  EXPECT_EQ(notes.size(), 1u) << "DAMKAR's own note is not sent back to it";
  EXPECT_EQ(str(notes[0], "note"), "Akses lewat gang belakang");
}

TEST_F(incident_updates, bad_input_and_wrong_roles_change_nothing) {
  auto inc = fire();
  auto id = str(inc, "id");
  auto before = incident(id, call_taker_);
  auto events_before = client_->get("/api/v1/incidents/" + id + "/events", call_taker_).body;

  const std::pair<json::object, const char*> bad[] = {
      {json::object{}, "nothing to change"},
      {json::object{{"colour", "red"}}, "colour"},
      {json::object{{"summary", "   "}}, "summary"},
      {json::object{{"summary", 42}}, "summary"},
      {json::object{{"category_id", "no-such-category"}}, "category_id"},
      {json::object{{"district_id", "no-such-district"}}, "district_id"},
      {json::object{{"location", json::object{{"lat", 200}, {"lon", 128.1}}}}, "location"},
      {json::object{{"location", json::object{{"lat", -3.6}}}}, "location"},
      {json::object{{"address", std::string(501, 'a')}}, "address"},
  };
  for (const auto& [body, word] : bad) {
    auto r = client_->request("PATCH", "/api/v1/incidents/" + id, json::serialize(body), call_taker_);
    EXPECT_EQ(r.status, 400) << json::serialize(body) << " -> " << r.body;
    EXPECT_NE(r.body.find(word), std::string::npos) << r.body;
  }
  auto text = json::serialize(json::object{{"summary", "Kebakaran toko"}});
  EXPECT_EQ(client_->request("PATCH", "/api/v1/incidents/" + id, text, damkar_).status, 403);
  EXPECT_EQ(client_->request("PATCH", "/api/v1/incidents/" + id, text, leader_).status, 403);
  EXPECT_EQ(client_->request("PATCH", "/api/v1/incidents/no-such-incident", text, call_taker_).status, 404);
  EXPECT_EQ(client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", " "}}, call_taker_).status, 400);
  EXPECT_EQ(client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", std::string(2001, 'x')}},
                          call_taker_)
                .status,
            400);
  EXPECT_EQ(client_->post("/api/v1/incidents/" + id + "/notes", json::object{}, call_taker_).status, 400);

  EXPECT_EQ(incident(id, call_taker_), before);
  EXPECT_EQ(client_->get("/api/v1/incidents/" + id + "/events", call_taker_).body, events_before);

  // A cancelled incident is not changed until it is reopened.
  ASSERT_EQ(client_->post("/api/v1/incidents/" + id + "/cancel", json::object{{"reason", "salah input"}}, call_taker_)
                .status,
            200);
  EXPECT_EQ(client_->request("PATCH", "/api/v1/incidents/" + id, text, call_taker_).status, 409);
  EXPECT_EQ(client_->post("/api/v1/incidents/" + id + "/notes", json::object{{"text", "x"}}, call_taker_).status, 409);
  ASSERT_EQ(client_->post("/api/v1/incidents/" + id + "/reopen", json::object{{"reason", "ternyata benar"}}, call_taker_)
                .status,
            200);
  EXPECT_EQ(client_->request("PATCH", "/api/v1/incidents/" + id, text, call_taker_).status, 200);
}

}  // namespace
}  // namespace siaga::testing
