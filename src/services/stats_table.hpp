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

// A cell: text, a count, or a share or seconds (a number with decimals); monostate is empty.
using stats_cell = std::variant<std::monostate, std::string, std::int64_t, double>;

struct stats_table {
  std::vector<std::string> headers;
  std::vector<std::vector<stats_cell>> rows;
};

// The names of a jurisdiction's directory, for the tables.
struct stats_names {
  std::map<std::string, std::string, std::less<>> categories, districts, agencies, users, villages;
};

core::result<stats_names> load_stats_names(storage::store_reader& rd, const actor& who);

// The Indonesian name of a dim's value ("" for none: "(tanpa)").
std::string name_of(const stats_names& names, storage::stats_dim d, const std::string& value);

// Tables of count_stats and dispatch_stats answers (req says which columns there are).
stats_table count_table(const stats_names& names, const stats_request& req, const stats_answer& answer);
stats_table dispatch_table(const stats_names& names, const stats_request& req, const std::vector<dispatch_stats_row>& rows);

}  // namespace siaga::services
