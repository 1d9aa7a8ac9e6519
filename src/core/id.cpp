#include "core/id.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace siaga::core {
namespace {

// sodium_init must run before the first randombytes_buf; a function-local static makes that
// happen exactly once even when several threads ask for random bytes at start-up.
void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    return true;
  }();
  (void)ready;
}

constexpr std::string_view tracking_alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

// The counter is seeded with 11 random bits (top bit clear) so that a fresh millisecond leaves
// at least 2048 increments before it overflows into the next millisecond.
constexpr std::uint16_t counter_max = 0x0FFF;
constexpr std::uint16_t counter_seed_mask = 0x07FF;

// The 48-bit field of RFC 9562 holds milliseconds up to the year 10889; earlier than 1970
// cannot be represented, so such clocks count as the epoch.
std::int64_t unix_ms(timestamp now) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(now).time_since_epoch().count();
  return ms < 0 ? 0 : ms;
}

// libsodium here asks the kernel (getrandom) on every call, and every id takes two or three
// calls of a few bytes: the writer made one system call per id (2 % of a telephony batch's CPU).
// Each thread draws a block at once and serves it; the bytes served are wiped from the block, so
// that what was handed out (a session token, a key's secret) does not stay in memory here.
struct random_block {
  static constexpr std::size_t size = 512;
  std::array<std::uint8_t, size> bytes{};
  std::size_t used = size;  // all served: the first request draws a block

  ~random_block() { sodium_memzero(bytes.data(), bytes.size()); }

  void serve(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
      if (used == size) {
        randombytes_buf(bytes.data(), size);
        used = 0;
      }
      const std::size_t k = std::min(n, size - used);
      std::memcpy(out, bytes.data() + used, k);
      sodium_memzero(bytes.data() + used, k);
      used += k;
      out += k;
      n -= k;
    }
  }
};

}  // namespace

void secure_random::fill(std::uint8_t* out, std::size_t n) {
  if (n == 0) return;  // randombytes_buf declares its buffer non-null, even for no bytes
  ensure_sodium();
  if (n >= random_block::size) {
    randombytes_buf(out, n);
    return;
  }
  thread_local random_block block;
  block.serve(out, n);
}

std::string id_generator::next(timestamp now) {
  const std::int64_t ms = unix_ms(now);
  if (ms > last_ms_) {
    std::array<std::uint8_t, 2> seed{};
    rnd_.fill(seed.data(), seed.size());
    last_ms_ = ms;
    counter_ = static_cast<std::uint16_t>((seed[0] << 8 | seed[1]) & counter_seed_mask);
  } else if (counter_ < counter_max) {
    // Same millisecond, or the clock went back: stay on last_ms_ so that ids keep their order.
    ++counter_;
  } else {
    // 4096 ids in one millisecond: borrow the next one, as RFC 9562 section 6.2 allows.
    std::array<std::uint8_t, 2> seed{};
    rnd_.fill(seed.data(), seed.size());
    ++last_ms_;
    counter_ = static_cast<std::uint16_t>((seed[0] << 8 | seed[1]) & counter_seed_mask);
  }

  std::array<std::uint8_t, 16> b{};
  rnd_.fill(b.data() + 8, 8);
  const auto ts = static_cast<std::uint64_t>(last_ms_);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ts >> (8 * (5 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | (counter_ >> 8));  // version 7, rand_a high nibble
  b[7] = static_cast<std::uint8_t>(counter_ & 0xFF);
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // variant 10

  static constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0F];
  }
  return out;
}

std::string make_tracking_code(random_source& rnd, std::size_t length) {
  // 248 is the largest multiple of 31 that fits in a byte: bytes at or above it are dropped,
  // so that every letter is exactly as likely (byte % 31 alone would favour the first 8).
  constexpr unsigned limit = 256 - 256 % tracking_alphabet.size();
  std::string code;
  code.reserve(length);
  std::array<std::uint8_t, 16> pool{};
  while (code.size() < length) {
    rnd.fill(pool.data(), pool.size());
    for (auto byte : pool) {
      if (byte >= limit) continue;
      code += tracking_alphabet[byte % tracking_alphabet.size()];
      if (code.size() == length) break;
    }
  }
  return code;
}

bool looks_like_tracking_code(std::string_view text) {
  if (text.size() < 4 || text.size() > 16) return false;
  for (char ch : text) {
    auto upper = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    if (tracking_alphabet.find(upper) == std::string_view::npos) return false;
  }
  return true;
}

bool looks_like_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace siaga::core
