// Photos on dispatches over the real server: the agency operator uploads the raw image, the
// call taker and the leader see it on the incident; every refused upload changes nothing.
#include "domain/media.hpp"
#include "support/demo.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/shared_server.hpp"

#include <gtest/gtest.h>

namespace siaga::testing {
namespace json = boost::json;

namespace {

// A small PNG: the signature and an IHDR chunk are all the server looks at.
std::string png_bytes() {
  std::string out("\x89PNG\r\n\x1A\n", 8);
  out += std::string("\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90\x77\x53\xDE", 25);
  for (int i = 0; i < 300; ++i) out.push_back(static_cast<char>(i * 7));  // every byte value, NUL too
  return out;
}

}  // namespace

class media : public shared_server_test {
 protected:
  void SetUp() override {
    ct_ = client_.login("calltaker", demo_password);
    damkar_ = client_.login("damkar", demo_password);
  }

  // A fire incident dispatched by its run card; returns its id and Damkar's dispatch.
  std::pair<std::string, std::string> fire_incident() {
    auto fire = category(client_, ct_, "fire");
    auto damkar = agency_id(client_, ct_, "DAMKAR");
    auto rep = client_.post("/api/v1/reports",
                            json::object{{"description", "Kebakaran rumah"}, {"category_id", fire.at("id")}}, ct_);
    auto inc = client_.post("/api/v1/reports/" + str(rep.json(), "id") + "/accept", json::object{}, ct_);
    EXPECT_EQ(inc.status, 200) << inc.body;
    for (const auto& d : inc.json().at("dispatches").as_array()) {
      if (str(d, "agency_id") == damkar) return {str(inc.json(), "id"), str(d, "id")};
    }
    ADD_FAILURE() << "no Damkar dispatch";
    return {};
  }

  http_reply upload(const std::string& dispatch_id, const std::string& bytes, const std::string& token,
                    const std::string& type = "image/png") {
    return client_.request("POST", "/api/v1/dispatches/" + dispatch_id + "/media", bytes, token, type,
                           {{"Content-Type", type}});
  }

  std::int64_t count(const char* table) { return count_rows(server_->database(), table); }

  void expect_error(const http_reply& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(str(r.json(), "error"), code) << r.body;
    EXPECT_FALSE(str(r.json(), "message").empty()) << r.body;
  }

  std::string ct_, damkar_;
};

TEST_F(media, the_agency_uploads_a_photo_and_the_call_taker_and_leader_see_it) {
  auto [incident, dispatch] = fire_incident();
  auto bytes = png_bytes();
  auto events_before = count("events");
  auto up = upload(dispatch, bytes, damkar_);
  ASSERT_EQ(up.status, 201) << up.body;
  auto id = str(up.json(), "id");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(str(up.json(), "dispatch_id"), dispatch);
  EXPECT_EQ(str(up.json(), "incident_id"), incident);
  EXPECT_EQ(str(up.json(), "content_type"), "image/png");
  EXPECT_EQ(up.json().at("size").as_int64(), static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(str(up.json(), "sha256"), domain::sha256_hex(bytes));
  EXPECT_EQ(str(up.json(), "url"), "/api/v1/media/" + id);
  EXPECT_FALSE(str(up.json(), "created_at").empty());
  EXPECT_EQ(count("events"), events_before + 1) << "one event with the photo";

  // The same bytes back, to the uploader, the call taker and the leader.
  auto leader = client_.login("walikota", demo_password);
  for (const auto& token : {damkar_, ct_, leader}) {
    auto got = client_.get("/api/v1/media/" + id, token);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.body, bytes);
    EXPECT_EQ(got.headers["content-type"], "image/png");
    EXPECT_TRUE(got.headers["cache-control"].starts_with("private")) << got.headers["cache-control"];
  }
  // Another agency neither fetches it nor sees that it exists; nobody unsigned does.
  auto psc = client_.login("psc119", demo_password);
  expect_error(client_.get("/api/v1/media/" + id, psc), 404, "not_found");
  expect_error(client_.get("/api/v1/media/" + id), 401, "unauthenticated");
  expect_error(client_.get("/api/v1/media/no-such-media", ct_), 404, "not_found");

  // The incident lists it, with the event on its timeline.
  auto detail = client_.get("/api/v1/incidents/" + incident, ct_);
  ASSERT_EQ(detail.status, 200);
  const auto& listed = detail.json().at("media").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(str(listed[0], "id"), id);
  EXPECT_EQ(str(listed[0], "dispatch_id"), dispatch);
  bool event_seen = false;
  for (const auto& e : detail.json().at("events").as_array()) {
    if (str(e, "kind") == "dispatch.media_attached") {
      event_seen = true;
      EXPECT_EQ(str(e.at("payload"), "media_id"), id);
    }
  }
  EXPECT_TRUE(event_seen);
  auto as_damkar = client_.get("/api/v1/incidents/" + incident, damkar_);
  EXPECT_EQ(as_damkar.json().at("media").as_array().size(), 1u);
}

TEST_F(media, refused_uploads_change_nothing) {
  auto [incident, dispatch] = fire_incident();
  auto bytes = png_bytes();
  auto psc = client_.login("psc119", demo_password);
  auto leader = client_.login("walikota", demo_password);
  auto events = count("events");
  auto stored = count("media");

  expect_error(upload(dispatch, bytes, psc), 404, "not_found");  // another agency's dispatch
  expect_error(upload(dispatch, bytes, leader), 403, "forbidden");
  expect_error(upload(dispatch, bytes, ""), 401, "unauthenticated");
  expect_error(upload("no-such-dispatch", bytes, damkar_), 404, "not_found");
  expect_error(upload(dispatch, "just some text", damkar_, "text/plain"), 415, "unsupported_media_type");
  expect_error(upload(dispatch, "GIF89a\x01\x00\x01\x00", damkar_, "image/gif"), 415, "unsupported_media_type");
  expect_error(upload(dispatch, bytes, damkar_, "image/jpeg"), 415, "unsupported_media_type");  // PNG bytes
  expect_error(upload(dispatch, "<svg xmlns='http://www.w3.org/2000/svg'/>", damkar_), 415, "unsupported_media_type");
  expect_error(upload(dispatch, "", damkar_), 400, "invalid_input");
  auto too_big = bytes + std::string(5 * 1024 * 1024, 'x');
  expect_error(upload(dispatch, too_big, damkar_), 413, "payload_too_large");

  EXPECT_EQ(count("events"), events);
  EXPECT_EQ(count("media"), stored);
  auto detail = client_.get("/api/v1/incidents/" + incident, ct_);
  EXPECT_TRUE(detail.json().at("media").as_array().empty());
}

TEST_F(media, the_agency_completes_with_a_note_after_its_photo_and_then_photos_stop) {
  auto [incident, dispatch] = fire_incident();
  for (const char* step : {"acknowledge", "en_route", "on_scene"}) {
    ASSERT_EQ(client_.post("/api/v1/dispatches/" + dispatch + "/" + step, json::object{}, damkar_).status, 200);
  }
  auto jpeg = std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11) + std::string(1000, '\x42');
  auto up = upload(dispatch, jpeg, damkar_, "image/jpeg");
  ASSERT_EQ(up.status, 201) << up.body;
  auto done = client_.post("/api/v1/dispatches/" + dispatch + "/complete", json::object{{"note", "Api padam"}}, damkar_);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(str(done.json(), "status"), "completed");

  auto stored = count("media");
  expect_error(upload(dispatch, jpeg, damkar_, "image/jpeg"), 409, "conflict");
  EXPECT_EQ(count("media"), stored);

  auto detail = client_.get("/api/v1/incidents/" + incident, ct_);
  ASSERT_EQ(detail.json().at("media").as_array().size(), 1u);
  auto got = client_.get("/api/v1/media/" + str(up.json(), "id"), ct_);
  EXPECT_EQ(got.body, jpeg);
  EXPECT_EQ(got.headers["content-type"], "image/jpeg");
}

}  // namespace siaga::testing
