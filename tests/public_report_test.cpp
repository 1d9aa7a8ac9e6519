// The public report form and tracking over the real server (issue 11): a resident files a
// report with a photo and no login, it reaches the call takers' queue as a web report, and its
// tracking page follows it through dispatch and closing without a word of anyone's personal
// data; codes are random and unique, hidden and unknown codes answer alike, both routes are
// rate limited, and bad input stores nothing.
#include "support/demo.hpp"
#include "support/encoding.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>

#include <set>

namespace siaga::testing {
namespace json = boost::json;

namespace {

constexpr std::string_view code_alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

// The resident's report: a fire near Pasar Mardika with a photo, a name and a number.
json::object fire_report() {
  return {{"category", "fire"},
          {"description", "Asap tebal dari rumah Bu Sartika di belakang pasar"},
          {"location", json::object{{"lat", -3.6950}, {"lon", 128.1840}}},
          {"address", "Jl. Pala No. 7, belakang Pasar Mardika"},
          {"name", "Yohanes Latuheru"},
          {"phone", "0812-3456-7890"},
          {"consent", true},
          {"photos", json::array{json::object{{"content_type", "image/jpeg"}, {"data", base64(jpeg_bytes())}}}}};
}

// Every key and every string value in v, recursively.
void walk(const json::value& v, std::set<std::string>& keys, std::vector<std::string>& strings,
          const std::string& path = "") {
  if (v.is_object()) {
    for (const auto& kv : v.as_object()) {
      std::string p = path + "." + std::string(kv.key());
      keys.insert(p);
      walk(kv.value(), keys, strings, p);
    }
  } else if (v.is_array()) {
    for (const auto& item : v.as_array()) walk(item, keys, strings, path + "[]");
  } else if (v.is_string()) {
    strings.emplace_back(v.as_string());
  }
}

}  // namespace

class public_reports : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // No cap on untriaged reports per reporter here: these tests file several from one number
    // (tests/channel_limits_test.cpp covers the cap).
    server_ = new server_process(true, {"--public-report-burst", "1000", "--track-burst", "1000",
                                        "--max-new-reports-per-reporter", "0"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { ct_ = client_.login("calltaker", demo_password); }

  http_reply file(const json::object& body) { return client_.post("/api/v1/public/reports", body); }

  std::string file_ok(const json::object& body) {
    auto r = file(body);
    EXPECT_EQ(r.status, 201) << r.body;
    return str(r.json(), "tracking_code");
  }

  // The call taker's view of the report with this tracking code.
  json::object report_by_code(const std::string& code) {
    auto page = client_.get("/api/v1/reports?channel=web&limit=500", ct_);
    EXPECT_EQ(page.status, 200) << page.body;
    for (const auto& r : page.json().at("items").as_array()) {
      if (str(r, "tracking_code") == code) {
        auto full = client_.get("/api/v1/reports/" + str(r, "id"), ct_);
        return full.json().as_object();
      }
    }
    ADD_FAILURE() << "report " << code << " is not in the call takers' list";
    return {};
  }

  std::int64_t count(const char* table) { return count_rows(server_->database(), table); }

  static inline server_process* server_ = nullptr;
  http_client client_{"127.0.0.1", server_->port()};
  std::string ct_;
};

TEST_F(public_reports, the_form_offers_public_categories_only) {
  auto form = client_.get("/api/v1/public/form");
  ASSERT_EQ(form.status, 200) << form.body;
  std::set<std::string> codes;
  for (const auto& c : form.json().at("categories").as_array()) codes.insert(str(c, "code"));
  EXPECT_TRUE(codes.contains("fire"));
  EXPECT_TRUE(codes.contains("street_light"));
  EXPECT_FALSE(codes.contains("information"));
  EXPECT_EQ(form.json().at("districts").as_array().size(), 5u);
  EXPECT_EQ(form.json().at("max_photos").as_int64(), 3);
  EXPECT_EQ(client_.get("/api/v1/public/form?x=1").status, 400);
  EXPECT_EQ(client_.get("/api/v1/public/form?jurisdiction=99.99").status, 404);
}

TEST_F(public_reports, a_web_report_reaches_the_queue_and_is_tracked_through_dispatch_and_closing) {
  auto filed = file(fire_report());
  ASSERT_EQ(filed.status, 201) << filed.body;
  auto code = str(filed.json(), "tracking_code");
  ASSERT_EQ(code.size(), 10u);
  EXPECT_EQ(str(filed.json(), "url"), "/lacak/" + code);
  EXPECT_EQ(filed.json().at("photos").as_int64(), 1);

  // In the call takers' queue as a new web report, with the number in E.164 and the photo.
  auto rep = report_by_code(code);
  ASSERT_FALSE(rep.empty());
  EXPECT_EQ(str(rep, "channel"), "web");
  EXPECT_EQ(str(rep, "status"), "new");
  auto contact = reveal_contact(client_, ct_, str(rep, "id"));
  EXPECT_EQ(contact.phone, "+6281234567890");
  EXPECT_EQ(contact.name, "Yohanes Latuheru");
  EXPECT_FALSE(rep.at("district_id").is_null()) << "placed in its kecamatan from the point";
  ASSERT_EQ(rep.at("media").as_array().size(), 1u);
  auto photo_id = str(rep.at("media").as_array()[0], "id");
  auto bytes = client_.get("/api/v1/media/" + photo_id, ct_);
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, jpeg_bytes());
  auto queue = client_.get("/api/v1/reports?status=new&channel=web", ct_);
  EXPECT_GE(queue.json().at("total").as_int64(), 1);

  // Received: nothing public yet, the photo not shown until a call taker lets it out.
  auto t0 = client_.get("/api/v1/track/" + code);
  ASSERT_EQ(t0.status, 200) << t0.body;
  EXPECT_EQ(str(t0.json(), "status"), "received");
  EXPECT_EQ(str(t0.json().at("category"), "code"), "fire");
  EXPECT_FALSE(t0.json().at("district").is_null());
  EXPECT_EQ(t0.json().at("timeline").as_array().size(), 1u);
  EXPECT_TRUE(t0.json().at("photos").as_array().empty());
  EXPECT_EQ(client_.get("/api/v1/track/" + code + "/photos/" + photo_id).status, 404);
  // Codes are read in any case.
  std::string lower = code;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(client_.get("/api/v1/track/" + lower).status, 200);

  auto marked = client_.request("PATCH", "/api/v1/media/" + photo_id, R"({"public":true})", ct_);
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_TRUE(marked.json().at("public").as_bool());
  auto leader = client_.login("walikota", demo_password);
  EXPECT_EQ(client_.request("PATCH", "/api/v1/media/" + photo_id, R"({"public":false})", leader).status, 403);

  // Accepted and dispatched by the run card: the tracking page names the agencies.
  auto inc = client_.post("/api/v1/reports/" + str(rep, "id") + "/accept", json::object{}, ct_);
  ASSERT_EQ(inc.status, 200) << inc.body;
  auto t1 = client_.get("/api/v1/track/" + code);
  EXPECT_EQ(str(t1.json(), "status"), "in_progress");
  std::set<std::string> forwarded;
  for (const auto& s : t1.json().at("timeline").as_array()) {
    if (str(s, "step") == "forwarded") forwarded.insert(str(s, "agency"));
  }
  auto damkar_id = agency_id(client_, ct_, "DAMKAR");
  auto agencies = client_.get("/api/v1/agencies", ct_);
  std::string damkar_name;
  for (const auto& a : agencies.json().at("items").as_array()) {
    if (str(a, "id") == damkar_id) damkar_name = str(a, "name");
  }
  EXPECT_TRUE(forwarded.contains(damkar_name)) << t1.body;
  ASSERT_EQ(t1.json().at("photos").as_array().size(), 1u);
  auto pub = client_.get(str(t1.json().at("photos").as_array()[0], "url"));
  EXPECT_EQ(pub.status, 200);
  EXPECT_EQ(pub.body, jpeg_bytes());
  EXPECT_EQ(pub.headers["content-type"], "image/jpeg");

  // Every agency completes (Damkar with a public note), the call taker closes: done.
  auto damkar = client_.login("damkar", demo_password);
  for (const auto& d : inc.json().at("dispatches").as_array()) {
    auto id = str(d, "id");
    ASSERT_EQ(client_.post("/api/v1/dispatches/" + id + "/acknowledge", json::object{}, ct_).status, 200);
    json::object done{{"note", "Pemilik rumah Bu Sartika dirawat di RS"}};
    if (str(d, "agency_id") == damkar_id) done["public_note"] = "Api sudah padam, tidak ada korban jiwa.";
    auto r = client_.post("/api/v1/dispatches/" + id + "/complete", done, str(d, "agency_id") == damkar_id ? damkar : ct_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto closed = client_.post("/api/v1/incidents/" + str(inc.json(), "id") + "/close", json::object{}, ct_);
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto t2 = client_.get("/api/v1/track/" + code);
  EXPECT_EQ(str(t2.json(), "status"), "done");
  const auto& steps = t2.json().at("timeline").as_array();
  EXPECT_EQ(str(steps.front(), "step"), "received");
  EXPECT_EQ(str(steps[1], "step"), "verified");
  EXPECT_EQ(str(steps.back(), "step"), "done");
  ASSERT_EQ(t2.json().at("closing_notes").as_array().size(), 1u);
  EXPECT_EQ(str(t2.json().at("closing_notes").as_array()[0], "note"), "Api sudah padam, tidak ada korban jiwa.");
  EXPECT_EQ(str(t2.json().at("closing_notes").as_array()[0], "agency"), damkar_name);
  EXPECT_EQ(t2.body.find("Sartika dirawat"), std::string::npos) << "the internal note stays inside";

  // The statistics count it by channel.
  auto stats = client_.get("/api/v1/stats/reports?group=channel", ct_);
  EXPECT_NE(stats.body.find("\"web\""), std::string::npos) << stats.body;
}

TEST_F(public_reports, the_tracking_answer_has_no_personal_data_in_any_field) {
  auto code = file_ok(fire_report());
  auto rep = report_by_code(code);
  auto photo_id = str(rep.at("media").as_array()[0], "id");
  client_.request("PATCH", "/api/v1/media/" + photo_id, R"({"public":true})", ct_);
  auto inc = client_.post("/api/v1/reports/" + str(rep, "id") + "/accept", json::object{}, ct_);
  ASSERT_EQ(inc.status, 200) << inc.body;
  auto t = client_.get("/api/v1/track/" + code);
  ASSERT_EQ(t.status, 200);

  std::set<std::string> keys;
  std::vector<std::string> strings;
  walk(t.json(), keys, strings);
  // Exactly these fields, so that a new one is a decision, not an accident.
  const std::set<std::string> allowed{
      ".tracking_code", ".channel", ".status", ".category", ".category.code", ".category.name_id",
      ".category.name_en", ".district", ".jurisdiction", ".jurisdiction.name", ".jurisdiction.timezone",
      ".received_at", ".timeline", ".timeline[].step", ".timeline[].at", ".timeline[].agency", ".closing_notes",
      ".photos", ".photos[].id", ".photos[].content_type", ".photos[].url"};
  for (const auto& k : keys) EXPECT_TRUE(allowed.contains(k)) << "unexpected field " << k;

  auto me = client_.get("/api/v1/me", ct_);
  std::vector<std::string> secrets{"Yohanes", "Latuheru", "0812", "81234567890", "Sartika", "Jl. Pala",
                                   "Pasar Mardika", str(rep, "id"), str(inc.json(), "id"),
                                   str(inc.json(), "number"), str(me.json(), "id"), str(me.json(), "display_name"),
                                   "calltaker", "channel:web"};
  for (const auto& s : strings) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(s.find(secret), std::string::npos) << "'" << s << "' gives away '" << secret << "'";
    }
  }
}

TEST_F(public_reports, codes_are_unique_random_and_not_enumerable) {
  std::vector<std::string> codes;
  json::object small{{"description", "Lampu jalan mati"}, {"address", "Jl. Sultan Hairun"}, {"category", "street_light"}};
  for (int i = 0; i < 40; ++i) codes.push_back(file_ok(small));
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), codes.size());
  int differing = 0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    ASSERT_EQ(codes[i].size(), 10u);
    for (char ch : codes[i]) ASSERT_NE(code_alphabet.find(ch), std::string_view::npos) << codes[i];
    if (i == 0) continue;
    for (std::size_t k = 0; k < 10; ++k) differing += codes[i][k] != codes[i - 1][k];
  }
  // Random codes differ from their predecessor in about 9.7 of 10 places; a counter in 1 or 2.
  EXPECT_GT(differing / static_cast<double>(codes.size() - 1), 8.0);
  EXPECT_FALSE(std::is_sorted(codes.begin(), codes.end()));
  // A code's neighbours are no codes.
  for (const auto& c : codes) {
    for (std::size_t k : {std::size_t{0}, std::size_t{9}}) {
      auto near = c;
      near[k] = near[k] == 'Z' ? '2' : code_alphabet[code_alphabet.find(near[k]) + 1];
      if (unique.contains(near)) continue;
      EXPECT_EQ(client_.get("/api/v1/track/" + near).status, 404) << near;
    }
  }
}

TEST_F(public_reports, hidden_and_unknown_codes_get_the_same_answer) {
  auto code = file_ok(fire_report());
  auto rep = report_by_code(code);
  auto photo_id = str(rep.at("media").as_array()[0], "id");
  client_.request("PATCH", "/api/v1/media/" + photo_id, R"({"public":true})", ct_);
  ASSERT_EQ(client_.get("/api/v1/track/" + code).status, 200);
  auto rejected = client_.post("/api/v1/reports/" + str(rep, "id") + "/reject", json::object{{"reason", "prank"}}, ct_);
  ASSERT_EQ(rejected.status, 200) << rejected.body;

  auto hidden = client_.get("/api/v1/track/" + code);
  auto unknown = client_.get("/api/v1/track/ZZZZZZZZZZ");
  auto malformed = client_.get("/api/v1/track/not-a-code!");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body, unknown.body);
  EXPECT_EQ(hidden.body, malformed.body);
  EXPECT_EQ(hidden.headers["content-type"], unknown.headers["content-type"]);
  EXPECT_EQ(client_.get("/api/v1/track/" + code + "/photos/" + photo_id).status, 404);

  // Rejected as a duplicate, a report is still followed (closed).
  auto other = file_ok(fire_report());
  auto dup = report_by_code(other);
  client_.post("/api/v1/reports/" + str(dup, "id") + "/reject", json::object{{"reason", "duplicate"}}, ct_);
  auto closed = client_.get("/api/v1/track/" + other);
  EXPECT_EQ(closed.status, 200);
  EXPECT_EQ(str(closed.json(), "status"), "closed");
}

TEST_F(public_reports, bad_input_is_refused_clearly_and_stores_nothing) {
  auto before_reports = count("reports");
  auto before_media = count("media");
  auto before_events = count("events");
  // The resident's report with one field set (or left out: null).
  auto with = [](const std::string& key, json::value v) {
    auto b = fire_report();
    if (v.is_null()) {
      b.erase(key);
    } else {
      b[key] = std::move(v);
    }
    return b;
  };
  auto photo = [](const std::string& type, const std::string& data) {
    return json::array{json::object{{"content_type", type}, {"data", data}}};
  };
  json::array four;
  for (int i = 0; i < 4; ++i) four.push_back(json::object{{"content_type", "image/jpeg"}, {"data", base64(jpeg_bytes(i))}});
  auto nowhere = fire_report();
  nowhere.erase("location");
  nowhere.erase("address");
  std::vector<std::pair<json::object, int>> cases{
      {with("description", nullptr), 400},
      {with("description", "   "), 400},
      {with("description", json::string(std::string(2001, 'a'))), 400},
      {nowhere, 400},
      {with("category", "no_such_thing"), 400},
      {with("category", "information"), 400},
      {with("phone", "112"), 400},
      {with("phone", "nomor saya"), 400},
      {with("consent", false), 400},
      {with("location", json::object{{"lat", 123.0}, {"lon", 10.0}}), 400},
      {with("photos", four), 400},
      {with("photos", photo("image/jpeg", "!!!not base64!!!")), 400},
      {with("photos", photo("image/jpeg", base64("just some text, no image"))), 415},
      {with("photos", photo("image/gif", base64("GIF89a...."))), 415},
      {with("photos", photo("image/jpeg", base64("\xFF\xD8\xFF" + std::string(2 * 1024 * 1024, 'x')))), 413},
      {with("reporter_phone", "0812"), 400},
      {with("photos", "a photo"), 400},
  };
  for (const auto& c : cases) {
    auto r = file(c.first);
    EXPECT_EQ(r.status, c.second) << json::serialize(c.first).substr(0, 200) << " -> " << r.body;
    EXPECT_FALSE(str(r.json(), "message").empty()) << r.body;
  }
  auto not_json = client_.request("POST", "/api/v1/public/reports", "description=api", {}, "application/x-www-form-urlencoded");
  EXPECT_EQ(not_json.status, 415) << not_json.body;
  auto broken = client_.request("POST", "/api/v1/public/reports", "{\"description\":");
  EXPECT_EQ(broken.status, 400) << broken.body;
  EXPECT_EQ(count("reports"), before_reports);
  EXPECT_EQ(count("media"), before_media);
  EXPECT_EQ(count("events"), before_events);

  // The photo's type can come in a data URL.
  auto ok = file(with("photos", photo("", "data:image/jpeg;base64," + base64(jpeg_bytes()))));
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST(public_report_limits, filing_and_tracking_are_rate_limited_per_address) {
  server_process server(true, {"--public-report-burst", "2", "--public-reports-per-hour", "1", "--track-burst", "3",
                               "--tracks-per-minute", "1"});
  http_client client("127.0.0.1", server.port());
  json::object small{{"description", "Pohon tumbang menutup jalan"}, {"address", "Jl. A.Y. Patty"}};
  auto ct = client.login("calltaker", demo_password);
  auto before = client.get("/api/v1/reports?channel=web", ct);
  auto web_before = before.json().at("total").as_int64();
  std::string code;
  for (int i = 0; i < 2; ++i) {
    auto r = client.post("/api/v1/public/reports", small);
    ASSERT_EQ(r.status, 201) << r.body;
    code = str(r.json(), "tracking_code");
  }
  auto limited = client.post("/api/v1/public/reports", small);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(str(limited.json(), "error"), "too_many_requests");
  EXPECT_FALSE(str(limited.json(), "message").empty());
  ASSERT_TRUE(limited.headers.contains("retry-after"));
  EXPECT_GE(std::stoi(limited.headers["retry-after"]), 1);

  auto page = client.get("/api/v1/reports?channel=web", ct);
  EXPECT_EQ(page.json().at("total").as_int64(), web_before + 2) << "the refused report was not stored";

  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.get("/api/v1/track/" + code).status, 200);
  auto too_many = client.get("/api/v1/track/" + code);
  EXPECT_EQ(too_many.status, 429);
  EXPECT_TRUE(too_many.headers.contains("retry-after"));
  EXPECT_EQ(client.get("/api/v1/track/ZZZZZZZZZZ").status, 429) << "guessing is limited too";
}

}  // namespace siaga::testing
