// SQL for finding a number written in free text (domain/phone_text.hpp), the same in both
// dialects: a text with the separators of a written number removed, so that the probe
// (domain::phone_text_probe, the last 3 digits) is found in every written form, a short last
// group ("0812 3456 78") included. The store narrows with it; domain::find_phone_in_text decides.
#pragma once

#include "domain/phone_text.hpp"

#include <string>
#include <string_view>

namespace siaga::storage {

// expr with every domain::phone_text_separators character removed (nested replace(), which
// both SQLite and PostgreSQL have).
inline std::string without_separators(std::string_view expr) {
  std::string out(expr);
  for (char sep : domain::phone_text_separators) {
    out = "replace(" + out + ", '" + std::string(1, sep) + "', '')";
  }
  return out;
}

}  // namespace siaga::storage
