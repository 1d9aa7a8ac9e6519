// call_stats() grouped by day or by hour (issue 10): read from the call period rollups
// (migration 13, one row per local hour and per local day, every figure of a bucket and the
// exact answer times), the partial hours at the ends of the period from the call rows, so that
// a year reads 365 day rows or 8,760 hour rows and every figure, percentiles included, is the
// one compute_call_stats gives over the rows. Groups are kept by their local day or hour
// number and named only at the end.
#include "services/call_stats.hpp"

#include "storage/call_rollup_deltas.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace siaga::services {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

constexpr std::int64_t micros_per_hour = 3'600'000'000;

using millis_list = std::vector<std::pair<std::int64_t, std::int64_t>>;  // value, count; ascending once sorted

// One group as it is gathered: its figures (call_period_columns) and answer times.
struct period_group {
  storage::call_period_figures figures{};
  millis_list millis;
  int sources = 0;  // lists appended: more than one needs a sort

  void add(const storage::call_period_figures& f, const millis_list& ms) {
    for (std::size_t i = 0; i < f.size(); ++i) figures[i] += f[i];
    if (ms.empty()) return;
    millis.insert(millis.end(), ms.begin(), ms.end());
    ++sources;
  }
  void sort() {
    if (sources > 1) std::sort(millis.begin(), millis.end());
    sources = 1;
  }
};

// The rank (1-based) of the p-th percentile by nearest rank among n values, as
// domain::percentile counts it.
std::int64_t rank_of(double p, std::int64_t n) {
  auto rank = static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(n) - 1e-9));
  return std::clamp<std::int64_t>(rank, 1, n);
}

std::int64_t count_of(const millis_list& m) {
  std::int64_t n = 0;
  for (const auto& [v, k] : m) n += k;
  return n;
}

// The value of a rank in a sorted list.
std::optional<double> value_at(const millis_list& m, std::int64_t rank) {
  for (const auto& [v, k] : m) {
    if (rank <= k) return static_cast<double>(v) / 1000.0;
    rank -= k;
  }
  return std::nullopt;
}

std::string key_of(std::int64_t index, stats_group g) {
  if (g != stats_group::hour) return rollup_date_key(index, 0, g);
  auto day = floor_div(index, 24);
  return rollup_date_key(day, static_cast<int>(index - day * 24), g);
}

// A bucket from a group's figures, its percentiles given.
call_stats_bucket bucket_of(std::string key, const storage::call_period_figures& f,
                            const std::array<std::optional<double>, 3>& percentiles) {
  call_stats_bucket b;
  b.key = std::move(key);
  b.total = f[0];
  b.answered = f[1];
  b.abandoned = f[2];
  b.missed = f[3];
  b.live = f[4];
  for (std::size_t i = 5; i < 12; ++i) b.by_classification[std::string(storage::call_period_columns[i])] = f[i];
  b.follow_ups = f[12];
  b.answered_within[10] = f[13];
  b.answered_within[15] = f[14];
  b.answered_within[20] = f[15];
  b.answer_p50_s = percentiles[0];
  b.answer_p90_s = percentiles[1];
  b.answer_p95_s = percentiles[2];
  add_shares(b);
  return b;
}

constexpr double percentile_points[] = {50, 90, 95};

// The total's percentiles over every group's sorted answer times without merging them all:
// counts per whole second find each rank's second, then only that second's values are merged.
std::array<std::optional<double>, 3> total_percentiles(const std::map<std::int64_t, period_group>& groups) {
  std::map<std::int64_t, std::int64_t> per_second;
  std::int64_t n = 0;
  for (const auto& [index, g] : groups) {
    std::int64_t second = 0, run = 0;
    bool open = false;
    for (const auto& [v, k] : g.millis) {
      auto s = floor_div(v, 1000);
      if (open && s != second) per_second[second] += run, run = 0;
      second = s, open = true, run += k;
    }
    if (open) per_second[second] += run;
    n += count_of(g.millis);
  }
  std::array<std::optional<double>, 3> out;
  if (n == 0) return out;
  for (std::size_t p = 0; p < 3; ++p) {
    auto rank = rank_of(percentile_points[p], n);
    for (const auto& [second, k] : per_second) {
      if (rank > k) {
        rank -= k;
        continue;
      }
      storage::value_counts in_second;
      for (const auto& [index, g] : groups) {
        auto it = std::lower_bound(g.millis.begin(), g.millis.end(), std::pair{second * 1000, std::int64_t{0}});
        for (; it != g.millis.end() && floor_div(it->first, 1000) == second; ++it) in_second[it->first] += it->second;
      }
      for (const auto& [v, c] : in_second) {
        if (rank <= c) {
          out[p] = static_cast<double>(v) / 1000.0;
          break;
        }
        rank -= c;
      }
      break;
    }
  }
  return out;
}

}  // namespace

core::result<call_stats_report> period_call_stats(storage::store_reader& reader, const std::string& jurisdiction_id,
                                                  core::timestamp from, core::timestamp to, stats_group group,
                                                  int offset) {
  bool by_hour = group == stats_group::hour;
  std::map<std::int64_t, period_group> groups;  // local day or hour number -> figures
  auto add_rows = [&](core::timestamp a, core::timestamp b) -> core::result<void> {
    if (b <= a) return {};
    SIAGA_TRY(rows, reader.calls_between(jurisdiction_id, a, b));
    for (const auto& r : rows) {
      auto hours = storage::local_hour_number(r.ring_at, offset);
      millis_list ms;
      if (r.answered_at) ms.emplace_back(storage::answer_ms(r), 1);
      groups[by_hour ? hours : floor_div(hours, 24)].add(storage::period_figures_of(r), ms);
    }
    return {};
  };
  auto add_rollups = [&](int grain, std::int64_t a, std::int64_t b) -> core::result<void> {
    if (b <= a) return {};
    SIAGA_TRY(rows, reader.call_period_rollups({jurisdiction_id, grain, a, b}));
    for (const auto& r : rows) groups[by_hour ? r.day * 24 + r.hour : r.day].add(r.figures, r.millis);
    return {};
  };
  auto shift = std::int64_t{offset} * 60'000'000;
  auto first_hour = ceil_div(core::to_micros(from) + shift, micros_per_hour);
  auto end_hour = floor_div(core::to_micros(to) + shift, micros_per_hour);
  auto hour_start = [&](std::int64_t h) { return core::from_micros(h * micros_per_hour - shift); };
  if (first_hour >= end_hour) {
    SIAGA_CHECK(add_rows(from, to));
  } else {
    SIAGA_CHECK(add_rows(from, hour_start(first_hour)));
    SIAGA_CHECK(add_rows(hour_start(end_hour), to));
    auto first_day = ceil_div(first_hour, 24);
    auto end_day = floor_div(end_hour, 24);
    if (!by_hour && first_day < end_day) {
      SIAGA_CHECK(add_rollups(0, first_hour, first_day * 24));
      SIAGA_CHECK(add_rollups(1, first_day, end_day));
      SIAGA_CHECK(add_rollups(0, end_day * 24, end_hour));
    } else {
      SIAGA_CHECK(add_rollups(0, first_hour, end_hour));
    }
  }
  call_stats_report out;
  out.group = group;
  storage::call_period_figures total{};
  for (auto& [index, g] : groups) {
    g.sort();
    std::array<std::optional<double>, 3> ps;
    auto n = count_of(g.millis);
    for (std::size_t p = 0; p < 3 && n > 0; ++p) ps[p] = value_at(g.millis, rank_of(percentile_points[p], n));
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += g.figures[i];
    out.groups.push_back(bucket_of(key_of(index, group), g.figures, ps));
  }
  out.total = bucket_of("total", total, total_percentiles(groups));
  return out;
}

}  // namespace siaga::services
