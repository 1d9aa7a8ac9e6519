// The figures the ministry's monitoring asks of a 112 centre each month (issue 10, 5 c), in one
// answer: its calls (answered, within 15 s, unanswered, pranks and silent calls), the
// emergencies it handled (incidents by urgency), the follow-ups by agency (dispatches by
// outcome) and its staffing per shift (distinct call takers per shift and day).
#pragma once

#include "services/stats_service.hpp"
#include "services/stats_table.hpp"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace siaga::services {

// Three shifts a day by their local start hours; each runs to the next one's start. The default
// is the common 07-15, 15-23, 23-07.
struct shift_plan {
  std::array<int, 3> starts{7, 15, 23};
};

// "7,15,23" (three distinct hours 0..23, ascending); invalid_input otherwise.
core::result<shift_plan> parse_shift_plan(std::string_view text);

// "2025-06" as the month's first local day; invalid_input for anything else.
core::result<domain::local_date> parse_month(std::string_view text);

struct agency_follow_ups {
  std::string agency_id;
  std::int64_t total = 0;
  std::map<std::string, std::int64_t> by_status;
};

// One shift of one day: the shift that starts on date at its plan's start hour.
struct shift_staffing {
  domain::local_date date{};
  int shift = 0;  // 0, 1, 2: index in shift_plan::starts
  std::int64_t call_takers = 0;  // distinct people who answered a call or took a report
  std::int64_t answered_calls = 0;
  std::int64_t reports = 0;  // reports taken by a user of the centre (not by a channel)
};

struct ministry_report {
  domain::local_date first{}, last{};  // the month's local days, both included
  shift_plan shifts;
  std::int64_t calls = 0, answered = 0, answered_within_15s = 0, abandoned = 0, missed = 0;
  std::optional<double> share_within_15s;  // as call_stats_bucket's: over answered + missed
  std::int64_t pranks = 0, silent = 0;     // classified prank and ghost
  std::int64_t incidents = 0;
  std::map<std::string, std::int64_t> incidents_by_urgency;
  std::vector<agency_follow_ups> follow_ups;  // by agency id
  std::vector<shift_staffing> staffing;       // every shift starting in the month, by date and shift
};

// One shift of one day: the local date it started on and its index in the plan.
using shift_slot = std::pair<domain::local_date, int>;

// The calls answered in [from, to) (both shift starts, whole local hours at offset_minutes) by
// each answering agent, per shift: the calls that rang from a day before from, counted by when
// they were answered. Read from the call rollups (roll_call_answers' hour rows by agent: a row
// whose earliest and latest possible answer, from its histogram's lowest and highest bucket,
// fall in one shift counts whole there); only the calls that rang close enough before a shift
// start to be answered after it are read as rows, so the counts are exactly those of the rows.
core::result<std::map<shift_slot, std::map<std::string, std::int64_t>>> answered_per_shift(
    storage::store_reader& rd, const std::string& jurisdiction_id, core::timestamp from, core::timestamp to,
    int offset_minutes, const shift_plan& shifts);

// The month that starts on first, in the actor's jurisdiction. Calls, incidents and dispatches
// count by the month's local days; staffing by the shifts that start in it (the last night shift
// runs into the next month's first morning). A call counts for the shift it was answered in
// (answered_per_shift), by whoever answered it (a PBX agent is matched to a user by pbx_agent, then username; an agent
// matching nobody counts as one person); a report for the shift it was created in.
core::result<ministry_report> ministry_stats(storage::store_reader& rd, const actor& who, domain::local_date first,
                                             const shift_plan& shifts);

// The report as one table (Bagian, Angka, Jumlah) for the CSV and the XLSX.
stats_table ministry_table(const stats_names& names, const ministry_report& m);

// "Pagi (07-15)", "Siang (15-23)", "Malam (23-07)".
std::string shift_name(const shift_plan& plan, int shift);

}  // namespace siaga::services
