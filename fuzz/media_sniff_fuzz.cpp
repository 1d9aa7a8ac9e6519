// The media magic-byte sniffing and Content-Type reading (domain/media.hpp) that decide
// whether an upload is an image: never a crash, and only the three accepted types come out.
#include "domain/media.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {
bool accepted(std::string_view t) {
  using namespace siaga::domain;
  return t == image_jpeg || t == image_png || t == image_webp;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto t = siaga::domain::sniff_image_type(bytes)) SIAGA_FUZZ_ASSERT(accepted(*t));
  // The first line doubles as a Content-Type header.
  auto header = bytes.substr(0, bytes.find('\n'));
  if (auto t = siaga::domain::accepted_image_type(header)) SIAGA_FUZZ_ASSERT(accepted(*t));
  return 0;
}
