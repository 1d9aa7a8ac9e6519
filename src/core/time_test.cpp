#include "core/time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace siaga::core {
namespace {

using namespace std::chrono_literals;

// 2026-11-22T03:04:05.123456Z, worked out by hand: 20'779 days after the epoch.
constexpr std::int64_t sample_micros = 1'795'316'645'123'456;

timestamp sample() { return from_micros(sample_micros); }

TEST(format_utc, writes_six_fraction_digits_and_z) {
  EXPECT_EQ(format_utc(sample()), "2026-11-22T03:04:05.123456Z");
  EXPECT_EQ(format_utc(from_micros(0)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_utc(from_micros(7)), "1970-01-01T00:00:00.000007Z");
}

// The digits written by hand equal printf's for instants across four-digit years, and years
// beyond them keep printf's form.
TEST(format_utc, equals_printf_across_the_years_and_past_them) {
  auto by_printf = [](timestamp t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<microseconds> clock{duration_cast<microseconds>(t - day)};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
    return std::string(buf);
  };
  std::uint64_t x = 88172645463325252ull;  // xorshift: the same instants on every run
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // From year 0 to 9999 in microseconds, about 3.2e17 wide.
    const auto micros = static_cast<std::int64_t>(x % 315'537'897'600'000'000ull) - 62'167'219'200'000'000ll;
    ASSERT_EQ(format_utc(from_micros(micros)), by_printf(from_micros(micros))) << micros;
  }
  const auto year_10000 = from_micros(253'402'300'800'000'000ll);
  EXPECT_EQ(format_utc(year_10000), "10000-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_utc(year_10000), by_printf(year_10000));
  const auto before_year_0 = from_micros(-62'167'219'200'000'001ll);
  EXPECT_EQ(format_utc(before_year_0), by_printf(before_year_0));
}

TEST(format_utc, handles_instants_before_the_epoch) {
  EXPECT_EQ(format_utc(from_micros(-1)), "1969-12-31T23:59:59.999999Z");
}

TEST(format_utc, handles_leap_days) {
  auto t = parse_iso8601("2028-02-29T23:59:59.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_utc(*t), "2028-02-29T23:59:59.500000Z");
  EXPECT_EQ(format_utc(*t + 500ms), "2028-03-01T00:00:00.000000Z");
}

TEST(format_offset, shows_local_wall_time_with_offset) {
  EXPECT_EQ(format_offset(sample(), 420), "2026-11-22T10:04:05.123456+07:00");
  EXPECT_EQ(format_offset(sample(), 480), "2026-11-22T11:04:05.123456+08:00");
  EXPECT_EQ(format_offset(sample(), 540), "2026-11-22T12:04:05.123456+09:00");
  EXPECT_EQ(format_offset(sample(), 0), "2026-11-22T03:04:05.123456+00:00");
  EXPECT_EQ(format_offset(sample(), -330), "2026-11-21T21:34:05.123456-05:30");
}

TEST(format_offset, crosses_midnight_into_the_local_day) {
  auto t = parse_iso8601("2026-12-31T20:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_offset(*t, 540), "2027-01-01T05:00:00.000000+09:00");
}

TEST(parse_iso8601, accepts_the_usual_forms) {
  struct sample_case {
    std::string text;
    std::int64_t micros;
  };
  const std::vector<sample_case> cases{
      {"2026-11-22T03:04:05.123456Z", sample_micros},
      {"2026-11-22T03:04:05.123456z", sample_micros},
      {"2026-11-22t03:04:05.123456Z", sample_micros},
      {"2026-11-22 03:04:05.123456Z", sample_micros},
      {"2026-11-22T10:04:05.123456+07:00", sample_micros},
      {"2026-11-22T10:04:05.123456+0700", sample_micros},
      {"2026-11-21T21:34:05.123456-05:30", sample_micros},
      {"2026-11-22T03:04:05.123456789Z", sample_micros},
      {"2026-11-22T03:04:05.123456999Z", sample_micros},
      {"2026-11-22T03:04:05,123456Z", sample_micros},
      {"2026-11-22T03:04:05Z", sample_micros - 123'456},
      {"2026-11-22T03:04:05.1Z", sample_micros - 123'456 + 100'000},
      {"2026-11-22T03:04:05.12Z", sample_micros - 123'456 + 120'000},
      {"2026-11-22T03:04Z", sample_micros - 5'123'456},
      {"2026-11-22", sample_micros - (3 * 3600 + 4 * 60 + 5) * 1'000'000LL - 123'456},
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T07:00:00+07:00", 0},
      {"2000-02-29T00:00:00Z", 951'782'400'000'000},
  };
  for (const auto& c : cases) {
    auto t = parse_iso8601(c.text);
    ASSERT_TRUE(t) << c.text << ": " << t.error().message;
    EXPECT_EQ(to_micros(*t), c.micros) << c.text;
  }
}

TEST(parse_iso8601, refuses_garbage_and_out_of_range_fields_naming_the_text) {
  const std::vector<std::string> bad{
      "",
      "yesterday",
      "2026",
      "2026-11",
      "2026-1-22",
      "26-11-22",
      "2026/11/22",
      "2026-13-01",
      "2026-00-10",
      "2026-11-00",
      "2026-11-31",
      "2026-02-29",
      "1900-02-29",
      "2026-11-22T",
      "2026-11-22T24:00:00Z",
      "2026-11-22T10:60:00Z",
      "2026-11-22T10:00:60Z",
      "2026-11-22T10:00:00",
      "2026-11-22T10:00:00.Z",
      "2026-11-22T10:00:00.1234567890Z",
      "2026-11-22T10:00:00+7:00",
      "2026-11-22T10:00:00+07",
      "2026-11-22T10:00:00+24:00",
      "2026-11-22T10:00:00+07:60",
      "2026-11-22T10:00:00Zjunk",
      "2026-11-22T10:00:00+07:00 ",
      " 2026-11-22T10:00:00Z",
      "2026-11-22X10:00:00Z",
      "2026-11-22T1:00:00Z",
      "2026-11-22junk",
      "２０２６-11-22",
  };
  for (const auto& text : bad) {
    auto t = parse_iso8601(text);
    ASSERT_FALSE(t) << "accepted '" << text << "'";
    EXPECT_EQ(t.error().code, errc::invalid_input) << text;
    EXPECT_NE(t.error().message.find("'" + text + "'"), std::string::npos) << t.error().message;
  }
}

TEST(parse_iso8601, shortens_very_long_text_in_the_message) {
  const std::string text(10'000, 'x');
  auto t = parse_iso8601(text);
  ASSERT_FALSE(t);
  EXPECT_LT(t.error().message.size(), 200u);
}

TEST(parse_iso8601, names_the_field_that_is_out_of_range) {
  EXPECT_NE(parse_iso8601("2026-13-01").error().message.find("month"), std::string::npos);
  EXPECT_NE(parse_iso8601("2026-04-31").error().message.find("day"), std::string::npos);
  EXPECT_NE(parse_iso8601("2026-11-22T25:00:00Z").error().message.find("hour"),
            std::string::npos);
}

TEST(parse_iso8601, round_trips_with_format_utc_and_format_offset) {
  const std::vector<std::int64_t> instants{
      0, 1, 999'999, sample_micros, 951'782'400'000'001, 4'102'444'799'999'999, -86'400'000'000};
  for (auto us : instants) {
    const auto t = from_micros(us);
    auto back = parse_iso8601(format_utc(t));
    ASSERT_TRUE(back) << format_utc(t);
    EXPECT_EQ(*back, t);
    for (int offset : {420, 480, 540, 0, -600}) {
      auto local = parse_iso8601(format_offset(t, offset));
      ASSERT_TRUE(local) << format_offset(t, offset);
      EXPECT_EQ(*local, t) << format_offset(t, offset);
    }
  }
}

TEST(zone_offset_minutes, knows_the_indonesian_zones_and_utc) {
  EXPECT_EQ(zone_offset_minutes("Asia/Jakarta").value(), 420);
  EXPECT_EQ(zone_offset_minutes("Asia/Pontianak").value(), 420);
  EXPECT_EQ(zone_offset_minutes("Asia/Makassar").value(), 480);
  EXPECT_EQ(zone_offset_minutes("Asia/Jayapura").value(), 540);
  EXPECT_EQ(zone_offset_minutes("UTC").value(), 0);
}

TEST(zone_offset_minutes, refuses_other_names) {
  for (std::string_view zone : {"", "Europe/Berlin", "asia/jakarta", "WIB", "Asia/Jakarta "}) {
    auto r = zone_offset_minutes(zone);
    ASSERT_FALSE(r) << zone;
    EXPECT_EQ(r.error().code, errc::invalid_input);
    EXPECT_NE(r.error().message.find("'" + std::string(zone) + "'"), std::string::npos);
  }
}

TEST(system_clock, is_close_to_the_standard_clock) {
  const auto before = std::chrono::floor<std::chrono::microseconds>(
      std::chrono::system_clock::now());
  const auto now = system_clock{}.now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

TEST(manual_clock, moves_only_when_told) {
  manual_clock c(sample());
  EXPECT_EQ(c.now(), sample());
  c.advance(1500us);
  EXPECT_EQ(to_micros(c.now()), sample_micros + 1500);
  c.set(from_micros(0));
  EXPECT_EQ(to_micros(c.now()), 0);
}

}  // namespace
}  // namespace siaga::core
