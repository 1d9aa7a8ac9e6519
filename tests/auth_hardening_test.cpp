// Issue 12, items 2, 3, 4, 9 and 10 over the real server: a changed user's streams and sessions
// end at once (disable, demotion, agency change, password set by an admin, logout, own password
// change), login rate limits with Retry-After and security events, weak passwords refused, a
// password change required at first login, operators' streams without agency.* events, unknown
// query parameters refused, expired sessions purged.
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string bearer(const std::string& token) { return "Bearer " + token; }

class auth_hardening : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<server_process>(true, std::vector<std::string>{"--session-purge-s", "1"});
    client_ = std::make_unique<http_client>("127.0.0.1", server_->port());
    admin_ = client_->login("admin", demo_password);
  }

  // Creates a user as the admin and returns its id.
  std::string make_user(const std::string& username, const std::string& role, const std::string& agency_code = {},
                        bool must_change = false) {
    json::object body{{"username", username},        {"display_name", "Petugas Uji"},
                      {"role", role},                {"password", "rahasia-panjang-7"},
                      {"must_change_password", must_change}};
    if (!agency_code.empty()) body["agency_id"] = agency_id(*client_, admin_, agency_code);
    auto r = client_->post("/api/v1/users", body, admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(r.json(), "id") : "";
  }

  // Opens a stream with token and reads its hello; null when that failed.
  std::unique_ptr<ws_client> stream(const std::string& token) {
    auto ws = std::make_unique<ws_client>(server_->port());
    int status = ws->connect("/api/v1/stream", {{"Authorization", bearer(token)}});
    EXPECT_EQ(status, 101) << ws->refusal_body();
    auto hello = ws->next();
    EXPECT_TRUE(hello && str(*hello, "type") == "hello");
    return ws;
  }

  // Reads until the server closes the stream (events may come first); true when it did so
  // within 5 s with the session-ended code.
  static bool ends_with_session_closed(ws_client& ws) {
    auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) {
      auto m = ws.next(5s);
      if (!m) break;
    }
    return ws.closed() && ws.close_code() == 4401;
  }

  // Reads until the stream is quiet for a second: true when the server did not close it
  // meanwhile (events may come). The quiet read's deadline cuts the connection: use it last.
  static bool stays_open(ws_client& ws) {
    while (ws.next(1s)) {
    }
    return !ws.closed();
  }

  std::unique_ptr<server_process> server_;
  std::unique_ptr<http_client> client_;
  std::string admin_;
};

TEST_F(auth_hardening, a_change_of_the_user_closes_their_stream_and_ends_their_sessions_at_once) {
  auto psc = agency_id(*client_, admin_, "PSC119");
  struct change {
    const char* name;
    const char* role;
    const char* agency;
    json::object patch;
  };
  std::vector<change> changes = {
      {"disabled", "call_taker", "", json::object{{"active", false}}},
      {"demoted", "call_taker", "", json::object{{"role", "leader"}}},
      {"moved", "agency_operator", "DAMKAR", json::object{{"agency_id", psc}}},
      {"password_set", "call_taker", "", json::object{{"password", "sandi-baru-dari-admin"}}},
      {"must_change", "supervisor", "", json::object{{"must_change_password", true}}},
  };
  int n = 0;
  for (const auto& ch : changes) {
    SCOPED_TRACE(ch.name);
    auto username = "uji.ubah" + std::to_string(++n);
    auto id = make_user(username, ch.role, ch.agency);
    auto token = client_->login(username, "rahasia-panjang-7");
    auto ws = stream(token);
    auto r = client_->request("PATCH", "/api/v1/users/" + id, json::serialize(ch.patch), admin_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(ends_with_session_closed(*ws)) << "code " << ws->close_code() << " " << ws->last_error();
    EXPECT_NE(ws->close_reason().find("akun diubah"), std::string::npos) << ws->close_reason();
    EXPECT_EQ(client_->get("/api/v1/me", token).status, 401) << "the session ended with the change";
  }
  // A new display name is no reason to sign anyone out.
  auto id = make_user("uji.nama", "call_taker");
  auto token = client_->login("uji.nama", "rahasia-panjang-7");
  auto r = client_->request("PATCH", "/api/v1/users/" + id, R"({"display_name":"Nama Baru"})", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(client_->get("/api/v1/me", token).status, 200);
}

TEST_F(auth_hardening, logout_closes_the_streams_of_that_session_only) {
  make_user("uji.keluar", "call_taker");
  auto first = client_->login("uji.keluar", "rahasia-panjang-7");
  auto second = client_->login("uji.keluar", "rahasia-panjang-7");
  auto ws_first = stream(first);
  auto ws_second = stream(second);
  ASSERT_EQ(client_->request("POST", "/api/v1/auth/logout", "", first).status, 204);
  EXPECT_TRUE(ends_with_session_closed(*ws_first)) << ws_first->last_error();
  EXPECT_EQ(ws_first->close_reason(), "keluar / signed out");
  EXPECT_TRUE(stays_open(*ws_second)) << "the other session's stream stays open";
  EXPECT_EQ(client_->get("/api/v1/me", first).status, 401);
  EXPECT_EQ(client_->get("/api/v1/me", second).status, 200);
}

TEST_F(auth_hardening, an_own_password_change_ends_the_other_sessions_and_their_streams) {
  make_user("uji.sandi", "call_taker");
  auto mine = client_->login("uji.sandi", "rahasia-panjang-7");
  auto other = client_->login("uji.sandi", "rahasia-panjang-7");
  auto ws_mine = stream(mine);
  auto ws_other = stream(other);

  // Bad input changes nothing: a wrong current password, a weak new one, unknown fields.
  auto wrong = client_->post("/api/v1/me/password",
                             json::object{{"current_password", "bukan-ini-sandinya"}, {"new_password", "sandi-baru-yang-kuat"}},
                             mine);
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  auto weak = client_->post("/api/v1/me/password",
                            json::object{{"current_password", "rahasia-panjang-7"}, {"new_password", "password123"}}, mine);
  EXPECT_EQ(weak.status, 400) << weak.body;
  EXPECT_NE(weak.body.find("terlalu umum"), std::string::npos) << weak.body;
  auto extra = client_->post("/api/v1/me/password",
                             json::object{{"current_password", "rahasia-panjang-7"}, {"new_password", "sandi-baru-yang-kuat"},
                                          {"user_id", "someone"}},
                             mine);
  EXPECT_EQ(extra.status, 400) << extra.body;
  EXPECT_EQ(client_->get("/api/v1/me", other).status, 200) << "nothing changed yet";

  auto ok = client_->post("/api/v1/me/password",
                          json::object{{"current_password", "rahasia-panjang-7"}, {"new_password", "sandi-baru-yang-kuat"}},
                          mine);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("sessions_ended").as_int64(), 1);
  EXPECT_TRUE(ends_with_session_closed(*ws_other)) << ws_other->last_error();
  EXPECT_EQ(ws_other->close_reason(), "kata sandi diganti / password changed");
  EXPECT_TRUE(stays_open(*ws_mine)) << "the session that made the change keeps its stream";
  EXPECT_EQ(client_->get("/api/v1/me", other).status, 401);
  EXPECT_EQ(client_->get("/api/v1/me", mine).status, 200);
  EXPECT_EQ(client_->post("/api/v1/auth/login", json::object{{"username", "uji.sandi"}, {"password", "rahasia-panjang-7"}})
                .status,
            401);
  client_->login("uji.sandi", "sandi-baru-yang-kuat");
}

TEST_F(auth_hardening, wrong_passwords_are_rate_limited_per_account_and_address_and_recorded) {
  auto damkar = client_->login("damkar", demo_password);
  for (int i = 0; i < 5; ++i) {
    auto r = client_->post("/api/v1/auth/login", json::object{{"username", "calltaker"}, {"password", "salah-" + std::to_string(i)}});
    ASSERT_EQ(r.status, 401) << i << " " << r.body;
  }
  // The right password no longer helps from this address, until Retry-After has passed.
  auto locked = client_->post("/api/v1/auth/login", json::object{{"username", "CallTaker"}, {"password", demo_password}});
  ASSERT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(str(locked.json(), "error"), "too_many_requests");
  ASSERT_TRUE(locked.headers.contains("retry-after"));
  auto wait = std::stoi(locked.headers.at("retry-after"));
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 900);
  // Another account from the same address is not locked by it.
  client_->login("supervisor", demo_password);

  auto sup = client_->login("supervisor", demo_password);
  auto events = client_->get("/api/v1/security/events", sup);
  ASSERT_EQ(events.status, 200) << events.body;
  bool found = false;
  for (const auto& e : events.json().at("items").as_array()) {
    if (str(e, "kind") == "login.locked_account_address" && str(e, "username") == "calltaker" &&
        str(e, "address") == "127.0.0.1") {
      found = true;
    }
  }
  EXPECT_TRUE(found) << events.body;
  EXPECT_EQ(client_->get("/api/v1/security/events", damkar).status, 403) << "operators do not read them";
  EXPECT_EQ(client_->get("/api/v1/security/events?limit=0", sup).status, 400);

  // Many usernames from one address: the address is locked out of every account.
  int last = 0;
  for (int i = 0; i < 40 && last != 429; ++i) {
    last = client_->post("/api/v1/auth/login", json::object{{"username", "tebak" + std::to_string(i)}, {"password", "x"}}).status;
  }
  EXPECT_EQ(last, 429);
  EXPECT_EQ(client_->post("/api/v1/auth/login", json::object{{"username", "admin"}, {"password", demo_password}}).status, 429);
  auto after = client_->get("/api/v1/security/events", sup);
  EXPECT_NE(after.body.find("login.locked_address"), std::string::npos) << after.body;
}

TEST_F(auth_hardening, weak_passwords_are_refused_in_indonesian_and_change_nothing) {
  struct attempt {
    const char* username;
    const char* display_name;
    const char* password;
    const char* says;
  };
  const attempt weak[] = {
      {"uji.lemah1", "Petugas Satu", "password", "terlalu pendek"},
      {"uji.lemah2", "Petugas Dua", "12345678", "terlalu pendek"},
      {"uji.lemah3", "Petugas Tiga", "1234567890", "terlalu umum"},
      {"uji.lemah4", "Petugas Empat", "Bismillah2024!", "terlalu umum"},
      {"budi.santoso", "Budi Santoso", "budi.santoso-112", "nama pengguna"},
      {"uji.lemah6", "Siti Rahayu", "rahayu-sekali-9", "nama Anda"},
      {"uji.lemah7", "Petugas Tujuh", "aaaaaaaaaaaaab", "terlalu sederhana"},
  };
  for (const auto& w : weak) {
    SCOPED_TRACE(w.password);
    auto r = client_->post("/api/v1/users",
                           json::object{{"username", w.username}, {"display_name", w.display_name}, {"role", "call_taker"},
                                        {"password", w.password}},
                           admin_);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(w.says), std::string::npos) << r.body;
  }
  auto users = client_->get("/api/v1/users", admin_);
  for (const auto& w : weak) EXPECT_EQ(users.body.find(w.username), std::string::npos) << w.username << " was created";

  // An admin's reset is held to the same rules, and the old password keeps working.
  auto id = make_user("uji.reset", "call_taker");
  auto r = client_->request("PATCH", "/api/v1/users/" + id, R"({"password":"qwerty123"})", admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  client_->login("uji.reset", "rahasia-panjang-7");
}

TEST_F(auth_hardening, a_required_password_change_comes_before_anything_else) {
  make_user("uji.baru", "call_taker", {}, true);
  auto login = client_->post("/api/v1/auth/login", json::object{{"username", "uji.baru"}, {"password", "rahasia-panjang-7"}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(login.json().at("user").at("must_change_password").as_bool());
  auto token = str(login.json(), "token");

  auto refused = client_->get("/api/v1/incidents", token);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(str(refused.json(), "error"), "password_change_required");
  auto me = client_->get("/api/v1/me", token);
  EXPECT_EQ(me.status, 200);
  EXPECT_TRUE(me.json().at("must_change_password").as_bool());
  ws_client ws(server_->port());
  EXPECT_EQ(ws.connect("/api/v1/stream", {{"Authorization", bearer(token)}}), 403);

  auto changed = client_->post(
      "/api/v1/me/password", json::object{{"current_password", "rahasia-panjang-7"}, {"new_password", "sandi-pilihan-sendiri"}},
      token);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(client_->get("/api/v1/incidents", token).status, 200);
  auto after = client_->get("/api/v1/me", token);
  EXPECT_FALSE(after.json().at("must_change_password").as_bool());
}

TEST_F(auth_hardening, an_operator_stream_never_carries_agency_events) {
  auto damkar = client_->login("damkar", demo_password);
  auto operator_ws = stream(damkar);
  auto supervisor_ws = stream(client_->login("supervisor", demo_password));
  auto id = agency_id(*client_, admin_, "DAMKAR");
  auto agencies = client_->get("/api/v1/agencies", admin_);
  json::object body;
  for (const auto& a : agencies.json().at("items").as_array()) {
    if (str(a, "id") == id) body = json::object{{"code", a.at("code")}, {"name", "Dinas Pemadam Kebakaran (ubah)"}};
  }
  auto r = client_->request("PUT", "/api/v1/agencies/" + id, json::serialize(body), admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  bool supervisor_saw = false;
  while (auto m = supervisor_ws->next(5s)) {
    if (str(m->at("event"), "kind") == "agency.updated") {
      supervisor_saw = true;
      break;
    }
  }
  EXPECT_TRUE(supervisor_saw) << "the supervisor sees the change";
  while (auto m = operator_ws->next(1500ms)) {
    EXPECT_FALSE(str(m->at("event"), "kind").starts_with("agency.")) << "the operator got " << json::serialize(*m);
  }
  EXPECT_FALSE(operator_ws->closed());
}

TEST_F(auth_hardening, unknown_query_parameters_are_refused_naming_them) {
  auto sup = client_->login("supervisor", demo_password);
  const char* bad[] = {"/api/v1/incidents?statuss=open", "/api/v1/dispatches?agency=x", "/api/v1/calls?limit=5&sort=new",
                       "/api/v1/stats/incidents?from=2025-01-01&to=2025-02-01&grup=day", "/api/v1/reports?q=api",
                       "/api/v1/users?role=admin"};
  for (const char* target : bad) {
    SCOPED_TRACE(target);
    auto r = client_->get(target, sup);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("tidak dikenal"), std::string::npos) << r.body;
  }
  EXPECT_NE(client_->get("/api/v1/incidents?statuss=open", sup).body.find("'statuss'"), std::string::npos);
  EXPECT_EQ(client_->get("/api/v1/incidents?status=open&limit=5", sup).status, 200);
  EXPECT_EQ(client_->get("/api/v1/stats/incidents?from=2025-01-01&to=2025-02-01&group=day", sup).status, 200);
}

TEST_F(auth_hardening, expired_sessions_are_purged_on_a_timer) {
  client_->login("calltaker", demo_password);
  const auto& db = server_->database();
  auto count = [&](const char* sql) { return query_int(db, sql); };
  auto live = count("SELECT COUNT(*) FROM sessions");
  ASSERT_GE(live, 2);
  // Age every session but the admin's: as if the shift ended hours ago.
  ASSERT_EQ(exec_sql(db,
                     "UPDATE sessions SET expires_at = 1000000 WHERE user_id <> "
                     "(SELECT id FROM users WHERE username = 'admin')"),
            "");
  std::int64_t expired = -1;
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(100ms);
    expired = count("SELECT COUNT(*) FROM sessions WHERE expires_at <= 1000000");
    if (expired == 0) break;
  }
  EXPECT_EQ(expired, 0) << "expired sessions are still there";
  EXPECT_GE(count("SELECT COUNT(*) FROM sessions"), 1) << "live ones stay";
  EXPECT_EQ(client_->get("/api/v1/me", admin_).status, 200);
}

}  // namespace
}  // namespace siaga::testing
