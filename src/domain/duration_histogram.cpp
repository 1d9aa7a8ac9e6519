#include "domain/duration_histogram.hpp"

#include "domain/varint.hpp"

#include <algorithm>
#include <bit>
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

void duration_histogram::make_room() {
  if (counts_.empty()) counts_.assign(static_cast<std::size_t>(bucket_count()), 0);
}

void duration_histogram::add(std::int64_t seconds, std::uint64_t n) {
  if (n == 0) return;
  make_room();
  counts_[static_cast<std::size_t>(bucket_of(seconds))] += n;
  count_ += n;
}

void duration_histogram::merge(const duration_histogram& other) {
  if (other.count_ == 0) return;
  make_room();
  for (std::size_t b = 0; b < other.counts_.size(); ++b) counts_[b] += other.counts_[b];
  count_ += other.count_;
}

std::int64_t duration_histogram::quantile(double q) const {
  if (count_ == 0) return -1;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  int last = 0;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    if (counts_[b] == 0) continue;
    last = static_cast<int>(b);
    seen += counts_[b];
    if (seen >= rank) return (bucket_low(last) + bucket_high(last) + 1) / 2;
  }
  return bucket_high(last);
}

double duration_histogram::share_within(std::int64_t limit_seconds) const {
  if (count_ == 0 || limit_seconds < 0) return 0;
  auto last = static_cast<std::size_t>(bucket_of(limit_seconds));
  std::uint64_t within = 0;
  for (std::size_t b = 0; b <= last && b < counts_.size(); ++b) within += counts_[b];
  return static_cast<double>(within) / static_cast<double>(count_);
}

bool duration_histogram::add_to_bucket(int bucket, std::int64_t n) {
  if (bucket < 0 || bucket >= bucket_count()) return false;
  auto at = static_cast<std::size_t>(bucket);
  std::int64_t now = counts_.empty() ? 0 : static_cast<std::int64_t>(counts_[at]);
  if (now + n < 0) return false;
  if (n == 0) return true;
  make_room();
  counts_[at] = static_cast<std::uint64_t>(now + n);
  count_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(count_) + n);
  return true;
}

std::string duration_histogram::encode() const {
  std::string out;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    if (counts_[b] == 0) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(b);
    out += ':';
    out += std::to_string(counts_[b]);
  }
  return out;
}

namespace {

core::error not_an_item(const char* item, const char* end) {
  const char* stop = item;
  while (stop != end && *stop != ',') ++stop;
  return core::invalid("histogram: '" + std::string(item, stop) + "' is not bucket:count");
}

// Calls each(bucket, count) for the items of encode()'s text in order, while it returns true;
// invalid_input at the first item that is not "bucket:count" with an ascending bucket in range
// and a count above 0 (the items before it were passed to each). Scanned by hand: statistics
// over a year parse megabytes of these, and find + from_chars per token cost three times more.
template <class Each>
core::result<void> for_each_item(std::string_view text, Each&& each) {
  const char* p = text.data();
  const char* end = p + text.size();
  int previous = -1;
  while (p != end) {
    const char* item = p;
    std::uint64_t b = 0;
    int digits = 0;
    for (; p != end && *p >= '0' && *p <= '9' && digits < 10; ++p, ++digits) b = b * 10 + static_cast<unsigned>(*p - '0');
    if (digits == 0 || p == end || *p != ':') return not_an_item(item, end);
    ++p;
    std::uint64_t n = 0;
    digits = 0;  // 19 digits always fit in 64 bits; a 20th is refused below
    for (; p != end && *p >= '0' && *p <= '9' && digits < 19; ++p, ++digits) n = n * 10 + static_cast<unsigned>(*p - '0');
    if (digits == 0 || (p != end && *p != ',')) return not_an_item(item, end);
    if (b >= static_cast<std::uint64_t>(duration_histogram::bucket_count()) || static_cast<int>(b) <= previous || n == 0) {
      return core::invalid("histogram: bucket " + std::to_string(b) + " is out of range, repeated or empty");
    }
    previous = static_cast<int>(b);
    if (!each(static_cast<int>(b), n)) return {};
    if (p != end && ++p == end) return core::invalid("histogram: a trailing comma");
  }
  return {};
}

// Varints of pack(): calls each(bucket, count) in order while it returns true; invalid_input at
// the first pair that is truncated, past the last bucket or of count 0.
template <class Each>
core::result<void> for_each_packed(std::string_view bytes, Each&& each) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  std::uint64_t previous = ~std::uint64_t{0};  // -1: the first gap counts from before bucket 0
  while (p != end) {
    std::uint64_t gap = 0, n = 0;
    if (!varint::get(p, end, gap) || !varint::get(p, end, n)) return core::invalid("histogram: truncated packed bytes");
    auto limit = static_cast<std::uint64_t>(duration_histogram::bucket_count());
    if (gap >= limit || previous + gap + 1 >= limit || n == 0) {
      return core::invalid("histogram: a packed bucket out of range or empty");
    }
    previous += gap + 1;
    if (!each(static_cast<int>(previous), n)) return {};
  }
  return {};
}

// Adds what scan(bytes, each) passes to each into counts, or nothing when scan fails.
template <class Scan>
core::result<void> merge_scanned(std::vector<std::uint64_t>& counts, std::uint64_t& count, std::string_view bytes,
                                 Scan&& scan) {
  std::size_t added = 0;
  auto parsed = scan(bytes, [&](int b, std::uint64_t n) {
    counts[static_cast<std::size_t>(b)] += n;
    count += n;
    ++added;
    return true;
  });
  if (!parsed) {
    // Bad input adds nothing: take back the items before the bad one (a rare path).
    (void)scan(bytes, [&](int b, std::uint64_t n) {
      if (added == 0) return false;
      counts[static_cast<std::size_t>(b)] -= n;
      count -= n;
      return --added > 0;
    });
  }
  return parsed;
}

}  // namespace

core::result<duration_histogram> duration_histogram::decode(std::string_view text) {
  duration_histogram h;
  SIAGA_CHECK(h.merge_encoded(text));
  return h;
}

core::result<void> duration_histogram::merge_encoded(std::string_view text) {
  if (text.empty()) return {};
  make_room();
  return merge_scanned(counts_, count_, text, [](std::string_view t, auto&& each) { return for_each_item(t, each); });
}

std::string duration_histogram::pack() const {
  std::string out;
  std::size_t previous = ~std::size_t{0};
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    if (counts_[b] == 0) continue;
    varint::put(out, b - previous - 1);
    varint::put(out, counts_[b]);
    previous = b;
  }
  return out;
}

core::result<duration_histogram> duration_histogram::unpack(std::string_view bytes) {
  duration_histogram h;
  SIAGA_CHECK(h.merge_packed(bytes));
  return h;
}

core::result<void> duration_histogram::merge_packed(std::string_view bytes) {
  if (bytes.empty()) return {};
  make_room();
  return merge_scanned(counts_, count_, bytes, [](std::string_view b, auto&& each) { return for_each_packed(b, each); });
}

bool operator==(const duration_histogram& a, const duration_histogram& b) {
  if (a.count_ != b.count_) return false;
  if (a.counts_.empty() || b.counts_.empty()) return a.count_ == 0;
  return a.counts_ == b.counts_;
}

}  // namespace siaga::domain
