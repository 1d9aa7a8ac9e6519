#include "net/browser_policy.hpp"

#include <gtest/gtest.h>

namespace siaga::net {
namespace http = boost::beast::http;

TEST(browser_policy, every_answer_gets_the_headers_and_a_handler_policy_is_kept) {
  http::response<http::string_body> res;
  set_security_headers(res);
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res["Content-Security-Policy"], content_security_policy);
  EXPECT_NE(res["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(res["Content-Security-Policy"].find("unsafe-inline"), std::string_view::npos);
  EXPECT_EQ(res["X-Frame-Options"], "DENY");
  EXPECT_EQ(res["Referrer-Policy"], "same-origin");

  http::response<http::string_body> media;
  media.set("Content-Security-Policy", "default-src 'none'; sandbox");
  set_security_headers(media);
  EXPECT_EQ(media["Content-Security-Policy"], "default-src 'none'; sandbox");
}

TEST(browser_policy, only_the_server_own_origin_or_a_trusted_one_may_write) {
  std::vector<std::string> none;
  EXPECT_TRUE(origin_allowed("", "siaga.example:8112", none));  // curl, a PBX bridge
  EXPECT_TRUE(origin_allowed("http://siaga.example:8112", "siaga.example:8112", none));
  EXPECT_TRUE(origin_allowed("https://SIAGA.example", "siaga.example", none));
  EXPECT_FALSE(origin_allowed("http://evil.example", "siaga.example:8112", none));
  EXPECT_FALSE(origin_allowed("http://siaga.example:8113", "siaga.example:8112", none));
  EXPECT_FALSE(origin_allowed("http://siaga.example:8112.evil.example", "siaga.example:8112", none));
  EXPECT_FALSE(origin_allowed("null", "siaga.example:8112", none));
  EXPECT_FALSE(origin_allowed("siaga.example:8112", "siaga.example:8112", none));
  EXPECT_FALSE(origin_allowed("http://siaga.example:8112/x", "siaga.example:8112", none));
  EXPECT_FALSE(origin_allowed("http://siaga.example", "", none));
  std::vector<std::string> proxy{"https://112.ambon.go.id"};
  EXPECT_TRUE(origin_allowed("https://112.ambon.go.id", "127.0.0.1:8112", proxy));
  EXPECT_FALSE(origin_allowed("http://112.ambon.go.id", "127.0.0.1:8112", proxy));
}

TEST(browser_policy, reads_are_safe_everything_else_is_held_to_the_origin) {
  EXPECT_FALSE(is_unsafe_method(http::verb::get));
  EXPECT_FALSE(is_unsafe_method(http::verb::head));
  EXPECT_FALSE(is_unsafe_method(http::verb::options));
  EXPECT_TRUE(is_unsafe_method(http::verb::post));
  EXPECT_TRUE(is_unsafe_method(http::verb::put));
  EXPECT_TRUE(is_unsafe_method(http::verb::patch));
  EXPECT_TRUE(is_unsafe_method(http::verb::delete_));
}

}  // namespace siaga::net
