// Service levels over the real server: the jurisdiction's calendar edited by the admin (bad
// input refused and nothing changed), SLA clocks in incident and dispatch answers, a breach told
// once and only once to the agency and the supervisors' endpoint through the outbox, also across
// a restart, resolved when the step comes, a decline nobody replaced escalated at once, and the
// alerts counted in /stats/sla.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>

namespace siaga::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::vector<std::string> quick_checks = {"--sla-check-ms", "150", "--notify-poll-ms", "50"};

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 15s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// The SLA deliveries a receiver got about one incident, as "event:step" in arrival order.
std::vector<std::string> deliveries_about(const stand_in_receiver& r, const std::string& incident_id) {
  std::vector<std::string> out;
  for (const auto& req : r.requests()) {
    auto body = json::parse(req.body).as_object();
    auto* alert = body.if_contains("alert");
    if (!alert || str(*alert, "incident_id") != incident_id) continue;
    out.push_back(str(body, "event") + ":" + str(*alert, "step"));
  }
  return out;
}

class sla : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<server_process>(true, quick_checks);
    connect();
  }

  void connect() {
    client_ = std::make_unique<http_client>("127.0.0.1", server_->port());
    admin_ = client_->login("admin", demo_password);
    call_taker_ = client_->login("calltaker", demo_password);
  }

  // A test category of the emergency class with these SLA seconds and no run card.
  std::string make_category(const std::string& code, json::object sla) {
    auto r = client_->post("/api/v1/categories",
                           json::object{{"code", code}, {"name_id", "Uji " + code}, {"urgency", "emergency"}, {"sla", sla}},
                           admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(r.json(), "id");
  }

  json::object create_incident(const std::string& category_id, const std::vector<std::string>& agencies) {
    json::array ids;
    for (const auto& code : agencies) ids.emplace_back(agency_id(*client_, call_taker_, code));
    auto r = client_->post("/api/v1/incidents",
                           json::object{{"category_id", category_id},
                                        {"summary", "Uji jam SLA"},
                                        {"address", "Jl. Pattimura, Ambon"},
                                        {"agency_ids", ids}},
                           call_taker_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  }

  // Alerts of one incident (all, or only open ones), "level:step".
  std::vector<std::string> alerts_of(const std::string& incident_id, bool open_only) {
    auto r = client_->get(std::string("/api/v1/sla/alerts?limit=500") + (open_only ? "&open=true" : ""), admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    auto reply = r.json();
    for (const auto& a : reply.at("items").as_array()) {
      if (str(a, "incident_id") == incident_id) out.push_back(str(a, "level") + ":" + str(a, "step"));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<server_process> server_;
  std::unique_ptr<http_client> client_;
  std::string admin_, call_taker_;
};

TEST_F(sla, the_admin_keeps_the_calendar_and_bad_input_changes_nothing) {
  auto patched = client_->request("PATCH", "/api/v1/jurisdiction",
                                  R"({"weekend_days":[6,0,5],"holidays":[{"date":"2025-08-17","name":"Hari Kemerdekaan"},
                                      {"date":"2025-01-01","name":"Tahun Baru"}]})",
                                  admin_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto before = client_->get("/api/v1/jurisdiction", call_taker_);
  ASSERT_EQ(before.status, 200);
  auto j = before.json();
  EXPECT_EQ(json::serialize(j.at("weekend_days")), "[0,5,6]");
  EXPECT_EQ(str(j.at("holidays").as_array().at(0), "date"), "2025-01-01");
  EXPECT_EQ(str(j, "code"), "81.71");

  for (const char* bad : {R"({"weekend_days":[7]})", R"({"weekend_days":[1,1]})", R"({"weekend_days":[0,1,2,3,4,5,6]})",
                          R"({"holidays":[{"date":"2025-02-30","name":"x"}]})",
                          R"({"holidays":[{"date":"2025-02-03","name":"a"},{"date":"2025-02-03","name":"b"}]})",
                          R"({"timezone":"Europe/Paris"})", R"({"name":""})", R"({"code":"99.99"})",
                          R"({"alert_endpoints":[{"kind":"webhook","url":"ftp://x","secret":"0123456789abcdef"}]})"}) {
    auto r = client_->request("PATCH", "/api/v1/jurisdiction", bad, admin_);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }
  EXPECT_EQ(client_->request("PATCH", "/api/v1/jurisdiction", R"({"name":"X"})", call_taker_).status, 403);
  auto after = client_->get("/api/v1/jurisdiction", call_taker_);
  EXPECT_EQ(after.body, before.body);
}

TEST_F(sla, a_breach_is_told_once_across_a_restart_and_resolved_when_the_step_comes) {
  stand_in_receiver agency_hook, supervisors;
  ASSERT_EQ(set_webhook(*client_, admin_, "DAMKAR", agency_hook.url("/hook/damkar")).status, 200);
  json::object patch{{"alert_endpoints", json::array{json::object{{"kind", "webhook"},
                                                                  {"url", supervisors.url("/hook/pusat112")},
                                                                  {"secret", "pusat112-alert-secret"}}}}};
  ASSERT_EQ(client_->request("PATCH", "/api/v1/jurisdiction", json::serialize(patch), admin_).status, 200);
  auto settings = client_->get("/api/v1/jurisdiction", admin_);
  EXPECT_EQ(settings.body.find("pusat112-alert-secret"), std::string::npos) << "secrets never leave the API";

  // Acknowledge within 2 s; nobody acknowledges.
  auto cat = make_category("uji_ack", json::object{{"acknowledge_within_s", 2}});
  auto inc = create_incident(cat, {"DAMKAR"});
  auto incident_id = str(inc, "id");
  const auto& d = inc.at("dispatches").as_array().at(0);
  auto dispatch_id = str(d, "id");
  ASSERT_EQ(d.at("clocks").as_array().size(), 1u) << json::serialize(d);
  EXPECT_EQ(str(d.at("clocks").as_array().at(0), "step"), "acknowledge");
  EXPECT_EQ(str(d.at("clocks").as_array().at(0), "state"), "on_time");

  std::vector<std::string> told{"sla.warning:acknowledge", "sla.breached:acknowledge"};
  ASSERT_TRUE(eventually([&] { return deliveries_about(supervisors, incident_id).size() >= 2; }))
      << "the supervisors were not told; outbox: " << client_->get("/api/v1/notifications", admin_).body
      << "\nalerts: " << client_->get("/api/v1/sla/alerts", admin_).body;
  ASSERT_TRUE(eventually([&] { return deliveries_about(agency_hook, incident_id).size() >= 2; }));
  EXPECT_EQ(alerts_of(incident_id, true), (std::vector<std::string>{"breach:acknowledge", "warning:acknowledge"}));
  auto listed = client_->get("/api/v1/dispatches?incident_id=" + incident_id, admin_);
  auto listed_json = listed.json();
  EXPECT_EQ(str(listed_json.at("items").as_array().at(0).at("clocks").as_array().at(0), "state"), "breached");

  // Several more checks, a restart and more checks: nothing is told twice.
  std::this_thread::sleep_for(700ms);
  ASSERT_EQ(server_->stop(), 0);
  auto dir = server_->dir();
  server_ = std::make_unique<server_process>(server_process::reuse(dir, quick_checks));
  connect();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(deliveries_about(supervisors, incident_id), told);
  EXPECT_EQ(deliveries_about(agency_hook, incident_id), told);
  EXPECT_EQ(alerts_of(incident_id, false).size(), 2u);

  // The agency acknowledges: the alerts are resolved, and stay counted.
  auto damkar = client_->login("damkar", demo_password);
  ASSERT_EQ(client_->post("/api/v1/dispatches/" + dispatch_id + "/acknowledge", json::object{}, damkar).status, 200);
  ASSERT_TRUE(eventually([&] { return alerts_of(incident_id, true).empty(); }));
  EXPECT_EQ(alerts_of(incident_id, false).size(), 2u);
}

TEST_F(sla, a_decline_nobody_replaced_escalates_at_once) {
  stand_in_receiver supervisors;
  json::object patch{{"alert_endpoints", json::array{json::object{{"kind", "webhook"},
                                                                  {"url", supervisors.url("/hook/pusat112")},
                                                                  {"secret", "pusat112-alert-secret"}}}}};
  ASSERT_EQ(client_->request("PATCH", "/api/v1/jurisdiction", json::serialize(patch), admin_).status, 200);
  // No limits at all: only the decline can raise anything.
  auto cat = make_category("uji_tolak", json::object{});
  auto inc = create_incident(cat, {"DAMKAR", "PLN"});
  auto incident_id = str(inc, "id");
  std::string pln_dispatch;
  for (const auto& d : inc.at("dispatches").as_array()) {
    if (str(d, "agency_id") == agency_id(*client_, call_taker_, "PLN")) pln_dispatch = str(d, "id");
    EXPECT_TRUE(d.at("clocks").as_array().empty());
  }
  ASSERT_FALSE(pln_dispatch.empty());
  ASSERT_EQ(client_->post("/api/v1/dispatches/" + pln_dispatch + "/decline",
                          json::object{{"reason", "Tidak ada petugas"}}, call_taker_)
                .status,
            200);
  ASSERT_TRUE(eventually([&] { return deliveries_about(supervisors, incident_id).size() >= 1; }));
  EXPECT_EQ(deliveries_about(supervisors, incident_id), (std::vector<std::string>{"sla.escalated:acknowledge"}));
  auto text = str(json::parse(supervisors.requests().back().body), "text");
  EXPECT_NE(text.find("PLN menolak penugasan"), std::string::npos) << text;
  EXPECT_EQ(alerts_of(incident_id, true), (std::vector<std::string>{"escalation:acknowledge"}));

  // Another agency sent after the decline replaces it: the escalation is resolved.
  auto more = client_->post("/api/v1/incidents/" + incident_id + "/dispatches",
                            json::object{{"agency_ids", json::array{agency_id(*client_, call_taker_, "BPBD")}}},
                            call_taker_);
  ASSERT_EQ(more.status, 201) << more.body;
  ASSERT_TRUE(eventually([&] { return alerts_of(incident_id, true).empty(); }));
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(deliveries_about(supervisors, incident_id).size(), 1u);

  // /stats/sla counts what the list holds.
  auto all = client_->get("/api/v1/sla/alerts?limit=500", admin_);
  std::map<std::string, std::int64_t> by_level;
  auto all_json = all.json();
  for (const auto& a : all_json.at("items").as_array()) ++by_level[str(a, "level")];
  auto stats = client_->get("/api/v1/stats/sla?group=level", admin_);
  ASSERT_EQ(stats.status, 200) << stats.body;
  std::map<std::string, std::int64_t> counted;
  auto stats_json = stats.json();
  for (const auto& row : stats_json.at("items").as_array()) counted[str(row, "level")] = row.at("count").as_int64();
  EXPECT_EQ(counted, by_level);
  EXPECT_GE(counted["escalation"], 1);
  EXPECT_EQ(client_->get("/api/v1/stats/sla?group=hour", admin_).status, 400);
  EXPECT_EQ(client_->get("/api/v1/stats/sla?group=level,level", admin_).status, 400);
  EXPECT_EQ(client_->get("/api/v1/stats/sla?from=2025-02-01&to=2025-01-01", admin_).status, 400);
  EXPECT_EQ(client_->get("/api/v1/sla/alerts?open=maybe", admin_).status, 400);
}

}  // namespace
}  // namespace siaga::testing
