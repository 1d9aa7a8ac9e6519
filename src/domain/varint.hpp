// LEB128 varints: the packed stored form of the histograms (millis_histogram, and
// duration_histogram's packed form). Seven bits a byte, low first, the high bit set on every
// byte but the last.
#pragma once

#include <cstdint>
#include <string>

namespace siaga::domain::varint {

// Appends v to out.
inline void put(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// Reads the varint at p into v and advances p past it; false when it is truncated or longer
// than 64 bits (p is then somewhere inside it).
inline bool get(const unsigned char*& p, const unsigned char* end, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    auto byte = *p++;
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace siaga::domain::varint
