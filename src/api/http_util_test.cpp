#include "api/http_util.hpp"

#include <gtest/gtest.h>

namespace siaga::api {
namespace {

TEST(error_response, a_passing_unavailability_is_503_with_retry_after) {
  net::request req{net::http::verb::post, "/api/v1/incidents", 11};
  auto res = error_response(req, core::make_error(core::errc::unavailable, "postgres: the connection was lost"));
  EXPECT_EQ(res.result(), net::http::status::service_unavailable);
  EXPECT_EQ(res[net::http::field::retry_after], std::to_string(unavailable_retry_s));
  EXPECT_NE(res.body().find("\"error\":\"unavailable\""), std::string::npos) << res.body();

  auto other = error_response(req, core::make_error(core::errc::storage_failure, "disk"));
  EXPECT_EQ(other.result(), net::http::status::internal_server_error);
  EXPECT_TRUE(other[net::http::field::retry_after].empty());
}

}  // namespace
}  // namespace siaga::api
