#include "services/ministry_report.hpp"

#include "storage/call_rollup_deltas.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

namespace siaga::services {
namespace {

using namespace std::chrono;

// The shift an instant falls in and the local date that shift started on.
std::pair<domain::local_date, int> shift_of(core::timestamp at, int offset, const shift_plan& plan) {
  auto local = floor<seconds>(at).time_since_epoch().count() + static_cast<std::int64_t>(offset) * 60;
  auto day = domain::local_date(days(local >= 0 ? local / 86400 : (local - 86399) / 86400));
  int hour = static_cast<int>((local - day.time_since_epoch().count() * 86400) / 3600);
  // Before the first start of the day: the last shift of the day before.
  if (hour < plan.starts[0]) return {day - days(1), 2};
  if (hour < plan.starts[1]) return {day, 0};
  if (hour < plan.starts[2]) return {day, 1};
  return {day, 2};
}

constexpr std::int64_t micros_per_hour = 3'600'000'000;

core::timestamp hour_start(std::int64_t local_hour, int offset) {
  return core::from_micros(local_hour * micros_per_hour - std::int64_t{offset} * 60'000'000);
}

// The first shift start after a local hour number's start (a later local hour number).
std::int64_t next_shift_start(std::int64_t local_hour, const shift_plan& plan) {
  for (auto h = local_hour + 1;; ++h) {
    auto in_day = ((h % 24) + 24) % 24;
    if (in_day == plan.starts[0] || in_day == plan.starts[1] || in_day == plan.starts[2]) return h;
  }
}

std::string two(int h) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", h);
  return buf;
}

}  // namespace

core::result<shift_plan> parse_shift_plan(std::string_view text) {
  shift_plan p;
  auto bad = [&] {
    return core::invalid("shifts '" + std::string(text) + "': give three start hours 0-23 in order, e.g. 7,15,23");
  };
  for (int i = 0; i < 3; ++i) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    int h = -1;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), h);
    if (ec != std::errc{} || ptr != part.data() + part.size() || h < 0 || h > 23) return bad();
    p.starts[i] = h;
    if ((i < 2) != (comma != std::string_view::npos)) return bad();
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  if (!(p.starts[0] < p.starts[1] && p.starts[1] < p.starts[2])) return bad();
  return p;
}

core::result<domain::local_date> parse_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') {
    return core::invalid("month '" + std::string(text) + "' bukan bulan / is not a month YYYY-MM");
  }
  auto d = domain::parse_local_date(std::string(text) + "-01");
  if (!d) return core::invalid("month '" + std::string(text) + "' bukan bulan / is not a month YYYY-MM");
  return *d;
}

std::string shift_name(const shift_plan& plan, int shift) {
  static constexpr const char* names[] = {"Pagi", "Siang", "Malam"};
  return std::string(names[shift]) + " (" + two(plan.starts[shift]) + "-" + two(plan.starts[(shift + 1) % 3]) + ")";
}

core::result<std::map<shift_slot, std::map<std::string, std::int64_t>>> answered_per_shift(
    storage::store_reader& rd, const std::string& jurisdiction_id, core::timestamp from, core::timestamp to,
    int offset, const shift_plan& shifts) {
  std::map<shift_slot, std::map<std::string, std::int64_t>> out;
  auto count = [&](core::timestamp answered, const std::string& agent, std::int64_t n) {
    if (answered >= from && answered < to && n > 0) out[shift_of(answered, offset, shifts)][agent] += n;
  };
  auto first_hour = storage::local_hour_number(from, offset);
  auto end_hour = storage::local_hour_number(to, offset);
  SIAGA_TRY(rows, rd.call_answer_histograms({jurisdiction_id, 0, first_hour - 24, end_hour}));
  // Per ring hour and agent (the rows by line added up): calls, and the lowest and highest
  // bucket of their answer times.
  struct hour_agent {
    std::int64_t n = 0;
    int low = domain::millis_histogram::bucket_count(), high = -1;
  };
  std::map<std::pair<std::int64_t, std::string>, hour_agent> by_hour;
  for (const auto& r : rows) {
    if (r.agent.empty() || r.n == 0 || r.hist.empty()) continue;
    auto& a = by_hour[{r.day * 24 + r.hour, r.agent}];
    a.n += r.n;
    a.low = std::min(a.low, r.hist.buckets().front().first);
    a.high = std::max(a.high, r.hist.top_bucket());
  }
  // Hours whose calls may be answered in another shift than the hour's start: from when in the
  // hour a call must be read (the rest were answered before the next shift start).
  std::map<std::int64_t, core::timestamp> read_from;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> read_counts;
  for (const auto& [key, a] : by_hour) {
    auto start = hour_start(key.first, offset);
    auto end = hour_start(key.first + 1, offset);
    auto reach = std::chrono::milliseconds(domain::millis_histogram::bucket_high(a.high) + 1);
    auto next = hour_start(next_shift_start(key.first, shifts), offset);
    // A zero bucket may hold answers before the ring (a clock set wrong): read the whole hour.
    if (a.low > 0 && end + reach <= next) continue;
    auto since = a.low > 0 ? std::max(start, next - reach) : start;
    auto [it, fresh] = read_from.try_emplace(key.first, since);
    if (!fresh) it->second = std::min(it->second, since);
    read_counts[key] = 0;
  }
  for (const auto& [hour, since] : read_from) {
    SIAGA_TRY(calls, rd.calls_between(jurisdiction_id, since, hour_start(hour + 1, offset)));
    for (const auto& c : calls) {
      if (!c.answered_at || c.agent.empty()) continue;
      auto it = read_counts.find({hour, c.agent});
      if (it == read_counts.end()) continue;  // this agent's calls of the hour stay in one shift
      ++it->second;
      count(*c.answered_at, c.agent, 1);
    }
  }
  for (const auto& [key, a] : by_hour) {
    auto it = read_counts.find(key);
    // The calls not read were answered after the hour's start and before its next shift start.
    auto rest = a.n - (it == read_counts.end() ? 0 : it->second);
    count(hour_start(key.first, offset), key.second, rest);
  }
  return out;
}

core::result<ministry_report> ministry_stats(storage::store_reader& rd, const actor& who, domain::local_date first,
                                             const shift_plan& shifts) {
  ministry_report m;
  m.shifts = shifts;
  m.first = first;
  year_month_day f{first};
  m.last = domain::local_date(year_month_day_last{f.year(), month_day_last{f.month()}});
  SIAGA_TRY(offset, zone_offset_of(rd, who));
  stats_request month{m.first, m.last, std::nullopt, {}};

  SIAGA_TRY(summary, summary_stats(rd, who, month));
  const auto& calls = summary.calls;
  m.calls = calls.total;
  m.answered = calls.answered;
  m.abandoned = calls.abandoned;
  m.missed = calls.missed;
  if (auto it = calls.answered_within.find(15); it != calls.answered_within.end()) m.answered_within_15s = it->second;
  if (auto it = calls.share_within.find(15); it != calls.share_within.end()) m.share_within_15s = it->second;
  m.pranks = count_in(calls.by_classification, "prank");
  m.silent = count_in(calls.by_classification, "ghost");
  m.incidents = summary.incidents;
  m.incidents_by_urgency = summary.incidents_by_urgency;

  stats_request by_agency = month;
  by_agency.dims = {storage::stats_dim::agency};
  SIAGA_TRY(dispatches, dispatch_stats(rd, who, by_agency));
  for (const auto& r : dispatches) m.follow_ups.push_back({r.dims[0], r.count, r.by_status});

  // Staffing: the shifts that start in the month, from the first one's start to the start of the
  // first shift of the next month.
  auto from = domain::start_of_day(m.first, offset) + hours(shifts.starts[0]);
  auto to = domain::start_of_day(m.last + days(1), offset) + hours(shifts.starts[0]);
  SIAGA_TRY(names, load_stats_names(rd, who));
  std::map<std::pair<domain::local_date, int>, std::set<std::string>> people;
  std::map<std::pair<domain::local_date, int>, shift_staffing> slots;
  for (auto d = m.first; d <= m.last; d += days(1)) {
    for (int s = 0; s < 3; ++s) slots[{d, s}] = {d, s};
  }
  SIAGA_TRY(answered, answered_per_shift(rd, who.jurisdiction_id, from, to, offset, shifts));
  for (const auto& [key, agents] : answered) {
    auto it = slots.find(key);
    if (it == slots.end()) continue;
    for (const auto& [agent, n] : agents) {
      it->second.answered_calls += n;
      auto user = names.agent_users.find(agent);
      people[key].insert(user == names.agent_users.end() ? "agent:" + agent : user->second);
    }
  }
  storage::stats_count_query q;
  q.jurisdiction_id = who.jurisdiction_id;
  q.from = from;
  q.to = to;
  q.offset_minutes = offset;
  q.bucket = storage::stats_bucket::hour;
  q.dims = {storage::stats_dim::call_taker};
  SIAGA_TRY(reports, rd.count_reports(q));
  for (const auto& r : reports) {
    if (!names.users.contains(r.dims[0])) continue;  // taken by a channel, not by a person
    auto at = core::timestamp(seconds(r.bucket * 3600 - static_cast<std::int64_t>(offset) * 60));
    auto key = shift_of(at, offset, shifts);
    auto it = slots.find(key);
    if (it == slots.end()) continue;
    it->second.reports += r.count;
    people[key].insert(r.dims[0]);
  }
  for (auto& [key, slot] : slots) {
    slot.call_takers = static_cast<std::int64_t>(people[key].size());
    m.staffing.push_back(slot);
  }
  return m;
}

stats_table ministry_table(const stats_names& names, const ministry_report& m) {
  stats_table t;
  t.sheet = "Laporan bulanan";
  t.headers = {"Bagian", "Angka", "Jumlah"};
  t.widths = {26, 44, 14};
  auto add = [&](const char* part, std::string what, stats_cell v) { t.rows.push_back({part, std::move(what), std::move(v)}); };
  add("Panggilan", "Panggilan masuk", m.calls);
  add("Panggilan", "Dijawab", m.answered);
  add("Panggilan", "Dijawab dalam 15 detik", m.answered_within_15s);
  add("Panggilan", "Dijawab dalam 15 detik (%)", m.share_within_15s ? stats_cell{100.0 * *m.share_within_15s} : stats_cell{});
  add("Panggilan", "Tidak terjawab", m.abandoned + m.missed);
  add("Panggilan", "Ditinggalkan penelepon", m.abandoned);
  add("Panggilan", "Tak terjawab petugas", m.missed);
  add("Panggilan", "Iseng", m.pranks);
  add("Panggilan", "Tanpa suara", m.silent);
  add("Kejadian ditangani", "Semua kejadian", m.incidents);
  for (const auto& [u, n] : m.incidents_by_urgency) add("Kejadian ditangani", name_of(names, storage::stats_dim::urgency, u), n);
  for (const auto& a : m.follow_ups) {
    auto agency = name_of(names, storage::stats_dim::agency, a.agency_id);
    add("Tindak lanjut instansi", agency + ": semua", a.total);
    for (const auto& [s, n] : a.by_status) add("Tindak lanjut instansi", agency + ": " + name_of(names, storage::stats_dim::status, s), n);
  }
  for (const auto& s : m.staffing) {
    std::chrono::year_month_day d{s.date};
    char day[16];
    std::snprintf(day, sizeof day, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    add("Petugas per shift", std::string(day) + " " + shift_name(m.shifts, s.shift), s.call_takers);
  }
  return t;
}

}  // namespace siaga::services
