#include "storage/rollup_rows.hpp"

#include "domain/duration_histogram.hpp"

#include <chrono>
#include <cstdio>

namespace siaga::storage {
namespace {

// "2025-06-03" for a day row, "2025-06" for a month row.
std::string day_text(int grain, std::int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day}}};
  char buf[32];
  if (grain == 0) {
    std::snprintf(buf, sizeof buf, "day %04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  } else {
    std::snprintf(buf, sizeof buf, "month %04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  }
  return buf;
}

std::string key_text(int grain, const incident_roll_key& k) {
  return day_text(grain, k.day) + " category_id=" + k.category_id + " urgency=" + k.urgency +
         " district_id=" + k.district_id + " status=" + k.status + " dispatched=" + k.dispatched;
}
std::string key_text(int grain, const incident_grain_key& k) {
  return day_text(grain, k.day) + " " + k.dim + "=" + k.value + " category_id=" + k.category_id +
         " urgency=" + k.urgency + " status=" + k.status;
}
std::string key_text(int grain, const report_roll_key& k) {
  return day_text(grain, k.day) + " category_id=" + k.category_id + " district_id=" + k.district_id +
         " status=" + k.status + " channel=" + k.channel + " reject_reason=" + k.reject_reason;
}
std::string key_text(int grain, const dispatch_roll_key& k) {
  return day_text(grain, k.day) + " agency_id=" + k.agency_id + " category_id=" + k.category_id + " status=" + k.status;
}
std::string key_text(int grain, const step_row_key& k) {
  return day_text(grain, k.day) + " agency_id=" + k.agency_id + " category_id=" + k.category_id + " step=" + k.step +
         " status=" + k.status;
}

std::string value_text(std::int64_t n) { return "n=" + std::to_string(n); }
std::string value_text(const step_row& r) {
  return "n=" + std::to_string(r.n) + " limited=" + std::to_string(r.limited) + " within=" + std::to_string(r.within) +
         " histogram=" + r.histogram;
}

// The rows of both maps that differ, in key order (both maps are sorted alike).
template <class Map>
void compare_table(const char* table, const Map& kept, const Map& replayed, std::vector<rollup_mismatch>& out) {
  auto k = kept.begin();
  auto r = replayed.begin();
  while (k != kept.end() || r != replayed.end()) {
    if (r == replayed.end() || (k != kept.end() && k->first < r->first)) {
      out.push_back({table, key_text(k->first.first, k->first.second), value_text(k->second), "-"});
      ++k;
    } else if (k == kept.end() || r->first < k->first) {
      out.push_back({table, key_text(r->first.first, r->first.second), "-", value_text(r->second)});
      ++r;
    } else {
      if (!(k->second == r->second)) {
        out.push_back({table, key_text(k->first.first, k->first.second), value_text(k->second), value_text(r->second)});
      }
      ++k;
      ++r;
    }
  }
}

// Adds day rows and their month rows of a map of counts, leaving out rows of zero.
template <class Key>
core::result<void> add_counts(const std::map<Key, std::int64_t>& days, std::map<std::pair<int, Key>, std::int64_t>& out) {
  for (const auto& [key, n] : days) {
    if (n == 0) continue;
    if (n < 0) return core::invalid("a rollup count would be below zero");
    out[{0, key}] += n;
    auto month = key;
    month.day = month_first_day(key.day);
    out[{1, month}] += n;
  }
  return {};
}

}  // namespace

std::int64_t month_first_day(std::int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day}}};
  return sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

core::result<rollup_rows> rows_of(const rollup_deltas& d) {
  rollup_rows out;
  SIAGA_CHECK(add_counts(d.incidents(), out.incidents));
  SIAGA_CHECK(add_counts(d.incident_grains(), out.incident_grains));
  SIAGA_CHECK(add_counts(d.reports(), out.reports));
  SIAGA_CHECK(add_counts(d.dispatches(), out.dispatches));
  struct partial {
    step_row counts;
    domain::duration_histogram histogram;
  };
  std::map<std::pair<int, step_row_key>, partial> steps;
  for (const auto& [k, c] : d.steps()) {
    if (c.n == 0 && c.limited == 0 && c.within == 0) continue;
    step_row_key row{k.jurisdiction_id, k.day, k.agency_id, k.category_id, k.step, k.status};
    for (int grain : {0, 1}) {
      if (grain == 1) row.day = month_first_day(k.day);
      auto& p = steps[{grain, row}];
      p.counts.n += c.n;
      p.counts.limited += c.limited;
      p.counts.within += c.within;
      if (!p.histogram.add_to_bucket(k.bucket, c.n)) return core::invalid("a rollup histogram would be below zero");
    }
  }
  for (auto& [k, p] : steps) {
    if (p.counts.n < 0 || p.counts.limited < 0 || p.counts.within < 0) {
      return core::invalid("a rollup count would be below zero");
    }
    if (p.counts.n == 0 && p.counts.limited == 0 && p.counts.within == 0) continue;
    p.counts.histogram = p.histogram.encode();
    out.steps.emplace(k, std::move(p.counts));
  }
  return out;
}

std::vector<rollup_mismatch> compare_rows(const rollup_rows& kept, const rollup_rows& replayed) {
  std::vector<rollup_mismatch> out;
  compare_table(rollup_table_names[0], kept.incidents, replayed.incidents, out);
  compare_table(rollup_table_names[1], kept.reports, replayed.reports, out);
  compare_table(rollup_table_names[2], kept.dispatches, replayed.dispatches, out);
  compare_table(rollup_table_names[3], kept.steps, replayed.steps, out);
  compare_table(rollup_table_names[4], kept.incident_grains, replayed.incident_grains, out);
  return out;
}

std::int64_t rows_in(const rollup_rows& rows, std::string_view table) {
  if (table == rollup_table_names[0]) return static_cast<std::int64_t>(rows.incidents.size());
  if (table == rollup_table_names[1]) return static_cast<std::int64_t>(rows.reports.size());
  if (table == rollup_table_names[2]) return static_cast<std::int64_t>(rows.dispatches.size());
  if (table == rollup_table_names[3]) return static_cast<std::int64_t>(rows.steps.size());
  if (table == rollup_table_names[4]) return static_cast<std::int64_t>(rows.incident_grains.size());
  return 0;
}

}  // namespace siaga::storage
