#include "channels/telegram/wire.hpp"

#include <gtest/gtest.h>

namespace siaga::channels::telegram {
namespace {

TEST(telegram_wire, parses_text_location_and_the_largest_photo_that_fits) {
  auto t = parse_update(R"({"update_id":10000,"message":{"date":1441645532,"chat":{"last_name":"Test","id":1111111,
    "type":"private","first_name":"Test"},"message_id":1365,"from":{"id":1111111,"first_name":"Test"},"text":"/start"}})",
                        1000);
  ASSERT_TRUE(t && *t);
  EXPECT_EQ((*t)->update_id, "10000");
  EXPECT_EQ((*t)->chat_id, "1111111");
  EXPECT_EQ((*t)->content.text, "/start");
  auto l = parse_update(R"({"update_id":2,"message":{"chat":{"id":-5},"location":{"latitude":-3.7,"longitude":128.2}}})", 1000);
  ASSERT_TRUE(l && *l);
  EXPECT_EQ((*l)->chat_id, "-5");
  ASSERT_TRUE((*l)->content.location);
  auto p = parse_update(R"({"update_id":3,"message":{"chat":{"id":5},"caption":"c","photo":[
    {"file_id":"S","file_size":100},{"file_id":"M","file_size":900},{"file_id":"L","file_size":5000}]}})", 1000);
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->content.kind, domain::message_kind::image);
  EXPECT_EQ((*p)->file_id, "M");
  EXPECT_EQ((*p)->content.text, "c");
}

TEST(telegram_wire, ignores_updates_without_a_message_and_refuses_malformed_ones) {
  auto edited = parse_update(R"({"update_id":4,"edited_message":{"chat":{"id":5},"text":"x"}})", 1000);
  ASSERT_TRUE(edited);
  EXPECT_FALSE(*edited);
  EXPECT_FALSE(parse_update("nope", 1000));
  EXPECT_FALSE(parse_update(R"({"update_id":"4"})", 1000));
  EXPECT_FALSE(parse_update(R"({"update_id":4,"message":{"text":"x"}})", 1000));
  EXPECT_FALSE(parse_update(R"({"update_id":4,"message":{"chat":{"id":5},"photo":[{"file_id":"L","file_size":5000}]}})", 1000));
}

TEST(telegram_wire, urls_secret_and_get_file) {
  EXPECT_EQ(method_url("http://h/", "1:A", "getFile"), "http://h/bot1:A/getFile");
  EXPECT_EQ(file_url("http://h", "1:A", "photos/f.jpg"), "http://h/file/bot1:A/photos/f.jpg");
  EXPECT_TRUE(secret_valid("abc", "abc"));
  EXPECT_FALSE(secret_valid("abd", "abc"));
  EXPECT_FALSE(secret_valid("", ""));
  auto path = file_path_of(R"({"ok":true,"result":{"file_id":"x","file_path":"photos/f.jpg"}})");
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, "photos/f.jpg");
  EXPECT_FALSE(file_path_of(R"({"ok":false})"));
}

}  // namespace
}  // namespace siaga::channels::telegram
