#include "core/enum_names.hpp"

#include <gtest/gtest.h>

namespace siaga::core {
namespace {

enum class colour { red, green, blue };
constexpr auto colour_names = make_enum_names<colour>("colour", {"red", "green", "blue"});

TEST(enum_names, names_each_value_by_its_index) {
  static_assert(colour_names.name(colour::green) == "green");
  EXPECT_EQ(colour_names.name(colour::blue), "blue");
  EXPECT_EQ(colour_names.name(static_cast<colour>(7)), "unknown");
}

TEST(enum_names, parses_every_name_back) {
  for (auto c : {colour::red, colour::green, colour::blue}) {
    auto r = colour_names.parse(colour_names.name(c));
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, c);
  }
}

TEST(enum_names, refuses_an_unknown_name_listing_the_accepted_ones) {
  auto r = colour_names.parse("purple");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_input);
  EXPECT_EQ(r.error().message, "colour 'purple' is not one of: red, green, blue");
  EXPECT_FALSE(colour_names.parse("Red"));
  EXPECT_FALSE(colour_names.parse(""));
}

TEST(enum_names, cuts_long_input_in_the_message) {
  auto r = colour_names.parse(std::string(100, 'x'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "colour '" + std::string(40, 'x') + "' is not one of: red, green, blue");
}

}  // namespace
}  // namespace siaga::core
