#include "net/http_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace siaga::net {
namespace {

// Handlers are never called here; the pattern identifies which route matched.
handler no_op() {
  return [](request_context&) -> boost::asio::awaitable<response> { co_return response{}; };
}

TEST(router, literal_segments_match_exactly) {
  router r;
  r.add(http::verb::get, "/api/v1/agencies", no_op());
  auto m = r.match(http::verb::get, "/api/v1/agencies");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.found->pattern, "/api/v1/agencies");
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(r.match(http::verb::get, "/api/v1/agencies/").found, nullptr);
  EXPECT_EQ(r.match(http::verb::get, "/api/v1").found, nullptr);
  EXPECT_EQ(r.match(http::verb::get, "/api/v1/agencies/x").found, nullptr);
  EXPECT_EQ(r.match(http::verb::get, "api/v1/agencies").found, nullptr);
}

TEST(router, root_route) {
  router r;
  r.add(http::verb::get, "/", no_op());
  EXPECT_NE(r.match(http::verb::get, "/").found, nullptr);
  EXPECT_EQ(r.match(http::verb::get, "/x").found, nullptr);
}

TEST(router, parameters_are_captured) {
  router r;
  r.add(http::verb::post, "/api/v1/reports/{id}/accept", no_op());
  r.add(http::verb::get, "/api/v1/incidents/{incident}/dispatches/{dispatch}", no_op());

  auto accept = r.match(http::verb::post, "/api/v1/reports/0190abcd/accept");
  ASSERT_NE(accept.found, nullptr);
  EXPECT_EQ(accept.params.at("id"), "0190abcd");

  auto dispatch = r.match(http::verb::get, "/api/v1/incidents/i-1/dispatches/d-2");
  ASSERT_NE(dispatch.found, nullptr);
  EXPECT_EQ(dispatch.params.size(), 2u);
  EXPECT_EQ(dispatch.params.at("incident"), "i-1");
  EXPECT_EQ(dispatch.params.at("dispatch"), "d-2");
}

TEST(router, parameters_are_percent_decoded) {
  router r;
  r.add(http::verb::get, "/api/v1/callers/{number}", no_op());
  auto m = r.match(http::verb::get, "/api/v1/callers/%2B6281234567890");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.params.at("number"), "+6281234567890");

  auto spaced = r.match(http::verb::get, "/api/v1/callers/a%20b");
  ASSERT_NE(spaced.found, nullptr);
  EXPECT_EQ(spaced.params.at("number"), "a b");

  // '+' in a path is a plus sign, not a space.
  auto plus = r.match(http::verb::get, "/api/v1/callers/+62");
  ASSERT_NE(plus.found, nullptr);
  EXPECT_EQ(plus.params.at("number"), "+62");
}

TEST(router, malformed_escape_or_empty_segment_does_not_match_a_parameter) {
  router r;
  r.add(http::verb::get, "/api/v1/incidents/{id}", no_op());
  EXPECT_EQ(r.match(http::verb::get, "/api/v1/incidents/%zz").found, nullptr);
  EXPECT_EQ(r.match(http::verb::get, "/api/v1/incidents/%2").found, nullptr);
  EXPECT_EQ(r.match(http::verb::get, "/api/v1/incidents/").found, nullptr);
}

TEST(router, literal_beats_parameter_in_either_order) {
  for (bool literal_first : {true, false}) {
    router r;
    if (literal_first) r.add(http::verb::get, "/api/v1/incidents/open", no_op());
    r.add(http::verb::get, "/api/v1/incidents/{id}", no_op());
    if (!literal_first) r.add(http::verb::get, "/api/v1/incidents/open", no_op());

    auto open = r.match(http::verb::get, "/api/v1/incidents/open");
    ASSERT_NE(open.found, nullptr);
    EXPECT_EQ(open.found->pattern, "/api/v1/incidents/open");
    EXPECT_TRUE(open.params.empty());

    auto by_id = r.match(http::verb::get, "/api/v1/incidents/AMB-1");
    ASSERT_NE(by_id.found, nullptr);
    EXPECT_EQ(by_id.found->pattern, "/api/v1/incidents/{id}");
    EXPECT_EQ(by_id.params.at("id"), "AMB-1");
  }
}

TEST(router, earlier_literal_segment_decides) {
  router r;
  r.add(http::verb::get, "/a/{x}/c", no_op());
  r.add(http::verb::get, "/a/b/{y}", no_op());
  auto m = r.match(http::verb::get, "/a/b/c");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.found->pattern, "/a/b/{y}");
  EXPECT_EQ(m.params.at("y"), "c");
  EXPECT_EQ(m.params.count("x"), 0u);
}

TEST(router, other_method_on_known_path_is_reported_for_405) {
  router r;
  r.add(http::verb::get, "/api/v1/incidents/{id}", no_op());
  r.add(http::verb::patch, "/api/v1/incidents/{id}", no_op());
  r.add(http::verb::post, "/api/v1/incidents", no_op());

  auto m = r.match(http::verb::delete_, "/api/v1/incidents/42");
  EXPECT_EQ(m.found, nullptr);
  EXPECT_TRUE(m.path_known);
  ASSERT_EQ(m.allowed.size(), 2u);
  EXPECT_NE(std::find(m.allowed.begin(), m.allowed.end(), http::verb::get), m.allowed.end());
  EXPECT_NE(std::find(m.allowed.begin(), m.allowed.end(), http::verb::patch), m.allowed.end());
}

TEST(router, unknown_path_is_not_known) {
  router r;
  r.add(http::verb::get, "/api/v1/incidents/{id}", no_op());
  auto m = r.match(http::verb::get, "/api/v1/reports/42");
  EXPECT_EQ(m.found, nullptr);
  EXPECT_FALSE(m.path_known);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(router, invalid_patterns_are_refused) {
  router r;
  EXPECT_THROW(r.add(http::verb::get, "api/v1", no_op()), std::invalid_argument);
  EXPECT_THROW(r.add(http::verb::get, "", no_op()), std::invalid_argument);
  EXPECT_THROW(r.add(http::verb::get, "/a/{}", no_op()), std::invalid_argument);
  EXPECT_TRUE(r.routes().empty());
}

// Patterns are split once when added; short ones live inside their string, which moves when the
// table grows, so every route must still match after many were added behind it.
TEST(router, every_route_of_a_large_table_matches_its_own_paths_only) {
  router r;
  for (int i = 0; i < 300; ++i) {
    r.add(http::verb::get, "/r" + std::to_string(i), no_op());
    r.add(http::verb::post, "/r" + std::to_string(i) + "/{id}/x", no_op());
  }
  for (int i = 0; i < 300; ++i) {
    const auto n = std::to_string(i);
    auto plain = r.match(http::verb::get, "/r" + n);
    ASSERT_NE(plain.found, nullptr) << n;
    EXPECT_EQ(plain.found->pattern, "/r" + n);
    auto with_id = r.match(http::verb::post, "/r" + n + "/a%2Fb/x");
    ASSERT_NE(with_id.found, nullptr) << n;
    EXPECT_EQ(with_id.found->pattern, "/r" + n + "/{id}/x");
    EXPECT_EQ(with_id.params.at("id"), "a/b");
    EXPECT_EQ(r.match(http::verb::post, "/r" + n + "/a/y").found, nullptr);
    EXPECT_TRUE(r.match(http::verb::get, "/r" + n + "/a/x").path_known);
  }
  EXPECT_EQ(r.match(http::verb::get, "/r300").found, nullptr);
}

}  // namespace
}  // namespace siaga::net
