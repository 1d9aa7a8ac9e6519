#include "services/public_stats.hpp"

#include "domain/calendar.hpp"
#include "services/call_stats.hpp"
#include "services/context.hpp"
#include "services/stats_service.hpp"

#include <algorithm>

namespace siaga::services {
namespace {

using namespace std::chrono;
using storage::stats_dim;

constexpr std::size_t top_n = 5;

void add_calls(public_figures& f, const call_stats_bucket& b) {
  auto of = [&](const char* k) {
    auto it = b.by_classification.find(k);
    return it == b.by_classification.end() ? std::int64_t{0} : it->second;
  };
  f.calls = b.total;
  f.answered = b.answered;
  auto within = b.answered_within.find(15);
  f.answered_within_15s = within == b.answered_within.end() ? 0 : within->second;
  auto share = b.share_within.find(15);
  f.share_within_15s = share == b.share_within.end() ? std::nullopt : share->second;
  f.pranks_silent = of("prank") + of("ghost");
  if (f.calls > 0) f.share_pranks_silent = static_cast<double>(f.pranks_silent) / static_cast<double>(f.calls);
}

// The five categories with the most incidents, ties by code.
std::vector<public_category_figure> top_of(const std::map<std::string, std::int64_t>& by_category,
                                           const std::map<std::string, domain::category>& categories) {
  std::vector<public_category_figure> out;
  for (const auto& [id, n] : by_category) {
    if (n <= 0) continue;
    auto it = categories.find(id);
    if (it == categories.end()) continue;
    out.push_back({it->second.code, it->second.name_id, it->second.name_en, n});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.incidents != b.incidents ? a.incidents > b.incidents : a.code < b.code;
  });
  if (out.size() > top_n) out.resize(top_n);
  return out;
}

std::vector<public_agency_figure> agencies_of(const std::vector<dispatch_stats_row>& rows, std::size_t agency_dim,
                                              const std::map<std::string, domain::agency>& agencies) {
  std::vector<public_agency_figure> out;
  for (const auto& r : rows) {
    auto it = agencies.find(r.dims.at(agency_dim));
    if (it == agencies.end() || r.count == 0) continue;
    out.push_back({it->second.code, it->second.name, r.count, r.on_scene.p50_s});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return out;
}

}  // namespace

core::result<domain::jurisdiction> public_jurisdiction(storage::store_reader& rd, const std::string& code) {
  if (code.empty()) {
    SIAGA_TRY(all, rd.list_jurisdictions());
    if (all.empty()) return core::not_found("belum ada wilayah (no jurisdiction yet)");
    return all.front();
  }
  SIAGA_TRY(j, rd.find_jurisdiction_by_code(code));
  if (!j) return core::not_found("wilayah '" + code + "' tidak dikenal (unknown jurisdiction code)");
  return *j;
}

core::result<public_stats> compute_public_stats(storage::store_reader& rd, const std::string& jurisdiction_code,
                                                int year, core::timestamp now) {
  SIAGA_TRY(j, public_jurisdiction(rd, jurisdiction_code));
  SIAGA_TRY(offset, core::zone_offset_minutes(j.timezone));
  year_month_day today{domain::local_date_of(now, offset)};
  if (year == 0) year = static_cast<int>(today.year());
  if (year < 2000 || year > static_cast<int>(today.year())) {
    return core::invalid("tahun harus antara 2000 dan tahun ini (year must be from 2000 to this year)");
  }
  public_stats out;
  out.jurisdiction_code = j.code;
  out.jurisdiction_name = j.name;
  out.timezone = j.timezone;
  out.year = year;
  out.computed_at = now;
  auto y = std::chrono::year{year};
  domain::local_date first{y / January / 1}, last{y / December / 31};
  unsigned months = y == today.year() ? static_cast<unsigned>(today.month()) : 12u;
  std::map<std::string, public_figures> by_month;
  for (unsigned m = 1; m <= months; ++m) {
    char label[16];
    std::snprintf(label, sizeof label, "%04d-%02u", year, m);
    by_month[label].period = label;
  }
  out.total.period = std::to_string(year);

  SIAGA_TRY(calls, call_stats(rd, j.id, domain::start_of_day(first, offset), domain::start_of_day(last + days(1), offset),
                              stats_group::month));
  for (const auto& b : calls.groups) {
    if (auto it = by_month.find(b.key); it != by_month.end()) add_calls(it->second, b);
  }
  add_calls(out.total, calls.total);

  std::map<std::string, domain::category> categories;
  SIAGA_TRY(category_list, rd.list_categories(j.id));
  for (auto& c : category_list) categories[c.id] = std::move(c);
  std::map<std::string, domain::agency> agencies;
  SIAGA_TRY(agency_list, rd.list_agencies(j.id));
  for (auto& a : agency_list) agencies[a.id] = std::move(a);

  auto who = system_actor(j.id);
  stats_request req{first, last, domain::time_grain::month, {stats_dim::category}};
  SIAGA_TRY(by_category, count_stats(rd, who, stats_subject::incidents, req));
  std::map<std::string, std::map<std::string, std::int64_t>> month_categories;
  std::map<std::string, std::int64_t> year_categories;
  for (const auto& r : by_category.rows) {
    month_categories[r.period][r.dims[0]] += r.count;
    year_categories[r.dims[0]] += r.count;
    if (auto it = by_month.find(r.period); it != by_month.end()) it->second.incidents += r.count;
  }
  out.total.incidents = by_category.total;
  for (auto& [label, f] : by_month) f.top_categories = top_of(month_categories[label], categories);
  out.total.top_categories = top_of(year_categories, categories);

  req.dims = {stats_dim::urgency, stats_dim::dispatched};
  SIAGA_TRY(emergencies, count_stats(rd, who, stats_subject::incidents, req));
  for (const auto& r : emergencies.rows) {
    if (r.dims[0] != "emergency" || r.dims[1] != "yes") continue;
    out.total.emergencies_dispatched += r.count;
    if (auto it = by_month.find(r.period); it != by_month.end()) it->second.emergencies_dispatched += r.count;
  }

  req.dims = {stats_dim::agency};
  SIAGA_TRY(dispatch_months, dispatch_stats(rd, who, req));
  std::map<std::string, std::vector<dispatch_stats_row>> rows_of_month;
  for (auto& r : dispatch_months) rows_of_month[r.period].push_back(std::move(r));
  for (auto& [label, f] : by_month) f.agencies = agencies_of(rows_of_month[label], 0, agencies);
  req.grain.reset();
  SIAGA_TRY(dispatch_year, dispatch_stats(rd, who, req));
  out.total.agencies = agencies_of(dispatch_year, 0, agencies);

  for (auto& [label, f] : by_month) out.months.push_back(std::move(f));
  return out;
}

core::result<std::shared_ptr<const public_stats>> public_stats_cache::get(storage::store_reader& rd,
                                                                          const std::string& jurisdiction_code,
                                                                          int year, core::timestamp now) {
  std::pair<std::string, int> key{jurisdiction_code, year};
  {
    std::lock_guard lock(mutex_);
    auto it = kept_.find(key);
    if (it != kept_.end() && now - it->second->computed_at < keep_ && now >= it->second->computed_at) return it->second;
  }
  // Computed outside the lock: two readers at the same moment may both compute; the later keeps.
  SIAGA_TRY(fresh, compute_public_stats(rd, jurisdiction_code, year, now));
  auto kept = std::make_shared<const public_stats>(std::move(fresh));
  std::lock_guard lock(mutex_);
  kept_[key] = kept;
  return kept;
}

}  // namespace siaga::services
