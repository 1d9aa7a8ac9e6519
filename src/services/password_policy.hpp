// What a new password must be: long enough, not a common one, not the user's own names.
#pragma once

#include "core/error.hpp"

#include <string_view>

namespace siaga::services {

inline constexpr std::size_t min_password_length = 10;

// Checks a new password for the user username called display_name. Fails with invalid_input,
// Indonesian first, when it is shorter than min_password_length characters, when it (in lower
// case, with or without trailing digits and punctuation) is on the list of common passwords
// (data/security/common-passwords.txt, compiled in), when it contains the username or a word of
// three or more letters of the display name, or when it has fewer than four different characters.
core::result<void> check_password_strength(std::string_view password, std::string_view username,
                                           std::string_view display_name);

// The common-password list as shipped (generated from data/security/common-passwords.txt).
std::string_view common_passwords_text();

}  // namespace siaga::services
