// Identifiers: time-ordered UUIDv7 record ids and short codes people read aloud.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace siaga::core {

// Random bytes are injected so that tests are repeatable.
class random_source {
 public:
  virtual ~random_source() = default;
  virtual void fill(std::uint8_t* out, std::size_t n) = 0;
};

// libsodium's CSPRNG.
class secure_random final : public random_source {
 public:
  void fill(std::uint8_t* out, std::size_t n) override;
};

// UUIDv7 (RFC 9562) as a lower-case string: 48 bits of Unix milliseconds, then random bits.
// Ids made in the same millisecond by the same generator still sort in creation order: rand_a
// is a 12-bit counter, randomly seeded each new millisecond; a clock that goes back keeps the
// last millisecond, and past the counter's end the generator moves on to the next one.
class id_generator {
 public:
  explicit id_generator(random_source& rnd) : rnd_(rnd) {}
  std::string next(timestamp now);

 private:
  random_source& rnd_;
  std::int64_t last_ms_ = -1;
  std::uint16_t counter_ = 0;
};

// Tracking code: length characters (8 for reports a call taker types; public channels use
// public_tracking_code_length) from "23456789ABCDEFGHJKMNPQRSTUVWXYZ", an alphabet without
// look-alikes (no 0/O, 1/I/L), each equally likely.
std::string make_tracking_code(random_source& rnd, std::size_t length = 8);

// The length of the codes that reporters on public channels get: 31^10 (about 8e14) codes, so
// that guessing one among even a million live reports takes some 800 million tries, far past
// the tracking route's rate limit.
inline constexpr std::size_t public_tracking_code_length = 10;

// True when text could be a tracking code: 4 to 16 characters of the code alphabet (lower case
// accepted, as people type it).
bool looks_like_tracking_code(std::string_view text);

// True when text is shaped like a UUID (36 chars, hex and dashes).
bool looks_like_uuid(std::string_view text);

}  // namespace siaga::core
