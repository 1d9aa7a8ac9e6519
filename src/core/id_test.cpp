#include "core/id.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace siaga::core {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

// Repeatable pseudo-random bytes (xorshift64), so that a failing test fails the same way again.
class fake_random final : public random_source {
 public:
  explicit fake_random(std::uint64_t seed = 0x9E3779B97F4A7C15ULL) : state_(seed) {}
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      out[i] = static_cast<std::uint8_t>(state_ >> 56);
    }
  }

 private:
  std::uint64_t state_;
};

// Every byte is the same value: the worst case for counters and rejection sampling.
class constant_random final : public random_source {
 public:
  explicit constant_random(std::uint8_t value) : value_(value) {}
  void fill(std::uint8_t* out, std::size_t n) override { std::fill_n(out, n, value_); }

 private:
  std::uint8_t value_;
};

// Hands out the scripted bytes in order, then zeros.
class scripted_random final : public random_source {
 public:
  explicit scripted_random(std::vector<std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) {
      if (bytes_.empty()) {
        out[i] = 0;
      } else {
        out[i] = bytes_.front();
        bytes_.pop_front();
      }
    }
  }

 private:
  std::deque<std::uint8_t> bytes_;
};

// 2026-11-22T03:04:05.123456Z
const timestamp t0 = from_micros(1'795'316'645'123'456);

std::uint64_t ms_field(const std::string& id) {
  return std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
}
unsigned counter_field(const std::string& id) { return std::stoul(id.substr(15, 3), nullptr, 16); }

void expect_v7_shape(const std::string& id) {
  ASSERT_EQ(id.size(), 36u);
  EXPECT_TRUE(looks_like_uuid(id)) << id;
  EXPECT_EQ(id[14], '7') << "version nibble of " << id;
  EXPECT_NE(std::string_view("89ab").find(id[19]), std::string_view::npos)
      << "variant bits of " << id;
  EXPECT_TRUE(std::none_of(id.begin(), id.end(), [](char c) { return c >= 'A' && c <= 'F'; }))
      << "upper case in " << id;
}

TEST(id_generator, writes_version7_and_variant10) {
  for (std::uint8_t fill : {0x00, 0xFF, 0x5A}) {
    constant_random rnd(fill);
    id_generator gen(rnd);
    for (int i = 0; i < 3; ++i) expect_v7_shape(gen.next(t0 + std::chrono::milliseconds{i}));
  }
  fake_random rnd;
  id_generator gen(rnd);
  for (int i = 0; i < 1000; ++i) expect_v7_shape(gen.next(t0 + std::chrono::microseconds{i * 777}));
}

TEST(id_generator, starts_with_the_unix_milliseconds) {
  fake_random rnd;
  id_generator gen(rnd);
  const auto id = gen.next(t0);
  EXPECT_EQ(ms_field(id), 1'795'316'645'123u);
  EXPECT_EQ(id.substr(0, 13), "01a20135-fd03");
}

TEST(id_generator, ten_thousand_ids_in_one_millisecond_sort_in_creation_order) {
  for (std::uint8_t fill : {0x00, 0xFF}) {
    constant_random worst(fill);
    fake_random varied;
    for (random_source* rnd : {static_cast<random_source*>(&worst),
                               static_cast<random_source*>(&varied)}) {
      manual_clock clock(t0);
      id_generator gen(*rnd);
      std::vector<std::string> ids;
      ids.reserve(10'000);
      for (int i = 0; i < 10'000; ++i) ids.push_back(gen.next(clock.now()));
      for (std::size_t i = 1; i < ids.size(); ++i) {
        ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
        ASSERT_GE(ms_field(ids[i]), ms_field(ids[i - 1]));
      }
      EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
      EXPECT_EQ(ms_field(ids.front()), 1'795'316'645'123u);
      // 10,000 ids need at least three counter runs of at most 4096, at most six of 2048.
      EXPECT_GE(ms_field(ids.back()) - ms_field(ids.front()), 2u);
      EXPECT_LE(ms_field(ids.back()) - ms_field(ids.front()), 5u);
      for (const auto& id : ids) expect_v7_shape(id);
    }
  }
}

TEST(id_generator, reseeds_the_counter_when_the_millisecond_advances) {
  constant_random rnd(0xFF);
  id_generator gen(rnd);
  const auto a = gen.next(t0);
  EXPECT_EQ(counter_field(a), 0x7FFu);  // seeded with the top bit clear to leave room
  EXPECT_EQ(counter_field(gen.next(t0)), 0x800u);
  EXPECT_EQ(counter_field(gen.next(t0 + 500us)), 0x801u);  // same millisecond still
  const auto b = gen.next(t0 + 1ms);
  EXPECT_EQ(ms_field(b), ms_field(a) + 1);
  EXPECT_EQ(counter_field(b), 0x7FFu);
  EXPECT_LT(a, b);
}

TEST(id_generator, keeps_order_when_the_clock_goes_back) {
  fake_random rnd;
  manual_clock clock(t0);
  id_generator gen(rnd);
  const auto first = gen.next(clock.now());
  clock.set(t0 - 5s);
  const auto second = gen.next(clock.now());
  const auto third = gen.next(clock.now());
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_EQ(ms_field(second), ms_field(first));
  clock.set(t0 + 2ms);
  const auto fourth = gen.next(clock.now());
  EXPECT_LT(third, fourth);
  EXPECT_EQ(ms_field(fourth), ms_field(first) + 2);
}

TEST(id_generator, clamps_instants_before_the_epoch) {
  fake_random rnd;
  id_generator gen(rnd);
  const auto id = gen.next(from_micros(-1'000'000));
  expect_v7_shape(id);
  EXPECT_EQ(ms_field(id), 0u);
}

TEST(secure_random, fills_with_bytes_that_differ) {
  secure_random rnd;
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  rnd.fill(a.data(), a.size());
  rnd.fill(b.data(), b.size());
  EXPECT_NE(a, b);  // equal by chance with probability 2^-256
  rnd.fill(nullptr, 0);
}

// Small requests are served from a block drawn at once per thread: across many blocks, with
// requests that straddle their ends, no bytes come twice and none are the block's wiped zeros.
TEST(secure_random, small_requests_across_blocks_never_repeat_nor_give_wiped_bytes) {
  secure_random rnd;
  std::set<std::array<std::uint8_t, 16>> seen;
  const std::array<std::uint8_t, 16> zeros{};
  for (int i = 0; i < 4000; ++i) {
    std::array<std::uint8_t, 16> a{};
    rnd.fill(a.data(), a.size());
    EXPECT_NE(a, zeros) << i;
    EXPECT_TRUE(seen.insert(a).second) << "draw " << i << " repeats an earlier one";
    std::array<std::uint8_t, 7> odd{};  // misaligns the next draw with the block's end
    if (i % 3 == 0) rnd.fill(odd.data(), odd.size());
  }
  std::vector<std::uint8_t> large(4096);  // larger than a block: drawn directly
  rnd.fill(large.data(), large.size());
  EXPECT_NE(std::count(large.begin(), large.end(), std::uint8_t{0}), 4096);
}

TEST(secure_random, is_safe_to_use_from_several_threads) {
  std::vector<std::thread> threads;
  std::vector<std::string> codes(8);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    threads.emplace_back([&codes, i] {
      secure_random rnd;
      codes[i] = make_tracking_code(rnd);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& c : codes) EXPECT_EQ(c.size(), 8u);
}

TEST(secure_random, makes_unique_ids) {
  secure_random rnd;
  id_generator gen(rnd);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(gen.next(system_clock{}.now()));
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(tracking_code, has_eight_characters_without_look_alikes) {
  EXPECT_EQ(alphabet.size(), 31u);
  secure_random rnd;
  for (int i = 0; i < 5000; ++i) {
    const auto code = make_tracking_code(rnd);
    ASSERT_EQ(code.size(), 8u);
    for (char c : code) {
      ASSERT_NE(alphabet.find(c), std::string_view::npos) << code;
      ASSERT_EQ(std::string_view("0O1IL").find(c), std::string_view::npos) << code;
    }
  }
}

TEST(tracking_code, maps_bytes_to_letters_without_modulo_bias) {
  // Byte v below 248 stands for letter v % 31, so each letter has exactly 8 bytes.
  std::map<char, int> bytes_per_letter;
  for (int v = 0; v < 248; ++v) {
    constant_random rnd(static_cast<std::uint8_t>(v));
    const auto code = make_tracking_code(rnd);
    EXPECT_EQ(code, std::string(8, alphabet[v % 31])) << v;
    ++bytes_per_letter[code[0]];
  }
  EXPECT_EQ(bytes_per_letter.size(), 31u);
  for (const auto& [letter, n] : bytes_per_letter) EXPECT_EQ(n, 8) << letter;
}

TEST(tracking_code, skips_bytes_that_would_bias_the_alphabet) {
  scripted_random rnd({248, 0, 255, 30, 250, 31, 247, 1, 2, 3, 252, 249, 251, 253, 254, 62});
  EXPECT_EQ(make_tracking_code(rnd), "2Z2Z3452");
}

TEST(tracking_code, asks_for_more_bytes_when_too_many_are_rejected) {
  std::vector<std::uint8_t> script(48, 255);
  for (std::uint8_t i = 0; i < 8; ++i) script[40 + i] = 9 + i;
  scripted_random rnd(script);
  // Pools of 16 bytes: the first two are all rejected, the third has 8 rejects then letters.
  EXPECT_EQ(make_tracking_code(rnd), "BCDEFGHJ");
}

TEST(tracking_code, public_codes_have_ten_characters) {
  secure_random rnd;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto code = make_tracking_code(rnd, public_tracking_code_length);
    ASSERT_EQ(code.size(), 10u);
    ASSERT_TRUE(looks_like_tracking_code(code)) << code;
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(looks_like_tracking_code, takes_the_alphabet_in_either_case_and_nothing_else) {
  EXPECT_TRUE(looks_like_tracking_code("ABCD2345XY"));
  EXPECT_TRUE(looks_like_tracking_code("abcd2345xy"));
  EXPECT_FALSE(looks_like_tracking_code("ABC"));
  EXPECT_FALSE(looks_like_tracking_code("ABCD0123XY"));  // 0 and 1 are look-alikes
  EXPECT_FALSE(looks_like_tracking_code("ABCD-2345"));
  EXPECT_FALSE(looks_like_tracking_code(std::string(17, 'A')));
}

TEST(looks_like_uuid, accepts_uuid_shapes) {
  EXPECT_TRUE(looks_like_uuid("019ad1c1-6203-7abc-8def-0123456789ab"));
  EXPECT_TRUE(looks_like_uuid("019AD1C1-6203-7ABC-8DEF-0123456789AB"));
  EXPECT_TRUE(looks_like_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST(looks_like_uuid, refuses_other_shapes) {
  for (std::string_view s : {"", "019ad1c1", "019ad1c1-6203-7abc-8def-0123456789a",
                             "019ad1c1-6203-7abc-8def-0123456789abc",
                             "019ad1c16203-7abc-8def-0123456789ab-",
                             "019ad1c1-6203-7abc-8def_0123456789ab",
                             "019ad1c1-6203-7abc-8deg-0123456789ab",
                             "{19ad1c1-6203-7abc-8def-0123456789ab",
                             "019ad1c1-6203-7abc-8def-0123456789a "}) {
    EXPECT_FALSE(looks_like_uuid(s)) << s;
  }
}

}  // namespace
}  // namespace siaga::core
