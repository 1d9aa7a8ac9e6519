#include "services/password_policy.hpp"

#include <gtest/gtest.h>

namespace siaga::services {
namespace {

std::string refusal(std::string_view pw, std::string_view user = "petugas", std::string_view name = "Petugas Jaga") {
  auto r = check_password_strength(pw, user, name);
  return r ? "" : r.error().message;
}

TEST(password_policy, refuses_short_common_and_personal_passwords) {
  EXPECT_NE(refusal("12345678").find("terlalu pendek"), std::string::npos);
  EXPECT_NE(refusal("1234567890").find("terlalu umum"), std::string::npos);
  EXPECT_NE(refusal("Password123!").find("terlalu umum"), std::string::npos);
  EXPECT_NE(refusal("sayangku2024").find("terlalu umum"), std::string::npos);
  EXPECT_NE(refusal("petugas-112-x").find("nama pengguna"), std::string::npos);
  EXPECT_NE(refusal("dijaga-Jaga-99", "andi", "Andi Jaga").find("nama Anda"), std::string::npos);
  EXPECT_NE(refusal("abababababab").find("terlalu sederhana"), std::string::npos);
}

TEST(password_policy, accepts_a_long_uncommon_password) {
  EXPECT_EQ(refusal("rahasia-panjang"), "");
  EXPECT_EQ(refusal("siaga112demo", "calltaker", "Petugas Call Taker"), "");
  EXPECT_EQ(refusal("kuda-laut-berenang-7"), "");
}

TEST(password_policy, the_shipped_list_is_compiled_in) {
  EXPECT_NE(common_passwords_text().find("\nbismillah\n"), std::string_view::npos);
}

}  // namespace
}  // namespace siaga::services
