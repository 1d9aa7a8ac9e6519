// The phone normaliser (domain/phone.hpp), the mask and the search of numbers written in free
// text (domain/phone_text.hpp): never a crash, a normalised number normalises to itself, a mask
// never shows more than the last four digits, the numbers found lie in the text in order and
// apart, and a text masked once holds no number (masking again changes nothing).
#include "domain/phone.hpp"
#include "domain/phone_text.hpp"
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

  std::size_t after = 0;
  for (const auto& w : find_phones_in_text(text)) {
    SIAGA_FUZZ_ASSERT(w.span.begin >= after && w.span.begin < w.span.end && w.span.end <= text.size());
    SIAGA_FUZZ_ASSERT(w.e164.starts_with("+62"));
    after = w.span.end;
  }
  auto clean = mask_phones_in_text(text);
  SIAGA_FUZZ_ASSERT(find_phones_in_text(clean).empty());
  SIAGA_FUZZ_ASSERT(mask_phones_in_text(clean) == clean);
  const std::string_view known = "+6281234567890";
  after = 0;
  for (const auto& span : find_phone_in_text(text, known)) {
    SIAGA_FUZZ_ASSERT(span.begin >= after && span.begin < span.end && span.end <= text.size());
    after = span.end;
  }
  (void)replace_phone_in_text(text, known, mask_phone(known));
  return 0;
}
