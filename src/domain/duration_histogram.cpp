#include "domain/duration_histogram.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>

namespace siaga::domain {
namespace {

constexpr int exact_limit = 64;  // values below are their own bucket
constexpr int sub_bits = 5;      // 32 buckets per power of two
constexpr int sub_buckets = 1 << sub_bits;
constexpr int first_power = 6;   // 2^6 = 64
constexpr int last_power = 30;   // [2^30, 2^31)

}  // namespace

int duration_histogram::bucket_count() {
  return exact_limit + (last_power - first_power + 1) * sub_buckets;
}

int duration_histogram::bucket_of(std::int64_t seconds) {
  seconds = std::clamp<std::int64_t>(seconds, 0, max_seconds);
  if (seconds < exact_limit) return static_cast<int>(seconds);
  int power = std::bit_width(static_cast<std::uint64_t>(seconds)) - 1;  // 2^power <= seconds
  int sub = static_cast<int>((seconds - (std::int64_t{1} << power)) >> (power - sub_bits));
  return exact_limit + (power - first_power) * sub_buckets + sub;
}

std::int64_t duration_histogram::bucket_low(int bucket) {
  if (bucket < exact_limit) return bucket;
  int power = first_power + (bucket - exact_limit) / sub_buckets;
  int sub = (bucket - exact_limit) % sub_buckets;
  return (std::int64_t{1} << power) + (static_cast<std::int64_t>(sub) << (power - sub_bits));
}

std::int64_t duration_histogram::bucket_high(int bucket) {
  if (bucket < exact_limit) return bucket;
  int power = first_power + (bucket - exact_limit) / sub_buckets;
  return bucket_low(bucket) + (std::int64_t{1} << (power - sub_bits)) - 1;
}

void duration_histogram::add(std::int64_t seconds, std::uint64_t n) {
  if (n == 0) return;
  counts_[bucket_of(seconds)] += n;
  count_ += n;
}

void duration_histogram::merge(const duration_histogram& other) {
  for (const auto& [b, n] : other.counts_) counts_[b] += n;
  count_ += other.count_;
}

std::int64_t duration_histogram::quantile(double q) const {
  if (count_ == 0) return -1;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (const auto& [b, n] : counts_) {
    seen += n;
    if (seen >= rank) return (bucket_low(b) + bucket_high(b) + 1) / 2;
  }
  return bucket_high(counts_.rbegin()->first);
}

double duration_histogram::share_within(std::int64_t limit_seconds) const {
  if (count_ == 0 || limit_seconds < 0) return 0;
  int last = bucket_of(limit_seconds);
  std::uint64_t within = 0;
  for (const auto& [b, n] : counts_) {
    if (b > last) break;
    within += n;
  }
  return static_cast<double>(within) / static_cast<double>(count_);
}

bool duration_histogram::add_to_bucket(int bucket, std::int64_t n) {
  if (bucket < 0 || bucket >= bucket_count()) return false;
  auto it = counts_.find(bucket);
  std::int64_t now = it == counts_.end() ? 0 : static_cast<std::int64_t>(it->second);
  if (now + n < 0) return false;
  if (now + n == 0) {
    if (it != counts_.end()) counts_.erase(it);
  } else {
    counts_[bucket] = static_cast<std::uint64_t>(now + n);
  }
  count_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(count_) + n);
  return true;
}

std::string duration_histogram::encode() const {
  std::string out;
  for (const auto& [b, n] : counts_) {
    if (!out.empty()) out += ',';
    out += std::to_string(b);
    out += ':';
    out += std::to_string(n);
  }
  return out;
}

core::result<duration_histogram> duration_histogram::decode(std::string_view text) {
  duration_histogram h;
  int previous = -1;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return core::invalid("histogram: a trailing comma");
    auto colon = item.find(':');
    if (colon == std::string_view::npos) return core::invalid("histogram: '" + std::string(item) + "' is not bucket:count");
    int b = -1;
    std::uint64_t n = 0;
    auto bi = item.substr(0, colon);
    auto ni = item.substr(colon + 1);
    auto [pb, eb] = std::from_chars(bi.data(), bi.data() + bi.size(), b);
    auto [pn, en] = std::from_chars(ni.data(), ni.data() + ni.size(), n);
    if (eb != std::errc{} || pb != bi.data() + bi.size() || en != std::errc{} || pn != ni.data() + ni.size() || bi.empty() ||
        ni.empty()) {
      return core::invalid("histogram: '" + std::string(item) + "' is not bucket:count");
    }
    if (b < 0 || b >= bucket_count() || b <= previous || n == 0) {
      return core::invalid("histogram: bucket " + std::to_string(b) + " is out of range, repeated or empty");
    }
    previous = b;
    h.counts_[b] = n;
    h.count_ += n;
  }
  return h;
}

}  // namespace siaga::domain
