// The phone normaliser (domain/phone.hpp) and the mask: never a crash, a normalised number
// normalises to itself, and a mask never shows more than the last four digits.
#include "domain/phone.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siaga::domain;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)is_withheld_number(text);
  if (auto n = normalize_phone(text)) {
    auto again = normalize_phone(*n);
    SIAGA_FUZZ_ASSERT(again && *again == *n);
    SIAGA_FUZZ_ASSERT(n->size() <= 16);
  }
  (void)normalize_reporter_phone(text, "reporter_phone");
  auto masked = mask_phone(text);
  std::string_view shown = masked;
  if (shown.starts_with("+62 ")) shown.remove_prefix(4);
  SIAGA_FUZZ_ASSERT(std::count_if(shown.begin(), shown.end(), [](char c) { return c >= '0' && c <= '9'; }) <= 4);
  return 0;
}
