// The public transparency figures of a jurisdiction for a year (GET /api/v1/public/stats, no
// login): per month, aggregates only: calls and the share answered within 15 s, emergencies
// dispatched, the median time to on scene per agency, pranks and silent calls as a share of
// calls, and the top five categories. Nothing names or identifies a person or an incident.
#pragma once

#include "core/time.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace siaga::services {

struct public_agency_figure {
  std::string code;  // "DAMKAR"
  std::string name;
  std::int64_t dispatches = 0;          // notified in the period
  std::int64_t on_scene_p50_s = -1;     // notified -> on scene, median (within 1/64); -1 when none
};

struct public_category_figure {
  std::string code;  // "fire"
  std::string name_id, name_en;
  std::int64_t incidents = 0;
};

struct public_figures {
  std::string period;  // "2025-06", or "2025" for the year's total
  std::int64_t calls = 0;
  std::int64_t answered = 0;
  std::int64_t answered_within_15s = 0;
  std::optional<double> share_within_15s;  // of answered + missed (abandoned left out, as NENA counts)
  std::int64_t pranks_silent = 0;          // classified prank or ghost (silent)
  std::optional<double> share_pranks_silent;  // of calls
  std::int64_t incidents = 0;
  std::int64_t emergencies_dispatched = 0;  // urgency emergency, at least one dispatch
  std::vector<public_agency_figure> agencies;        // by code
  std::vector<public_category_figure> top_categories;  // at most 5, most incidents first
};

struct public_stats {
  std::string jurisdiction_code, jurisdiction_name, timezone;
  int year = 0;
  std::vector<public_figures> months;  // January up to the last month begun (all 12 for a past year)
  public_figures total;
  core::timestamp computed_at{};
};

// The jurisdiction a public page or channel names by its Kemendagri code ("" = the first
// jurisdiction); not_found, in words for the public, for an unknown code or none at all.
core::result<domain::jurisdiction> public_jurisdiction(storage::store_reader& rd, const std::string& code);

// The figures of a year for the jurisdiction with this Kemendagri code ("" = the first
// jurisdiction; year 0 = its current local year). not_found for an unknown code; invalid_input
// for a year before 2000 or after the jurisdiction's current year.
core::result<public_stats> compute_public_stats(storage::store_reader& rd, const std::string& jurisdiction_code,
                                                int year, core::timestamp now);

// compute_public_stats answers kept for a while per jurisdiction and year, so that a public page
// read by many costs one computation a minute. Safe to use from several threads.
class public_stats_cache {
 public:
  explicit public_stats_cache(std::chrono::seconds keep = std::chrono::seconds{60}) : keep_(keep) {}

  // The kept answer when younger than keep, else a fresh one (which is kept). Errors are not kept.
  core::result<std::shared_ptr<const public_stats>> get(storage::store_reader& rd, const std::string& jurisdiction_code,
                                                        int year, core::timestamp now);

 private:
  std::chrono::seconds keep_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const public_stats>> kept_;
};

}  // namespace siaga::services
