// The reporters' channels under abuse (issue 11 item 9), over the real server with small limits:
// one number flooding SMS is cut off after its budget and told once; a channel past its budget
// answers 429 with Retry-After and takes the same update when the provider delivers it again; a
// reporter with reports still waiting for triage cannot add another one by the web form or by a
// messaging dialogue (told why), and can again once the call taker has handled them.
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace siaga::testing {
namespace json = boost::json;

namespace {

constexpr const char* tg_secret = "tg-secret_0123456789";
constexpr const char* sms_secret = "sms-shared-secret-0123";

std::string tg_text(std::int64_t update_id, std::int64_t chat, const std::string& text) {
  json::object message{{"message_id", update_id},
                       {"from", json::object{{"id", chat}, {"is_bot", false}, {"first_name", "Warga"}}},
                       {"chat", json::object{{"id", chat}, {"first_name", "Warga"}, {"type", "private"}}},
                       {"date", 1733400000},
                       {"text", text}};
  return json::serialize(json::object{{"update_id", update_id}, {"message", message}});
}

}  // namespace

class channel_limits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stand_in_ = new stand_in_receiver();
    auto base = "http://127.0.0.1:" + std::to_string(stand_in_->port());
    server_ = new server_process(
        true, {"--telegram-bot-token", "123456:TEST-token", "--telegram-api-base", base, "--telegram-webhook-secret",
               tg_secret, "--sms-secret", sms_secret, "--sms-send-url", base + "/hook/sms", "--notify-backoff-ms",
               "100", "--notify-poll-ms", "100", "--public-report-burst", "1000",
               "--channel-messages-per-minute-per-sender", "3", "--channel-messages-per-minute", "30",
               "--max-new-reports-per-reporter", "1", "--open311-requests-per-minute", "2"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete stand_in_;
    stand_in_ = nullptr;
  }
  void SetUp() override { ct_ = client_.login("calltaker", demo_password); }

  http_reply sms(const std::string& id, const std::string& sender, const std::string& text) {
    json::object body{{"message_id", id}, {"sender", sender}, {"text", text}};
    return client_.request("POST", "/api/v1/webhooks/sms", json::serialize(body), {}, "application/json",
                           {{"X-Siaga-SMS-Secret", sms_secret}});
  }
  http_reply tg(const std::string& body) {
    return client_.request("POST", "/api/v1/webhooks/telegram", body, {}, "application/json",
                           {{"X-Telegram-Bot-Api-Secret-Token", tg_secret}});
  }
  std::int64_t count(const char* table) { return count_rows(server_->database(), table); }
  std::int64_t replies_of_kind(const std::string& kind) {
    return count_rows(server_->database(), "outbox WHERE event_kind = '" + kind + "'");
  }
  // The id of the newest report of a channel in the call takers' queue.
  std::string newest_report_id(const std::string& channel) {
    auto page = client_.get("/api/v1/reports?channel=" + channel + "&limit=1", ct_);
    EXPECT_EQ(page.status, 200) << page.body;
    const auto& items = page.json().at("items").as_array();
    return items.empty() ? std::string() : str(items[0], "id");
  }

  static inline stand_in_receiver* stand_in_ = nullptr;
  static inline server_process* server_ = nullptr;
  http_client client_{"127.0.0.1", server_->port()};
  std::string ct_;
};

TEST_F(channel_limits, a_number_past_its_budget_is_dropped_and_told_once) {
  const std::string number = "081298761001";
  auto messages_before = count("channel_messages");
  auto notices_before = replies_of_kind("reply.limit");
  // Three messages a minute: the budget's burst. Each is taken (the dialogue goes on).
  for (int i = 0; i < 3; ++i) {
    auto r = sms("flood-" + std::to_string(i), number, "tolong " + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("limited").as_int64(), 0);
  }
  EXPECT_EQ(count("channel_messages"), messages_before + 3);
  // The fourth and fifth are dropped: answered 200 (the gateway must not send them again),
  // counted as limited, not stored; the sender is told once.
  for (int i = 3; i < 5; ++i) {
    auto r = sms("flood-" + std::to_string(i), number, "tolong lagi");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("limited").as_int64(), 1);
  }
  EXPECT_EQ(count("channel_messages"), messages_before + 3);
  EXPECT_EQ(replies_of_kind("reply.limit"), notices_before + 1);
  EXPECT_TRUE(eventually([] {
    for (const auto& r : stand_in_->requests()) {
      if (r.target == "/hook/sms" && r.body.find("terlalu banyak") != std::string::npos) return true;
    }
    return false;
  }));
  // Another number still gets through.
  auto other = sms("other-1", "081298761002", "pohon tumbang di jalan");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.json().at("limited").as_int64(), 0);
  EXPECT_EQ(count("channel_messages"), messages_before + 4);
}

TEST_F(channel_limits, a_channel_past_its_budget_answers_429_and_takes_the_update_again_later) {
  auto before = count("channel_messages");
  // Thirty messages a minute for the channel, from thirty chats (one each: no sender limit).
  int taken = 0;
  http_reply refused;
  for (int i = 0; i < 40 && refused.status != 429; ++i) {
    auto r = tg(tg_text(5000 + i, 7000 + i, "halo"));
    if (r.status == 200) ++taken;
    else refused = r;
  }
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(taken, 30);
  EXPECT_EQ(str(refused.json(), "error"), "too_many_requests");
  auto retry = refused.headers["retry-after"];
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_EQ(count("channel_messages"), before + 30);
  // The provider delivers the refused update again after Retry-After: it is taken once.
  std::this_thread::sleep_for(std::chrono::seconds(std::stoi(retry)) + std::chrono::milliseconds(200));
  auto again = tg(tg_text(5000 + taken, 7000 + taken, "halo"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("duplicates").as_int64(), 0);
  EXPECT_EQ(count("channel_messages"), before + 31);
}

TEST_F(channel_limits, a_reporter_with_a_report_awaiting_triage_cannot_file_another_until_it_is_handled) {
  json::object form{{"category", "street_light"},
                    {"description", "Lampu jalan mati sepanjang Jl. Sultan Hairun"},
                    {"address", "Jl. Sultan Hairun"},
                    {"phone", "0812-3456-1111"},
                    {"consent", true}};
  auto first = client_.post("/api/v1/public/reports", form);
  ASSERT_EQ(first.status, 201) << first.body;
  auto reports_before = count("reports");
  // The same number, written another way: refused with a clear 429, nothing stored.
  form["phone"] = "+62 812 3456 1111";
  auto second = client_.post("/api/v1/public/reports", form);
  ASSERT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(str(second.json(), "error"), "too_many_requests");
  EXPECT_NE(str(second.json(), "message").find("belum diperiksa"), std::string::npos) << second.body;
  EXPECT_EQ(count("reports"), reports_before);
  // Another number is not affected.
  form["phone"] = "0812-3456-2222";
  EXPECT_EQ(client_.post("/api/v1/public/reports", form).status, 201);

  // By SMS the same number finishes a dialogue: no report, the reply says why.
  reports_before = count("reports");
  auto limits_before = replies_of_kind("reply.limit");
  ASSERT_EQ(sms("cap-1", "081234561111", "Lampu jalan mati lagi").status, 200);
  auto where = sms("cap-2", "081234561111", "Jl. Sultan Hairun dekat gereja");
  ASSERT_EQ(where.status, 200) << where.body;
  EXPECT_EQ(where.json().at("reports").as_int64(), 0);
  EXPECT_EQ(count("reports"), reports_before);
  EXPECT_EQ(replies_of_kind("reply.limit"), limits_before + 1);

  // Once the call taker has handled the waiting report, the reporter may file again.
  auto first_code = str(first.json(), "tracking_code");
  auto page = client_.get("/api/v1/reports?channel=web&limit=50", ct_);
  const auto& items = page.json().at("items").as_array();
  std::string id;
  for (const auto& r : items) {
    if (str(r, "tracking_code") == first_code) id = str(r, "id");
  }
  ASSERT_FALSE(id.empty());
  auto rejected = client_.post("/api/v1/reports/" + id + "/reject", json::object{{"reason", "duplicate"}}, ct_);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  form["phone"] = "0812-3456-1111";
  EXPECT_EQ(client_.post("/api/v1/public/reports", form).status, 201);
}

TEST_F(channel_limits, an_open311_client_past_its_minute_gets_429_in_the_specification_s_form) {
  auto admin = client_.login("admin", demo_password);
  auto made = client_.post("/api/v1/api_keys", json::object{{"name", "FixMyStreet Ambon"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  auto key = str(made.json(), "secret");
  auto post = [&](int i) {
    // Every request from another number: the per-reporter cap is not what is tested here.
    std::string body = "api_key=" + key + "&service_code=street_light&lat=-3.6950&long=128.1840" +
                       "&description=Lampu+mati+" + std::to_string(i) + "&phone=08123456300" + std::to_string(i);
    return client_.request("POST", "/open311/v2/requests.xml", body, {}, "application/x-www-form-urlencoded");
  };
  for (int i = 0; i < 2; ++i) {
    auto ok = post(i);
    EXPECT_EQ(ok.status, 200) << ok.body;
  }
  auto before = count("reports");
  auto refused = post(2);
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_FALSE(refused.headers["retry-after"].empty());
  EXPECT_NE(refused.body.find("<errors><error><code>429</code>"), std::string::npos) << refused.body;
  EXPECT_EQ(count("reports"), before);
}

// The server's cap on one reporter's reports awaiting triage (1 here) holds for Open311 as for
// the web form: the second request from the same number is refused, nothing stored.
TEST_F(channel_limits, an_open311_reporter_past_the_cap_of_reports_awaiting_triage_gets_429) {
  auto admin = client_.login("admin", demo_password);
  auto made = client_.post("/api/v1/api_keys", json::object{{"name", "Aplikasi Ambon Bersih"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  auto key = str(made.json(), "secret");
  auto post = [&](const std::string& phone) {
    std::string body = "api_key=" + key + "&service_code=street_light&lat=-3.6950&long=128.1840" +
                       "&description=Lampu+jalan+mati&phone=" + phone;
    return client_.request("POST", "/open311/v2/requests.json", body, {}, "application/x-www-form-urlencoded");
  };
  auto first = post("081234563901");
  ASSERT_EQ(first.status, 200) << first.body;
  auto before = count("reports");
  auto refused = post("081234563901");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_NE(refused.body.find("belum diperiksa petugas"), std::string::npos) << refused.body;
  EXPECT_EQ(count("reports"), before);
}

}  // namespace siaga::testing
