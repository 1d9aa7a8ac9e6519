// The notification outbox over the real server: agency endpoints set through the API, a
// dispatch written with its notification, delivery to stand-in receivers with retries,
// signatures, idempotency keys, dead letters a supervisor can retry, Telegram sendMessage, and
// pending deliveries that survive a restart.
#include "domain/notification.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>

namespace siaga::testing {
namespace {

namespace json = boost::json;

const std::string webhook_secret = "damkar-webhook-secret-2026";

// Small backoff so that retries take milliseconds; few attempts so that dead letters come fast.
std::vector<std::string> quick_retries(int max_attempts = 4) {
  return {"--notify-backoff-ms", "40", "--notify-backoff-cap-ms", "200", "--notify-max-attempts",
          std::to_string(max_attempts), "--notify-poll-ms", "50"};
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class notifications : public ::testing::Test {
 protected:
  // Starts a seeded server with these flags and logs the demo users in.
  void boot(std::vector<std::string> flags) {
    server_ = std::make_unique<server_process>(true, std::move(flags));
    connect();
  }

  void connect() {
    client_ = std::make_unique<http_client>("127.0.0.1", server_->port());
    admin_ = client_->login("admin", demo_password);
    supervisor_ = client_->login("supervisor", demo_password);
    call_taker_ = client_->login("calltaker", demo_password);
  }

  // The agency as the admin sees it.
  json::object agency(const std::string& code) {
    auto r = client_->get("/api/v1/agencies", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& a : r.json().at("items").as_array()) {
      if (str(a, "code") == code) return a.as_object();
    }
    ADD_FAILURE() << "no agency " << code;
    return {};
  }

  // PUTs the agency's own fields back with these endpoints.
  http_reply put_endpoints(const std::string& code, const json::value& endpoints) {
    auto a = agency(code);
    json::object body{{"code", a.at("code")}, {"name", a.at("name")}, {"kind", a.at("kind")},
                      {"phone", a.at("phone")}, {"active", a.at("active")}, {"endpoints", endpoints}};
    return client_->request("PUT", "/api/v1/agencies/" + str(a, "id"), json::serialize(body), admin_);
  }

  // A fire incident dispatched to exactly these agencies; returns it.
  json::object dispatch_fire(const std::vector<std::string>& agency_codes, bool share_contact = false) {
    auto fire = category(*client_, call_taker_, "fire");
    json::array ids;
    for (const auto& code : agency_codes) ids.emplace_back(agency_id(*client_, call_taker_, code));
    auto r = client_->post("/api/v1/incidents",
                           json::object{{"category_id", fire.at("id")},
                                        {"summary", "Kebakaran gudang kopra"},
                                        {"address", "Jl. Yos Sudarso, Batu Merah"},
                                        {"location", json::object{{"lat", -3.6871}, {"lon", 128.1902}}},
                                        {"agency_ids", ids},
                                        {"share_contact", share_contact}},
                           call_taker_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().is_object() ? r.json().as_object() : json::object{};
  }

  std::vector<json::object> notification_list(const std::string& query, const std::string& token) {
    auto r = client_->get("/api/v1/notifications" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json::object> out;
    if (r.status != 200) return out;
    for (const auto& n : r.json().at("items").as_array()) out.push_back(n.as_object());
    return out;
  }

  std::optional<json::object> notification(const std::string& id) {
    for (auto& n : notification_list("?limit=500", supervisor_)) {
      if (str(n, "id") == id) return n;
    }
    return std::nullopt;
  }

  std::unique_ptr<server_process> server_;
  std::unique_ptr<http_client> client_;
  std::string admin_, supervisor_, call_taker_;
};

std::set<std::string> keys_of(const std::vector<received_request>& requests) {
  std::set<std::string> out;
  for (const auto& r : requests) out.insert(r.header("idempotency-key"));
  return out;
}

TEST_F(notifications, a_webhook_that_fails_twice_gets_the_third_attempt_signed_with_the_same_key) {
  stand_in_receiver receiver;
  receiver.fail_next(2);
  boot(quick_retries(8));
  auto put = put_endpoints("DAMKAR", json::array{json::object{
                                         {"kind", "webhook"}, {"url", receiver.url("/hook")}, {"secret", webhook_secret}}});
  ASSERT_EQ(put.status, 200) << put.body;
  auto inc = dispatch_fire({"DAMKAR"});
  auto number = str(inc, "number");

  ASSERT_TRUE(eventually([&] { return receiver.requests().size() >= 3; })) << receiver.requests().size();
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].answered, 500);
  EXPECT_EQ(got[1].answered, 500);
  EXPECT_EQ(got[2].answered, 200);
  auto key = got[0].header("idempotency-key");
  ASSERT_FALSE(key.empty());
  for (const auto& r : got) {
    EXPECT_EQ(r.target, "/hook");
    EXPECT_EQ(r.header("idempotency-key"), key) << "every attempt carries the same key";
    EXPECT_EQ(r.header("x-siaga-delivery"), key);
    EXPECT_EQ(r.header("x-siaga-event"), "dispatch.notified");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_TRUE(domain::verify_webhook_signature(webhook_secret, r.header("x-siaga-timestamp"), r.body,
                                                 r.header("x-siaga-signature"), unix_now()))
        << "signature " << r.header("x-siaga-signature") << " over timestamp " << r.header("x-siaga-timestamp");
    EXPECT_FALSE(domain::verify_webhook_signature("another-secret-of-16+", r.header("x-siaga-timestamp"), r.body,
                                                  r.header("x-siaga-signature"), unix_now()));
    EXPECT_EQ(r.body, got[0].body) << "the same body on every attempt";
  }
  auto body = json::parse(got[2].body).as_object();
  EXPECT_EQ(str(body, "id"), key);
  EXPECT_EQ(str(body, "event"), "dispatch.notified");
  EXPECT_EQ(str(body.at("incident"), "number"), number);
  EXPECT_EQ(str(body.at("agency"), "code"), "DAMKAR");
  EXPECT_NE(str(body, "text").find("PENUGASAN 112: " + number), std::string::npos) << str(body, "text");
  EXPECT_FALSE(body.contains("contact")) << "the contact is not shared";

  ASSERT_TRUE(eventually([&] {
    auto n = notification(key);
    return n && str(*n, "status") == "delivered";
  }));
  auto row = *notification(key);
  EXPECT_EQ(row.at("attempts").as_int64(), 3);
  EXPECT_EQ(str(row, "idempotency_key"), key);
  EXPECT_EQ(str(row, "incident_id"), str(inc, "id"));
  EXPECT_EQ(str(row, "endpoint_kind"), "webhook");
  EXPECT_TRUE(row.at("delivered_at").is_string());
  EXPECT_TRUE(row.at("next_attempt_at").is_null());
  EXPECT_EQ(receiver.requests().size(), 3u) << "nothing more once delivered";
  auto delivered = notification_list("?status=delivered", supervisor_);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(str(delivered[0], "id"), key);
  EXPECT_TRUE(notification_list("?status=pending", supervisor_).empty());
}

TEST_F(notifications, a_receiver_that_always_fails_leaves_a_dead_letter_that_a_supervisor_can_retry) {
  stand_in_receiver receiver;
  receiver.fail_always(true, 503);
  boot(quick_retries(4));
  ASSERT_EQ(put_endpoints("DAMKAR", json::array{json::object{{"kind", "webhook"},
                                                             {"url", receiver.url("/hook/damkar")},
                                                             {"secret", webhook_secret}}})
                .status,
            200);
  auto inc = dispatch_fire({"DAMKAR"});

  std::vector<json::object> dead;
  ASSERT_TRUE(eventually([&] {
    dead = notification_list("?status=dead", supervisor_);
    return !dead.empty();
  }));
  ASSERT_EQ(dead.size(), 1u);
  auto id = str(dead[0], "id");
  EXPECT_EQ(dead[0].at("attempts").as_int64(), 4);
  EXPECT_NE(str(dead[0], "last_error").find("HTTP 503"), std::string::npos) << str(dead[0], "last_error");
  EXPECT_EQ(receiver.requests().size(), 4u) << "one request per attempt, then it gave up";
  EXPECT_EQ(keys_of(receiver.requests()), std::set<std::string>{id});
  EXPECT_EQ(notification_list("?status=dead", admin_).size(), 1u) << "admins see them too";

  // Only supervisors and admins see or retry notifications.
  auto agency_op = client_->login("damkar", demo_password);
  auto leader = client_->login("walikota", demo_password);
  for (const auto& token : {call_taker_, agency_op, leader}) {
    EXPECT_EQ(client_->get("/api/v1/notifications?status=dead", token).status, 403);
    EXPECT_EQ(client_->post("/api/v1/notifications/" + id + "/retry", json::object{}, token).status, 403);
  }
  EXPECT_EQ(client_->get("/api/v1/notifications?status=gone", supervisor_).status, 400);
  EXPECT_EQ(client_->get("/api/v1/notifications?limit=0", supervisor_).status, 400);

  // The dead letter is on the incident's timeline.
  auto events = client_->get("/api/v1/incidents/" + str(inc, "id") + "/events", supervisor_);
  ASSERT_EQ(events.status, 200);
  bool dead_lettered = false;
  for (const auto& e : events.json().at("items").as_array()) {
    dead_lettered = dead_lettered || (str(e, "kind") == "notification.dead_lettered" && str(e, "subject_id") == id);
  }
  EXPECT_TRUE(dead_lettered) << events.body;

  // Bad retries change nothing.
  EXPECT_EQ(client_->post("/api/v1/notifications/" + id + "/retry", json::object{{"now", true}}, supervisor_).status,
            400);
  EXPECT_EQ(client_->post("/api/v1/notifications/no-such-id/retry", json::object{}, supervisor_).status, 404);
  EXPECT_EQ(str(*notification(id), "status"), "dead");

  // The receiver recovers; the supervisor retries; it is delivered with the same key.
  receiver.fail_always(false);
  auto retry = client_->post("/api/v1/notifications/" + id + "/retry", json::object{}, supervisor_);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(str(retry.json(), "status"), "pending");
  EXPECT_EQ(retry.json().at("attempts").as_int64(), 0);
  ASSERT_TRUE(eventually([&] { return str(*notification(id), "status") == "delivered"; }));
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got.back().answered, 200);
  EXPECT_EQ(keys_of(got), std::set<std::string>{id}) << "a retried delivery is recognisable by its key";
  EXPECT_EQ(client_->post("/api/v1/notifications/" + id + "/retry", json::object{}, supervisor_).status, 409)
      << "only a dead notification can be retried";
}

TEST_F(notifications, telegram_gets_send_message_with_the_chat_and_indonesian_text) {
  stand_in_receiver telegram;
  auto flags = quick_retries();
  for (auto f : {"--telegram-bot-token", "123456:TEST-token", "--telegram-api-base"}) flags.emplace_back(f);
  flags.push_back(telegram.url(""));
  boot(flags);
  ASSERT_EQ(put_endpoints("DAMKAR", json::array{json::object{{"kind", "telegram"}, {"chat_id", "-1001234567890"}},
                                                json::object{{"kind", "telegram"}, {"chat_id", "-1009"}, {"active", false}}})
                .status,
            200);
  // A report with a reporter, accepted into an incident that shares the contact.
  auto fire = category(*client_, call_taker_, "fire");
  auto rep = client_->post("/api/v1/reports",
                           json::object{{"channel", "call"},
                                        {"reporter_name", "Bapak Yohanis"},
                                        {"reporter_phone", "+6281311112222"},
                                        {"description", "Api dari gudang"},
                                        {"category_id", fire.at("id")}},
                           call_taker_);
  ASSERT_EQ(rep.status, 201) << rep.body;
  auto acc = client_->post("/api/v1/reports/" + str(rep.json(), "id") + "/accept",
                           json::object{{"summary", "Kebakaran gudang"},
                                        {"address", "Jl. Yos Sudarso"},
                                        {"location", json::object{{"lat", -3.6871}, {"lon", 128.1902}}},
                                        {"agency_ids", json::array{json::string(agency_id(*client_, call_taker_, "DAMKAR"))}},
                                        {"share_contact", true}},
                           call_taker_);
  ASSERT_EQ(acc.status, 200) << acc.body;
  auto number = str(acc.json(), "number");

  ASSERT_TRUE(eventually([&] { return !telegram.requests().empty(); }));
  ASSERT_TRUE(eventually([&] { return notification_list("?status=delivered", supervisor_).size() == 1; }));
  auto got = telegram.requests();
  ASSERT_EQ(got.size(), 1u) << "one active chat, delivered at the first attempt";
  EXPECT_EQ(got[0].target, "/bot123456:TEST-token/sendMessage");
  auto body = json::parse(got[0].body).as_object();
  EXPECT_EQ(str(body, "chat_id"), "-1001234567890");
  EXPECT_TRUE(body.at("disable_web_page_preview").as_bool());
  auto text = str(body, "text");
  EXPECT_EQ(text.rfind("PENUGASAN 112: " + number + "\n", 0), 0u) << text;
  EXPECT_NE(text.find("Kategori: Kebakaran"), std::string::npos) << text;
  EXPECT_NE(text.find("Alamat: Jl. Yos Sudarso"), std::string::npos) << text;
  EXPECT_NE(text.find("Peta: https://www.google.com/maps/search/?api=1&query=-3.687100,128.190200"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Pelapor: Bapak Yohanis, +6281311112222"), std::string::npos) << text;
  EXPECT_NE(text.find(" WIT\n"), std::string::npos) << "Ambon's local time: " << text;
  EXPECT_EQ(got[0].header("idempotency-key"), str(notification_list("", supervisor_)[0], "id"));
  auto row = notification_list("", supervisor_)[0];
  EXPECT_EQ(str(row, "target"), "-1001234567890");
  EXPECT_EQ(str(row, "endpoint_kind"), "telegram");
}

TEST_F(notifications, pending_deliveries_survive_a_restart_and_are_delivered_once_per_key) {
  stand_in_receiver receiver;
  receiver.go_down();  // keeps its port; connections are refused until it comes up
  boot(quick_retries(100));
  for (const auto& [code, path] : {std::pair{"DAMKAR", "/hook/damkar"}, std::pair{"PLN", "/hook/pln"}}) {
    ASSERT_EQ(put_endpoints(code, json::array{json::object{
                                      {"kind", "webhook"}, {"url", receiver.url(path)}, {"secret", webhook_secret}}})
                  .status,
              200);
  }
  dispatch_fire({"DAMKAR", "PLN"});
  std::vector<json::object> pending;
  ASSERT_TRUE(eventually([&] {
    pending = notification_list("?status=pending", supervisor_);
    return pending.size() == 2 && pending[0].at("attempts").as_int64() >= 1 && pending[1].at("attempts").as_int64() >= 1;
  }));
  EXPECT_NE(str(pending[0], "last_error").find("connect"), std::string::npos) << str(pending[0], "last_error");
  std::set<std::string> ids{str(pending[0], "id"), str(pending[1], "id")};

  ASSERT_EQ(server_->stop(), 0);
  client_.reset();
  receiver.come_up();
  auto dir = server_->dir();
  auto first = std::move(server_);
  server_ = std::make_unique<server_process>(server_process::reuse(dir, quick_retries(100)));
  connect();

  ASSERT_TRUE(eventually([&] { return notification_list("?status=delivered", supervisor_).size() == 2; }));
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 2u) << "each pending row delivered exactly once";
  EXPECT_EQ(keys_of(got), ids) << "with the keys the rows had before the restart";
  std::set<std::string> targets{got[0].target, got[1].target};
  EXPECT_EQ(targets, (std::set<std::string>{"/hook/damkar", "/hook/pln"}));
  for (const auto& r : got) {
    EXPECT_TRUE(domain::verify_webhook_signature(webhook_secret, r.header("x-siaga-timestamp"), r.body,
                                                 r.header("x-siaga-signature"), unix_now()));
  }
  EXPECT_TRUE(notification_list("?status=pending", supervisor_).empty());
}

TEST_F(notifications, endpoints_are_checked_their_secrets_never_shown_and_bad_input_changes_nothing) {
  boot(quick_retries());
  auto put = put_endpoints("DAMKAR", json::array{json::object{{"kind", "webhook"},
                                                              {"url", "https://damkar.example.go.id/hook"},
                                                              {"secret", webhook_secret}},
                                                 json::object{{"kind", "telegram"}, {"chat_id", "-100777"}}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body.find(webhook_secret), std::string::npos) << "secrets are write-only";
  auto endpoints = put.json().at("endpoints").as_array();
  ASSERT_EQ(endpoints.size(), 2u);
  EXPECT_TRUE(endpoints[0].at("has_secret").as_bool());
  EXPECT_FALSE(endpoints[1].at("has_secret").as_bool());
  EXPECT_EQ(str(endpoints[1], "chat_id"), "-100777");
  auto listed = client_->get("/api/v1/agencies", admin_);
  EXPECT_EQ(listed.body.find(webhook_secret), std::string::npos);
  auto before = agency("DAMKAR");
  ASSERT_EQ(before.at("endpoints").as_array().size(), 2u);

  // Only admins see endpoints at all.
  auto seen_by_call_taker = client_->get("/api/v1/agencies", call_taker_);
  for (const auto& a : seen_by_call_taker.json().at("items").as_array()) {
    EXPECT_FALSE(a.as_object().contains("endpoints")) << json::serialize(a);
  }

  const json::value bad[] = {
      json::array{json::object{{"kind", "webhook"}, {"url", "ftp://damkar.example/"}, {"secret", webhook_secret}}},
      json::array{json::object{{"kind", "webhook"}, {"url", "https://new.example/hook"}}},  // no secret
      json::array{json::object{{"kind", "webhook"}, {"url", "https://new.example/"}, {"secret", "short"}}},
      json::array{json::object{{"kind", "telegram"}}},
      json::array{json::object{{"kind", "telegram"}, {"chat_id", "not a chat"}}},
      json::array{json::object{{"kind", "sms"}, {"chat_id", "1"}}},
      json::array{json::object{{"kind", "telegram"}, {"chat_id", "1"}, {"colour", "red"}}},
      json::array{json::string("webhook")},
      json::string("webhook"),
  };
  for (const auto& endpoints_value : bad) {
    auto r = put_endpoints("DAMKAR", endpoints_value);
    EXPECT_EQ(r.status, 400) << json::serialize(endpoints_value) << " -> " << r.body;
    EXPECT_EQ(str(r.json(), "error"), "invalid_input") << r.body;
    EXPECT_FALSE(str(r.json(), "message").empty());
  }
  json::array eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(json::object{{"kind", "telegram"}, {"chat_id", std::to_string(i + 1)}});
  EXPECT_EQ(put_endpoints("DAMKAR", eleven).status, 400);
  EXPECT_EQ(json::serialize(agency("DAMKAR")), json::serialize(before)) << "refused updates changed nothing";

  // A new agency with a bad endpoint is not created.
  auto created = client_->post("/api/v1/agencies",
                               json::object{{"code", "BPBD-X"},
                                            {"name", "BPBD"},
                                            {"endpoints", json::array{json::object{{"kind", "telegram"}}}}},
                               admin_);
  EXPECT_EQ(created.status, 400) << created.body;
  auto all = client_->get("/api/v1/agencies", admin_);
  EXPECT_EQ(all.body.find("BPBD-X"), std::string::npos);

  // Leaving the secret out keeps the stored one for the same url; an update without
  // endpoints keeps them all.
  auto same = put_endpoints("DAMKAR", json::array{json::object{{"kind", "webhook"},
                                                               {"url", "https://damkar.example.go.id/hook"}}});
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_TRUE(same.json().at("endpoints").at(0).at("has_secret").as_bool());
  auto a = agency("DAMKAR");
  auto details = client_->request("PUT", "/api/v1/agencies/" + str(a, "id"),
                                  json::serialize(json::object{{"code", "DAMKAR"}, {"name", a.at("name")},
                                                               {"kind", "fire"}, {"phone", "113"}}),
                                  admin_);
  ASSERT_EQ(details.status, 200) << details.body;
  EXPECT_EQ(details.json().at("endpoints").as_array().size(), 1u);
  EXPECT_EQ(put_endpoints("DAMKAR", json::array{}).json().at("endpoints").as_array().size(), 0u)
      << "an empty list removes them";
  EXPECT_EQ(client_->request("PUT", "/api/v1/agencies/" + str(a, "id"),
                             json::serialize(json::object{{"code", "DAMKAR"}, {"name", "X"}, {"endpoints", 5}}),
                             call_taker_)
                .status,
            403);
}

}  // namespace
}  // namespace siaga::testing
