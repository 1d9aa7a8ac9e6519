// What a browser is held to (issue 12, item 8): every answer carries the security headers; a
// page of another site cannot make a signed-in browser write (cookie + foreign Origin: 403,
// nothing stored) nor open the stream; a body must be declared application/json (415 else,
// nothing stored), which a cross-site form cannot do without asking first.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace siaga::testing {
namespace {

namespace json = boost::json;

class browser_policy : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<server_process>();
    client_ = std::make_unique<http_client>("127.0.0.1", server_->port());
    token_ = client_->login("calltaker", demo_password);
    host_ = "127.0.0.1:" + std::to_string(server_->port());
  }

  std::int64_t incidents() {
    auto r = client_->get("/api/v1/incidents?limit=1", token_);
    return r.json().at("total").as_int64();
  }

  std::string incident_body() {
    auto fire = category(*client_, token_, "fire");
    return json::serialize(json::object{{"category_id", fire.at("id")}, {"summary", "Uji asal permintaan"},
                                        {"address", "Jl. Pattimura, Ambon"}});
  }

  // A request signed in by the session cookie, as a browser sends it.
  http_reply with_cookie(const std::string& method, const std::string& target, const std::string& body,
                         std::map<std::string, std::string> headers) {
    headers["Cookie"] = "siaga_session=" + token_;
    return client_->request(method, target, body, {}, "application/json", headers);
  }

  std::unique_ptr<server_process> server_;
  std::unique_ptr<http_client> client_;
  std::string token_, host_;
};

TEST_F(browser_policy, every_answer_carries_the_security_headers) {
  for (const auto* target : {"/api/v1/health", "/api/v1/incidents", "/api/v1/no-such-route"}) {
    auto r = client_->get(target, token_);
    EXPECT_NE(r.headers["content-security-policy"].find("frame-ancestors 'none'"), std::string::npos) << target;
    EXPECT_NE(r.headers["content-security-policy"].find("script-src 'self'"), std::string::npos) << target;
    EXPECT_EQ(r.headers["x-frame-options"], "DENY") << target;
    EXPECT_EQ(r.headers["referrer-policy"], "same-origin") << target;
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << target;
  }
}

TEST_F(browser_policy, a_foreign_page_cannot_write_with_the_cookie) {
  auto before = incidents();
  auto evil = with_cookie("POST", "/api/v1/incidents", incident_body(), {{"Origin", "http://evil.example"}});
  EXPECT_EQ(evil.status, 403) << evil.body;
  EXPECT_EQ(str(evil.json(), "error"), "forbidden_origin");
  auto null_origin = with_cookie("POST", "/api/v1/incidents", incident_body(), {{"Origin", "null"}});
  EXPECT_EQ(null_origin.status, 403) << null_origin.body;
  auto other_port = with_cookie("POST", "/api/v1/incidents", incident_body(), {{"Origin", "http://127.0.0.1:1"}});
  EXPECT_EQ(other_port.status, 403) << other_port.body;
  auto logout = with_cookie("POST", "/api/v1/auth/logout", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(logout.status, 403) << logout.body;
  EXPECT_EQ(incidents(), before);

  // The console's own pages write as before, and so does a client that is not a browser.
  auto own = with_cookie("POST", "/api/v1/incidents", incident_body(), {{"Origin", "http://" + host_}});
  EXPECT_EQ(own.status, 201) << own.body;
  auto plain = with_cookie("POST", "/api/v1/incidents", incident_body(), {});
  EXPECT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(incidents(), before + 2);
  // Reading is not a write: a foreign Origin on a GET changes nothing and is answered.
  EXPECT_EQ(with_cookie("GET", "/api/v1/incidents?limit=1", "", {{"Origin", "http://evil.example"}}).status, 200);
}

TEST_F(browser_policy, a_foreign_page_cannot_open_the_stream) {
  ws_client evil(server_->port());
  EXPECT_EQ(evil.connect("/api/v1/stream", {{"Cookie", "siaga_session=" + token_}, {"Origin", "http://evil.example"}}), 403);
  EXPECT_NE(evil.refusal_body().find("forbidden_origin"), std::string::npos) << evil.refusal_body();
  ws_client own(server_->port());
  EXPECT_EQ(own.connect("/api/v1/stream", {{"Cookie", "siaga_session=" + token_}, {"Origin", "http://" + host_}}), 101);
}

TEST_F(browser_policy, a_body_must_be_declared_json) {
  auto before = incidents();
  for (const auto* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "application/jsonp", ""}) {
    auto r = client_->request("POST", "/api/v1/incidents", incident_body(), token_, type);
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
    EXPECT_EQ(str(r.json(), "error"), "unsupported_media_type") << type;
  }
  EXPECT_EQ(incidents(), before);
  auto login = client_->request("POST", "/api/v1/auth/login", R"({"username":"calltaker","password":"x"})", {}, "text/plain");
  EXPECT_EQ(login.status, 415) << login.body;
  auto ok = client_->request("POST", "/api/v1/incidents", incident_body(), token_, "application/json; charset=utf-8");
  EXPECT_EQ(ok.status, 201) << ok.body;
}

}  // namespace
}  // namespace siaga::testing
