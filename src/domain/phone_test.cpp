#include "domain/phone.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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
                          "+621234567890123", "1234567", "+1234567", "+0081234567", "+1234567890123456",
                          // two trunk zeros: taking one away left a number that changed again when
                          // normalised a second time (found by fuzz/phone_fuzz.cpp)
                          "+620034 28197889", "0062003428197889"}) {
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

TEST(normalize_reporter_phone, a_typed_number_is_stored_in_e164_and_anything_else_refused_naming_the_field) {
  auto ok = normalize_reporter_phone("0812-9876-5432", "reporter_phone");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "+6281298765432");
  for (std::string bad : {"call me maybe", "112", "0812", "+62 812 ABC", ""}) {
    auto got = normalize_reporter_phone(bad, "reporter_phone");
    ASSERT_FALSE(got) << bad;
    EXPECT_EQ(got.error().code, core::errc::invalid_input);
    EXPECT_NE(got.error().message.find("reporter_phone"), std::string::npos) << got.error().message;
    EXPECT_NE(got.error().message.find("0812-3456-7890"), std::string::npos) << got.error().message;
  }
}

// The digits a masked number shows, the "+62 " of an Indonesian number aside.
std::size_t shown_digits(std::string masked) {
  if (masked.starts_with("+62 ")) masked.erase(0, 4);
  return static_cast<std::size_t>(std::count_if(masked.begin(), masked.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

TEST(mask_phone, shows_at_most_the_last_four_digits_in_one_fixed_shape) {
  EXPECT_EQ(mask_phone("+6281234566789"), "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 6789");
  EXPECT_EQ(mask_phone("+62911312345"), "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 2345");
  EXPECT_EQ(mask_phone("+61298765432"), "+\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 5432");
  EXPECT_EQ(mask_phone("0911352000"), "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 2000");
  EXPECT_EQ(mask_phone("14045"), "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 045");
  EXPECT_EQ(mask_phone("112"), "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 2");
  EXPECT_EQ(mask_phone("call me maybe"), "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022");
  EXPECT_EQ(mask_phone(""), "");
  // The length is not told: a short and a long number have the same shape.
  EXPECT_EQ(mask_phone("+62811116789").size(), mask_phone("+628123456789012").size());
}

TEST(mask_phone, never_shows_more_than_four_digits_of_any_number) {
  std::string number = "+62";
  for (int n = 1; n <= 16; ++n) {
    number += static_cast<char>('0' + n % 10);
    EXPECT_LE(shown_digits(mask_phone(number)), 4u) << number;
    EXPECT_LE(shown_digits(mask_phone(number.substr(3))), 4u) << number.substr(3);
    EXPECT_LE(shown_digits(mask_phone("0" + number.substr(3))), 4u) << number;
  }
}

TEST(is_withheld_number, recognises_pbx_markers) {
  for (std::string w : {"", " ", "anonymous", "Anonymous", "UNKNOWN", "private", "restricted", "unavailable"}) {
    EXPECT_TRUE(is_withheld_number(w)) << w;
  }
  for (std::string n : {"112", "081234567890", "anon"}) EXPECT_FALSE(is_withheld_number(n)) << n;
}

}  // namespace
}  // namespace siaga::domain
