// Whose silence means something: an agency with a console acknowledges on it; one reached only
// by webhook is acknowledged by the delivery of its notice; one with neither is confirmed by
// the call taker who phoned it. Over the real server, with a stand-in webhook receiver.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>

namespace siaga::testing {
namespace {

namespace json = boost::json;

class acknowledgement : public own_server_test {
 protected:

  std::map<std::string, std::string> acknowledged_by() {
    std::map<std::string, std::string> out;
    auto r = client_->get("/api/v1/agencies", call_taker_);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& a : r.json().at("items").as_array()) out[str(a, "code")] = str(a, "acknowledged_by");
    return out;
  }

  // A fire dispatched to DAMKAR (console), PLN (webhook only) and RSUD (neither); its
  // dispatches by agency code.
  std::map<std::string, json::object> fire() {
    auto cat = category(*client_, call_taker_, "fire");
    json::array ids;
    std::map<std::string, std::string> code_of;
    for (const char* code : {"DAMKAR", "PLN", "RSUD"}) {
      auto id = agency_id(*client_, call_taker_, code);
      code_of[id] = code;
      ids.emplace_back(id);
    }
    auto r = client_->post("/api/v1/incidents",
                           json::object{{"category_id", cat.at("id")}, {"summary", "Kebakaran pasar"}, {"agency_ids", ids}},
                           call_taker_);
    EXPECT_EQ(r.status, 201) << r.body;
    std::map<std::string, json::object> out;
    for (const auto& d : r.json().at("dispatches").as_array()) out[code_of[str(d, "agency_id")]] = d.as_object();
    return out;
  }

  std::string status_of(const json::object& d) {
    auto r = client_->get("/api/v1/dispatches/" + str(d, "id"), call_taker_);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "status");
  }

  // The "via" of the dispatch.acknowledged event of this dispatch, or "" when there is none.
  std::string via_of(const json::object& d) {
    auto r = client_->get("/api/v1/incidents/" + str(d, "incident_id") + "/events", call_taker_);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& e : r.json().at("items").as_array()) {
      if (str(e, "kind") == "dispatch.acknowledged" && str(e, "subject_id") == str(d, "id")) {
        return str(e.at("payload"), "via");
      }
    }
    return {};
  }

  stand_in_receiver receiver_;
};

TEST_F(acknowledgement, each_agency_is_acknowledged_the_way_it_can_be) {
  ASSERT_EQ(acknowledged_by()["PLN"], "phone") << "no console, no endpoint yet";
  ASSERT_EQ(set_webhook(*client_, admin_, "PLN", receiver_.url("/hook/pln")).status, 200);
  ASSERT_EQ(set_webhook(*client_, admin_, "DAMKAR", receiver_.url("/hook/damkar")).status, 200);
  auto by = acknowledged_by();
  EXPECT_EQ(by["DAMKAR"], "console") << "it has an operator account, webhook or not";
  EXPECT_EQ(by["PLN"], "delivery_receipt");
  EXPECT_EQ(by["RSUD"], "phone");

  auto d = fire();
  ASSERT_EQ(d.size(), 3u);
  // PLN's delivered notice acknowledges its dispatch; DAMKAR's does not: its people must.
  ASSERT_TRUE(eventually([&] { return status_of(d["PLN"]) == "acknowledged"; }));
  EXPECT_EQ(via_of(d["PLN"]), "delivery_receipt");
  ASSERT_TRUE(eventually([&] { return receiver_.requests().size() >= 2; }));
  EXPECT_EQ(status_of(d["DAMKAR"]), "notified");

  // RSUD has neither: the call taker phones and confirms.
  auto phoned = client_->post("/api/v1/dispatches/" + str(d["RSUD"], "id") + "/acknowledge",
                              json::object{{"via", "phone"}}, call_taker_);
  ASSERT_EQ(phoned.status, 200) << phoned.body;
  EXPECT_EQ(str(phoned.json(), "status"), "acknowledged");
  EXPECT_EQ(via_of(d["RSUD"]), "phone");

  // DAMKAR on its console.
  auto own = client_->post("/api/v1/dispatches/" + str(d["DAMKAR"], "id") + "/acknowledge", json::object{}, damkar_);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(via_of(d["DAMKAR"]), "console");
}

TEST_F(acknowledgement, wrong_ways_are_refused_and_change_nothing) {
  auto d = fire();
  auto rsud = "/api/v1/dispatches/" + str(d["RSUD"], "id") + "/acknowledge";
  auto damkar = "/api/v1/dispatches/" + str(d["DAMKAR"], "id") + "/acknowledge";
  EXPECT_EQ(client_->post(rsud, json::object{{"via", "delivery_receipt"}}, call_taker_).status, 400);
  EXPECT_EQ(client_->post(rsud, json::object{{"via", "pigeon"}}, call_taker_).status, 400);
  EXPECT_EQ(client_->post(rsud, json::object{{"via", 1}}, call_taker_).status, 400);
  EXPECT_EQ(client_->post(rsud, json::object{{"by", "phone"}}, call_taker_).status, 400);
  // An agency cannot confirm "by phone" what it can acknowledge itself.
  EXPECT_EQ(client_->post(damkar, json::object{{"via", "phone"}}, damkar_).status, 403);
  EXPECT_EQ(status_of(d["RSUD"]), "notified");
  EXPECT_EQ(status_of(d["DAMKAR"]), "notified");
  EXPECT_EQ(via_of(d["RSUD"]), "");

  ASSERT_EQ(client_->post(rsud, json::object{{"via", "phone"}}, call_taker_).status, 200);
  EXPECT_EQ(client_->post(rsud, json::object{{"via", "phone"}}, call_taker_).status, 409) << "only once";
}

}  // namespace
}  // namespace siaga::testing
