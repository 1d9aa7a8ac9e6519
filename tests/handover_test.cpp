// A handover between two 112 centres over the real servers (issue 13 item 6): centre A has its
// neighbour B as an agency with a webhook endpoint; dispatching an incident to it sends A's
// signed dispatch notice through A's outbox to B's /api/v1/webhooks/handover, where it becomes
// a report with channel handover in B's queue. A redelivery adds nothing; a notice that is
// unsigned, wrongly signed, stale or malformed stores nothing.
#include "domain/notification.hpp"
#include "support/database.hpp"
#include "support/demo.hpp"
#include "support/encoding.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/stand_in_receiver.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>

namespace siaga::testing {
namespace {

namespace json = boost::json;

const std::string handover_secret = "handover-secret-of-centre-b";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "sha256=" and the HMAC-SHA256 of "<timestamp>.<body>" (support/encoding.hpp).
std::string signature(const std::string& body, std::int64_t ts, const std::string& secret = handover_secret) {
  return "sha256=" + hmac_sha256_hex(secret, std::to_string(ts) + "." + body);
}

// A notice as a neighbour's outbox would write it (the sender's own function makes the body);
// detail is the reason, changes or note of an update. Each (dispatch, event, detail) is its
// own outbox row.
std::string notice_body(const std::string& dispatch_id, const std::string& event = "dispatch.notified",
                        const std::string& detail = "") {
  domain::dispatch_notice n;
  n.event_kind = event;
  n.reason = detail;
  n.jurisdiction_code = "81.01";
  n.dispatch_id = dispatch_id;
  n.agency_code = "P112-AMB";
  n.agency_name = "Pusat 112 Kota Ambon";
  n.incident_number = "MTH-261206-0003";
  n.category_code = "flood";
  n.category_name = "Banjir";
  n.summary = "Banjir setinggi lutut di perbatasan";
  n.address = "Jl. Laksdya Leo Wattimena";
  n.location = domain::geo_point{-3.6555, 128.1925};
  return domain::notice_payload(n, "row-" + dispatch_id + "-" + event + "-" + std::to_string(detail.size()));
}

class handover : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    receiver_ = new server_process(true, {"--handover-secret", handover_secret});
    sender_ = new server_process(true, {"--notify-backoff-ms", "40", "--notify-backoff-cap-ms", "200",
                                        "--notify-poll-ms", "50"});
  }
  static void TearDownTestSuite() {
    delete sender_;
    delete receiver_;
    sender_ = receiver_ = nullptr;
  }

  http_reply post_notice(const std::string& body, const std::string& sig, std::int64_t ts) {
    std::map<std::string, std::string> h{{"X-Siaga-Timestamp", std::to_string(ts)}};
    if (!sig.empty()) h["X-Siaga-Signature"] = sig;
    return to_b_.request("POST", "/api/v1/webhooks/handover", body, {}, "application/json", h);
  }

  std::vector<json::object> handover_reports() {
    auto token = to_b_.login("calltaker", demo_password);
    auto page = to_b_.get("/api/v1/reports?channel=handover&limit=100", token);
    EXPECT_EQ(page.status, 200) << page.body;
    std::vector<json::object> out;
    if (page.status != 200) return out;
    for (const auto& r : page.json().at("items").as_array()) out.push_back(r.as_object());
    return out;
  }

  static inline server_process* receiver_ = nullptr;  // centre B
  static inline server_process* sender_ = nullptr;    // centre A
  http_client to_a_{"127.0.0.1", sender_->port()};
  http_client to_b_{"127.0.0.1", receiver_->port()};
};

TEST_F(handover, an_incident_dispatched_to_the_neighbour_reaches_its_queue_as_a_handover_report) {
  auto admin = to_a_.login("admin", demo_password);
  auto ct = to_a_.login("calltaker", demo_password);
  auto neighbour = to_a_.post(
      "/api/v1/agencies",
      json::object{{"code", "P112-SBB"},
                   {"name", "Pusat 112 tetangga"},
                   {"kind", "other"},
                   {"endpoints", json::array{json::object{
                                     {"kind", "webhook"},
                                     {"url", "http://127.0.0.1:" + std::to_string(receiver_->port()) +
                                                 "/api/v1/webhooks/handover"},
                                     {"secret", handover_secret}}}}},
      admin);
  ASSERT_EQ(neighbour.status, 201) << neighbour.body;
  auto fire = category(to_a_, ct, "fire");
  auto inc = to_a_.post("/api/v1/incidents",
                        json::object{{"category_id", fire.at("id")},
                                     {"summary", "Kebakaran lahan di batas kota"},
                                     {"address", "Jl. Yos Sudarso, Batu Merah"},
                                     {"location", json::object{{"lat", -3.6871}, {"lon", 128.1902}}},
                                     {"agency_ids", json::array{neighbour.json().at("id")}}},
                        ct);
  ASSERT_EQ(inc.status, 201) << inc.body;
  auto number = str(inc.json(), "number");

  std::vector<json::object> got;
  ASSERT_TRUE(eventually([&] {
    got = handover_reports();
    for (const auto& r : got) {
      if (str(r, "description").find(number) != std::string::npos) return true;
    }
    return false;
  })) << "no handover report of " << number << " in centre B";
  json::object report;
  for (const auto& r : got) {
    if (str(r, "description").find(number) != std::string::npos) report = r;
  }
  EXPECT_EQ(str(report, "channel"), "handover");
  EXPECT_EQ(str(report, "status"), "new");
  EXPECT_NE(str(report, "description").find("Pelimpahan dari pusat 112"), std::string::npos) << str(report, "description");
  EXPECT_NE(str(report, "description").find("Kebakaran lahan di batas kota"), std::string::npos);
  ASSERT_TRUE(report.at("category_id").is_string()) << json::serialize(report);
  auto b_token = to_b_.login("calltaker", demo_password);
  EXPECT_EQ(report.at("category_id").as_string(), category(to_b_, b_token, "fire").at("id").as_string());
  EXPECT_TRUE(report.at("district_id").is_string()) << "the location is placed in B's kecamatan";
}

TEST_F(handover, a_redelivered_notice_finds_its_report_and_adds_nothing) {
  auto body = notice_body("dsp-redelivered");
  auto first = post_notice(body, signature(body, unix_now()), unix_now());
  ASSERT_EQ(first.status, 201) << first.body;
  auto reports = count_rows(receiver_->database(), "reports");
  auto again = post_notice(body, signature(body, unix_now()), unix_now());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("duplicates").as_int64(), 1);
  EXPECT_EQ(str(again.json(), "report_id"), str(first.json(), "report_id"));
  EXPECT_EQ(count_rows(receiver_->database(), "reports"), reports);
}

TEST_F(handover, unsigned_wrongly_signed_stale_and_malformed_notices_store_nothing) {
  auto reports = count_rows(receiver_->database(), "reports");
  auto body = notice_body("dsp-refused");
  auto now = unix_now();
  EXPECT_EQ(post_notice(body, "", now).status, 401);
  EXPECT_EQ(post_notice(body, signature(body, now, "another-secret-entirely"), now).status, 401);
  EXPECT_EQ(post_notice(body, signature(body, now - 3600), now - 3600).status, 401);
  auto tampered = body;
  tampered.replace(tampered.find("lutut"), 5, "dada!");
  EXPECT_EQ(post_notice(tampered, signature(body, now), now).status, 401);
  std::string malformed = R"({"event":"dispatch.notified","jurisdiction_code":"81.01","incident":{}})";
  auto bad = post_notice(malformed, signature(malformed, now), now);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("dispatch"), std::string::npos) << bad.body;
  // An update of a dispatch never received: 409, so that the sender's outbox tries again once
  // the notice that makes the report has arrived.
  auto messages = count_rows(receiver_->database(), "channel_messages");
  auto cancelled = notice_body("dsp-refused", "dispatch.cancelled", "salah wilayah");
  auto early = post_notice(cancelled, signature(cancelled, now), now);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.body.find("kirim ulang nanti"), std::string::npos) << early.body;
  EXPECT_EQ(count_rows(receiver_->database(), "channel_messages"), messages);
  EXPECT_EQ(count_rows(receiver_->database(), "reports"), reports);
}

// The sender's later word on a handover (its outbox posts dispatch.cancelled, incident.updated
// and incident.note_added for the same dispatch) reaches B's call takers: on the report while
// it waits for triage, then as a note on the incident it became, once per notice; nothing on
// a report already rejected.
TEST_F(handover, updates_of_a_handover_reach_the_report_then_the_incident_it_became) {
  auto token = to_b_.login("calltaker", demo_password);
  auto now = unix_now();
  auto send = [&](const std::string& body) { return post_notice(body, signature(body, now), now); };
  auto made = send(notice_body("dsp-updated"));
  ASSERT_EQ(made.status, 201) << made.body;
  auto report_id = str(made.json(), "report_id");

  auto note = notice_body("dsp-updated", "incident.note_added", "Air naik, warga mengungsi ke masjid");
  auto on_report = send(note);
  ASSERT_EQ(on_report.status, 201) << on_report.body;
  EXPECT_EQ(str(on_report.json(), "on"), "report");
  auto report = to_b_.get("/api/v1/reports/" + report_id, token);
  ASSERT_EQ(report.status, 200) << report.body;
  auto description = str(report.json(), "description");
  EXPECT_NE(description.find("Banjir setinggi lutut"), std::string::npos) << "the report as it came";
  EXPECT_NE(description.find("Pusat 112 81.01 (insiden MTH-261206-0003) menambah catatan pada pelimpahan: Air naik, "
                             "warga mengungsi ke masjid"),
            std::string::npos)
      << description;
  auto again = send(note);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("duplicates").as_int64(), 1);
  EXPECT_EQ(str(to_b_.get("/api/v1/reports/" + report_id, token).json(), "description"), description)
      << "a redelivered update adds nothing";

  auto accepted = to_b_.post("/api/v1/reports/" + report_id + "/accept", json::object{}, token);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto incident_id = str(accepted.json(), "id");
  auto cancel = send(notice_body("dsp-updated", "dispatch.cancelled", "ternyata di wilayah kami"));
  ASSERT_EQ(cancel.status, 201) << cancel.body;
  EXPECT_EQ(str(cancel.json(), "on"), "incident");
  auto events = to_b_.get("/api/v1/incidents/" + incident_id + "/events", token);
  ASSERT_EQ(events.status, 200) << events.body;
  int notes = 0;
  for (const auto& e : events.json().at("items").as_array()) {
    const auto& o = e.as_object();
    if (str(o, "kind") != "incident.note_added") continue;
    ++notes;
    EXPECT_EQ(str(o.at("payload").as_object(), "text"),
              "Pusat 112 81.01 (insiden MTH-261206-0003) membatalkan pelimpahan: ternyata di wilayah kami");
  }
  EXPECT_EQ(notes, 1) << events.body;

  // A report rejected before the update: acknowledged, nothing written.
  auto other = send(notice_body("dsp-rejected"));
  ASSERT_EQ(other.status, 201) << other.body;
  auto rejected = to_b_.post("/api/v1/reports/" + str(other.json(), "report_id") + "/reject",
                             json::object{{"reason", "duplicate"}}, token);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  auto events_before = count_rows(receiver_->database(), "events");
  auto late = send(notice_body("dsp-rejected", "incident.updated", "Alamat"));
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(late.json().at("ignored").as_int64(), 1);
  EXPECT_EQ(count_rows(receiver_->database(), "events"), events_before);
}

}  // namespace
}  // namespace siaga::testing
