#include "services/stats_service.hpp"

#include "core/enum_names.hpp"
#include "domain/duration_histogram.hpp"
#include "domain/sla.hpp"

#include <algorithm>
#include <map>

namespace siaga::services {
namespace {

using storage::stats_dim;
using namespace std::chrono;

constexpr auto dim_names = core::make_enum_names<stats_dim>(
    "grouping", {"category", "urgency", "district", "status", "channel", "reject_reason", "agency", "call_taker", "dispatched",
     "village"});

constexpr int max_days = 5 * 366;

bool subject_has(stats_subject s, stats_dim d) {
  switch (s) {
    case stats_subject::incidents:
      return d == stats_dim::category || d == stats_dim::urgency || d == stats_dim::district || d == stats_dim::status ||
             d == stats_dim::call_taker || d == stats_dim::village;
    case stats_subject::reports:
      return d != stats_dim::urgency && d != stats_dim::agency;
    case stats_subject::dispatches:
      return d == stats_dim::agency || d == stats_dim::category || d == stats_dim::status;
  }
  return false;
}

// The store's buckets for a time grouping: the period itself, so that the store sums it.
storage::stats_bucket bucket_of(const std::optional<domain::time_grain>& grain) {
  if (!grain) return storage::stats_bucket::all;
  switch (*grain) {
    case domain::time_grain::hour: return storage::stats_bucket::hour;
    case domain::time_grain::day: return storage::stats_bucket::day;
    case domain::time_grain::week: return storage::stats_bucket::week;
    case domain::time_grain::month: return storage::stats_bucket::month;
    case domain::time_grain::year: return storage::stats_bucket::year;
  }
  return storage::stats_bucket::day;
}

// The local period label of a store bucket ("" without a time grouping).
std::string label_of(std::int64_t bucket, const std::optional<domain::time_grain>& grain, int offset) {
  if (!grain) return {};
  auto at = grain == domain::time_grain::hour
                ? core::timestamp(seconds(bucket * 3600 - static_cast<std::int64_t>(offset) * 60))
                : domain::start_of_day(domain::local_date(days(bucket)), offset);
  return domain::period_label(at, offset, *grain);
}

// The store's query for a request: the local period as instants, the zone, the buckets.
storage::stats_count_query query_of(const actor& who, const stats_request& req, int offset) {
  storage::stats_count_query q;
  q.jurisdiction_id = who.jurisdiction_id;
  q.from = domain::start_of_day(req.from, offset);
  q.to = domain::start_of_day(req.to + days(1), offset);
  q.offset_minutes = offset;
  q.bucket = bucket_of(req.grain);
  q.dims = req.dims;
  return q;
}

struct step_acc {
  domain::duration_histogram h;
  step_stats s;
  // A step reached after seconds, judged by a limit in seconds (0: none).
  void add(const std::optional<std::int64_t>& seconds, std::int64_t limit) {
    if (!seconds) return;
    h.add(*seconds);
    ++s.reached;
    if (limit > 0) {
      ++s.with_limit;
      if (*seconds <= limit) ++s.within;
    }
  }
  // The same with a limit in working days when limit_days > 0 (the step's time at, against
  // the deadline from the notification in the jurisdiction's calendar), else in seconds.
  void add(const std::optional<std::int64_t>& seconds, const std::optional<core::timestamp>& at,
           core::timestamp notified_at, std::int64_t limit_s, int limit_days, const domain::work_calendar& cal) {
    if (limit_days <= 0 || !seconds || !at) return add(seconds, limit_s);
    add(seconds, 0);
    ++s.with_limit;
    if (*at <= domain::working_deadline(cal, notified_at, limit_days)) ++s.within;
  }
  // n values already in a histogram, of which limited had a limit and within met it.
  void add_counted(const domain::duration_histogram& values, std::int64_t n, std::int64_t limited, std::int64_t within) {
    h.merge(values);
    s.reached += n;
    s.with_limit += limited;
    s.within += within;
  }
  step_stats done() const {
    auto out = s;
    out.p50_s = h.quantile(0.5);
    out.p90_s = h.quantile(0.9);
    out.p95_s = h.quantile(0.95);
    return out;
  }
};

}  // namespace

core::result<int> zone_offset_of(storage::store_reader& rd, const actor& who) {
  SIAGA_TRY(j, rd.find_jurisdiction(who.jurisdiction_id));
  if (!j) return core::make_error(core::errc::internal, "the actor's jurisdiction is missing");
  return core::zone_offset_minutes(j->timezone);
}

std::string_view to_string(stats_dim d) {
  return dim_names.name(d);
}

core::result<stats_request> parse_stats_request(stats_subject subject, const std::optional<std::string>& from,
                                                const std::optional<std::string>& to,
                                                const std::optional<std::string>& group, domain::local_date today) {
  stats_request req;
  year_month_day t{today};
  req.from = from ? domain::local_date{} : domain::local_date(year_month_day{t.year(), t.month(), day{1}});
  req.to = today;
  if (from) {
    SIAGA_TRY(f, domain::parse_local_date(*from));
    req.from = f;
  }
  if (to) {
    SIAGA_TRY(e, domain::parse_local_date(*to));
    req.to = e;
  }
  if (req.from > req.to) return core::invalid("from is after to");
  if ((req.to - req.from).count() >= max_days) return core::invalid("the period is longer than 5 years: ask for less");
  if (group && !group->empty()) {
    std::string_view rest = *group;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto name = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (auto g = domain::parse_time_grain(name)) {
        if (req.grain) return core::invalid("group has two time groupings; give at most one of hour, day, week, month, year");
        req.grain = *g;
        continue;
      }
      auto d = dim_names.parse(name);
      if (!d || !subject_has(subject, *d)) {
        return core::invalid("group '" + std::string(name) + "' is not a grouping of these statistics");
      }
      for (auto x : req.dims) {
        if (x == *d) return core::invalid("group names '" + std::string(name) + "' twice");
      }
      req.dims.push_back(*d);
    }
  }
  return req;
}

core::result<domain::local_date> local_today(storage::store_reader& rd, const actor& who, core::timestamp now) {
  SIAGA_TRY(offset, zone_offset_of(rd, who));
  return domain::local_date_of(now, offset);
}

core::result<stats_answer> count_stats(storage::store_reader& rd, const actor& who, stats_subject subject,
                                       const stats_request& req) {
  SIAGA_TRY(offset, zone_offset_of(rd, who));
  auto q = query_of(who, req, offset);
  SIAGA_TRY(rows, subject == stats_subject::incidents ? rd.count_incidents(q) : rd.count_reports(q));
  // Days (or hours) summed into the asked period, keyed so that periods sort in time order.
  std::map<std::pair<std::string, std::vector<std::string>>, std::int64_t> sums;
  stats_answer out;
  for (auto& r : rows) {
    std::string period = label_of(r.bucket, req.grain, offset);
    sums[{std::move(period), std::move(r.dims)}] += r.count;
    out.total += r.count;
  }
  for (auto& [key, n] : sums) out.rows.push_back({key.first, key.second, n});
  return out;
}

core::result<std::vector<dispatch_stats_row>> dispatch_stats(storage::store_reader& rd, const actor& who,
                                                             const stats_request& req) {
  SIAGA_TRY(offset, zone_offset_of(rd, who));
  auto q = query_of(who, req, offset);
  struct acc {
    std::int64_t count = 0;
    std::map<std::string, std::int64_t> by_status;
    step_acc ack, en_route, on_scene, completed;
    step_acc* step(std::string_view name) {
      if (name == "acknowledged") return &ack;
      if (name == "en_route") return &en_route;
      if (name == "on_scene") return &on_scene;
      if (name == "completed") return &completed;
      return nullptr;
    }
  };
  std::map<std::pair<std::string, std::vector<std::string>>, acc> groups;
  auto group = [&](std::int64_t bucket, const std::string& agency, const std::string& category,
                   const std::string& status) -> acc& {
    std::vector<std::string> dims;
    for (auto d : req.dims) dims.push_back(d == stats_dim::agency ? agency : d == stats_dim::category ? category : status);
    return groups[{label_of(bucket, req.grain, offset), std::move(dims)}];
  };
  if (q.bucket != storage::stats_bucket::hour) {
    // The rollups: per day, the times already in histogram buckets and judged against the limits.
    SIAGA_TRY(roll, rd.dispatch_rollups(q));
    for (const auto& r : roll.counts) {
      auto& g = group(r.bucket, r.agency_id, r.category_id, r.status);
      g.count += r.count;
      g.by_status[r.status] += r.count;
    }
    for (const auto& r : roll.steps) {
      auto* st = group(r.bucket, r.agency_id, r.category_id, r.status).step(r.step);
      if (!st) return core::make_error(core::errc::internal, "a dispatch rollup holds an unknown step: " + r.step);
      SIAGA_TRY(values, domain::duration_histogram::decode(r.histogram));
      st->add_counted(values, r.count, r.limited, r.within);
    }
  } else {
    SIAGA_TRY(jurisdiction, rd.find_jurisdiction(who.jurisdiction_id));
    if (!jurisdiction) return core::make_error(core::errc::internal, "the actor's jurisdiction is missing");
    auto cal = domain::calendar_of(*jurisdiction);
    cal.offset_minutes = offset;
    SIAGA_TRY(categories, rd.list_categories(who.jurisdiction_id));
    std::map<std::string, domain::sla_policy, std::less<>> sla;
    for (const auto& c : categories) sla[c.id] = c.sla;
    SIAGA_TRY(rows, rd.dispatch_times(q));
    for (const auto& r : rows) {
      auto& g = group(r.bucket, r.agency_id, r.category_id, r.status);
      ++g.count;
      ++g.by_status[r.status];
      auto it = sla.find(r.category_id);
      auto limits = it == sla.end() ? domain::sla_policy{} : it->second;
      g.ack.add(r.acknowledged_s, r.acknowledged_at, r.notified_at, limits.acknowledge_within_s,
                limits.acknowledge_within_days, cal);
      g.en_route.add(r.en_route_s, 0);
      g.on_scene.add(r.on_scene_s, r.on_scene_at, r.notified_at, limits.on_scene_within_s, limits.on_scene_within_days,
                     cal);
      g.completed.add(r.completed_s, 0);
    }
  }
  std::vector<dispatch_stats_row> out;
  for (auto& [key, g] : groups) {
    out.push_back({key.first, key.second, g.count, std::move(g.by_status), g.ack.done(), g.en_route.done(),
                   g.on_scene.done(), g.completed.done()});
  }
  return out;
}

std::string indonesian_count(std::int64_t n) {
  auto digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

core::result<stats_summary> summary_stats(storage::store_reader& rd, const actor& who, const stats_request& req) {
  SIAGA_TRY(offset, zone_offset_of(rd, who));
  stats_summary out;
  SIAGA_TRY(calls, call_stats(rd, who.jurisdiction_id, domain::start_of_day(req.from, offset),
                              domain::start_of_day(req.to + days(1), offset), stats_group::month));
  out.calls = std::move(calls.total);
  stats_request by{req.from, req.to, std::nullopt, {stats_dim::status, stats_dim::reject_reason}};
  SIAGA_TRY(reports, count_stats(rd, who, stats_subject::reports, by));
  out.reports = reports.total;
  for (const auto& r : reports.rows) {
    out.reports_by_status[r.dims[0]] += r.count;
    if (!r.dims[1].empty()) out.rejected_by_reason[r.dims[1]] += r.count;
  }
  by.dims = {stats_dim::urgency};
  SIAGA_TRY(incidents, count_stats(rd, who, stats_subject::incidents, by));
  out.incidents = incidents.total;
  for (const auto& r : incidents.rows) out.incidents_by_urgency[r.dims[0]] += r.count;
  by.dims.clear();
  SIAGA_TRY(dispatches, dispatch_stats(rd, who, by));
  for (const auto& r : dispatches) {
    out.dispatches += r.count;
    for (const auto& [status, n] : r.by_status) out.dispatches_by_status[status] += n;
  }
  auto of = [&](const char* k) {
    auto it = out.calls.by_classification.find(k);
    return it == out.calls.by_classification.end() ? std::int64_t{0} : it->second;
  };
  out.line = indonesian_count(out.calls.total) + " panggilan, " + indonesian_count(of("valid")) + " valid, " +
             indonesian_count(of("prank") + of("ghost")) + " iseng atau diam, " + indonesian_count(out.calls.follow_ups) +
             " tindak lanjut ke lapangan";
  return out;
}

}  // namespace siaga::services

