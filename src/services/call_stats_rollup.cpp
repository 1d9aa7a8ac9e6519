// call_stats() from the call rollups (issue 10): whole local hours, days and months from the
// rollup rows, the partial hours at the ends of the period from the call rows themselves, so
// that every count is the same as compute_call_stats over all the period's rows. Percentiles
// come from the rows' answer-time histograms added up (domain::millis_histogram: the nearest
// rank's value within 1/128 of the exact one, exact below 128 ms).
#include "services/call_stats.hpp"

#include "domain/millis_histogram.hpp"
#include "storage/call_rollup_deltas.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace siaga::services {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

constexpr std::int64_t micros_per_hour = 3'600'000'000;

std::int64_t month_start(std::int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day}}};
  return sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

std::int64_t next_month_start(std::int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{month_start(day)}}};
  return sys_days{(ymd.year() / ymd.month() / 1) + months(1)}.time_since_epoch().count();
}

// One group's figures as they are gathered.
struct gathered {
  call_stats_bucket b;
  domain::millis_histogram_sum answers;  // rollup rows' histograms and the edge rows' times

  void add_counts(const storage::call_rollup_row& r) {
    b.total += r.n;
    if (r.outcome.empty()) {
      b.live += r.n;
    } else if (r.outcome == "answered") {
      b.answered += r.n;
    } else if (r.outcome == "abandoned") {
      b.abandoned += r.n;
    } else if (r.outcome == "missed") {
      b.missed += r.n;
    }
    if (!r.classification.empty()) {
      b.by_classification[r.classification] += r.n;
    } else if (r.outcome == "answered") {
      b.by_classification["unclassified"] += r.n;
    }
    b.answered_within[10] += r.within_10;
    b.answered_within[15] += r.within_15;
    b.answered_within[20] += r.within_20;
    b.follow_ups += r.follow_ups;
  }

  void add_row(const storage::call_stat_row& r) {
    storage::call_rollup_row counts;
    counts.n = 1;
    counts.outcome = r.outcome ? std::string(domain::to_string(*r.outcome)) : std::string();
    counts.classification = r.classification ? std::string(domain::to_string(*r.classification)) : std::string();
    counts.follow_ups = r.dispatched ? 1 : 0;
    if (r.answered_at) {
      auto ms = storage::answer_ms(r);
      counts.within_10 = ms <= 10'000;
      counts.within_15 = ms <= 15'000;
      counts.within_20 = ms <= 20'000;
      answers.add_value(ms);
    }
    add_counts(counts);
  }
};

class rollup_reader {
 public:
  rollup_reader(storage::store_reader& reader, std::string jurisdiction_id, stats_group group, int offset)
      : reader_(reader), jurisdiction_id_(std::move(jurisdiction_id)), group_(group), offset_(offset) {
    total_.b.key = "total";
  }

  core::result<void> add_rows(core::timestamp from, core::timestamp to) {
    if (to <= from) return {};
    SIAGA_TRY(rows, reader_.calls_between(jurisdiction_id_, from, to));
    for (const auto& r : rows) {
      group_of(raw_key(r)).add_row(r);
      total_.add_row(r);
    }
    return {};
  }

  core::result<void> add_rollups(const storage::call_rollup_range& range) {
    if (range.to <= range.from) return {};
    SIAGA_TRY(counts, reader_.call_rollup_counts(range));
    for (const auto& r : counts) {
      group_of(key_of(r.day, r.hour, r.agent, r.line)).add_counts(r);
      total_.add_counts(r);
    }
    SIAGA_TRY(answers, reader_.call_answer_histograms(range));
    for (const auto& a : answers) {
      group_of(key_of(a.day, a.hour, a.agent, a.line)).answers.add(a.hist);
      total_.answers.add(a.hist);
    }
    return {};
  }

  core::result<call_stats_report> finish() {
    call_stats_report out;
    out.group = group_;
    for (auto& [key, g] : groups_) out.groups.push_back(finish(g));
    out.total = finish(total_);
    return out;
  }

 private:
  gathered& group_of(const std::string& key) {
    auto& g = groups_[key];
    g.b.key = key;
    return g;
  }

  std::string raw_key(const storage::call_stat_row& r) const {
    if (group_ == stats_group::agent) return r.agent;
    if (group_ == stats_group::line) return r.line;
    auto hours = storage::local_hour_number(r.ring_at, offset_);
    auto day = floor_div(hours, 24);
    return rollup_date_key(day, static_cast<int>(hours - day * 24), group_);
  }

  std::string key_of(std::int64_t day, int hour, const std::string& agent, const std::string& line) const {
    if (group_ == stats_group::agent) return agent;
    if (group_ == stats_group::line) return line;
    return rollup_date_key(day, hour, group_);
  }

  static call_stats_bucket finish(gathered& g) {
    auto& b = g.b;
    for (auto k : {"valid", "prank", "ghost", "information", "misdirected", "test", "unclassified"}) {
      b.by_classification.try_emplace(k, 0);
    }
    auto hist = g.answers.histogram();
    auto seconds = [&](double p) {
      auto ms = hist.percentile(p);
      return ms ? std::optional<double>(static_cast<double>(*ms) / 1000.0) : std::nullopt;
    };
    b.answer_p50_s = seconds(50);
    b.answer_p90_s = seconds(90);
    b.answer_p95_s = seconds(95);
    add_shares(b);
    return b;
  }

  storage::store_reader& reader_;
  std::string jurisdiction_id_;
  stats_group group_;
  int offset_;
  std::map<std::string, gathered> groups_;
  gathered total_;
};

}  // namespace

// The key of a rollup row's local day and hour, as time_key() names a ring time.
std::string rollup_date_key(std::int64_t day, int hour, stats_group g) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char buf[32];
  auto y = static_cast<int>(ymd.year());
  auto m = static_cast<unsigned>(ymd.month());
  auto d = static_cast<unsigned>(ymd.day());
  if (g == stats_group::hour) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d", y, m, d, hour);
  } else if (g == stats_group::day) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  }
  return buf;
}

core::result<call_stats_report> rolled_up_call_stats(storage::store_reader& reader, const std::string& jurisdiction_id,
                                                     core::timestamp from, core::timestamp to, stats_group group,
                                                     int offset) {
  rollup_reader out(reader, jurisdiction_id, group, offset);
  auto shift = std::int64_t{offset} * 60'000'000;
  auto first_hour = ceil_div(core::to_micros(from) + shift, micros_per_hour);
  auto end_hour = floor_div(core::to_micros(to) + shift, micros_per_hour);
  auto hour_start = [&](std::int64_t h) { return core::from_micros(h * micros_per_hour - shift); };
  if (first_hour >= end_hour) {
    SIAGA_CHECK(out.add_rows(from, to));
    return out.finish();
  }
  SIAGA_CHECK(out.add_rows(from, hour_start(first_hour)));
  SIAGA_CHECK(out.add_rows(hour_start(end_hour), to));
  // Whole months from the month rows when the groups are not days or hours.
  bool months = group == stats_group::month || group == stats_group::agent || group == stats_group::line;
  auto first_day = ceil_div(first_hour, 24);
  auto end_day = floor_div(end_hour, 24);
  auto first_month = month_start(first_day) == first_day ? first_day : next_month_start(first_day);
  auto end_month = month_start(end_day);
  if (months && first_month < end_month) {
    SIAGA_CHECK(out.add_rollups({jurisdiction_id, 0, first_hour, first_month * 24}));
    SIAGA_CHECK(out.add_rollups({jurisdiction_id, 1, first_month, end_month}));
    SIAGA_CHECK(out.add_rollups({jurisdiction_id, 0, end_month * 24, end_hour}));
  } else {
    SIAGA_CHECK(out.add_rollups({jurisdiction_id, 0, first_hour, end_hour}));
  }
  return out.finish();
}

}  // namespace siaga::services
