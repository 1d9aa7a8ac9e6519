#include "domain/phone.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace siaga::domain {
namespace {

TEST(normalize_phone, indonesian_forms_become_e164) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"081234567890", "+6281234567890"},      {"0812-3456-7890", "+6281234567890"},
      {"62812 3456 7890", "+6281234567890"},   {"6281234567890", "+6281234567890"},
      {"+62 812-3456-7890", "+6281234567890"}, {"+62 0812 3456 7890", "+6281234567890"},
      {"006281234567890", "+6281234567890"},   {"(0911) 312345", "+62911312345"},
      {"0911.312.345", "+62911312345"},        {"  +6281234567890  ", "+6281234567890"},
      {"+61 2 9876 5432", "+61298765432"},
  };
  for (const auto& [in, want] : cases) {
    auto got = normalize_phone(in);
    ASSERT_TRUE(got) << in << ": " << got.error().message;
    EXPECT_EQ(*got, want) << in;
  }
}

TEST(normalize_phone, short_codes_are_kept_as_they_are) {
  for (std::string code : {"112", "110", "113", "1500", "14045", "118119"}) {
    auto got = normalize_phone(code);
    ASSERT_TRUE(got) << code;
    EXPECT_EQ(*got, code);
    EXPECT_TRUE(is_short_code(*got));
  }
  EXPECT_FALSE(is_short_code("+6281234567890"));
}

TEST(normalize_phone, refuses_what_is_not_a_number) {
  for (std::string bad : {"", "   ", "12", "abc", "0812-ABCD-7890", "+", "081+234567", "0812345", "+62123456",
                          "+621234567890123", "1234567", "+1234567", "+0081234567", "+1234567890123456"}) {
    auto got = normalize_phone(bad);
    EXPECT_FALSE(got) << "'" << bad << "' gave " << (got ? *got : "");
    if (!got) {
      EXPECT_EQ(got.error().code, core::errc::invalid_input);
    }
  }
}

TEST(normalize_phone, the_same_number_written_differently_is_one_caller) {
  auto a = normalize_phone("0812 3456 7890");
  auto b = normalize_phone("+62-812-3456-7890");
  auto c = normalize_phone("62812.3456.7890");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*b, *c);
}

TEST(is_withheld_number, recognises_pbx_markers) {
  for (std::string w : {"", " ", "anonymous", "Anonymous", "UNKNOWN", "private", "restricted", "unavailable"}) {
    EXPECT_TRUE(is_withheld_number(w)) << w;
  }
  for (std::string n : {"112", "081234567890", "anon"}) EXPECT_FALSE(is_withheld_number(n)) << n;
}

}  // namespace
}  // namespace siaga::domain
