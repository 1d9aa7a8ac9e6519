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

}  // namespace siaga::core
