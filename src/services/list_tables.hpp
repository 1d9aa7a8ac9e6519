// The incident, dispatch and call lists as tables for people (issue 10, exports): the same
// shape (services::stats_table: headings, sheet, widths) for the CSV and the XLSX, a row per
// record with names instead of ids, enum values in Bahasa Indonesia and times in the
// jurisdiction's local time. The rows hold what the list views show the same viewer: the call
// list's caller number as the call list gives it (whole, to the dispatchers who may list
// calls); the incident and dispatch lists carry no reporter contact at all.
#pragma once

#include "services/stats_table.hpp"

namespace siaga::services {

enum class list_kind { incidents, dispatches, calls };

// The headings, sheet name and widths of a list's table (rows empty).
stats_table list_shape(list_kind kind);

// A record's row under list_shape's headings; offset_minutes is the jurisdiction's zone.
stats_cells incident_row(const stats_names& names, const domain::incident& i, int offset_minutes);
// incident_numbers maps incident ids to their numbers ("AMB-250601-0001"); an id not there is
// shown as it is.
stats_cells dispatch_row(const stats_names& names, const std::map<std::string, std::string, std::less<>>& incident_numbers,
                         const domain::dispatch& d, int offset_minutes);
// The caller's number in full only when caller_shown (the call is live for the privacy rule,
// domain::caller_number_live, as the call list shows it); masked otherwise.
stats_cells call_row(const stats_names& names, const domain::call_record& c, int offset_minutes, bool caller_shown);

}  // namespace siaga::services
