// Role rules over the real server: who may read and change what.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"

#include <gtest/gtest.h>

namespace siaga::testing {
namespace json = boost::json;

class access : public shared_server_test {
 protected:
  // A medical incident (PSC 119 only) and a fire incident (Damkar among others).
  struct two_incidents {
    std::string medical_id, medical_dispatch, fire_id, damkar_dispatch;
  };
  two_incidents make_incidents(const std::string& ct, bool share_contact) {
    two_incidents out;
    auto medical = category(client_, ct, "medical");
    auto fire = category(client_, ct, "fire");
    auto damkar = agency_id(client_, ct, "DAMKAR");
    auto rep = client_.post("/api/v1/reports",
                            json::object{{"description", "Bapak pingsan di jalan"}, {"reporter_name", "Yohanis"},
                                         {"reporter_phone", "+6281311112222"}, {"category_id", medical.at("id")}},
                            ct);
    auto m = client_.post("/api/v1/reports/" + str(rep.json(), "id") + "/accept", json::object{}, ct);
    EXPECT_EQ(m.status, 200) << m.body;
    out.medical_id = str(m.json(), "id");
    out.medical_dispatch = str(m.json().at("dispatches").as_array()[0], "id");
    auto rep2 = client_.post("/api/v1/reports",
                             json::object{{"description", "Kebakaran gudang"}, {"reporter_name", "Ahmad"},
                                          {"reporter_phone", "+6281399998888"}, {"category_id", fire.at("id")}},
                             ct);
    auto f = client_.post("/api/v1/reports/" + str(rep2.json(), "id") + "/accept",
                          json::object{{"share_contact", share_contact}}, ct);
    EXPECT_EQ(f.status, 200) << f.body;
    out.fire_id = str(f.json(), "id");
    for (const auto& d : f.json().at("dispatches").as_array()) {
      if (str(d, "agency_id") == damkar) out.damkar_dispatch = str(d, "id");
    }
    return out;
  }
};

// Issue 12 item 5: a number typed by staff is stored as callers' numbers are, or refused.
TEST_F(access, a_typed_reporter_phone_is_stored_in_e164_or_refused_naming_the_field) {
  auto ct = client_.login("calltaker", demo_password);
  auto fire = category(client_, ct, "fire");
  const auto before = count_rows(server_->database(), "reports");
  for (const char* bad : {"call me maybe", "112", "0812", "0812-ABCD-7890"}) {
    auto r = client_.post("/api/v1/reports",
                          json::object{{"description", "Asap di gudang"}, {"reporter_phone", bad},
                                       {"category_id", fire.at("id")}},
                          ct);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(str(r.json(), "error"), "invalid_input") << r.body;
    EXPECT_NE(r.body.find("reporter_phone"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("0812-3456-7890"), std::string::npos) << r.body;
  }
  EXPECT_EQ(count_rows(server_->database(), "reports"), before);

  auto ok = client_.post("/api/v1/reports",
                         json::object{{"description", "Asap di gudang"}, {"reporter_phone", "0813 9999-8877"},
                                      {"category_id", fire.at("id")}},
                         ct);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(str(ok.json().at("reporter"), "phone"), "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 8877");
  auto stored = client_.post("/api/v1/reports/" + str(ok.json(), "id") + "/contact", json::object{}, ct);
  EXPECT_EQ(str(stored.json(), "phone"), "+6281399998877");
  EXPECT_EQ(count_rows(server_->database(), "reports"), before + 1);
}

TEST_F(access, agency_operator_cannot_read_or_change_another_agencys_dispatch) {
  auto ct = client_.login("calltaker", demo_password);
  auto op = client_.login("damkar", demo_password);
  auto x = make_incidents(ct, false);

  EXPECT_EQ(client_.get("/api/v1/dispatches/" + x.medical_dispatch, op).status, 404);
  EXPECT_EQ(client_.get("/api/v1/incidents/" + x.medical_id, op).status, 404);
  EXPECT_EQ(client_.get("/api/v1/incidents/" + x.medical_id + "/events", op).status, 404);
  auto ack = client_.post("/api/v1/dispatches/" + x.medical_dispatch + "/acknowledge", json::object{}, op);
  EXPECT_EQ(ack.status, 404) << ack.body;
  auto still = client_.get("/api/v1/dispatches/" + x.medical_dispatch, ct);
  EXPECT_EQ(str(still.json(), "status"), "notified");

  // Its own dispatch: visible and actionable; the list holds only its agency's dispatches.
  EXPECT_EQ(client_.get("/api/v1/dispatches/" + x.damkar_dispatch, op).status, 200);
  EXPECT_EQ(client_.post("/api/v1/dispatches/" + x.damkar_dispatch + "/acknowledge", json::object{}, op).status, 200);
  auto damkar = agency_id(client_, ct, "DAMKAR");
  auto mine = client_.get("/api/v1/dispatches?limit=500", op);
  ASSERT_EQ(mine.status, 200);
  ASSERT_FALSE(mine.json().at("items").as_array().empty());
  for (const auto& d : mine.json().at("items").as_array()) EXPECT_EQ(str(d, "agency_id"), damkar);
  auto other = client_.get("/api/v1/dispatches?agency_id=" + agency_id(client_, ct, "PSC119"), op);
  for (const auto& d : other.json().at("items").as_array()) EXPECT_EQ(str(d, "agency_id"), damkar);

  // The fire incident shows only Damkar's dispatch, and no other agency's events.
  auto inc = client_.get("/api/v1/incidents/" + x.fire_id, op);
  ASSERT_EQ(inc.status, 200);
  ASSERT_EQ(inc.json().at("dispatches").as_array().size(), 1u);
  for (const auto& e : inc.json().at("events").as_array()) {
    auto a = e.at("agency_id");
    EXPECT_TRUE(a.is_null() || a.as_string() == damkar);
  }
  // Operators may not cancel, and may not use the call taker's endpoints.
  EXPECT_EQ(client_.post("/api/v1/dispatches/" + x.damkar_dispatch + "/cancel", json::object{{"reason", "x"}}, op).status, 403);
  EXPECT_EQ(client_.get("/api/v1/reports", op).status, 403);
  EXPECT_EQ(client_.post("/api/v1/reports", json::object{{"description", "x"}}, op).status, 403);
}

TEST_F(access, reporter_contact_is_masked_for_everyone_and_revealed_only_where_allowed) {
  auto ct = client_.login("calltaker", demo_password);
  auto op = client_.login("damkar", demo_password);
  const std::string masked = "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 8888";
  auto hidden = make_incidents(ct, false);
  auto r = client_.get("/api/v1/incidents/" + hidden.fire_id, op);
  auto reporter = r.json().at("reports").as_array()[0].at("reporter");
  EXPECT_TRUE(reporter.at("name").is_null());
  EXPECT_EQ(str(reporter, "phone"), masked);
  EXPECT_TRUE(reporter.at("masked").as_bool());
  EXPECT_FALSE(reporter.at("can_reveal").as_bool());
  EXPECT_TRUE(reporter.at("has_name").as_bool());
  const auto fire_report = [&](const two_incidents& x) {
    return str(client_.get("/api/v1/incidents/" + x.fire_id, ct).json().at("reports").as_array()[0], "id");
  };
  EXPECT_EQ(client_.post("/api/v1/reports/" + fire_report(hidden) + "/contact", json::object{}, op).status, 404);

  // Shared with the operator's agency: still masked in the view, but the operator may reveal it.
  auto shared = make_incidents(ct, true);
  auto s = client_.get("/api/v1/incidents/" + shared.fire_id, op);
  auto open_reporter = s.json().at("reports").as_array()[0].at("reporter");
  EXPECT_TRUE(open_reporter.at("name").is_null());
  EXPECT_EQ(str(open_reporter, "phone"), masked);
  EXPECT_TRUE(open_reporter.at("can_reveal").as_bool());
  auto revealed = client_.post("/api/v1/reports/" + fire_report(shared) + "/contact", json::object{}, op);
  ASSERT_EQ(revealed.status, 200) << revealed.body;
  EXPECT_EQ(str(revealed.json(), "name"), "Ahmad");
  EXPECT_EQ(str(revealed.json(), "phone"), "+6281399998888");

  // The call taker sees it masked too and may reveal it; the leader may not.
  auto leader = client_.login("walikota", demo_password);
  auto seen = client_.get("/api/v1/incidents/" + hidden.fire_id, ct);
  auto ct_reporter = seen.json().at("reports").as_array()[0].at("reporter");
  EXPECT_EQ(str(ct_reporter, "phone"), masked);
  EXPECT_TRUE(ct_reporter.at("can_reveal").as_bool());
  auto by_ct = client_.post("/api/v1/reports/" + fire_report(hidden) + "/contact", json::object{}, ct);
  ASSERT_EQ(by_ct.status, 200) << by_ct.body;
  EXPECT_EQ(str(by_ct.json(), "phone"), "+6281399998888");
  auto led = client_.get("/api/v1/incidents/" + shared.fire_id, leader);
  ASSERT_EQ(led.status, 200);
  EXPECT_TRUE(led.json().at("reports").as_array()[0].at("reporter").at("name").is_null());
  EXPECT_FALSE(led.json().at("reports").as_array()[0].at("reporter").at("can_reveal").as_bool());
  EXPECT_EQ(client_.post("/api/v1/reports/" + fire_report(shared) + "/contact", json::object{}, leader).status, 403);
  auto reports = client_.get("/api/v1/reports?limit=5", leader);
  ASSERT_EQ(reports.status, 200);
  for (const auto& rep : reports.json().at("items").as_array()) {
    EXPECT_TRUE(rep.at("reporter").at("masked").as_bool());
  }
}

TEST_F(access, leader_reads_but_cannot_write) {
  auto ct = client_.login("calltaker", demo_password);
  auto leader = client_.login("walikota", demo_password);
  auto x = make_incidents(ct, false);
  EXPECT_EQ(client_.get("/api/v1/incidents?limit=5", leader).status, 200);
  EXPECT_EQ(client_.get("/api/v1/incidents/" + x.fire_id, leader).status, 200);
  EXPECT_EQ(client_.get("/api/v1/dispatches?limit=5", leader).status, 200);
  EXPECT_EQ(client_.post("/api/v1/reports", json::object{{"description", "x"}}, leader).status, 403);
  EXPECT_EQ(client_.post("/api/v1/dispatches/" + x.damkar_dispatch + "/acknowledge", json::object{}, leader).status, 403);
  EXPECT_EQ(client_.post("/api/v1/incidents/" + x.fire_id + "/cancel", json::object{{"reason", "x"}}, leader).status, 403);
  EXPECT_EQ(client_.post("/api/v1/agencies", json::object{{"code", "X"}, {"name", "X"}}, leader).status, 403);
  auto still = client_.get("/api/v1/incidents/" + x.fire_id, ct);
  EXPECT_EQ(str(still.json(), "status"), "dispatched");
}

TEST_F(access, only_admin_manages_users_agencies_and_categories) {
  auto admin = client_.login("admin", demo_password);
  auto ct = client_.login("calltaker", demo_password);
  auto sup = client_.login("supervisor", demo_password);
  EXPECT_EQ(client_.get("/api/v1/users", ct).status, 403);
  EXPECT_EQ(client_.get("/api/v1/users", sup).status, 200);
  EXPECT_EQ(client_.post("/api/v1/users", json::object{{"username", "baru"}, {"display_name", "Baru"}, {"role", "call_taker"},
                                                       {"password", "rahasia-panjang"}},
                         sup)
                .status,
            403);
  auto created = client_.post("/api/v1/users",
                              json::object{{"username", "petugas2"}, {"display_name", "Petugas Dua"},
                                           {"role", "call_taker"}, {"password", "rahasia-panjang"}},
                              admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.json().as_object().contains("password_hash"));
  auto token = client_.login("petugas2", "rahasia-panjang");
  EXPECT_FALSE(token.empty());
  auto dup = client_.post("/api/v1/users",
                          json::object{{"username", "petugas2"}, {"display_name", "Lagi"}, {"role", "call_taker"},
                                       {"password", "rahasia-panjang"}},
                          admin);
  EXPECT_EQ(dup.status, 409) << dup.body;
  auto op_without_agency = client_.post("/api/v1/users",
                                        json::object{{"username", "opx"}, {"display_name", "Op"},
                                                     {"role", "agency_operator"}, {"password", "rahasia-panjang"}},
                                        admin);
  EXPECT_EQ(op_without_agency.status, 400) << op_without_agency.body;

  // Disabling the user ends its sessions at once.
  auto off = client_.request("PATCH", "/api/v1/users/" + str(created.json(), "id"), R"({"active":false})", admin);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(client_.get("/api/v1/me", token).status, 401);

  auto agency = client_.post("/api/v1/agencies", json::object{{"code", "TAGANA"}, {"name", "Taruna Siaga Bencana"}, {"kind", "disaster"}}, admin);
  ASSERT_EQ(agency.status, 201) << agency.body;
  EXPECT_EQ(client_.post("/api/v1/agencies", json::object{{"code", "X"}, {"name", "X"}}, ct).status, 403);
  auto cat = client_.post("/api/v1/categories",
                          json::object{{"code", "tsunami"}, {"name_id", "Tsunami"}, {"urgency", "emergency"},
                                       {"run_card", json::array{json::object{{"agency_id", str(agency.json(), "id")}, {"role", "primary"}}}},
                                       {"sla", json::object{{"dispatch_within_s", 60}}}},
                          admin);
  ASSERT_EQ(cat.status, 201) << cat.body;
  EXPECT_EQ(cat.json().at("run_card").as_array().size(), 1u);
}

TEST_F(access, sessions_cookies_and_logout) {
  EXPECT_EQ(client_.get("/api/v1/me").status, 401);
  EXPECT_EQ(client_.get("/api/v1/incidents").status, 401);
  EXPECT_EQ(client_.get("/api/v1/me", "not-a-token").status, 401);
  auto bad = client_.post("/api/v1/auth/login", json::object{{"username", "calltaker"}, {"password", "salah"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(str(bad.json(), "error"), "unauthenticated");

  auto ok = client_.post("/api/v1/auth/login", json::object{{"username", "calltaker"}, {"password", demo_password}});
  ASSERT_EQ(ok.status, 200);
  auto cookie = ok.headers["set-cookie"];
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  auto value = cookie.substr(0, cookie.find(';'));
  auto me = client_.request("GET", "/api/v1/me", {}, {}, {}, {{"Cookie", "theme=dark; " + value}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json(), "role"), "call_taker");
  EXPECT_EQ(str(me.json().at("jurisdiction"), "code"), "81.71");

  auto token = str(ok.json(), "token");
  EXPECT_EQ(client_.post("/api/v1/auth/logout", json::object{}, token).status, 204);
  EXPECT_EQ(client_.get("/api/v1/me", token).status, 401);
}

}  // namespace siaga::testing
