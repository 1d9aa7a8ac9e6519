#include "domain/millis_histogram.hpp"

#include "domain/varint.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace siaga::domain {
namespace {

constexpr int exact_limit = 128;  // values below are their own bucket
constexpr int sub_bits = 6;       // 64 buckets per power of two
constexpr int sub_buckets = 1 << sub_bits;
constexpr int first_power = 7;  // 2^7 = 128
constexpr int last_power = 30;  // [2^30, 2^31)

}  // namespace

int millis_histogram::bucket_count() { return exact_limit + (last_power - first_power + 1) * sub_buckets; }

int millis_histogram::bucket_of(std::int64_t ms) {
  ms = std::clamp<std::int64_t>(ms, 0, max_millis);
  if (ms < exact_limit) return static_cast<int>(ms);
  int power = std::bit_width(static_cast<std::uint64_t>(ms)) - 1;  // 2^power <= ms
  int sub = static_cast<int>((ms - (std::int64_t{1} << power)) >> (power - sub_bits));
  return exact_limit + (power - first_power) * sub_buckets + sub;
}

std::int64_t millis_histogram::bucket_low(int bucket) {
  if (bucket < exact_limit) return bucket;
  int power = first_power + (bucket - exact_limit) / sub_buckets;
  int sub = (bucket - exact_limit) % sub_buckets;
  return (std::int64_t{1} << power) + (static_cast<std::int64_t>(sub) << (power - sub_bits));
}

std::int64_t millis_histogram::bucket_high(int bucket) {
  if (bucket < exact_limit) return bucket;
  int power = first_power + (bucket - exact_limit) / sub_buckets;
  return bucket_low(bucket) + (std::int64_t{1} << (power - sub_bits)) - 1;
}

std::int64_t millis_histogram::bucket_value(int bucket) {
  if (bucket < exact_limit) return bucket;
  int power = first_power + (bucket - exact_limit) / sub_buckets;
  return bucket_low(bucket) + (std::int64_t{1} << (power - sub_bits - 1));
}

void millis_histogram::add(std::int64_t ms, std::int64_t n) {
  if (n > 0) add_to_bucket(bucket_of(ms), n);
}

bool millis_histogram::add_to_bucket(int bucket, std::int64_t n) {
  if (bucket < 0 || bucket >= bucket_count()) return false;
  auto it = std::lower_bound(counts_.begin(), counts_.end(), bucket,
                             [](const auto& bn, int b) { return bn.first < b; });
  bool found = it != counts_.end() && it->first == bucket;
  std::int64_t now = found ? it->second : 0;
  if (now + n < 0) return false;
  if (now + n == 0) {
    if (found) counts_.erase(it);
  } else if (found) {
    it->second = now + n;
  } else {
    counts_.insert(it, {bucket, n});
  }
  count_ += n;
  return true;
}

void millis_histogram::merge(const millis_histogram& other) {
  if (other.counts_.empty()) return;
  std::vector<std::pair<int, std::int64_t>> out;
  out.reserve(counts_.size() + other.counts_.size());
  auto a = counts_.begin();
  auto b = other.counts_.begin();
  while (a != counts_.end() || b != other.counts_.end()) {
    if (b == other.counts_.end() || (a != counts_.end() && a->first < b->first)) {
      out.push_back(*a++);
    } else if (a == counts_.end() || b->first < a->first) {
      out.push_back(*b++);
    } else {
      out.emplace_back(a->first, a->second + b->second);
      ++a, ++b;
    }
  }
  counts_ = std::move(out);
  count_ += other.count_;
}

std::optional<std::int64_t> millis_histogram::percentile(double p) const {
  if (count_ == 0 || !(p > 0) || p > 100) return std::nullopt;
  auto rank = static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(count_) - 1e-9));
  rank = std::clamp<std::int64_t>(rank, 1, count_);
  for (const auto& [b, n] : counts_) {
    if (rank <= n) return bucket_value(b);
    rank -= n;
  }
  return bucket_value(counts_.back().first);
}

std::string millis_histogram::encode() const {
  std::string out;
  out.reserve(counts_.size() * 2);
  int previous = -1;
  for (const auto& [b, n] : counts_) {
    varint::put(out, static_cast<std::uint64_t>(b - previous - 1));
    varint::put(out, static_cast<std::uint64_t>(n));
    previous = b;
  }
  return out;
}

core::result<millis_histogram> millis_histogram::decode(std::string_view bytes) {
  millis_histogram h;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  h.counts_.reserve(bytes.size() / 2);
  std::int64_t previous = -1;
  while (p != end) {
    std::uint64_t gap = 0, n = 0;
    if (!varint::get(p, end, gap) || !varint::get(p, end, n)) return core::invalid("millis histogram: truncated");
    if (gap >= static_cast<std::uint64_t>(bucket_count()) || n == 0 || n > (std::uint64_t{1} << 62)) {
      return core::invalid("millis histogram: a bucket out of range or an empty count");
    }
    previous += static_cast<std::int64_t>(gap) + 1;
    if (previous >= bucket_count()) return core::invalid("millis histogram: a bucket out of range");
    h.counts_.emplace_back(static_cast<int>(previous), static_cast<std::int64_t>(n));
    h.count_ += static_cast<std::int64_t>(n);
  }
  return h;
}

void millis_histogram_sum::add(const millis_histogram& h) {
  if (h.empty()) return;
  auto top = static_cast<std::size_t>(h.top_bucket());
  if (counts_.size() <= top) counts_.resize(top + 1, 0);
  for (const auto& [b, n] : h.buckets()) counts_[static_cast<std::size_t>(b)] += n;
}

void millis_histogram_sum::add_value(std::int64_t ms, std::int64_t n) {
  if (n <= 0) return;
  auto b = static_cast<std::size_t>(millis_histogram::bucket_of(ms));
  if (counts_.size() <= b) counts_.resize(b + 1, 0);
  counts_[b] += n;
}

millis_histogram millis_histogram_sum::histogram() const {
  millis_histogram h;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    if (counts_[b] != 0) h.add_to_bucket(static_cast<int>(b), counts_[b]);
  }
  return h;
}

}  // namespace siaga::domain
