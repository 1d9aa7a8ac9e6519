// call_stats() grouped by day or by hour (issue 10): read from the call period rollups
// (migration 13, one row per local hour and per local day, every figure of a bucket and, since
// migration 15, the answer times' histogram), the partial hours at the ends of the period from
// the call rows, so that a year reads 365 day rows or 8,760 hour rows. Every count is the one
// compute_call_stats gives over the rows; percentiles are the histograms' (within 1/128 of the
// rows' nearest rank, domain::millis_histogram). Groups are kept by their local day or hour
// number and named only at the end.
#include "services/call_stats.hpp"

#include "domain/millis_histogram.hpp"
#include "storage/call_rollup_deltas.hpp"

#include <array>
#include <chrono>

namespace siaga::services {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

constexpr std::int64_t micros_per_hour = 3'600'000'000;

// One group as it is gathered: its figures (call_period_columns) and answer times.
struct period_group {
  storage::call_period_figures figures{};
  domain::millis_histogram hist;

  void add(const storage::call_period_figures& f, const domain::millis_histogram& h) {
    for (std::size_t i = 0; i < f.size(); ++i) figures[i] += f[i];
    if (hist.empty()) {
      hist = h;
    } else {
      hist.merge(h);
    }
  }
};

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

std::array<std::optional<double>, 3> percentiles_of(const domain::millis_histogram& h) {
  std::array<std::optional<double>, 3> out;
  for (std::size_t p = 0; p < 3; ++p) {
    if (auto ms = h.percentile(percentile_points[p])) out[p] = static_cast<double>(*ms) / 1000.0;
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
      domain::millis_histogram h;
      if (r.answered_at) h.add(storage::answer_ms(r));
      groups[by_hour ? hours : floor_div(hours, 24)].add(storage::period_figures_of(r), h);
    }
    return {};
  };
  auto add_rollups = [&](int grain, std::int64_t a, std::int64_t b) -> core::result<void> {
    if (b <= a) return {};
    SIAGA_TRY(rows, reader.call_period_rollups({jurisdiction_id, grain, a, b}));
    for (const auto& r : rows) groups[by_hour ? r.day * 24 + r.hour : r.day].add(r.figures, r.hist);
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
  domain::millis_histogram_sum total_times;
  for (auto& [index, g] : groups) {
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += g.figures[i];
    total_times.add(g.hist);
    out.groups.push_back(bucket_of(key_of(index, group), g.figures, percentiles_of(g.hist)));
  }
  out.total = bucket_of("total", total, percentiles_of(total_times.histogram()));
  return out;
}

}  // namespace siaga::services
