#include "core/time.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

namespace siaga::core {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// "YYYY-MM-DDTHH:MM:SS.ffffff" of the wall-clock time t shows, then suffix. Digits are written
// by hand: every event's payload and every time in an answer comes through here, and snprintf
// with seven conversions cost several times the rest of the work.
std::string format_wall(timestamp t, std::string_view suffix) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  auto rest = t - day;
  const auto h = floor<hours>(rest);
  rest -= h;
  const auto m = floor<minutes>(rest);
  rest -= m;
  const auto s = floor<seconds>(rest);
  rest -= s;
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    // Outside four digits (never a real call or incident): as printf writes it.
    std::array<char, 48> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%06lld", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(h.count()),
                  static_cast<int>(m.count()), static_cast<int>(s.count()), static_cast<long long>(rest.count()));
    return std::string(buf.data()) + std::string(suffix);
  }
  std::string out(26 + suffix.size(), '\0');
  auto put = [&](std::size_t at, long long v, int n) {
    for (int i = n - 1; i >= 0; --i) {
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, year, 4);
  out[4] = '-';
  put(5, static_cast<unsigned>(ymd.month()), 2);
  out[7] = '-';
  put(8, static_cast<unsigned>(ymd.day()), 2);
  out[10] = 'T';
  put(11, h.count(), 2);
  out[13] = ':';
  put(14, m.count(), 2);
  out[16] = ':';
  put(17, s.count(), 2);
  out[19] = '.';
  put(20, rest.count(), 6);
  suffix.copy(out.data() + 26, suffix.size());
  return out;
}

// A cursor over the text being parsed; every read checks bounds so garbage never overruns.
class scanner {
 public:
  explicit scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  // Exactly n decimal digits.
  std::optional<int> digits(std::size_t n) {
    if (text_.size() - pos_ < n) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += n;
    return value;
  }

  bool accept(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  bool accept_any(std::string_view chars) {
    if (at_end() || chars.find(text_[pos_]) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// The message names the text, but a megabyte of garbage should not end up in a log line.
error bad_time(std::string_view text, std::string_view why) {
  constexpr std::size_t max_shown = 64;
  std::string shown(text.substr(0, max_shown));
  if (text.size() > max_shown) shown += "...";
  return invalid("'" + shown + "' is not an ISO 8601 date-time (" + std::string(why) + ")");
}

}  // namespace

std::string format_utc(timestamp t) { return format_wall(t, "Z"); }

std::string format_offset(timestamp t, int offset_minutes) {
  const int magnitude = std::abs(offset_minutes);
  std::array<char, 16> zone{};
  std::snprintf(zone.data(), zone.size(), "%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
                magnitude / 60, magnitude % 60);
  return format_wall(t + minutes{offset_minutes}, zone.data());
}

result<timestamp> parse_iso8601(std::string_view text) {
  scanner in(text);
  const auto y = in.digits(4);
  if (!y || !in.accept('-')) return bad_time(text, "expected YYYY-MM-DD");
  const auto mo = in.digits(2);
  if (!mo || !in.accept('-')) return bad_time(text, "expected YYYY-MM-DD");
  const auto d = in.digits(2);
  if (!d) return bad_time(text, "expected YYYY-MM-DD");
  if (*mo < 1 || *mo > 12) return bad_time(text, "month out of range");
  const year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                           std::chrono::day{static_cast<unsigned>(*d)}};
  // ok() also knows month lengths and leap years, so 2026-02-29 is refused here.
  if (*d < 1 || !ymd.ok()) return bad_time(text, "day out of range");
  const sys_days day{ymd};
  if (in.at_end()) return timestamp{day};

  if (!in.accept_any("Tt ")) return bad_time(text, "expected 'T' or ' ' after the date");
  const auto h = in.digits(2);
  if (!h || !in.accept(':')) return bad_time(text, "expected hh:mm");
  const auto mi = in.digits(2);
  if (!mi) return bad_time(text, "expected hh:mm");
  // Seconds are optional because ISO 8601 allows hh:mm and browsers' datetime inputs send it.
  int sec = 0;
  if (in.accept(':')) {
    const auto s = in.digits(2);
    if (!s) return bad_time(text, "expected two digits of seconds");
    sec = *s;
  }
  if (*h > 23) return bad_time(text, "hour out of range");
  if (*mi > 59) return bad_time(text, "minute out of range");
  if (sec > 59) return bad_time(text, "second out of range");

  // Fractions beyond microseconds are truncated: storage keeps microseconds only.
  std::int64_t micros = 0;
  if (in.accept('.') || in.accept(',')) {
    int n = 0;
    while (const auto digit = in.digits(1)) {
      if (++n > 9) return bad_time(text, "more than 9 fraction digits");
      if (n <= 6) micros = micros * 10 + *digit;
    }
    if (n == 0) return bad_time(text, "expected fraction digits");
    for (; n < 6; ++n) micros *= 10;
  }

  int offset_minutes = 0;
  if (in.accept_any("Zz")) {
    offset_minutes = 0;
  } else if (const char sign = in.peek(); in.accept_any("+-")) {
    const auto oh = in.digits(2);
    if (!oh) return bad_time(text, "expected a zone offset +hh:mm");
    in.accept(':');
    const auto om = in.digits(2);
    if (!om) return bad_time(text, "expected a zone offset +hh:mm");
    if (*oh > 23 || *om > 59) return bad_time(text, "zone offset out of range");
    offset_minutes = (*oh * 60 + *om) * (sign == '-' ? -1 : 1);
  } else {
    // Without a zone the instant is ambiguous; guessing UTC would shift WIB times by 7 hours.
    return bad_time(text, "a time needs a zone, 'Z' or +hh:mm");
  }
  if (!in.at_end()) return bad_time(text, "unexpected text after the zone");

  return timestamp{day} + hours{*h} + minutes{*mi} + seconds{sec} + microseconds{micros} -
         minutes{offset_minutes};
}

result<int> zone_offset_minutes(std::string_view zone) {
  static constexpr std::array<std::pair<std::string_view, int>, 5> zones{{
      {"Asia/Jakarta", 420},
      {"Asia/Pontianak", 420},
      {"Asia/Makassar", 480},
      {"Asia/Jayapura", 540},
      {"UTC", 0},
  }};
  for (const auto& [name, offset] : zones) {
    if (name == zone) return offset;
  }
  return invalid("time zone '" + std::string(zone) +
                 "' is not one of: Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura, "
                 "UTC");
}

timestamp system_clock::now() const {
  return floor<microseconds>(std::chrono::system_clock::now());
}

timestamp offset_clock::now() const { return system_clock{}.now() + offset_; }

}  // namespace siaga::core
