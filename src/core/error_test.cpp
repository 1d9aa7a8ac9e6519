#include "core/error.hpp"

#include <gtest/gtest.h>

namespace siaga::core {
namespace {

result<int> half(int n) {
  if (n % 2 != 0) return invalid("odd");
  return n / 2;
}

result<void> even(int n) {
  if (n % 2 != 0) return invalid("odd");
  return {};
}

// Quarters n through two SIAGA_TRY steps: the first odd step's error comes back unchanged.
result<int> quarter(int n) {
  SIAGA_TRY(h, half(n));
  SIAGA_TRY(q, half(h));
  return q;
}

result<int> checked_half(int n) {
  SIAGA_CHECK(even(n));
  return n / 2;
}

TEST(siaga_try, binds_the_value_or_returns_the_first_error) {
  ASSERT_TRUE(quarter(8));
  EXPECT_EQ(*quarter(8), 2);
  auto odd_second = quarter(6);
  ASSERT_FALSE(odd_second);
  EXPECT_EQ(odd_second.error().code, errc::invalid_input);
  EXPECT_EQ(odd_second.error().message, "odd");
}

TEST(siaga_check, returns_the_error_of_a_void_result) {
  EXPECT_EQ(*checked_half(10), 5);
  auto r = checked_half(7);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_input);
}

}  // namespace
}  // namespace siaga::core
