#include "services/call_stats.hpp"

#include "domain/call.hpp"

#include <chrono>
#include <cstdio>

namespace siaga::services {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view class_keys[] = {"valid",       "prank", "ghost",       "information",
                                           "misdirected", "test",  "unclassified"};

// "2026-11-22T10" / "2026-11-22" / "2026-11" in local time.
std::string time_key(core::timestamp t, stats_group g, int offset_minutes) {
  auto local = std::chrono::floor<std::chrono::seconds>(t) + std::chrono::minutes{offset_minutes};
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  auto hour = std::chrono::duration_cast<std::chrono::hours>(local - day).count();
  char buf[32];
  if (g == stats_group::hour) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<long long>(hour));
  } else if (g == stats_group::day) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  }
  return buf;
}

std::string key_of(const storage::call_stat_row& r, stats_group g, int offset_minutes) {
  switch (g) {
    case stats_group::agent:
      return r.agent;
    case stats_group::line:
      return r.line;
    default:
      return time_key(r.ring_at, g, offset_minutes);
  }
}

// Accumulates one bucket; finish() turns the answer times into percentiles and shares.
struct accumulator {
  call_stats_bucket b;
  std::vector<std::int64_t> answer_ms;

  void add(const storage::call_stat_row& r) {
    ++b.total;
    if (!r.outcome) {
      ++b.live;
    } else {
      switch (*r.outcome) {
        case domain::call_outcome::answered:
          ++b.answered;
          break;
        case domain::call_outcome::abandoned:
          ++b.abandoned;
          break;
        case domain::call_outcome::missed:
          ++b.missed;
          break;
      }
    }
    if (r.classification) {
      ++b.by_classification[std::string(domain::to_string(*r.classification))];
    } else if (r.outcome == domain::call_outcome::answered) {
      ++b.by_classification["unclassified"];
    }
    if (r.answered_at) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*r.answered_at - r.ring_at).count();
      answer_ms.push_back(ms);
      for (int target : answer_targets_s) {
        if (ms <= target * 1000) ++b.answered_within[target];
      }
    }
    if (r.dispatched) ++b.follow_ups;
  }

  call_stats_bucket finish() {
    for (auto k : class_keys) b.by_classification.try_emplace(std::string(k), 0);
    auto seconds = [](std::optional<std::int64_t> ms) {
      return ms ? std::optional<double>(static_cast<double>(*ms) / 1000.0) : std::nullopt;
    };
    b.answer_p50_s = seconds(domain::percentile(answer_ms, 50));
    b.answer_p90_s = seconds(domain::percentile(answer_ms, 90));
    b.answer_p95_s = seconds(domain::percentile(answer_ms, 95));
    add_shares(b);
    return b;
  }
};

}  // namespace

void add_shares(call_stats_bucket& b) {
  auto offered = b.answered + b.missed;
  for (int target : answer_targets_s) {
    auto within = b.answered_within[target];
    b.share_within[target] =
        offered > 0 ? std::optional<double>(static_cast<double>(within) / static_cast<double>(offered)) : std::nullopt;
  }
}

std::string_view to_string(stats_group g) {
  switch (g) {
    case stats_group::hour:
      return "hour";
    case stats_group::day:
      return "day";
    case stats_group::month:
      return "month";
    case stats_group::agent:
      return "agent";
    case stats_group::line:
      return "line";
  }
  return "day";
}

core::result<stats_group> parse_stats_group(std::string_view s) {
  for (auto g : {stats_group::hour, stats_group::day, stats_group::month, stats_group::agent, stats_group::line}) {
    if (to_string(g) == s) return g;
  }
  return core::invalid("group '" + std::string(s.substr(0, 20)) + "' is not one of: hour, day, month, agent, line");
}

call_stats_report compute_call_stats(const std::vector<storage::call_stat_row>& rows, stats_group group,
                                     int zone_offset_minutes) {
  std::map<std::string, accumulator> buckets;
  accumulator total;
  total.b.key = "total";
  for (const auto& r : rows) {
    auto key = key_of(r, group, zone_offset_minutes);
    auto& acc = buckets[key];
    acc.b.key = key;
    acc.add(r);
    total.add(r);
  }
  call_stats_report out;
  out.group = group;
  for (auto& [key, acc] : buckets) out.groups.push_back(acc.finish());
  out.total = total.finish();
  return out;
}

namespace {

core::result<int> offset_of(storage::store_reader& reader, const std::string& jurisdiction_id) {
  auto j = reader.find_jurisdiction(jurisdiction_id);
  if (!j) return j.error();
  if (!*j) return core::not_found("jurisdiction " + jurisdiction_id + " not found");
  auto offset = core::zone_offset_minutes((*j)->timezone);
  return offset ? *offset : 0;
}

}  // namespace

core::result<call_stats_report> call_stats(storage::store_reader& reader, const std::string& jurisdiction_id,
                                           core::timestamp from, core::timestamp to, stats_group group) {
  if (to <= from) return core::invalid("'to' must be after 'from'");
  if (to - from > std::chrono::days{400}) return core::invalid("the period may be at most 400 days");
  auto offset = offset_of(reader, jurisdiction_id);
  if (!offset) return offset.error();
  if (group == stats_group::day || group == stats_group::hour) {
    return period_call_stats(reader, jurisdiction_id, from, to, group, *offset);
  }
  return rolled_up_call_stats(reader, jurisdiction_id, from, to, group, *offset);
}

core::result<live_call_stats> live_stats(storage::store_reader& reader, const core::clock& clock,
                                         const std::string& jurisdiction_id) {
  auto offset = offset_of(reader, jurisdiction_id);
  if (!offset) return offset.error();
  live_call_stats s;
  s.now = clock.now();
  storage::call_filter live_filter;
  live_filter.jurisdiction_id = jurisdiction_id;
  live_filter.live = true;
  live_filter.from = s.now - 1h;
  live_filter.page = {500, 0};
  auto live = reader.list_calls(live_filter);
  if (!live) return live.error();
  for (const auto& c : live->items) {
    if (c.state.answered_at) {
      ++s.on_call;
      continue;
    }
    ++s.waiting;
    if (c.state.ring_at) {
      double waited = std::chrono::duration<double>(s.now - *c.state.ring_at).count();
      if (!s.longest_wait_s || waited > *s.longest_wait_s) s.longest_wait_s = waited;
    }
  }
  auto local = s.now + std::chrono::minutes{*offset};
  s.day_start = std::chrono::floor<std::chrono::days>(local) - std::chrono::minutes{*offset};
  auto rows = reader.calls_between(jurisdiction_id, s.day_start, s.now + 1us);
  if (!rows) return rows.error();
  s.today = compute_call_stats(*rows, stats_group::day, *offset).total;
  s.today.key = "today";
  storage::callback_filter open_filter;
  open_filter.jurisdiction_id = jurisdiction_id;
  open_filter.statuses = {domain::callback_status::open, domain::callback_status::in_progress};
  open_filter.page = {500, 0};
  auto open = reader.list_callbacks(open_filter);
  if (!open) return open.error();
  s.callbacks_open = open->total;
  for (const auto& t : open->items) {
    if (t.status != domain::callback_status::open || t.due_at > s.now) continue;
    ++s.callbacks_overdue;
    double late = std::chrono::duration<double>(s.now - t.due_at).count();
    if (!s.oldest_overdue_s || late > *s.oldest_overdue_s) s.oldest_overdue_s = late;
  }
  return s;
}

}  // namespace siaga::services
