// The statistics as a table for people (issue 10): Indonesian column headings, and names
// instead of ids (categories, kecamatan, agencies, call takers) and enum values in Bahasa
// Indonesia, so that a CSV opened in a spreadsheet reads as the consoles do.
#pragma once

#include "services/stats_service.hpp"

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace siaga::services {

// A moment as the jurisdiction's clocks show it: seconds since 1970-01-01 00:00 local time.
struct local_time {
  std::int64_t seconds = 0;
};

// A cell: text, a count, a share or seconds (a number with decimals), or a local date and time;
// monostate is empty.
using stats_cell = std::variant<std::monostate, std::string, std::int64_t, double, local_time>;
using stats_cells = std::vector<stats_cell>;

// A table for a spreadsheet: the CSV and the XLSX writers (api/csv.hpp, api/xlsx.hpp) both
// take this shape, so that both files of one view hold the same columns and values.
struct stats_table {
  std::vector<std::string> headers;
  std::vector<stats_cells> rows;
  std::string sheet = "Statistik";  // the XLSX sheet's name (at most 31 characters)
  // Column widths in characters for the XLSX; a missing or 0 width is worked out from the
  // heading and the rows in hand.
  std::vector<double> widths;
};

// The local time of an instant in a zone offset_minutes east of UTC.
local_time local_time_of(core::timestamp at, int offset_minutes);

// The names of a jurisdiction's directory, for the tables.
struct stats_names {
  std::map<std::string, std::string, std::less<>> categories, districts, agencies, users, villages;
  // PBX agents (a user's pbx_agent, and every username) -> the user's display name.
  std::map<std::string, std::string, std::less<>> agents;
  // PBX agents and usernames -> user id: who answered a call.
  std::map<std::string, std::string, std::less<>> agent_users;
};

core::result<stats_names> load_stats_names(storage::store_reader& rd, const actor& who);

// The Indonesian name of a dim's value ("" for none: "(tanpa)").
std::string name_of(const stats_names& names, storage::stats_dim d, const std::string& value);

// Tables of count_stats and dispatch_stats answers (req says which columns there are).
stats_table count_table(const stats_names& names, const stats_request& req, const stats_answer& answer);
stats_table dispatch_table(const stats_names& names, const stats_request& req, const std::vector<dispatch_stats_row>& rows);

// The call statistics (services/call_stats.hpp) per group, then a row "Total": counts by
// outcome and classification, answer-time p50 and p90 and the answered within 15 s.
stats_table call_table(const call_stats_report& report);

// The summary of a period (summary_stats) as two columns, "Angka" and "Jumlah", one figure a row.
stats_table summary_table(const stats_summary& s);

// A count of a map, 0 when the key is absent.
std::int64_t count_in(const std::map<std::string, std::int64_t>& m, std::string_view key);

// The Indonesian name of a call classification ("prank" -> "Iseng").
std::string call_class_name(std::string_view c);

}  // namespace siaga::services
