#include "channels/lapor/wire.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace siaga::channels::lapor {
namespace {

namespace json = boost::json;

json::object good_complaint() {
  return {{"tracking_id", "LAPOR-1916449"},
          {"title", "Lampu jalan mati di Jl. Pattimura"},
          {"content", "Sudah dua minggu lampu jalan di depan kantor pos mati."},
          {"category", "Lampu jalan"},
          {"location", json::object{{"address", "Jl. Pattimura, Ambon"}, {"lat", -3.6954}, {"lon", 128.1814}}},
          {"created_at", "2026-12-01T09:15:00+09:00"},
          {"attachments", json::array{"https://storage.lapor.go.id/app/uploads/public/a.jpg"}},
          {"anonymous", false},
          {"reporter_name", "B*** S***"}};
}

std::string page_of(const json::array& data, const std::string& cursor = "c-2") {
  return json::serialize(json::object{{"data", data}, {"next_cursor", cursor}});
}

// The page with one field of its only complaint replaced (or removed when v is null and erase).
std::string with(const char* key, json::value v, bool erase = false) {
  auto c = good_complaint();
  if (erase) {
    c.erase(key);
  } else {
    c[key] = std::move(v);
  }
  return page_of(json::array{c});
}

TEST(lapor_wire, parses_a_page_of_complaints) {
  auto anon = good_complaint();
  anon["tracking_id"] = "1916450";
  anon["anonymous"] = true;
  anon.erase("reporter_name");
  anon.erase("location");
  anon.erase("attachments");
  anon.erase("category");
  auto page = parse_feed(page_of(json::array{good_complaint(), anon}, "opaque/cursor=3"));
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->next_cursor, "opaque/cursor=3");
  ASSERT_EQ(page->complaints.size(), 2u);
  const auto& c = page->complaints[0];
  EXPECT_EQ(c.tracking_id, "LAPOR-1916449");
  EXPECT_EQ(c.title, "Lampu jalan mati di Jl. Pattimura");
  EXPECT_EQ(c.category, "Lampu jalan");
  EXPECT_EQ(c.where.address, "Jl. Pattimura, Ambon");
  ASSERT_TRUE(c.where.lat && c.where.lon);
  EXPECT_DOUBLE_EQ(*c.where.lat, -3.6954);
  EXPECT_EQ(core::format_utc(c.created_at).substr(0, 19), "2026-12-01T00:15:00");
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_FALSE(c.anonymous);
  EXPECT_EQ(c.reporter_name, "B*** S***");
  const auto& a = page->complaints[1];
  EXPECT_TRUE(a.anonymous);
  EXPECT_TRUE(a.reporter_name.empty());
  EXPECT_FALSE(a.where.lat);
  EXPECT_TRUE(a.where.address.empty());
  auto empty = parse_feed(R"({"data":[],"next_cursor":"c-2"})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->complaints.empty());
}

TEST(lapor_wire, refuses_a_malformed_page_whole) {
  EXPECT_FALSE(parse_feed(""));
  EXPECT_FALSE(parse_feed("<html>502 Bad Gateway</html>"));
  EXPECT_FALSE(parse_feed("[]"));
  EXPECT_FALSE(parse_feed(R"({"data":[]})")) << "next_cursor is required";
  EXPECT_FALSE(parse_feed(R"({"data":[],"next_cursor":""})"));
  EXPECT_FALSE(parse_feed(R"({"data":{},"next_cursor":"c"})"));
  EXPECT_FALSE(parse_feed(R"({"data":[],"next_cursor":"c","more":true})")) << "unknown top-level field";
  EXPECT_FALSE(parse_feed(page_of(json::array{1})));
  json::array many;
  for (int i = 0; i <= max_page; ++i) {
    auto c = good_complaint();
    c["tracking_id"] = "L" + std::to_string(i);
    many.push_back(c);
  }
  EXPECT_FALSE(parse_feed(page_of(many))) << "more than a page";
  EXPECT_FALSE(parse_feed(page_of(json::array{good_complaint(), good_complaint()}))) << "a tracking id twice";
}

TEST(lapor_wire, refuses_a_complaint_that_breaks_a_field_rule_naming_it) {
  auto bad_id = parse_feed(with("tracking_id", "LAPOR 1"));
  ASSERT_FALSE(bad_id);
  EXPECT_NE(bad_id.error().message.find("tracking_id"), std::string::npos);
  EXPECT_FALSE(parse_feed(with("tracking_id", "", false)));
  EXPECT_FALSE(parse_feed(with("tracking_id", json::string(41, '1'))));
  EXPECT_FALSE(parse_feed(with("tracking_id", 1916449)));
  EXPECT_FALSE(parse_feed(with("tracking_id", nullptr, true)));
  auto no_title = parse_feed(with("title", "  "));
  ASSERT_FALSE(no_title);
  EXPECT_NE(no_title.error().message.find("LAPOR-1916449"), std::string::npos) << no_title.error().message;
  EXPECT_FALSE(parse_feed(with("title", json::string(301, 'x'))));
  EXPECT_FALSE(parse_feed(with("content", nullptr, true)));
  EXPECT_FALSE(parse_feed(with("content", json::string(max_content + 1, 'x'))));
  EXPECT_FALSE(parse_feed(with("created_at", "2026-12-01 09:15")));
  EXPECT_FALSE(parse_feed(with("created_at", nullptr, true)));
  EXPECT_FALSE(parse_feed(with("anonymous", "false")));
  EXPECT_FALSE(parse_feed(with("anonymous", nullptr, true)));
  EXPECT_FALSE(parse_feed(with("anonymous", true))) << "an anonymous complaint with a name";
  EXPECT_FALSE(parse_feed(with("location", json::object{{"lat", -3.7}})));
  EXPECT_FALSE(parse_feed(with("location", json::object{{"lat", 91}, {"lon", 128}})));
  EXPECT_FALSE(parse_feed(with("location", json::object{{"address", "x"}, {"kecamatan", "Sirimau"}})));
  EXPECT_FALSE(parse_feed(with("location", "Jl. Pattimura")));
  EXPECT_FALSE(parse_feed(with("attachments", json::array{"ftp://x/a.jpg"})));
  EXPECT_FALSE(parse_feed(with("attachments", json::array{"https://x/a b.jpg"})));
  EXPECT_FALSE(parse_feed(with("attachments", "https://x/a.jpg")));
  json::array eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(json::string("https://x/" + std::to_string(i)));
  EXPECT_FALSE(parse_feed(with("attachments", eleven)));
  EXPECT_FALSE(parse_feed(with("phone", "+6281234567890"))) << "unknown field";
}

TEST(lapor_wire, builds_the_urls_and_the_follow_up) {
  EXPECT_EQ(feed_url("http://127.0.0.1:9/api/", "", 100), "http://127.0.0.1:9/api/laporan?limit=100");
  EXPECT_EQ(feed_url("http://127.0.0.1:9/api", "a b/c=1&d", 50),
            "http://127.0.0.1:9/api/laporan?limit=50&since=a%20b%2Fc%3D1%26d");
  EXPECT_EQ(follow_up_url("https://lapor.example/v1//", "LAPOR-1"),
            "https://lapor.example/v1/laporan/LAPOR-1/tindak-lanjut");
  auto at = core::parse_iso8601("2026-12-05T01:00:00Z").value();
  auto v = json::parse(follow_up_body("row-1", "selesai", "Lampu sudah diganti.", at));
  EXPECT_EQ(v.at("id"), "row-1");
  EXPECT_EQ(v.at("status"), "selesai");
  EXPECT_EQ(v.at("content"), "Lampu sudah diganti.");
  EXPECT_EQ(std::string(v.at("time").as_string()).substr(0, 19), "2026-12-05T01:00:00");
  EXPECT_TRUE(valid_tracking_id("1916449"));
  EXPECT_FALSE(valid_tracking_id("../x"));
}

TEST(lapor_wire, maps_the_public_statuses_to_lapor_statuses) {
  EXPECT_EQ(status_of("verified"), "diverifikasi");
  EXPECT_EQ(status_of("in_progress"), "diproses");
  EXPECT_EQ(status_of("done"), "selesai");
  EXPECT_EQ(status_of("answered"), "selesai");
  EXPECT_EQ(status_of("closed"), "ditutup");
  EXPECT_EQ(status_of("cancelled"), "ditutup");
  EXPECT_EQ(status_of("received"), "");
  EXPECT_EQ(status_of("whatever"), "");
}

}  // namespace
}  // namespace siaga::channels::lapor
