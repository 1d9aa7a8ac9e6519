#include "channels/open311/wire.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace siaga::channels::open311 {
namespace {

namespace json = boost::json;

TEST(open311_wire, splits_the_format_suffix) {
  auto a = split_format("services.json");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->first, "services");
  EXPECT_EQ(a->second, format::json);
  auto b = split_format("0193a1b2-c3d4.xml");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->first, "0193a1b2-c3d4");
  EXPECT_EQ(b->second, format::xml);
  EXPECT_FALSE(split_format("services"));
  EXPECT_FALSE(split_format("services.html"));
  EXPECT_FALSE(split_format(".json"));
}

TEST(open311_wire, decodes_forms_in_order) {
  auto f = parse_form("service_code=fire&description=Api+besar%20di+pasar&attribute%5Bkorban%5D=ya&&lat=-3.69&empty");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_EQ(f->size(), 5u);
  EXPECT_EQ((*f)[0], (std::pair<std::string, std::string>{"service_code", "fire"}));
  EXPECT_EQ((*f)[1].second, "Api besar di pasar");
  EXPECT_EQ((*f)[2].first, "attribute[korban]");
  EXPECT_EQ((*f)[4], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(first(*f, "lat"), "-3.69");
  EXPECT_FALSE(first(*f, "long"));
  auto utf8 = parse_form("description=Pohon%20tumbang%20%E2%80%94%20jalan%20tertutup");
  ASSERT_TRUE(utf8);
  EXPECT_EQ((*utf8)[0].second, "Pohon tumbang \xE2\x80\x94 jalan tertutup");
}

TEST(open311_wire, refuses_bad_escapes_bad_utf8_and_too_many_fields) {
  EXPECT_FALSE(parse_form("a=%G1"));
  EXPECT_FALSE(parse_form("a=%4"));
  EXPECT_FALSE(parse_form("a=%C3%28"));     // a broken two-byte sequence
  EXPECT_FALSE(parse_form("a=%C0%AF"));     // an overlong '/'
  EXPECT_FALSE(parse_form("a=%ED%A0%80"));  // a surrogate
  EXPECT_FALSE(parse_form("a=%E2%80"));     // cut short
  std::string many;
  for (std::size_t i = 0; i <= max_fields; ++i) many += "k" + std::to_string(i) + "=v&";
  EXPECT_FALSE(parse_form(many));
}

form post_form(std::initializer_list<std::pair<std::string, std::string>> extra) {
  form f{{"api_key", "sk112_x"},
         {"service_code", "fallen_tree"},
         {"lat", "-3.6954"},
         {"long", "128.1814"},
         {"description", "Pohon tumbang menutup jalan"}};
  for (const auto& kv : extra) f.push_back(kv);
  return f;
}

TEST(open311_wire, reads_a_post_with_attributes) {
  auto p = parse_post(post_form({{"attribute[korban]", "tidak"},
                                 {"attribute[fixmystreet_id]", "123"},
                                 {"attribute[tags][]", "a"},
                                 {"attribute[tags][]", "b"},
                                 {"email", "warga@example.org"},
                                 {"first_name", "Siti"},
                                 {"media_url", "https://example.org/p.jpg"},
                                 {"some_client_field", "ignored"}}));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->service_code, "fallen_tree");
  ASSERT_TRUE(p->lat && p->lon);
  EXPECT_DOUBLE_EQ(*p->lat, -3.6954);
  EXPECT_DOUBLE_EQ(*p->lon, 128.1814);
  ASSERT_EQ(p->attributes.size(), 3u);
  EXPECT_EQ(p->attributes[2].first, "tags");
  EXPECT_EQ(p->attributes[2].second, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(json::parse(attributes_json(*p)),
            json::parse(R"({"korban":["tidak"],"fixmystreet_id":["123"],"tags":["a","b"]})"));
  auto text = staff_description(*p, 2000);
  EXPECT_TRUE(text.starts_with("Pohon tumbang menutup jalan\n[Open311]")) << text;
  EXPECT_NE(text.find("Ada korban atau orang terluka?: Tidak (no)"), std::string::npos) << text;
  EXPECT_NE(text.find("fixmystreet_id: 123"), std::string::npos) << text;
  EXPECT_NE(text.find("Foto (media_url): https://example.org/p.jpg"), std::string::npos) << text;
  EXPECT_EQ(text.find("warga@example.org"), std::string::npos) << "contact fields stay out of the report's text";
  EXPECT_LE(staff_description(*p, 60).size(), 60u);
  EXPECT_TRUE(staff_description(*p, 60).starts_with("Pohon tumbang menutup jalan"));

  auto by_address = parse_post({{"service_code", "flood"}, {"address_string", "Jl. Pala 3"}});
  ASSERT_TRUE(by_address) << by_address.error().message;
  EXPECT_FALSE(by_address->lat);
  EXPECT_EQ(staff_description(*by_address, 2000), "");
}

TEST(open311_wire, refuses_posts_without_code_or_location_and_bad_fields) {
  EXPECT_FALSE(parse_post({{"lat", "1"}, {"long", "2"}}));                     // no service_code
  EXPECT_FALSE(parse_post({{"service_code", "fire"}, {"description", "x"}}));  // no location
  EXPECT_FALSE(parse_post({{"service_code", "fire"}, {"lat", "1"}}));          // lat without long
  EXPECT_FALSE(parse_post({{"service_code", "fire"}, {"lat", "91"}, {"long", "2"}}));
  EXPECT_FALSE(parse_post({{"service_code", "fire"}, {"lat", "1x"}, {"long", "2"}}));
  EXPECT_FALSE(parse_post(post_form({{"attribute[korban]", "mungkin"}})));  // not a listed key
  EXPECT_FALSE(parse_post(post_form({{"attribute[korban]", "ya"}, {"attribute[korban]", "tidak"}})));
  EXPECT_FALSE(parse_post(post_form({{"attribute[bad code]", "x"}})));
  EXPECT_FALSE(parse_post(post_form({{"attribute[x][y]", "x"}})));
  EXPECT_FALSE(parse_post(post_form({{"attribute[x]", std::string(1001, 'a')}})));
  EXPECT_FALSE(parse_post(post_form({{"email", "not-an-address"}})));
  EXPECT_FALSE(parse_post(post_form({{"media_url", "file:///etc/passwd"}})));
  EXPECT_FALSE(parse_post(post_form({{"first_name", std::string(101, 'a')}})));
  auto err = parse_post({{"service_code", "fire"}});
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, core::errc::invalid_input);
  EXPECT_NE(err.error().message.find("a location is required"), std::string::npos);
}

TEST(open311_wire, writes_times_with_the_zone_to_the_second) {
  auto t = core::parse_iso8601("2026-12-05T01:02:03.456789Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(datetime(*t, 540), "2026-12-05T10:02:03+09:00");
  EXPECT_EQ(datetime(*t, 420), "2026-12-05T08:02:03+07:00");
}

TEST(open311_wire, renders_xml_with_declaration_items_and_escapes) {
  json::value tree = json::array{json::object{{"code", 400}, {"description", "a < b & \"c\"\x01"}}};
  EXPECT_EQ(
      render(format::xml, "errors", tree),
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<errors><error><code>400</code><description>a &lt; b &amp; &quot;c&quot;</description></error></errors>\n");
  EXPECT_EQ(render(format::json, "errors", tree), R"([{"code":400,"description":"a < b & \"c\"\u0001"}])");
  json::value def = definition_tree("fire");
  auto xml = render(format::xml, "service_definition", def);
  EXPECT_NE(xml.find("<service_definition><service_code>fire</service_code><attributes><attribute><variable>true"
                     "</variable><code>korban</code><datatype>singlevaluelist</datatype><required>false</required>"
                     "<datatype_description/><order>1</order>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<values><value><key>ya</key><name>Ya (yes)</name></value>"), std::string::npos) << xml;
  auto disc = render(format::xml, "discovery", discovery_tree("https://112.example.go.id/open311/v2", "112"));
  EXPECT_NE(disc.find("<formats><format>text/xml</format><format>application/json</format></formats>"),
            std::string::npos)
      << disc;
}

TEST(open311_wire, writes_requests_without_reporter_fields) {
  services::open311_view v;
  v.service_request_id = "0193";
  v.open = false;
  v.status_notes = "Damkar: api padam";
  v.service_code = "fire";
  v.service_name = "Kebakaran";
  v.description = "Api";
  v.agency_responsible = "Damkar";
  v.requested_at = *core::parse_iso8601("2026-12-05T01:00:00Z");
  v.updated_at = *core::parse_iso8601("2026-12-05T02:00:00Z");
  v.location = domain::geo_point{-3.7, 128.18};
  auto tree = requests_tree({v}, 540);
  const auto& o = tree.as_array().at(0).as_object();
  EXPECT_EQ(o.at("status"), "closed");
  EXPECT_EQ(o.at("requested_datetime"), "2026-12-05T10:00:00+09:00");
  EXPECT_EQ(o.at("updated_datetime"), "2026-12-05T11:00:00+09:00");
  EXPECT_EQ(o.at("long").as_double(), 128.18);
  EXPECT_TRUE(o.at("media_url").is_null());
  for (const char* key : {"first_name", "last_name", "phone", "email", "device_id", "account_id"}) {
    EXPECT_FALSE(o.contains(key)) << key;
  }
  auto xml = render(format::xml, "service_requests", tree);
  EXPECT_NE(xml.find("<lat>-3.7</lat><long>128.18</long>"), std::string::npos) << xml;
  EXPECT_TRUE(
      xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"
                      "<service_request_id>0193</service_request_id><status>closed</status>"))
      << xml;
}

}  // namespace
}  // namespace siaga::channels::open311
