// Bad input gets a 4xx with a JSON error that says what is wrong, and changes nothing.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"

#include <gtest/gtest.h>

namespace siaga::testing {
namespace json = boost::json;

class bad_input : public shared_server_test {
 protected:
  void SetUp() override { ct_ = client_.login("calltaker", demo_password); }

  // Totals of everything a request could have created.
  std::tuple<std::int64_t, std::int64_t, std::int64_t> totals() {
    auto t = [&](const char* path) { return client_.get(path, ct_).json().at("total").as_int64(); };
    return {t("/api/v1/reports?limit=1"), t("/api/v1/incidents?limit=1"), t("/api/v1/dispatches?limit=1")};
  }

  // Expects the status and a JSON error body naming the code, with a message.
  void expect_error(const http_reply& r, int status, const std::string& code, const std::string& message_part = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    auto v = r.json();
    ASSERT_TRUE(v.is_object()) << r.body;
    EXPECT_EQ(str(v, "error"), code) << r.body;
    EXPECT_FALSE(str(v, "message").empty());
    if (!message_part.empty()) {
      EXPECT_NE(str(v, "message").find(message_part), std::string::npos) << r.body;
    }
  }

  std::string ct_;
};

TEST_F(bad_input, malformed_bodies_are_refused_and_change_nothing) {
  auto before = totals();
  expect_error(client_.request("POST", "/api/v1/reports", "{\"description\": ", ct_), 400, "invalid_input", "not valid JSON");
  expect_error(client_.request("POST", "/api/v1/reports", "[1,2]", ct_), 400, "invalid_input", "JSON object");
  expect_error(client_.request("POST", "/api/v1/reports", "description=x", ct_, "application/x-www-form-urlencoded"), 415,
               "unsupported_media_type");
  expect_error(client_.post("/api/v1/reports", json::object{{"description", 42}}, ct_), 400, "invalid_input", "description");
  expect_error(client_.post("/api/v1/reports", json::object{{"descripton", "typo"}}, ct_), 400, "invalid_input", "descripton");
  expect_error(client_.post("/api/v1/reports", json::object{{"description", "x"}, {"channel", "pigeon"}}, ct_), 400,
               "invalid_input", "channel");
  expect_error(client_.post("/api/v1/reports", json::object{{"description", "x"}, {"location", json::object{{"lat", 91}, {"lon", 0}}}}, ct_),
               400, "invalid_input", "lat");
  expect_error(client_.post("/api/v1/reports", json::object{{"description", "x"}, {"location", "here"}}, ct_), 400,
               "invalid_input", "location");
  expect_error(client_.post("/api/v1/reports", json::object{{"category_id", "no-such-category"}}, ct_), 400,
               "invalid_input", "category_id");
  expect_error(client_.post("/api/v1/reports", json::object{}, ct_), 400, "invalid_input");
  expect_error(client_.post("/api/v1/incidents", json::object{{"summary", "no category"}}, ct_), 400, "invalid_input",
               "category_id");
  auto fire = category(client_, ct_, "fire");
  expect_error(client_.post("/api/v1/incidents", json::object{{"category_id", fire.at("id")},
                                                              {"agency_ids", json::array{json::string("nope")}}},
                            ct_),
               400, "invalid_input", "agency_id");
  expect_error(client_.post("/api/v1/incidents", json::object{{"category_id", fire.at("id")}, {"agency_ids", "DAMKAR"}}, ct_),
               400, "invalid_input", "agency_ids");
  EXPECT_EQ(before, totals());
}

TEST_F(bad_input, oversize_body_gets_413) {
  auto before = totals();
  std::string huge = R"({"description": ")" + std::string(2 * 1024 * 1024, 'a') + R"("})";
  auto r = client_.request("POST", "/api/v1/reports", huge, ct_);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_EQ(str(r.json(), "error"), "payload_too_large");
  EXPECT_EQ(before, totals());
}

TEST_F(bad_input, unknown_ids_and_routes_get_404) {
  auto before = totals();
  expect_error(client_.get("/api/v1/incidents/0190f1c2-0000-7000-8000-000000000000", ct_), 404, "not_found");
  expect_error(client_.get("/api/v1/reports/nope", ct_), 404, "not_found");
  expect_error(client_.post("/api/v1/reports/nope/accept", json::object{}, ct_), 404, "not_found");
  expect_error(client_.post("/api/v1/dispatches/nope/acknowledge", json::object{}, ct_), 404, "not_found");
  expect_error(client_.get("/api/v1/no-such-thing", ct_), 404, "not_found");
  auto wrong_method = client_.request("DELETE", "/api/v1/reports", {}, ct_);
  EXPECT_EQ(wrong_method.status, 405);
  expect_error(client_.get("/api/v1/incidents?status=burning", ct_), 400, "invalid_input", "status");
  expect_error(client_.get("/api/v1/incidents?limit=0", ct_), 400, "invalid_input", "limit");
  expect_error(client_.get("/api/v1/incidents?from=yesterday", ct_), 400, "invalid_input", "from");
  EXPECT_EQ(before, totals());
}

TEST_F(bad_input, illegal_transitions_get_409_and_change_nothing) {
  auto animal = category(client_, ct_, "animal");
  auto created = client_.post("/api/v1/incidents", json::object{{"category_id", animal.at("id")}}, ct_);
  ASSERT_EQ(created.status, 201) << created.body;
  auto incident_id = str(created.json(), "id");
  auto d = str(created.json().at("dispatches").as_array()[0], "id");
  auto events_before = client_.get("/api/v1/incidents/" + incident_id + "/events", ct_).json().at("items").as_array().size();
  auto before = totals();

  expect_error(client_.post("/api/v1/dispatches/" + d + "/complete", json::object{{"note", "done"}}, ct_), 409, "conflict",
               "notified");
  expect_error(client_.post("/api/v1/dispatches/" + d + "/on_scene", json::object{}, ct_), 409, "conflict");
  expect_error(client_.post("/api/v1/incidents/" + incident_id + "/close", json::object{}, ct_), 409, "conflict");
  expect_error(client_.post("/api/v1/incidents/" + incident_id + "/reopen", json::object{{"reason", "x"}}, ct_), 409, "conflict");
  expect_error(client_.post("/api/v1/dispatches/" + d + "/acknowledge", json::object{{"note", "unexpected"}}, ct_), 400,
               "invalid_input", "note");
  auto damkar = agency_id(client_, ct_, "DAMKAR");
  expect_error(client_.post("/api/v1/incidents/" + incident_id + "/dispatches",
                            json::object{{"agency_ids", json::array{json::string(damkar)}}}, ct_),
               409, "conflict", "already dispatched");

  auto after = client_.get("/api/v1/dispatches/" + d, ct_);
  EXPECT_EQ(str(after.json(), "status"), "notified");
  EXPECT_EQ(client_.get("/api/v1/incidents/" + incident_id + "/events", ct_).json().at("items").as_array().size(),
            events_before);
  EXPECT_EQ(before, totals());
}

}  // namespace siaga::testing
