#include "core/error.hpp"

#include "core/enum_names.hpp"

#include <stdexcept>

namespace siaga::core {

std::string_view to_string(errc code) {
  static constexpr auto names = make_enum_names<errc>(
      "error code", {"invalid_input", "unauthenticated", "forbidden", "not_found", "conflict", "payload_too_large",
                     "unsupported_media_type", "unavailable", "too_many_requests",
                     "password_change_required", "storage_failure", "internal"});
  return names.name(code);
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw std::logic_error(std::string(to_string(e.code)) + ": " + e.message);
}

}  // namespace siaga::core
