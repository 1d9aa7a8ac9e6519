// The AML SMS parser (domain/aml.hpp, versions 1 and 2): never a crash, and a fix it accepts
// lies on the earth.
#include "domain/aml.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto fix = siaga::domain::parse_aml_sms(text)) {
    SIAGA_FUZZ_ASSERT(fix->lat >= -90 && fix->lat <= 90);
    SIAGA_FUZZ_ASSERT(fix->lon >= -180 && fix->lon <= 180);
  }
  return 0;
}
