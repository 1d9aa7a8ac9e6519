#include "storage/call_rollup_deltas.hpp"

#include "storage/rollup_deltas.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace siaga::storage {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

void call_roll_counts::add(const call_roll_counts& o) {
  n += o.n;
  follow_ups += o.follow_ups;
  within_10 += o.within_10;
  within_15 += o.within_15;
  within_20 += o.within_20;
}

std::string encode_value_counts(const value_counts& m) {
  std::string out;
  for (const auto& [v, n] : m) {
    if (n == 0) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(v);
    out += ':';
    out += std::to_string(n);
  }
  return out;
}

std::optional<value_counts> decode_value_counts(std::string_view text) {
  value_counts out;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    std::int64_t v = 0, n = 0;
    auto a = std::from_chars(p, end, v);
    if (a.ec != std::errc() || a.ptr == end || *a.ptr != ':') return std::nullopt;
    auto b = std::from_chars(a.ptr + 1, end, n);
    if (b.ec != std::errc() || n <= 0) return std::nullopt;
    if (!out.empty() && out.rbegin()->first >= v) return std::nullopt;
    out.emplace_hint(out.end(), v, n);
    p = b.ptr;
    if (p < end) {
      if (*p != ',') return std::nullopt;
      ++p;
      if (p == end) return std::nullopt;
    }
  }
  return out;
}

result<domain::millis_histogram> decoded_histogram(std::string_view bytes, std::string_view table) {
  auto h = domain::millis_histogram::decode(bytes);
  if (!h) {
    return core::make_error(core::errc::storage_failure,
                            std::string(table) + ": unreadable answer times (" + h.error().message + "); run siaga stats rebuild");
  }
  return std::move(*h);
}

result<void> apply_changes(domain::millis_histogram& hist, const bucket_changes& changes, std::string_view table) {
  for (const auto& [b, n] : changes) {
    if (n != 0 && !hist.add_to_bucket(b, n)) {
      return core::make_error(core::errc::storage_failure,
                              std::string(table) + ": a count would go below zero; run siaga stats rebuild");
    }
  }
  return {};
}

std::int64_t answer_ms(const call_stat_row& r) {
  return r.answered_at ? std::chrono::duration_cast<std::chrono::milliseconds>(*r.answered_at - r.ring_at).count() : 0;
}

bool call_period_change::zero() const {
  return std::all_of(figures.begin(), figures.end(), [](std::int64_t n) { return n == 0; }) &&
         std::all_of(buckets.begin(), buckets.end(), [](const auto& bn) { return bn.second == 0; });
}

call_period_figures period_figures_of(const call_stat_row& r) {
  enum column : std::size_t { n, answered, abandoned, missed, live, first_class = 5, unclassified = 11, follow_ups,
                              within_10, within_15, within_20 };
  call_period_figures f{};
  f[n] = 1;
  if (!r.outcome) {
    f[live] = 1;
  } else {
    switch (*r.outcome) {
      case domain::call_outcome::answered:
        f[answered] = 1;
        break;
      case domain::call_outcome::abandoned:
        f[abandoned] = 1;
        break;
      case domain::call_outcome::missed:
        f[missed] = 1;
        break;
    }
  }
  if (r.classification) {
    f[first_class + static_cast<std::size_t>(*r.classification)] = 1;
  } else if (r.outcome == domain::call_outcome::answered) {
    f[unclassified] = 1;
  }
  if (r.dispatched) f[follow_ups] = 1;
  if (r.answered_at) {
    auto ms = answer_ms(r);
    f[within_10] = ms <= 10'000;
    f[within_15] = ms <= 15'000;
    f[within_20] = ms <= 20'000;
  }
  return f;
}

std::int64_t local_hour_number(core::timestamp t, int offset_minutes) {
  return floor_div(floor_div(core::to_micros(t), 1'000'000) + std::int64_t{offset_minutes} * 60, 3600);
}

void call_rollup_deltas::add_call(const std::string& jurisdiction_id, const call_stat_row& r, int offset_minutes,
                                  int sign) {
  auto hours = local_hour_number(r.ring_at, offset_minutes);
  auto day = floor_div(hours, 24);
  int hour = static_cast<int>(hours - day * 24);
  call_roll_key key{jurisdiction_id,
                    day,
                    hour,
                    r.agent,
                    r.line,
                    r.outcome ? std::string(domain::to_string(*r.outcome)) : std::string(),
                    r.classification ? std::string(domain::to_string(*r.classification)) : std::string()};
  auto figures = period_figures_of(r);
  auto bucket = r.answered_at ? domain::millis_histogram::bucket_of(answer_ms(r)) : -1;
  for (const call_period_key& p : {call_period_key{jurisdiction_id, 0, day, hour}, call_period_key{jurisdiction_id, 1, day, -1}}) {
    auto& change = periods_[p];
    for (std::size_t i = 0; i < figures.size(); ++i) change.figures[i] += sign * figures[i];
    if (r.answered_at) change.buckets[bucket] += sign;
  }
  auto& c = calls_[key];
  c.n += sign;
  if (r.dispatched) c.follow_ups += sign;
  if (!r.answered_at) return;
  auto ms = answer_ms(r);
  if (ms <= 10'000) c.within_10 += sign;
  if (ms <= 15'000) c.within_15 += sign;
  if (ms <= 20'000) c.within_20 += sign;
  answers_[{jurisdiction_id, day, hour, r.agent, r.line}][bucket] += sign;
}

void call_rollup_deltas::merge(call_rollup_deltas&& other) {
  for (auto& [k, c] : other.calls_) calls_[k].add(c);
  for (auto& [k, m] : other.answers_) {
    auto& mine = answers_[k];
    for (auto& [b, n] : m) mine[b] += n;
  }
  for (auto& [k, p] : other.periods_) {
    auto& mine = periods_[k];
    for (std::size_t i = 0; i < p.figures.size(); ++i) mine.figures[i] += p.figures[i];
    for (auto& [b, n] : p.buckets) mine.buckets[b] += n;
  }
  other.clear();
}

bool call_rollup_deltas::empty() const {
  return std::all_of(calls_.begin(), calls_.end(), [](const auto& kv) { return kv.second.zero(); }) &&
         std::all_of(answers_.begin(), answers_.end(), [](const auto& kv) {
           return std::all_of(kv.second.begin(), kv.second.end(), [](const auto& bn) { return bn.second == 0; });
         }) &&
         std::all_of(periods_.begin(), periods_.end(), [](const auto& kv) { return kv.second.zero(); });
}

void call_rollup_deltas::clear() {
  calls_.clear();
  answers_.clear();
  periods_.clear();
}

}  // namespace siaga::storage
