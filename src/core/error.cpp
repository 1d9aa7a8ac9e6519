#include "core/error.hpp"

#include <stdexcept>

namespace siaga::core {

std::string_view to_string(errc code) {
  switch (code) {
    case errc::invalid_input: return "invalid_input";
    case errc::unauthenticated: return "unauthenticated";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unsupported_media: return "unsupported_media_type";
    case errc::unavailable: return "unavailable";
    case errc::storage_failure: return "storage_failure";
    case errc::internal: return "internal";
  }
  return "internal";
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw std::logic_error(std::string(to_string(e.code)) + ": " + e.message);
}

}  // namespace siaga::core
