// Small text helpers shared by the layers above.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace siaga::core {

// s with ASCII letters in lower case (other bytes, UTF-8 included, unchanged).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// s without leading and trailing spaces and tabs (the optional white space of HTTP fields).
inline std::string_view trim_blanks(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace siaga::core
