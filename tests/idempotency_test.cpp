// Idempotency-Key on the three routes that create records (issue 13 item 4), over the real
// server on both stores: a retry with the same key and body answers the first record again
// (201, Idempotent-Replayed: true) and writes nothing, not even an event or a notification;
// the key with another body is 422 and writes nothing; a bad header is 400 and writes nothing;
// several requests with one key at once make one record.
#include "support/demo.hpp"
#include "support/encoding.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace siaga::testing {
namespace json = boost::json;

class idempotency : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Several public reports from one number, and no rate limit in the way of the retries.
    server_ = new server_process(true, {"--public-report-burst", "1000", "--max-new-reports-per-reporter", "0"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { ct_ = client_.login("calltaker", demo_password); }

  // POSTs body (serialised once, so that a retry sends the very same bytes) with the key.
  static http_reply post_keyed(http_client& c, const std::string& target, const std::string& body,
                               const std::string& token, const std::string& key) {
    return c.request("POST", target, body, token, "application/json", {{"Idempotency-Key", key}});
  }

  std::string incident_body(const std::string& summary) {
    auto fire = category(client_, ct_, "fire");
    return json::serialize(json::object{{"category_id", fire.at("id")},
                                        {"summary", summary},
                                        {"agency_ids", json::array{agency_id(client_, ct_, "DAMKAR")}}});
  }

  std::int64_t rows(const char* table) { return count_rows(server_->database(), table); }

  // The rows that creating anything adds to.
  std::map<std::string, std::int64_t> counts() {
    std::map<std::string, std::int64_t> out;
    for (const char* t : {"incidents", "reports", "dispatches", "events", "outbox", "media", "idempotency_keys"}) {
      out[t] = rows(t);
    }
    return out;
  }

  static inline server_process* server_ = nullptr;
  http_client client_{"127.0.0.1", server_->port()};
  std::string ct_;
};

TEST_F(idempotency, an_incident_sent_again_with_its_key_answers_the_first_and_writes_nothing) {
  auto body = incident_body("Kebakaran gudang kopra, dikirim ulang");
  auto first = post_keyed(client_, "/api/v1/incidents", body, ct_, "inc-retry-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.headers.contains("idempotent-replayed"));
  auto before = counts();

  auto again = post_keyed(client_, "/api/v1/incidents", body, ct_, "inc-retry-1");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(str(again.json(), "id"), str(first.json(), "id"));
  EXPECT_EQ(str(again.json(), "number"), str(first.json(), "number"));
  EXPECT_EQ(again.json().at("dispatches").as_array().size(), first.json().at("dispatches").as_array().size());
  EXPECT_EQ(counts(), before) << "no new incident, dispatch, event or notification";
  // The draft's Structured Field string form names the same key.
  auto quoted = post_keyed(client_, "/api/v1/incidents", body, ct_, "\"inc-retry-1\"");
  ASSERT_EQ(quoted.status, 201) << quoted.body;
  EXPECT_EQ(quoted.headers["idempotent-replayed"], "true");
  EXPECT_EQ(str(quoted.json(), "id"), str(first.json(), "id"));
  EXPECT_EQ(counts(), before);

  // Without a key the same body is a new incident, as before this header existed.
  auto unkeyed = client_.request("POST", "/api/v1/incidents", body, ct_);
  ASSERT_EQ(unkeyed.status, 201) << unkeyed.body;
  EXPECT_NE(str(unkeyed.json(), "id"), str(first.json(), "id"));
  EXPECT_EQ(rows("incidents"), before["incidents"] + 1);
}

TEST_F(idempotency, a_key_sent_with_another_body_is_refused_422_and_writes_nothing) {
  auto first = post_keyed(client_, "/api/v1/incidents", incident_body("Pohon tumbang di Jl. Sultan Hairun"), ct_,
                          "inc-reused-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto before = counts();
  auto other = post_keyed(client_, "/api/v1/incidents", incident_body("Banjir di Batu Merah"), ct_, "inc-reused-1");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(str(other.json(), "error"), "idempotency_key_reused");
  EXPECT_NE(str(other.json(), "message").find("Idempotency-Key ini sudah dipakai untuk permintaan lain"),
            std::string::npos)
      << other.body;
  EXPECT_EQ(counts(), before);

  auto report = json::serialize(json::object{{"description", "Kabel listrik putus"}, {"reporter_name", "Maria"}});
  auto rep = post_keyed(client_, "/api/v1/reports", report, ct_, "rep-reused-1");
  ASSERT_EQ(rep.status, 201) << rep.body;
  before = counts();
  auto changed = json::serialize(json::object{{"description", "Kabel listrik putus di dua tempat"}});
  EXPECT_EQ(post_keyed(client_, "/api/v1/reports", changed, ct_, "rep-reused-1").status, 422);
  EXPECT_EQ(counts(), before);
}

TEST_F(idempotency, a_bad_key_is_refused_400_naming_the_header_and_writes_nothing) {
  auto body = incident_body("Kebakaran lahan");
  auto before = counts();
  for (const std::string& bad : {std::string(129, 'k'), std::string("dua kata"), std::string("kunci-\xc3\xa9")}) {
    auto r = post_keyed(client_, "/api/v1/incidents", body, ct_, bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_NE(str(r.json(), "message").find("Idempotency-Key"), std::string::npos) << r.body;
    auto rep = post_keyed(client_, "/api/v1/reports", json::serialize(json::object{{"description", "x"}}), ct_, bad);
    EXPECT_EQ(rep.status, 400) << rep.body;
    auto pub = post_keyed(client_, "/api/v1/public/reports",
                          json::serialize(json::object{{"description", "Asap"}, {"address", "Pasar"}}), "", bad);
    EXPECT_EQ(pub.status, 400) << pub.body;
  }
  auto empty = post_keyed(client_, "/api/v1/incidents", body, ct_, "");
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(counts(), before);
  // 128 characters is the longest key.
  EXPECT_EQ(post_keyed(client_, "/api/v1/incidents", body, ct_, std::string(128, 'k')).status, 201);
}

TEST_F(idempotency, a_report_sent_again_with_its_key_answers_the_first) {
  auto body = json::serialize(json::object{{"description", "Orang tenggelam di Pantai Natsepa"},
                                           {"reporter_name", "Yosef"},
                                           {"reporter_phone", "+6281355554444"}});
  auto first = post_keyed(client_, "/api/v1/reports", body, ct_, "rep-retry-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto before = counts();
  auto again = post_keyed(client_, "/api/v1/reports", body, ct_, "rep-retry-1");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(again.json(), first.json()) << "the same view of the same report";
  EXPECT_EQ(counts(), before);
}

TEST_F(idempotency, the_public_form_sent_again_with_its_key_answers_the_same_tracking_code) {
  auto body = json::serialize(json::object{
      {"category", "fire"},
      {"description", "Asap dari gudang di belakang pasar"},
      {"address", "Jl. Pala No. 9"},
      {"phone", "0812-3456-7890"},
      {"consent", true},
      {"photos", json::array{json::object{{"content_type", "image/jpeg"}, {"data", base64(jpeg_bytes())}}}}});
  auto first = post_keyed(client_, "/api/v1/public/reports", body, "", "3f1e2d9a-0b4c-4c1e-9a57-6f0e1d2c3b4a");
  ASSERT_EQ(first.status, 201) << first.body;
  auto before = counts();
  auto again = post_keyed(client_, "/api/v1/public/reports", body, "", "3f1e2d9a-0b4c-4c1e-9a57-6f0e1d2c3b4a");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(again.json(), first.json()) << "tracking code, photo count and time of the first";
  EXPECT_EQ(counts(), before) << "no second report, photo or event";

  auto other = json::serialize(json::object{{"category", "fire"}, {"description", "Lain"}, {"address", "Jl. Pala"}});
  auto reused = post_keyed(client_, "/api/v1/public/reports", other, "", "3f1e2d9a-0b4c-4c1e-9a57-6f0e1d2c3b4a");
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(counts(), before);
}

// Requests with one key at once, each on its own connection: the writer serialises them, the
// first creates, the others see its key and replay.
TEST_F(idempotency, concurrent_requests_with_one_key_make_one_record) {
  constexpr int senders = 6;
  struct route {
    std::string target, body, token;
  };
  std::vector<route> routes{
      {"/api/v1/incidents", incident_body("Kebakaran kapal di pelabuhan"), ct_},
      {"/api/v1/reports", json::serialize(json::object{{"description", "Kapal terbakar"}}), ct_},
      {"/api/v1/public/reports",
       json::serialize(json::object{{"category", "fire"}, {"description", "Kapal terbakar"}, {"address", "Pelabuhan"}}),
       ""}};
  for (const auto& r : routes) {
    auto before = counts();
    std::vector<http_reply> replies(senders);
    std::vector<std::thread> threads;
    for (int i = 0; i < senders; ++i) {
      threads.emplace_back([&, i] {
        http_client own{"127.0.0.1", server_->port()};
        replies[i] = post_keyed(own, r.target, r.body, r.token, "concurrent-" + r.target);
      });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> made;
    int replayed = 0;
    for (const auto& reply : replies) {
      ASSERT_EQ(reply.status, 201) << r.target << ": " << reply.body;
      made.insert(reply.json().as_object().contains("id") ? str(reply.json(), "id")
                                                          : str(reply.json(), "tracking_code"));
      if (reply.headers.contains("idempotent-replayed")) ++replayed;
    }
    EXPECT_EQ(made.size(), 1u) << r.target;
    EXPECT_EQ(replayed, senders - 1) << r.target;
    auto after = counts();
    EXPECT_EQ(after["reports"] + after["incidents"], before["reports"] + before["incidents"] + 1) << r.target;
    EXPECT_EQ(after["idempotency_keys"], before["idempotency_keys"] + 1) << r.target;
  }
}

}  // namespace siaga::testing
