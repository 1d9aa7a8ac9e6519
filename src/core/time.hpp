// Time: stored in UTC with microseconds; formatted as ISO 8601 with an offset.
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace siaga::core {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// Microseconds since the Unix epoch, as stored in the database.
inline std::int64_t to_micros(timestamp t) { return t.time_since_epoch().count(); }
inline timestamp from_micros(std::int64_t us) { return timestamp{std::chrono::microseconds{us}}; }

// "2026-11-22T03:04:05.123456Z".
std::string format_utc(timestamp t);

// The same instant shown at a fixed offset in minutes, e.g. +420 for WIB:
// "2026-11-22T10:04:05.123456+07:00" (always 6 fraction digits, like format_utc).
std::string format_offset(timestamp t, int offset_minutes);

// Parses ISO 8601 / RFC 3339 date-times with 'Z' or ±hh:mm (or ±hhmm) and optional fraction
// (1 to 9 digits, truncated to microseconds), 'T' or ' ' between date and time, seconds
// optional; or a date "YYYY-MM-DD" (midnight UTC). A time without a zone is refused. Fails
// with invalid_input naming the text.
result<timestamp> parse_iso8601(std::string_view text);

// UTC offset in minutes of an Indonesian zone name (Asia/Jakarta 420, Asia/Pontianak 420,
// Asia/Makassar 480, Asia/Jayapura 540) or "UTC" (0); fails for any other name. Indonesia has
// no DST.
result<int> zone_offset_minutes(std::string_view zone);

// Clock is injected so that tests control time.
class clock {
 public:
  virtual ~clock() = default;
  virtual timestamp now() const = 0;
};

class system_clock final : public clock {
 public:
  timestamp now() const override;
};

// The system clock shifted by a fixed offset, so that a drill or a test can run months of work
// through the API (siaga serve --clock-offset-s); every record and event then carries the
// shifted time.
class offset_clock final : public clock {
 public:
  explicit offset_clock(std::chrono::seconds offset) : offset_(offset) {}
  timestamp now() const override;

 private:
  std::chrono::seconds offset_;
};

// A clock that stands still until a test moves it.
class manual_clock final : public clock {
 public:
  explicit manual_clock(timestamp start) : now_(start) {}
  timestamp now() const override { return now_; }
  void advance(std::chrono::microseconds d) { now_ += d; }
  void set(timestamp t) { now_ = t; }

 private:
  timestamp now_;
};

}  // namespace siaga::core
