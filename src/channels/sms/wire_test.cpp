#include "channels/sms/wire.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace siaga::channels::sms {
namespace {

TEST(sms_wire, parses_a_gateway_post) {
  auto s = parse_inbound(R"({"message_id":"gw-1","sender":"+6281234","text":"Banjir","time":"2026-12-05T10:00:00+09:00"})");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->message_id, "gw-1");
  EXPECT_EQ(s->sender, "+6281234");
  EXPECT_EQ(s->text, "Banjir");
  ASSERT_TRUE(s->time);
  auto no_time = parse_inbound(R"({"message_id":"gw-1","sender":"+6281234","text":"Banjir"})");
  ASSERT_TRUE(no_time);
  EXPECT_FALSE(no_time->time);
}

TEST(sms_wire, refuses_unknown_missing_and_bad_fields) {
  EXPECT_FALSE(parse_inbound("[]"));
  EXPECT_FALSE(parse_inbound(R"({"message_id":"1","sender":"+62","text":"x","from":"y"})"));
  EXPECT_FALSE(parse_inbound(R"({"sender":"+62","text":"x"})"));
  EXPECT_FALSE(parse_inbound(R"({"message_id":"1","sender":"+62","text":"   "})"));
  EXPECT_FALSE(parse_inbound(R"({"message_id":1,"sender":"+62","text":"x"})"));
  EXPECT_FALSE(parse_inbound(R"({"message_id":"1","sender":"+62","text":"x","time":"kemarin"})"));
  EXPECT_FALSE(parse_inbound(R"({"message_id":"1","sender":"+62","text":")" + std::string(max_text + 1, 'a') + "\"}"));
}

TEST(sms_wire, renders_a_reply_and_checks_the_secret) {
  auto v = boost::json::parse(reply_body("id1", "+62812", "Terima kasih"));
  EXPECT_EQ(v.at("id"), "id1");
  EXPECT_EQ(v.at("to"), "+62812");
  EXPECT_EQ(v.at("text"), "Terima kasih");
  EXPECT_TRUE(secret_valid("0123456789abcdef", "0123456789abcdef"));
  EXPECT_FALSE(secret_valid("0123456789abcdeg", "0123456789abcdef"));
  EXPECT_FALSE(secret_valid("", ""));
}

}  // namespace
}  // namespace siaga::channels::sms
