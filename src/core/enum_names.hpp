// The one way an enum gets its string forms (JSON, database columns, messages): a table whose
// index is the enum's value, so the names live in one place and a new value is one line.
#pragma once

#include "core/error.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace siaga::core {

template <class E, std::size_t N>
struct enum_names {
  std::array<std::string_view, N> names;
  std::string_view what;  // how messages name the field ("role", "call outcome")

  // The string form of v; "unknown" for a value outside the table, which only a bug can make.
  constexpr std::string_view name(E v) const {
    auto i = static_cast<std::size_t>(v);
    return i < N ? names[i] : std::string_view{"unknown"};
  }

  // The value named s, or invalid_input with a message that lists the accepted names (the
  // offending text is cut to 40 characters, as it is often untrusted input echoed back).
  result<E> parse(std::string_view s) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == s) return static_cast<E>(i);
    }
    std::string accepted;
    for (auto n : names) {
      if (!accepted.empty()) accepted += ", ";
      accepted += n;
    }
    return invalid(std::string(what) + " '" + std::string(s.substr(0, 40)) + "' is not one of: " + accepted);
  }
};

// Deduces N from the list: `constexpr auto role_names = make_enum_names<role>("role", {...});`.
template <class E, std::size_t N>
constexpr enum_names<E, N> make_enum_names(std::string_view what, const std::string_view (&names)[N]) {
  enum_names<E, N> t{{}, what};
  for (std::size_t i = 0; i < N; ++i) t.names[i] = names[i];
  return t;
}

}  // namespace siaga::core
