// The messaging channels over the real server (issue 11 items 3-5): WhatsApp Cloud API
// webhooks signed with a test app secret, Telegram updates with the bot's secret token, SMS
// gateway posts (and the gammu-smsd RunOnReceive script), with payloads built from the
// providers' documented examples. A bad or missing signature, a replay or a malformed payload
// stores nothing; a dialogue makes one report in the call takers' queue with its channel; the
// replies (questions, receipt, status changes) reach a stand-in of each provider through the
// outbox, with a retry; a restart in the middle of a dialogue loses nothing.
#include "support/demo.hpp"
#include "support/encoding.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

namespace siaga::testing {
namespace json = boost::json;

namespace {

constexpr const char* app_secret = "test-app-secret-0123456789";
constexpr const char* verify_token = "siaga-verify-token";
constexpr const char* phone_number_id = "106540352242922";
constexpr const char* tg_secret = "tg-secret_0123456789";
constexpr const char* tg_token = "123456:TEST-token";
constexpr const char* sms_secret = "sms-shared-secret-0123";

// sha256=<hex HMAC-SHA256>, computed with OpenSSL rather than with the server's code.
std::string meta_signature(const std::string& body, const std::string& secret = app_secret) {
  return "sha256=" + hmac_sha256_hex(secret, body);
}

// Meta's documented webhook notification around one message of one WhatsApp id.
std::string wa_payload(const std::string& wa_id, const json::object& message) {
  json::object msg = message;
  msg["from"] = wa_id;
  if (!msg.contains("timestamp")) msg["timestamp"] = "1733400000";
  json::object value{{"messaging_product", "whatsapp"},
                     {"metadata", json::object{{"display_phone_number", "62911112"}, {"phone_number_id", phone_number_id}}},
                     {"contacts", json::array{json::object{{"profile", json::object{{"name", "Warga"}}}, {"wa_id", wa_id}}}},
                     {"messages", json::array{msg}}};
  return json::serialize(json::object{
      {"object", "whatsapp_business_account"},
      {"entry", json::array{json::object{
                    {"id", "102290129340398"},
                    {"changes", json::array{json::object{{"value", value}, {"field", "messages"}}}}}}}});
}

json::object wa_text(const std::string& id, const std::string& body) {
  return {{"id", id}, {"type", "text"}, {"text", json::object{{"body", body}}}};
}

json::object wa_location(const std::string& id, double lat, double lon) {
  return {{"id", id},
          {"type", "location"},
          {"location", json::object{{"latitude", lat}, {"longitude", lon}, {"name", "Pasar Mardika"},
                                    {"address", "Jl. Pala, Ambon"}}}};
}

json::object wa_image(const std::string& id, const std::string& media_id) {
  return {{"id", id},
          {"type", "image"},
          {"image", json::object{{"caption", "apinya besar"}, {"mime_type", "image/jpeg"},
                                 {"sha256", "abc"}, {"id", media_id}}}};
}

std::string tg_update(std::int64_t update_id, std::int64_t chat, const json::object& fields) {
  json::object message{{"message_id", update_id},
                       {"from", json::object{{"id", chat}, {"is_bot", false}, {"first_name", "Warga"}}},
                       {"chat", json::object{{"id", chat}, {"first_name", "Warga"}, {"type", "private"}}},
                       {"date", 1733400000}};
  for (const auto& kv : fields) message[kv.key()] = kv.value();
  return json::serialize(json::object{{"update_id", update_id}, {"message", message}});
}

}  // namespace

class messaging_channels : public ::testing::Test {
 protected:
  static std::vector<std::string> flags(std::uint16_t port) {
    auto base = "http://127.0.0.1:" + std::to_string(port);
    return {"--whatsapp-verify-token", verify_token, "--whatsapp-app-secret", app_secret,
            "--whatsapp-access-token", "wa-access-token", "--whatsapp-phone-number-id", phone_number_id,
            "--whatsapp-graph-base", base + "/v21.0", "--telegram-bot-token", tg_token, "--telegram-api-base", base,
            "--telegram-webhook-secret", tg_secret, "--sms-secret", sms_secret, "--sms-send-url", base + "/hook/sms",
            "--public-url", "https://112.ambon.go.id", "--notify-backoff-ms", "100", "--notify-backoff-cap-ms",
            "300", "--notify-poll-ms", "100"};
  }
  static void SetUpTestSuite() {
    stand_in_ = new stand_in_receiver();
    server_ = new server_process(true, flags(stand_in_->port()));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete stand_in_;
    stand_in_ = nullptr;
  }
  void SetUp() override { ct_ = client_.login("calltaker", demo_password); }

  http_reply wa_post(const std::string& body, const std::string& signature) {
    std::map<std::string, std::string> h;
    if (!signature.empty()) h["X-Hub-Signature-256"] = signature;
    return client_.request("POST", "/api/v1/webhooks/whatsapp", body, {}, "application/json", h);
  }
  http_reply wa(const std::string& wa_id, const json::object& message) {
    auto body = wa_payload(wa_id, message);
    return wa_post(body, meta_signature(body));
  }
  http_reply tg(const std::string& body, const std::string& secret = tg_secret) {
    std::map<std::string, std::string> h;
    if (!secret.empty()) h["X-Telegram-Bot-Api-Secret-Token"] = secret;
    return client_.request("POST", "/api/v1/webhooks/telegram", body, {}, "application/json", h);
  }
  http_reply sms(const json::object& body, const std::string& secret = sms_secret) {
    std::map<std::string, std::string> h;
    if (!secret.empty()) h["X-Siaga-SMS-Secret"] = secret;
    return client_.request("POST", "/api/v1/webhooks/sms", json::serialize(body), {}, "application/json", h);
  }

  std::int64_t count(const char* table) { return count_rows(server_->database(), table); }

  // The text of the replies the stand-in received at a path (every attempt), in order.
  static std::vector<received_request> posts_to(const std::string& path_part) {
    std::vector<received_request> out;
    for (auto& r : stand_in_->requests()) {
      if (r.target.find(path_part) != std::string::npos && !r.body.empty()) out.push_back(r);
    }
    return out;
  }
  static bool a_reply_contains(const std::string& path_part, const std::string& text) {
    for (const auto& r : posts_to(path_part)) {
      if (r.answered == 200 && r.body.find(text) != std::string::npos) return true;
    }
    return false;
  }

  // The call taker's view of the newest report of a channel.
  json::object newest_report(const std::string& channel) {
    auto page = client_.get("/api/v1/reports?channel=" + channel + "&limit=1", ct_);
    EXPECT_EQ(page.status, 200) << page.body;
    const auto& items = page.json().at("items").as_array();
    if (items.empty()) return {};
    auto full = client_.get("/api/v1/reports/" + str(items[0], "id"), ct_);
    return full.json().as_object();
  }

  static inline stand_in_receiver* stand_in_ = nullptr;
  static inline server_process* server_ = nullptr;
  http_client client_{"127.0.0.1", server_->port()};
  std::string ct_;
};

TEST_F(messaging_channels, whatsapp_answers_the_verification_handshake) {
  auto ok = client_.get(std::string("/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=") + verify_token +
                        "&hub.challenge=1158201444");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "1158201444");
  EXPECT_EQ(ok.headers["content-type"].rfind("text/plain", 0), 0u);
  auto wrong = client_.get("/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1");
  EXPECT_EQ(wrong.status, 403);
  auto mode = client_.get(std::string("/api/v1/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=") +
                          verify_token + "&hub.challenge=1");
  EXPECT_EQ(mode.status, 403);
  EXPECT_EQ(client_.get("/api/v1/webhooks/whatsapp?hub.mode=subscribe&other=1").status, 400);
}

TEST_F(messaging_channels, whatsapp_refuses_unsigned_wrongly_signed_and_malformed_posts_storing_nothing) {
  auto before_messages = count("channel_messages");
  auto before_conversations = count("channel_conversations");
  auto before_reports = count("reports");
  auto before_outbox = count("outbox");
  auto body = wa_payload("6281200000001", wa_text("wamid.bad1", "Ada kebakaran rumah di Batu Merah"));
  EXPECT_EQ(wa_post(body, "").status, 401);
  EXPECT_EQ(wa_post(body, meta_signature(body, "another-secret-entirely")).status, 401);
  EXPECT_EQ(wa_post(body, "sha256=").status, 401);
  auto tampered = body;
  tampered.replace(tampered.find("Batu Merah"), 10, "Batu Gajah");
  EXPECT_EQ(wa_post(tampered, meta_signature(body)).status, 401);
  // Signed, but not what Meta sends.
  std::string not_json = "{\"object\": ";
  EXPECT_EQ(wa_post(not_json, meta_signature(not_json)).status, 400);
  std::string wrong_object = R"({"object":"page","entry":[]})";
  EXPECT_EQ(wa_post(wrong_object, meta_signature(wrong_object)).status, 400);
  auto no_id = wa_payload("6281200000001", json::object{{"type", "text"}, {"text", json::object{{"body", "x"}}}});
  EXPECT_EQ(wa_post(no_id, meta_signature(no_id)).status, 400);
  auto short_code = wa_payload("112", wa_text("wamid.bad2", "Ada kebakaran rumah di Batu Merah"));
  EXPECT_EQ(wa_post(short_code, meta_signature(short_code)).status, 400);
  EXPECT_EQ(count("channel_messages"), before_messages);
  EXPECT_EQ(count("channel_conversations"), before_conversations);
  EXPECT_EQ(count("reports"), before_reports);
  EXPECT_EQ(count("outbox"), before_outbox);
}

TEST_F(messaging_channels, a_whatsapp_dialogue_makes_one_report_and_the_reporter_hears_of_its_progress) {
  const std::string wa_id = "6281234500001";
  stand_in_->serve("/v21.0/MEDIA-1", "application/json",
                   R"({"url":"http://127.0.0.1:)" + std::to_string(stand_in_->port()) +
                       R"(/media/photo-1.jpg","mime_type":"image/jpeg","id":"MEDIA-1"})");
  stand_in_->serve("/media/photo-1.jpg", "image/jpeg", jpeg_bytes(1));
  auto reports_before = count("reports");

  auto first = wa(wa_id, wa_text("wamid.A1", "Ada kebakaran rumah di belakang pasar"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(eventually([] { return a_reply_contains("/messages", "Di mana kejadiannya"); }));
  auto asked = posts_to(std::string("/v21.0/") + phone_number_id + "/messages");
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.back().header("authorization"), "Bearer wa-access-token");
  auto sent = json::parse(asked.back().body);
  EXPECT_EQ(str(sent, "messaging_product"), "whatsapp");
  EXPECT_EQ(str(sent, "to"), wa_id);
  EXPECT_EQ(str(sent, "type"), "text");

  ASSERT_EQ(wa(wa_id, wa_location("wamid.A2", -3.6950, 128.1840)).status, 200);
  EXPECT_TRUE(eventually([] { return a_reply_contains("/messages", "kirim satu foto"); }));
  EXPECT_EQ(count("reports"), reports_before) << "no report before the dialogue is done";

  auto photo = wa(wa_id, wa_image("wamid.A3", "MEDIA-1"));
  ASSERT_EQ(photo.status, 200) << photo.body;
  EXPECT_EQ(photo.json().at("reports").as_int64(), 1);
  EXPECT_EQ(count("reports"), reports_before + 1);
  // The media lookup and the download both carried the bearer token.
  int media_gets = 0;
  for (const auto& r : stand_in_->requests()) {
    if (r.target == "/v21.0/MEDIA-1" || r.target == "/media/photo-1.jpg") {
      ++media_gets;
      EXPECT_EQ(r.header("authorization"), "Bearer wa-access-token");
    }
  }
  EXPECT_EQ(media_gets, 2);

  // In the call takers' queue with its channel, the number in E.164 and the photo.
  auto rep = newest_report("whatsapp");
  ASSERT_FALSE(rep.empty());
  EXPECT_EQ(str(rep, "channel"), "whatsapp");
  EXPECT_EQ(str(rep, "status"), "new");
  EXPECT_EQ(str(rep, "description"), "Ada kebakaran rumah di belakang pasar");
  EXPECT_TRUE(rep.at("reporter").at("masked").as_bool());
  EXPECT_EQ(reveal_contact(client_, ct_, str(rep, "id")).phone, "+6281234500001");
  EXPECT_FALSE(rep.at("district_id").is_null()) << "placed from the shared location";
  ASSERT_EQ(rep.at("media").as_array().size(), 1u);
  auto bytes = client_.get("/api/v1/media/" + str(rep.at("media").as_array()[0], "id"), ct_);
  EXPECT_EQ(bytes.body, jpeg_bytes(1));
  auto code = str(rep, "tracking_code");
  ASSERT_FALSE(code.empty());
  EXPECT_TRUE(eventually([&] { return a_reply_contains("/messages", code); })) << "the receipt names the code";
  EXPECT_TRUE(a_reply_contains("/messages", "https://112.ambon.go.id/lacak/" + code));

  // A replayed webhook stores nothing twice.
  auto outbox_before = count("outbox");
  auto replay = wa(wa_id, wa_image("wamid.A3", "MEDIA-1"));
  ASSERT_EQ(replay.status, 200);
  EXPECT_EQ(replay.json().at("duplicates").as_int64(), 1);
  EXPECT_EQ(count("reports"), reports_before + 1);
  EXPECT_EQ(count("outbox"), outbox_before);

  // Accepted and dispatched: the reporter is told, through the outbox, even though the
  // provider fails the first attempt.
  std::string fire_id;
  auto cats = client_.get("/api/v1/categories", ct_);
  for (const auto& cat : cats.json().at("items").as_array()) {
    if (str(cat, "code") == "fire") fire_id = str(cat, "id");
  }
  ASSERT_FALSE(fire_id.empty()) << cats.body;
  stand_in_->fail_next(1);
  auto inc = client_.post("/api/v1/reports/" + str(rep, "id") + "/accept", json::object{{"category_id", fire_id}}, ct_);
  ASSERT_EQ(inc.status, 200) << inc.body;
  EXPECT_TRUE(eventually([&] { return a_reply_contains("/messages", "Laporan " + code + ": sudah diteruskan"); }));
  bool failed_once = false;
  for (const auto& r : posts_to("/messages")) failed_once = failed_once || r.answered == 500;
  EXPECT_TRUE(failed_once) << "the stand-in failed one attempt, which was retried";

  // Done with the agency's public note.
  auto damkar_id = agency_id(client_, ct_, "DAMKAR");
  auto damkar = client_.login("damkar", demo_password);
  for (const auto& d : inc.json().at("dispatches").as_array()) {
    auto id = str(d, "id");
    ASSERT_EQ(client_.post("/api/v1/dispatches/" + id + "/acknowledge", json::object{}, ct_).status, 200);
    json::object done{{"note", "internal"}};
    if (str(d, "agency_id") == damkar_id) done["public_note"] = "Api sudah padam.";
    auto r = client_.post("/api/v1/dispatches/" + id + "/complete", done, str(d, "agency_id") == damkar_id ? damkar : ct_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto closed = client_.post("/api/v1/incidents/" + str(inc.json(), "id") + "/close", json::object{}, ct_);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_TRUE(eventually([&] { return a_reply_contains("/messages", "Laporan " + code + ": penanganan selesai"); }));
  EXPECT_TRUE(a_reply_contains("/messages", "Api sudah padam."));

  // Delivery receipts are recorded (once each).
  json::object status_value{
      {"messaging_product", "whatsapp"},
      {"metadata", json::object{{"display_phone_number", "62911112"}, {"phone_number_id", phone_number_id}}},
      {"statuses", json::array{json::object{{"id", "wamid.OUT1"}, {"status", "delivered"}, {"timestamp", "1733400100"},
                                            {"recipient_id", wa_id}},
                               json::object{{"id", "wamid.OUT1"}, {"status", "read"}, {"timestamp", "1733400200"},
                                            {"recipient_id", wa_id}}}}};
  auto statuses = json::serialize(json::object{
      {"object", "whatsapp_business_account"},
      {"entry", json::array{json::object{{"id", "1"}, {"changes", json::array{json::object{{"value", status_value},
                                                                                           {"field", "messages"}}}}}}}});
  auto before_statuses = count("channel_statuses");
  ASSERT_EQ(wa_post(statuses, meta_signature(statuses)).status, 200);
  ASSERT_EQ(wa_post(statuses, meta_signature(statuses)).status, 200);
  EXPECT_EQ(count("channel_statuses"), before_statuses + 2);
}

TEST_F(messaging_channels, telegram_checks_its_secret_and_runs_the_same_dialogue) {
  const std::int64_t chat = 987654321;
  auto before = count("channel_messages");
  auto body = tg_update(5001, chat, {{"text", "Pohon tumbang menutup jalan raya"}});
  EXPECT_EQ(tg(body, "").status, 401);
  EXPECT_EQ(tg(body, "tg-secret_wrong").status, 401);
  EXPECT_EQ(tg("{\"update_id\": \"x\"}").status, 400);
  EXPECT_EQ(tg("not json").status, 400);
  EXPECT_EQ(count("channel_messages"), before);

  stand_in_->serve(std::string("/bot") + tg_token + "/getFile", "application/json",
                   R"({"ok":true,"result":{"file_id":"PHOTO-L","file_unique_id":"u","file_size":604,"file_path":"photos/file_7.jpg"}})");
  stand_in_->serve(std::string("/file/bot") + tg_token + "/photos/file_7.jpg", "image/jpeg", jpeg_bytes(2));
  auto reports_before = count("reports");
  ASSERT_EQ(tg(body).status, 200);
  ASSERT_EQ(tg(tg_update(5002, chat, {{"location", json::object{{"latitude", -3.70}, {"longitude", 128.18}}}})).status, 200);
  json::array sizes{json::object{{"file_id", "PHOTO-S"}, {"file_unique_id", "s"}, {"file_size", 100}, {"width", 90}, {"height", 90}},
                    json::object{{"file_id", "PHOTO-L"}, {"file_unique_id", "u"}, {"file_size", 604}, {"width", 800}, {"height", 600}}};
  auto done = tg(tg_update(5003, chat, {{"photo", sizes}, {"caption", "di depan sekolah"}}));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json().at("reports").as_int64(), 1);
  EXPECT_EQ(count("reports"), reports_before + 1);
  EXPECT_EQ(tg(tg_update(5003, chat, {{"photo", sizes}})).json().at("duplicates").as_int64(), 1);
  EXPECT_EQ(count("reports"), reports_before + 1);

  auto rep = newest_report("telegram");
  ASSERT_FALSE(rep.empty());
  EXPECT_EQ(str(rep, "description"), "Pohon tumbang menutup jalan raya");
  ASSERT_EQ(rep.at("media").as_array().size(), 1u);
  auto code = str(rep, "tracking_code");
  EXPECT_TRUE(eventually([&] { return a_reply_contains("/sendMessage", code); }));
  auto replies = posts_to("/sendMessage");
  ASSERT_FALSE(replies.empty());
  EXPECT_EQ(replies.back().target, std::string("/bot") + tg_token + "/sendMessage");
  EXPECT_NE(replies.back().body.find("987654321"), std::string::npos);
}

TEST_F(messaging_channels, sms_posts_make_a_report_and_the_replies_go_to_the_gateway) {
  auto before = count("channel_messages");
  json::object first{{"message_id", "gw-1"}, {"sender", "081298760001"}, {"text", "Banjir setinggi lutut di rumah warga"},
                     {"time", "2026-12-05T10:00:00+09:00"}};
  EXPECT_EQ(sms(first, "").status, 401);
  EXPECT_EQ(sms(first, "sms-shared-secret-WRONG").status, 401);
  EXPECT_EQ(sms(json::object{{"message_id", "gw-x"}, {"sender", "0812"}, {"text", "x"}, {"extra", 1}}).status, 400);
  EXPECT_EQ(sms(json::object{{"message_id", "gw-x"}, {"sender", "0812"}}).status, 400);
  EXPECT_EQ(sms(json::object{{"message_id", "gw-x"}, {"sender", "112"}, {"text", "tolong"}}).status, 400);
  EXPECT_EQ(sms(json::object{{"message_id", "gw-x"}, {"sender", "081298760001"}, {"text", "tolong"}, {"time", "kemarin"}}).status,
            400);
  EXPECT_EQ(count("channel_messages"), before);

  auto reports_before = count("reports");
  ASSERT_EQ(sms(first).status, 200);
  EXPECT_TRUE(eventually([] { return a_reply_contains("/hook/sms", "alamat atau patokan"); }));
  auto where = sms(json::object{{"message_id", "gw-2"}, {"sender", "+6281298760001"}, {"text", "RT 02 Kel. Batu Merah dekat masjid"}});
  ASSERT_EQ(where.status, 200) << where.body;
  EXPECT_EQ(where.json().at("reports").as_int64(), 1);
  EXPECT_EQ(count("reports"), reports_before + 1);
  EXPECT_EQ(sms(first).json().at("duplicates").as_int64(), 1);
  auto rep = newest_report("sms");
  ASSERT_FALSE(rep.empty());
  EXPECT_EQ(reveal_contact(client_, ct_, str(rep, "id")).phone, "+6281298760001");
  EXPECT_EQ(str(rep, "address"), "RT 02 Kel. Batu Merah dekat masjid");
  auto code = str(rep, "tracking_code");
  EXPECT_TRUE(eventually([&] { return a_reply_contains("/hook/sms", code); }));
  auto replies = posts_to("/hook/sms");
  ASSERT_FALSE(replies.empty());
  EXPECT_EQ(replies.back().header("x-siaga-sms-secret"), sms_secret);
  EXPECT_EQ(str(json::parse(replies.back().body), "to"), "+6281298760001");
}

TEST_F(messaging_channels, the_gammu_run_on_receive_script_posts_to_the_webhook) {
  auto reports_before = count("reports");
  auto run = [&](const std::string& id, const std::string& text) {
    std::string cmd = "env -i PATH=/usr/bin:/bin SIAGA_URL=http://127.0.0.1:" + std::to_string(server_->port()) +
                      " SIAGA_SMS_SECRET=" + sms_secret +
                      " SMS_MESSAGES=1 SMS_1_NUMBER=+6281298760077 SMS_1_CLASS=-1 'SMS_1_TEXT=" + text +
                      "' DECODED_PARTS=0 bash " SIAGA_SOURCE_DIR "/scripts/gammu-siaga-receive.sh " + id;
    return std::system(cmd.c_str());
  };
  EXPECT_EQ(run("IN20261205_100000_00_+6281298760077_00.txt", "Ada \"orang\" pingsan di halte; tolong\\segera"), 0);
  EXPECT_EQ(run("IN20261205_100100_00_+6281298760077_00.txt", "Halte Mardika"), 0);
  EXPECT_EQ(count("reports"), reports_before + 1);
  auto rep = newest_report("sms");
  EXPECT_EQ(str(rep, "description"), "Ada \"orang\" pingsan di halte; tolong\\segera");
  EXPECT_EQ(reveal_contact(client_, ct_, str(rep, "id")).phone, "+6281298760077");
  // The same SMS again (gammu runs the script again after a crash) is taken once.
  EXPECT_EQ(run("IN20261205_100100_00_+6281298760077_00.txt", "Halte Mardika"), 0);
  EXPECT_EQ(count("reports"), reports_before + 1);
  // A wrong secret makes the script fail, so that gammu keeps the message.
  std::string bad = "env -i PATH=/usr/bin:/bin SIAGA_URL=http://127.0.0.1:" + std::to_string(server_->port()) +
                    " SIAGA_SMS_SECRET=wrong-secret-0123456 SMS_MESSAGES=1 SMS_1_NUMBER=+6281298760077 "
                    "SMS_1_TEXT=x bash " SIAGA_SOURCE_DIR "/scripts/gammu-siaga-receive.sh IN-x";
  EXPECT_NE(std::system(bad.c_str()), 0);
}

TEST(messaging_restart, a_restart_in_the_middle_of_a_dialogue_loses_nothing) {
  stand_in_receiver stand_in;
  auto base = "http://127.0.0.1:" + std::to_string(stand_in.port());
  std::vector<std::string> f{"--whatsapp-verify-token", verify_token, "--whatsapp-app-secret", app_secret,
                             "--whatsapp-access-token", "wa-access-token", "--whatsapp-phone-number-id",
                             phone_number_id, "--whatsapp-graph-base", base + "/v21.0", "--notify-poll-ms", "100",
                             // On PostgreSQL a question the first server claimed before it died
                             // stays leased until the lease ends (several nodes: README of
                             // storage/postgres); the shortest lease keeps that inside the wait below.
                             "--outbox-lease-s", "15"};
  // The first server owns the directory (removed with it at the end); it dies hard mid-dialogue.
  server_process first(true, f);
  {
    http_client c("127.0.0.1", first.port());
    auto b1 = wa_payload("6281234500009", wa_text("wamid.R1", "Ular kobra masuk ke dapur rumah"));
    ASSERT_EQ(c.request("POST", "/api/v1/webhooks/whatsapp", b1, {}, "application/json",
                        {{"X-Hub-Signature-256", meta_signature(b1)}}).status, 200);
  }
  first.kill_hard();
  auto second = server_process::reuse(first.dir(), f);
  http_client c("127.0.0.1", second.port());
  auto b2 = wa_payload("6281234500009", wa_location("wamid.R2", -3.6960, 128.1850));
  ASSERT_EQ(c.request("POST", "/api/v1/webhooks/whatsapp", b2, {}, "application/json",
                      {{"X-Hub-Signature-256", meta_signature(b2)}}).status, 200);
  auto b3 = wa_payload("6281234500009", wa_text("wamid.R3", "SELESAI"));
  auto done = c.request("POST", "/api/v1/webhooks/whatsapp", b3, {}, "application/json",
                        {{"X-Hub-Signature-256", meta_signature(b3)}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json().at("reports").as_int64(), 1);
  auto token = c.login("calltaker", demo_password);
  auto page = c.get("/api/v1/reports?channel=whatsapp&limit=1", token);
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(str(page.json().at("items").as_array()[0], "description"), "Ular kobra masuk ke dapur rumah");
  // The question asked before the crash is delivered after the restart.
  EXPECT_TRUE(eventually([&] {
    for (const auto& r : stand_in.requests()) {
      if (r.body.find("Di mana kejadiannya") != std::string::npos && r.answered == 200) return true;
    }
    return false;
  }));
  EXPECT_EQ(second.stop(), 0);
}

}  // namespace siaga::testing

namespace siaga::testing {

// Issue 11 item 8: a Telegram report near an open incident (whatever its category: it has none
// yet) is proposed for linking, one far away is not; linking it adds it to the incident and its
// reporter hears, in their channel, that the same event was reported before.
TEST_F(messaging_channels, a_report_near_an_open_incident_is_proposed_and_linking_tells_its_reporter) {
  const double lat = -3.6885, lon = 128.1720;
  json::object body{{"category_id", str(category(client_, ct_, "fire"), "id")},
                    {"summary", "Kebakaran gudang kopra"},
                    {"location", json::object{{"lat", lat}, {"lon", lon}}},
                    {"dispatch", false}};
  auto inc = client_.post("/api/v1/incidents", body, ct_);
  ASSERT_EQ(inc.status, 201) << inc.body;
  auto incident_id = str(inc.json(), "id");

  // Two Telegram dialogues: one 200 m north of the incident, one about 5 km away.
  auto tell = [&](std::int64_t first_update, std::int64_t chat, double at_lat) {
    EXPECT_EQ(tg(tg_update(first_update, chat, {{"text", "Ada asap tebal dari gudang"}})).status, 200);
    EXPECT_EQ(tg(tg_update(first_update + 1, chat, {{"location", json::object{{"latitude", at_lat}, {"longitude", lon}}}}))
                  .status,
              200);
    auto done = tg(tg_update(first_update + 2, chat, {{"text", "SELESAI"}}));
    EXPECT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.json().at("reports").as_int64(), 1) << done.body;
    return newest_report("telegram");
  };
  auto far = tell(6101, 55501, lat - 0.045);
  auto near = tell(6201, 55502, lat + 200 / 111195.0);
  ASSERT_FALSE(near.empty());
  ASSERT_FALSE(far.empty());

  auto proposed = client_.get("/api/v1/reports/" + str(near, "id") + "/link_candidates", ct_);
  ASSERT_EQ(proposed.status, 200) << proposed.body;
  const auto& items = proposed.json().at("items").as_array();
  ASSERT_FALSE(items.empty()) << proposed.body;
  EXPECT_EQ(str(items[0].at("incident"), "id"), incident_id);
  EXPECT_EQ(str(items[0], "basis"), "distance");
  EXPECT_NEAR(items[0].at("distance_m").to_number<double>(), 200, 5);
  auto none = client_.get("/api/v1/reports/" + str(far, "id") + "/link_candidates", ct_);
  ASSERT_EQ(none.status, 200) << none.body;
  for (const auto& c : none.json().at("items").as_array()) EXPECT_NE(str(c.at("incident"), "id"), incident_id);
  EXPECT_EQ(client_.get("/api/v1/reports/no-such-report/link_candidates", ct_).status, 404);
  EXPECT_EQ(client_.get("/api/v1/reports/" + str(near, "id") + "/link_candidates").status, 401);

  auto linked = client_.post("/api/v1/reports/" + str(near, "id") + "/accept", json::object{{"incident_id", incident_id}}, ct_);
  ASSERT_EQ(linked.status, 200) << linked.body;
  EXPECT_TRUE(eventually([] { return a_reply_contains("/sendMessage", "kejadian yang sama sudah dilaporkan warga lain"); }));
  bool to_near = false;
  for (const auto& r : posts_to("/sendMessage")) {
    if (r.body.find("kejadian yang sama") != std::string::npos) {
      to_near = r.body.find("55502") != std::string::npos;
      EXPECT_EQ(r.body.find("55501"), std::string::npos) << "only the linked report's reporter is told";
    }
  }
  EXPECT_TRUE(to_near);
  // Triaged: nothing more to propose.
  auto after = client_.get("/api/v1/reports/" + str(near, "id") + "/link_candidates", ct_);
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(after.json().at("items").as_array().empty());
}

}  // namespace siaga::testing
