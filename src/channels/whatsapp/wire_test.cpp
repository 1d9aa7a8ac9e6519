#include "channels/whatsapp/wire.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace siaga::channels::whatsapp {
namespace {

// Meta's documented example of a text message notification.
constexpr std::string_view text_example = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
    "messages": [{"from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                  "timestamp": "1749416383", "type": "text", "text": {"body": "Does it come in another color?"}}]},
    "field": "messages"}]}]})";

TEST(whatsapp_wire, parses_meta_s_text_example) {
  auto b = parse_webhook(text_example);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->messages.size(), 1u);
  const auto& m = b->messages[0];
  EXPECT_EQ(m.from, "16505551234");
  EXPECT_EQ(m.phone_number_id, "106540352242922");
  EXPECT_EQ(m.timestamp, 1749416383);
  EXPECT_EQ(m.content.kind, domain::message_kind::text);
  EXPECT_EQ(m.content.text, "Does it come in another color?");
  EXPECT_EQ(e164_of(m.from), "+16505551234");
}

TEST(whatsapp_wire, parses_locations_images_other_types_and_statuses) {
  std::string body = R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
    "messages":[
      {"from":"628","id":"w1","timestamp":"1","type":"location","location":{"latitude":-3.69,"longitude":128.18,"name":"Pasar","address":"Jl. Pala"}},
      {"from":"628","id":"w2","timestamp":"2","type":"image","image":{"caption":"api","mime_type":"image/jpeg","sha256":"x","id":"M1"}},
      {"from":"628","id":"w3","timestamp":"3","type":"sticker","sticker":{"id":"S"}}],
    "statuses":[{"id":"wamid.OUT","status":"read","timestamp":"1749416400","recipient_id":"628"}]}}]}]})";
  auto b = parse_webhook(body);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->messages.size(), 3u);
  ASSERT_TRUE(b->messages[0].content.location);
  EXPECT_DOUBLE_EQ(b->messages[0].content.location->lon, 128.18);
  EXPECT_EQ(b->messages[0].content.location_label, "Pasar, Jl. Pala");
  EXPECT_EQ(b->messages[1].content.kind, domain::message_kind::image);
  EXPECT_EQ(b->messages[1].media_id, "M1");
  EXPECT_EQ(b->messages[1].content.text, "api");
  EXPECT_EQ(b->messages[2].content.kind, domain::message_kind::other);
  ASSERT_EQ(b->statuses.size(), 1u);
  EXPECT_EQ(b->statuses[0].status, "read");
  EXPECT_EQ(b->statuses[0].recipient, "628");
}

TEST(whatsapp_wire, refuses_what_meta_does_not_send) {
  EXPECT_FALSE(parse_webhook("{"));
  EXPECT_FALSE(parse_webhook(R"({"object":"page","entry":[]})"));
  EXPECT_FALSE(parse_webhook(R"({"object":"whatsapp_business_account"})"));
  EXPECT_FALSE(parse_webhook(R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"1","type":"text"}]}}]}]})"));
  EXPECT_FALSE(parse_webhook(R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"1","id":"x","type":"location","location":{}}]}}]}]})"));
}

TEST(whatsapp_wire, the_signature_is_hmac_sha256_of_the_raw_body) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(signature_of("what do ya want for nothing?", "Jefe"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  auto sig = signature_of("{}", "secret");
  EXPECT_TRUE(signature_valid(sig, "{}", "secret"));
  EXPECT_FALSE(signature_valid(sig, "{} ", "secret"));
  EXPECT_FALSE(signature_valid(sig, "{}", "other"));
  EXPECT_FALSE(signature_valid("", "{}", "secret"));
  EXPECT_FALSE(signature_valid(signature_of("{}", ""), "{}", "")) << "no secret configured: nothing is valid";
}

TEST(whatsapp_wire, renders_a_text_message_and_reads_the_media_lookup) {
  auto v = boost::json::parse(text_message_body("628123", "Halo \"warga\""));
  EXPECT_EQ(v.at("messaging_product"), "whatsapp");
  EXPECT_EQ(v.at("to"), "628123");
  EXPECT_EQ(v.at("type"), "text");
  EXPECT_EQ(v.at("text").at("body"), "Halo \"warga\"");
  auto url = media_url_of(R"({"url":"https://lookaside.fbsbx.com/x","mime_type":"image/jpeg","id":"1"})");
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "https://lookaside.fbsbx.com/x");
  EXPECT_FALSE(media_url_of(R"({"error":{}})"));
}

}  // namespace
}  // namespace siaga::channels::whatsapp
