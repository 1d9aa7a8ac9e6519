#include "domain/aml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace siaga::domain {
namespace {

// A version 1 message with its ml field set to its real length.
std::string v1(std::string body) {
  std::string head = "A\"ML=1;" + body + ";ml=";
  for (int digits = 2; digits <= 4; ++digits) {
    auto total = head.size() + digits;
    if (std::to_string(total).size() == static_cast<std::size_t>(digits)) return head + std::to_string(total);
  }
  return head + "0";
}

const std::string good_v1 =
    "A\"ML=1;lt=-3.69583;lg=+128.18250;rd=12;top=20261122031505;lc=68;pm=G;si=510101234567890;"
    "ei=353472104343540;mcc=510;mnc=10;ml=128";

TEST(parse_aml_sms, version_1_reads_every_field) {
  ASSERT_EQ(good_v1.size(), 128u);
  auto fix = parse_aml_sms(good_v1);
  ASSERT_TRUE(fix) << fix.error().message;
  EXPECT_EQ(fix->format, "aml_sms_v1");
  EXPECT_DOUBLE_EQ(fix->lat, -3.69583);
  EXPECT_DOUBLE_EQ(fix->lon, 128.1825);
  EXPECT_EQ(fix->radius_m, 12.0);
  EXPECT_EQ(fix->fix_time, core::parse_iso8601("2026-11-22T03:15:05Z").value());
  EXPECT_EQ(fix->confidence, 68);
  EXPECT_EQ(fix->method, location_method::gnss);
  EXPECT_EQ(fix->imsi, "510101234567890");
  EXPECT_EQ(fix->imei, "353472104343540");
  EXPECT_EQ(fix->network, "51010");
}

TEST(parse_aml_sms, trailing_line_ends_from_the_gateway_are_ignored) {
  EXPECT_TRUE(parse_aml_sms(good_v1 + "\r\n"));
}

TEST(parse_aml_sms, a_truncated_or_wrong_length_message_is_refused) {
  auto truncated = parse_aml_sms(good_v1.substr(0, 90));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, core::errc::invalid_input);

  std::string wrong = good_v1;
  wrong.replace(wrong.size() - 3, 3, "127");
  auto r = parse_aml_sms(wrong);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ml=127"), std::string::npos) << r.error().message;

  std::string joined = good_v1 + ";x=1";
  EXPECT_FALSE(parse_aml_sms(joined));

  auto no_length = parse_aml_sms("A\"ML=1;lt=-3.69583;lg=+128.18250;rd=12");
  ASSERT_FALSE(no_length);
  EXPECT_NE(no_length.error().message.find("ml"), std::string::npos);
  EXPECT_TRUE(parse_aml_sms(v1("lt=-3.6;lg=128.1")));
  EXPECT_FALSE(parse_aml_sms(v1("lt=-3.6;lg=128.1") + "x"));
}

TEST(parse_aml_sms, the_version_is_checked_before_the_fields) {
  auto v3 = parse_aml_sms("A\"ML=3;lt=-3.69583;lg=+128.18250;ml=38");
  ASSERT_FALSE(v3);
  EXPECT_NE(v3.error().message.find("versi"), std::string::npos) << v3.error().message;
}

TEST(parse_aml_sms, version_2_reads_lo_and_takes_lt_as_a_time_offset_and_lg_as_the_language) {
  std::string text =
      "A\"ML=2;en=112;et=1795000000;lo=-3.69583,128.18250,25.5;lt=-4;lc=68;lz=12.5,3.0;ls=W;"
      "ei=358239059042542;nc=51010;hc=51011;lg=id-ID";
  auto fix = parse_aml_sms(text);
  ASSERT_TRUE(fix) << fix.error().message;
  EXPECT_EQ(fix->format, "aml_sms_v2");
  EXPECT_DOUBLE_EQ(fix->lat, -3.69583);
  EXPECT_DOUBLE_EQ(fix->lon, 128.1825);
  EXPECT_EQ(fix->radius_m, 25.5);
  EXPECT_EQ(fix->call_started, core::timestamp{std::chrono::seconds{1795000000}});
  EXPECT_EQ(fix->fix_time, core::timestamp{std::chrono::seconds{1795000000 - 4}});
  EXPECT_EQ(fix->method, location_method::wifi);
  EXPECT_EQ(fix->emergency_number, "112");
  EXPECT_EQ(fix->network, "51010");
  EXPECT_EQ(fix->language, "id-ID");
  EXPECT_EQ(fix->altitude_m, 12.5);

  std::string with_length = text + ";ml=";
  with_length += std::to_string(with_length.size() + 3);
  EXPECT_TRUE(parse_aml_sms(with_length)) << with_length;
  auto bad_length = parse_aml_sms(text + ";ml=10");
  EXPECT_FALSE(bad_length);

  // -9999: the handset does not know the fix time; the call start stands in.
  auto unknown_time = parse_aml_sms("A\"ML=2;et=1795000000;lo=-3.69583,128.18250;lt=-9999");
  ASSERT_TRUE(unknown_time) << unknown_time.error().message;
  EXPECT_EQ(unknown_time->fix_time, core::timestamp{std::chrono::seconds{1795000000}});
  EXPECT_FALSE(unknown_time->radius_m);

  // A version 1 layout under a version 2 header has no lo: refused, not misread.
  EXPECT_FALSE(parse_aml_sms("A\"ML=2;lt=-3.69583;lg=+128.18250;rd=12"));
}

TEST(parse_aml_sms, garbage_and_impossible_values_are_refused) {
  for (std::string text : {std::string(""),
                           std::string("hello"),
                           std::string("AML=1;lt=1;lg=2;ml=18"),
                           std::string("A\"ML=1"),
                           std::string("A\"ML=1;;ml=10"),
                           std::string("A\"ML=1;lt"),
                           std::string("A\"ML=1;lt=1;lt=2;lg=3;ml=24"),
                           std::string("A\"ML=\x01;ml=9"),
                           v1("lt=abc;lg=128.1"),
                           v1("lt=95.0;lg=128.1"),
                           v1("lt=-3.6;lg=181"),
                           v1("lt=-3.6;lg=128.1;rd=-5"),
                           v1("lt=-3.6;lg=128.1;top=2026112203"),
                           v1("lt=-3.6;lg=128.1;lc=101"),
                           v1("lt=-3.6;lg=128.1;pm=N"),
                           v1("lg=128.1;pm=G"),
                           std::string("A\"ML=2;lo=1"),
                           std::string("A\"ML=2;lo=1,2,3,4"),
                           std::string("A\"ML=2;lo=1,2;et=yesterday"),
                           // past the year 9999 the clock would overflow (found by fuzzing)
                           std::string("A\"ML=2;lo=1,2;et=17950001795000000"),
                           std::string("A\"ML=2;lo=1,2;et=1795000000;lt=9000000000000000"),
                           std::string("A\"ML=2;lo=1,2;ls=N")}) {
    auto r = parse_aml_sms(text);
    EXPECT_FALSE(r) << "accepted: " << text;
    if (!r) {
      EXPECT_EQ(r.error().code, core::errc::invalid_input);
    }
  }
  EXPECT_TRUE(parse_aml_sms(v1("lt=-3.6;lg=128.1;pm=C")));
}

TEST(parse_els_form, reads_the_https_fields) {
  form_fields f{{"v", "3"},
                {"device_number", "+6281234567890"},
                {"emergency_number", "112"},
                {"location_latitude", "-3.69583"},
                {"location_longitude", "128.1825"},
                {"location_accuracy", "10.4"},
                {"location_time", "1795000000123"},
                {"location_source", "GPS"},
                {"location_certainty", "83"},
                {"device_imei", "354773072099116"},
                {"cell_network_mcc", "510"},
                {"cell_network_mnc", "10"},
                {"something_new", "ignored"}};
  auto fix = parse_els_form(f);
  ASSERT_TRUE(fix) << fix.error().message;
  EXPECT_EQ(fix->format, "els_https");
  EXPECT_DOUBLE_EQ(fix->lat, -3.69583);
  EXPECT_EQ(fix->radius_m, 10.4);
  EXPECT_EQ(fix->fix_time, core::from_micros(1795000000123000));
  EXPECT_EQ(fix->method, location_method::gnss);
  EXPECT_EQ(fix->confidence, 83);
  EXPECT_EQ(fix->device_number, "+6281234567890");
  EXPECT_EQ(fix->emergency_number, "112");
  EXPECT_EQ(fix->network, "51010");
}

TEST(parse_els_form, refuses_missing_or_malformed_location) {
  form_fields base{{"location_latitude", "-3.6"}, {"location_longitude", "128.1"}};
  EXPECT_TRUE(parse_els_form(base));
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{{"location_latitude", ""},
                                                                            {"location_latitude", "north"},
                                                                            {"location_longitude", "200"},
                                                                            {"location_accuracy", "-1"},
                                                                            {"location_time", "yesterday"},
                                                                            {"location_time", "12345"},
                                                                            // past the year 9999 (found by fuzzing)
                                                                            {"location_time", "1795000000234567890"},
                                                                            {"location_certainty", "150"}}) {
    auto f = base;
    f[key] = value;
    EXPECT_FALSE(parse_els_form(f)) << key << "=" << value;
  }
  EXPECT_FALSE(parse_els_form({}));
}

}  // namespace
}  // namespace siaga::domain
