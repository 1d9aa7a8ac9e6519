// The Open311 GeoReport v2 server over the real binary (issue 11 item 6): discovery, services
// and their definitions in XML and JSON, a form post with an api key that lands in the call
// takers' queue as a report with channel open311, reads with every filter, tokens, and the
// specification's errors (400, 403, 404) with nothing stored. Every XML answer is parsed by
// python3's xml.etree; no answer carries the reporter's name, phone, email, device or account.
#include "support/demo.hpp"
#include "support/encoding.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace siaga::testing {
namespace json = boost::json;

namespace {

// The reporter's data that an Open311 answer must never carry.
const std::vector<std::string> personal = {"Yohanes",     "Latuheru",    "81234567890", "yohanes@example.org",
                                           "device-7781", "account-4242"};

// The root element's tag and the number of its children, as python3's xml.etree reads the
// document; "" when it is not well-formed XML.
std::pair<std::string, int> parse_xml(const std::string& body) {
  auto path = std::filesystem::temp_directory_path() / ("siaga-open311-" + std::to_string(::getpid()) + ".xml");
  {
    std::ofstream f(path, std::ios::binary);
    f << body;
  }
  std::string cmd =
      "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
      "print(r.tag, len(list(r)))\" " +
      path.string() + " 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  std::filesystem::remove(path);
  auto space = out.find(' ');
  if (space == std::string::npos) return {"", -1};
  return {out.substr(0, space), std::stoi(out.substr(space + 1))};
}

}  // namespace

class open311 : public ::testing::Test {
 protected:
  // One contact files many requests here, as a client's test account does: no cap on reports
  // awaiting triage per reporter (tests/channel_limits_test.cpp covers it and the POST limit).
  static void SetUpTestSuite() {
    server_ = new server_process(true, {"--track-burst", "1000", "--max-new-reports-per-reporter", "0"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ct_ = client_.login("calltaker", demo_password);
    if (key_.empty()) {
      auto admin = client_.login("admin", demo_password);
      auto r = client_.post("/api/v1/api_keys", json::object{{"name", "FixMyStreet Ambon"}}, admin);
      ASSERT_EQ(r.status, 201) << r.body;
      key_ = str(r.json(), "secret");
    }
  }

  http_reply post(const std::string& ext, const std::vector<std::pair<std::string, std::string>>& fields,
                  const std::string& content_type = "application/x-www-form-urlencoded") {
    return client_.request("POST", "/open311/v2/requests." + ext, form_encode(fields), {}, content_type);
  }

  // A request from a FixMyStreet-like client: the service, a point, the contact fields, an
  // attribute of this server and one of the client's own.
  std::vector<std::pair<std::string, std::string>> request_fields(const std::string& service,
                                                                  const std::string& description) {
    return {{"api_key", key_},
            {"service_code", service},
            {"lat", "-3.6950"},
            {"long", "128.1840"},
            {"address_string", "Jl. Pala No. 7, Ambon"},
            {"description", description},
            {"first_name", "Yohanes"},
            {"last_name", "Latuheru"},
            {"phone", "0812-3456-7890"},
            {"email", "yohanes@example.org"},
            {"device_id", "device-7781"},
            {"account_id", "account-4242"},
            {"media_url", "https://fms.example.org/photo/1.jpeg"},
            {"attribute[korban]", "tidak"},
            {"attribute[fixmystreet_id]", "991"}};
  }

  // Posts one request and returns {service_request_id, token}.
  std::pair<std::string, std::string> create(const std::string& service, const std::string& description) {
    auto r = post("json", request_fields(service, description));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    const auto& item = r.json().as_array().at(0);
    return {str(item, "service_request_id"), str(item, "token")};
  }

  std::int64_t count(const char* table) { return count_rows(server_->database(), table); }

  // The ids in a JSON list of requests.
  static std::vector<std::string> ids_of(const http_reply& r) {
    std::vector<std::string> out;
    if (!r.json().is_array()) return out;
    for (const auto& item : r.json().as_array()) out.push_back(str(item, "service_request_id"));
    return out;
  }

  static void expect_no_personal_data(const http_reply& r) {
    for (const auto& p : personal) EXPECT_EQ(r.body.find(p), std::string::npos) << p << " in " << r.body;
  }

  // An Open311 error: the status, and in the format asked for a list of one {code, description}.
  static void expect_error(const http_reply& r, int status, const std::string& ext, const std::string& words = "") {
    EXPECT_EQ(r.status, status) << r.body;
    if (ext == "json") {
      ASSERT_TRUE(r.json().is_array()) << r.body;
      const auto& e = r.json().as_array().at(0).as_object();
      EXPECT_EQ(e.at("code").as_int64(), status);
      EXPECT_NE(std::string(e.at("description").as_string()).find(words), std::string::npos) << r.body;
    } else {
      EXPECT_EQ(parse_xml(r.body), (std::pair<std::string, int>{"errors", 1})) << r.body;
      EXPECT_NE(r.body.find("<code>" + std::to_string(status) + "</code>"), std::string::npos) << r.body;
      EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
    }
  }

  static inline server_process* server_ = nullptr;
  static inline std::string key_;
  http_client client_{"127.0.0.1", server_->port()};
  std::string ct_;
};

TEST_F(open311, discovery_names_the_endpoint_and_both_formats) {
  auto j = client_.get("/open311/v2/discovery.json");
  ASSERT_EQ(j.status, 200) << j.body;
  EXPECT_EQ(j.headers["content-type"], "application/json; charset=utf-8");
  const auto& ep = j.json().at("endpoints").as_array().at(0);
  EXPECT_EQ(str(ep, "specification"), "http://wiki.open311.org/GeoReport_v2");
  EXPECT_TRUE(str(ep, "url").ends_with("/open311/v2")) << j.body;
  EXPECT_EQ(ep.at("formats").as_array().size(), 2u);
  auto x = client_.get("/open311/v2/discovery.xml");
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(x.headers["content-type"], "text/xml; charset=utf-8");
  EXPECT_TRUE(x.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")) << x.body;
  EXPECT_EQ(parse_xml(x.body).first, "discovery");
}

TEST_F(open311, services_are_the_public_categories_in_xml_and_json) {
  auto j = client_.get("/open311/v2/services.json");
  ASSERT_EQ(j.status, 200) << j.body;
  std::set<std::string> codes;
  for (const auto& s : j.json().as_array()) {
    codes.insert(str(s, "service_code"));
    EXPECT_TRUE(s.at("metadata").as_bool());
    EXPECT_EQ(str(s, "type"), "realtime");
  }
  EXPECT_TRUE(codes.contains("fire"));
  EXPECT_TRUE(codes.contains("street_light"));
  EXPECT_FALSE(codes.contains("information")) << "not a public category";
  auto x = client_.get("/open311/v2/services.xml");
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(parse_xml(x.body), (std::pair<std::string, int>{"services", static_cast<int>(codes.size())})) << x.body;
  EXPECT_NE(x.body.find("<service><service_code>"), std::string::npos);
  EXPECT_EQ(client_.get("/open311/v2/services.json?jurisdiction_id=81.71").status, 200);
  expect_error(client_.get("/open311/v2/services.xml?jurisdiction_id=99.99"), 404, "xml", "jurisdiction_id");
  expect_error(client_.get("/open311/v2/services.json?jurisdiction_id=99.99"), 404, "json", "jurisdiction_id");
}

TEST_F(open311, service_definitions_list_the_attributes) {
  auto j = client_.get("/open311/v2/services/fire.json");
  ASSERT_EQ(j.status, 200) << j.body;
  EXPECT_EQ(str(j.json(), "service_code"), "fire");
  const auto& attrs = j.json().at("attributes").as_array();
  ASSERT_EQ(attrs.size(), 3u);
  EXPECT_EQ(str(attrs[0], "code"), "korban");
  EXPECT_EQ(str(attrs[0], "datatype"), "singlevaluelist");
  EXPECT_EQ(attrs[0].at("values").as_array().size(), 3u);
  auto x = client_.get("/open311/v2/services/fire.xml");
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(parse_xml(x.body), (std::pair<std::string, int>{"service_definition", 2})) << x.body;
  expect_error(client_.get("/open311/v2/services/information.json"), 404, "json", "service_code");
  expect_error(client_.get("/open311/v2/services/nothing.xml"), 404, "xml", "service_code");
  expect_error(client_.get("/open311/v2/services/fire"), 404, "xml", ".json");
  expect_error(client_.get("/open311/v2/services/fire.json?jurisdiction_id=99.99"), 404, "json", "jurisdiction_id");
}

TEST_F(open311, a_form_post_lands_in_the_call_takers_queue_with_channel_open311) {
  auto reports = count("reports");
  auto rows = count("open311_requests");
  auto r = post("xml", request_fields("street_light", "Lampu jalan mati di depan masjid"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_xml(r.body), (std::pair<std::string, int>{"service_requests", 1})) << r.body;
  expect_no_personal_data(r);
  auto id_at = r.body.find("<service_request_id>");
  ASSERT_NE(id_at, std::string::npos);
  auto id = r.body.substr(id_at + 20, r.body.find('<', id_at + 20) - id_at - 20);
  auto token_at = r.body.find("<token>");
  ASSERT_NE(token_at, std::string::npos);
  auto token = r.body.substr(token_at + 7, 10);
  EXPECT_NE(r.body.find("/lacak/" + token), std::string::npos) << "the notice gives the tracking link";
  EXPECT_EQ(count("reports"), reports + 1);
  EXPECT_EQ(count("open311_requests"), rows + 1);

  // The call taker sees it as a new open311 report, with the reporter and the attributes.
  auto full = client_.get("/api/v1/reports/" + id, ct_);
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_EQ(str(full.json(), "channel"), "open311");
  EXPECT_EQ(str(full.json(), "status"), "new");
  EXPECT_EQ(str(full.json(), "tracking_code"), token);
  auto contact = reveal_contact(client_, ct_, id);
  EXPECT_EQ(contact.name, "Yohanes Latuheru");
  EXPECT_EQ(contact.phone, "+6281234567890");
  auto text = str(full.json(), "description");
  EXPECT_TRUE(text.starts_with("Lampu jalan mati di depan masjid")) << text;
  EXPECT_NE(text.find("Tidak (no)"), std::string::npos) << text;
  EXPECT_NE(text.find("fixmystreet_id: 991"), std::string::npos) << text;
  EXPECT_NE(text.find("https://fms.example.org/photo/1.jpeg"), std::string::npos) << text;
  EXPECT_FALSE(full.json().at("district_id").is_null()) << "placed in its kecamatan from the point";
  auto queue = client_.get("/api/v1/reports?status=new&channel=open311", ct_);
  ASSERT_EQ(queue.status, 200);
  bool listed = false;
  for (const auto& item : queue.json().at("items").as_array()) listed = listed || str(item, "id") == id;
  EXPECT_TRUE(listed) << queue.body;
  // Tracked at /lacak like every channel's report.
  EXPECT_EQ(client_.get("/api/v1/track/" + token).status, 200);
  auto stats = client_.get("/api/v1/stats/reports?group=channel", ct_);
  EXPECT_NE(stats.body.find("\"open311\""), std::string::npos) << stats.body;
}

TEST_F(open311, a_request_is_read_by_id_and_token_without_personal_data) {
  auto [id, token] = create("fire", "Asap tebal dari gudang di belakang pasar");
  ASSERT_FALSE(id.empty());
  auto j = client_.get("/open311/v2/requests/" + id + ".json");
  ASSERT_EQ(j.status, 200) << j.body;
  const auto& item = j.json().as_array().at(0).as_object();
  EXPECT_EQ(str(item, "service_request_id"), id);
  EXPECT_EQ(str(item, "status"), "open");
  EXPECT_EQ(str(item, "service_code"), "fire");
  EXPECT_EQ(str(item, "description"), "Asap tebal dari gudang di belakang pasar");
  EXPECT_EQ(str(item, "media_url"), "https://fms.example.org/photo/1.jpeg");
  EXPECT_TRUE(str(item, "requested_datetime").ends_with("+09:00")) << "Ambon's offset (WIT)";
  EXPECT_EQ(str(item, "requested_datetime").size(), 25u) << str(item, "requested_datetime");
  EXPECT_NEAR(item.at("lat").as_double(), -3.695, 1e-9);
  expect_no_personal_data(j);
  auto x = client_.get("/open311/v2/requests/" + id + ".xml");
  ASSERT_EQ(x.status, 200);
  EXPECT_EQ(parse_xml(x.body), (std::pair<std::string, int>{"service_requests", 1})) << x.body;
  expect_no_personal_data(x);

  auto t = client_.get("/open311/v2/tokens/" + token + ".json");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(str(t.json().as_array().at(0), "service_request_id"), id);
  auto tx = client_.get("/open311/v2/tokens/" + token + ".xml");
  EXPECT_EQ(parse_xml(tx.body), (std::pair<std::string, int>{"service_requests", 1})) << tx.body;
  expect_error(client_.get("/open311/v2/tokens/ABCDEFGHJK.json"), 404, "json", "token");
  expect_error(client_.get("/open311/v2/requests/0193a1b2-0000-7000-8000-000000000000.xml"), 404, "xml",
               "service_request_id");
  expect_error(client_.get("/open311/v2/requests/" + id + ".json?jurisdiction_id=99.99"), 404, "json",
               "jurisdiction_id");

  // A web form report is no Open311 request: not readable here by its id or its code.
  auto web =
      client_.post("/api/v1/public/reports",
                   json::object{{"category", "fire"}, {"description", "Api di dapur"}, {"address", "Jl. Sirimau"}});
  ASSERT_EQ(web.status, 201) << web.body;
  auto web_code = str(web.json(), "tracking_code");
  expect_error(client_.get("/open311/v2/tokens/" + web_code + ".json"), 404, "json", "token");
  auto page = client_.get("/api/v1/reports?channel=web&limit=1", ct_);
  auto web_id = str(page.json().at("items").as_array().at(0), "id");
  expect_error(client_.get("/open311/v2/requests/" + web_id + ".json"), 404, "json", "service_request_id");
}

TEST_F(open311, requests_are_filtered_by_id_service_status_and_dates) {
  auto [fire, fire_token] = create("fire", "Kebakaran rumah di Batu Merah");
  auto [light, light_token] = create("street_light", "Lampu jalan padam sepanjang Jl. Sudirman");
  auto [prank, prank_token] = create("street_light", "Lampu rusak (laporan iseng)");
  ASSERT_FALSE(fire.empty());
  ASSERT_FALSE(light.empty());
  ASSERT_FALSE(prank.empty());
  // A prank is hidden everywhere, as on /lacak.
  ASSERT_EQ(client_.post("/api/v1/reports/" + prank + "/reject", json::object{{"reason", "prank"}}, ct_).status, 200);

  auto all = client_.get("/open311/v2/requests.json");
  ASSERT_EQ(all.status, 200) << all.body;
  auto ids = ids_of(all);
  EXPECT_NE(std::find(ids.begin(), ids.end(), fire), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), light), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), prank), ids.end());
  expect_no_personal_data(all);
  auto all_xml = client_.get("/open311/v2/requests.xml");
  EXPECT_EQ(parse_xml(all_xml.body), (std::pair<std::string, int>{"service_requests", static_cast<int>(ids.size())}));
  expect_no_personal_data(all_xml);
  expect_error(client_.get("/open311/v2/requests/" + prank + ".json"), 404, "json", "service_request_id");
  expect_error(client_.get("/open311/v2/tokens/" + prank_token + ".json"), 404, "json", "token");

  // service_request_id: in the order asked, unknown ones left out, other filters ignored.
  auto by_id =
      client_.get("/open311/v2/requests.json?service_request_id=" + light + ",nope," + fire + "&service_code=flood");
  EXPECT_EQ(ids_of(by_id), (std::vector<std::string>{light, fire})) << by_id.body;
  // service_code, one or several.
  auto lights = ids_of(client_.get("/open311/v2/requests.json?service_code=street_light"));
  EXPECT_NE(std::find(lights.begin(), lights.end(), light), lights.end());
  EXPECT_EQ(std::find(lights.begin(), lights.end(), fire), lights.end());
  auto both = ids_of(client_.get("/open311/v2/requests.json?service_code=street_light,fire"));
  EXPECT_NE(std::find(both.begin(), both.end(), fire), both.end());

  // Accepted, dispatched, completed with a public note and closed: closed, with the note and
  // the agencies, and never the internal note.
  auto inc = client_.post("/api/v1/reports/" + fire + "/accept", json::object{}, ct_);
  ASSERT_EQ(inc.status, 200) << inc.body;
  auto open_now = ids_of(client_.get("/open311/v2/requests.json?status=open"));
  EXPECT_NE(std::find(open_now.begin(), open_now.end(), fire), open_now.end());
  ASSERT_TRUE(
      complete_dispatches(client_, ct_, inc.json(), "Pemilik gudang Bu Sartika dirawat", "Api sudah padam."));
  ASSERT_EQ(client_.post("/api/v1/incidents/" + str(inc.json(), "id") + "/close", json::object{}, ct_).status, 200);
  auto closed = client_.get("/open311/v2/requests.json?status=closed");
  auto closed_ids = ids_of(closed);
  EXPECT_NE(std::find(closed_ids.begin(), closed_ids.end(), fire), closed_ids.end()) << closed.body;
  EXPECT_EQ(std::find(closed_ids.begin(), closed_ids.end(), light), closed_ids.end());
  auto still_open = ids_of(client_.get("/open311/v2/requests.json?status=open"));
  EXPECT_EQ(std::find(still_open.begin(), still_open.end(), fire), still_open.end());
  EXPECT_NE(std::find(still_open.begin(), still_open.end(), light), still_open.end());
  EXPECT_GE(ids_of(client_.get("/open311/v2/requests.json?status=open,closed")).size(), 2u);
  auto one = client_.get("/open311/v2/requests/" + fire + ".json");
  const auto& item = one.json().as_array().at(0).as_object();
  EXPECT_EQ(str(item, "status"), "closed");
  EXPECT_NE(str(item, "status_notes").find("Api sudah padam."), std::string::npos) << one.body;
  EXPECT_NE(str(item, "agency_responsible").find("Dinas Pemadam Kebakaran Kota Ambon"), std::string::npos) << one.body;
  EXPECT_EQ(one.body.find("Sartika"), std::string::npos) << "the internal note stays inside";
  EXPECT_GE(str(item, "updated_datetime"), str(item, "requested_datetime"));
  expect_no_personal_data(one);

  // Dates: a window in the future or the far past is empty; the present one holds both.
  EXPECT_TRUE(ids_of(client_.get("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z")).empty());
  EXPECT_TRUE(ids_of(client_.get("/open311/v2/requests.json?end_date=2001-01-01T00:00:00%2B07:00")).empty());
  auto recent = ids_of(client_.get("/open311/v2/requests.json?start_date=" + form_escape("2020-01-01T00:00:00+09:00") +
                                   "&end_date=2020-03-01T00:00:00Z"));
  EXPECT_TRUE(recent.empty());
  // An offset's '+' left unescaped (read as a space) is still understood.
  auto unescaped = client_.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00+09:00");
  EXPECT_EQ(unescaped.status, 200) << unescaped.body;
  EXPECT_TRUE(ids_of(unescaped).empty());
  expect_error(client_.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z"),
               400, "json", "90");
  expect_error(client_.get("/open311/v2/requests.xml?start_date=2020-02-01T00:00:00Z&end_date=2020-01-01T00:00:00Z"),
               400, "xml", "start_date");
  expect_error(client_.get("/open311/v2/requests.json?start_date=kemarin"), 400, "json", "start_date");
  expect_error(client_.get("/open311/v2/requests.json?status=pending"), 400, "json", "status");
  expect_error(client_.get("/open311/v2/requests.json?jurisdiction_id=99.99"), 404, "json", "jurisdiction_id");
}

TEST_F(open311, a_bad_api_key_is_refused_with_403_and_nothing_stored) {
  auto reports = count("reports");
  auto rows = count("open311_requests");
  auto fields = request_fields("fire", "Api besar");
  fields.erase(fields.begin());  // no api_key
  expect_error(post("xml", fields), 403, "xml", "api_key");
  auto wrong = fields;
  wrong.emplace_back("api_key", "sk112_not-a-key");
  expect_error(post("json", wrong), 403, "json", "api_key");
  // A revoked key is refused too.
  auto admin = client_.login("admin", demo_password);
  auto made = client_.post("/api/v1/api_keys", json::object{{"name", "dicabut"}}, admin);
  ASSERT_EQ(made.status, 201);
  auto gone = client_.request("DELETE", "/api/v1/api_keys/" + str(made.json(), "id"), {}, admin);
  ASSERT_EQ(gone.status, 200) << gone.body;
  auto revoked = fields;
  revoked.emplace_back("api_key", str(made.json(), "secret"));
  expect_error(post("json", revoked), 403, "json", "api_key");
  EXPECT_EQ(count("reports"), reports);
  EXPECT_EQ(count("open311_requests"), rows);
}

TEST_F(open311, bad_input_gets_400_or_404_and_nothing_stored) {
  auto reports = count("reports");
  auto rows = count("open311_requests");
  auto without = [&](const std::string& key) {
    auto f = request_fields("fire", "Api besar");
    std::erase_if(f, [&](const auto& kv) {
      return kv.first == key ||
             (key == "location" && (kv.first == "lat" || kv.first == "long" || kv.first == "address_string"));
    });
    return f;
  };
  expect_error(post("xml", without("service_code")), 400, "xml", "service_code");
  expect_error(post("json", without("location")), 400, "json", "location");
  expect_error(post("json", without("description")), 400, "json", "description");
  auto not_public = request_fields("information", "Tanya jadwal");
  expect_error(post("json", not_public), 400, "json", "public");
  auto unknown = request_fields("no_such_service", "Apa saja");
  expect_error(post("json", unknown), 400, "json", "public");
  auto bad_attr = request_fields("fire", "Api");
  bad_attr.emplace_back("attribute[masih_berlangsung]", "mungkin");
  expect_error(post("json", bad_attr), 400, "json", "masih_berlangsung");
  auto bad_phone = request_fields("fire", "Api");
  for (auto& kv : bad_phone) {
    if (kv.first == "phone") kv.second = "112";
  }
  expect_error(post("json", bad_phone), 400, "json", "phone");
  auto bad_lat = request_fields("fire", "Api");
  for (auto& kv : bad_lat) {
    if (kv.first == "lat") kv.second = "utara";
  }
  expect_error(post("json", bad_lat), 400, "json", "lat");
  expect_error(post("json", request_fields("fire", "Api"), "application/json"), 400, "json", "form");
  expect_error(
      client_.request("POST", "/open311/v2/requests.json", "api_key=%ZZ", {}, "application/x-www-form-urlencoded"), 400,
      "json", "%");
  auto other_place = request_fields("fire", "Api");
  other_place.emplace_back("jurisdiction_id", "99.99");
  expect_error(post("json", other_place), 404, "json", "jurisdiction_id");
  EXPECT_EQ(count("reports"), reports);
  EXPECT_EQ(count("open311_requests"), rows);

  // The jurisdiction named right, in the body or beside the key in the query string.
  auto named = request_fields("fire", "Api di Passo");
  named.emplace_back("jurisdiction_id", "81.71");
  EXPECT_EQ(post("json", named).status, 200);
  auto by_address = std::vector<std::pair<std::string, std::string>>{
      {"service_code", "street_light"}, {"address_string", "Jl. A.Y. Patty"}, {"description", "Lampu mati"}};
  auto r = client_.request("POST", "/open311/v2/requests.json?api_key=" + form_escape(key_), form_encode(by_address),
                           {}, "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(count("reports"), reports + 2);
}

}  // namespace siaga::testing
