// The files a table is exported to (issue 10, reports people use): a statistics view or a list
// as CSV (api/csv.hpp) or XLSX (api/xlsx.hpp). Both take the table's shape from
// services::stats_table (headings, sheet, widths) and its rows as services::stats_cells, so a
// view's two files always hold the same columns and values.
#pragma once

#include "api/http_util.hpp"
#include "services/stats_table.hpp"

#include <map>
#include <optional>
#include <string>

namespace siaga::api {

// Writes rows one at a time, in order, under the headings given when it was made, and hands
// the file's bytes over as they are made, so a download can stream them.
class table_writer {
 public:
  virtual ~table_writer() = default;
  // Fails with internal when the file cannot be written.
  virtual core::result<void> row(const services::stats_cells& cells) = 0;
  // Ends the file (the XLSX's closing parts; nothing for CSV). Fails with internal when it
  // cannot be written or was already ended.
  virtual core::result<void> close() = 0;
  // The bytes made since the last take().
  virtual std::string take() = 0;
};

enum class table_format { json, csv, xlsx };

// ?format= of a request: json when absent; invalid_input naming the formats allowed (json
// only when json_allowed) for anything else.
core::result<table_format> format_of(const std::map<std::string, std::string, std::less<>>& q, bool json_allowed = true);

// "csv", "xlsx".
std::string_view extension_of(table_format f);

// "2025-06-14".
std::string date_text(domain::local_date d);

// A download's name: "<what>-2025-06" for a whole month ("statistik-kejadian-2025-06"),
// "<what>-2025" for a whole year, "<what>-2025-06-14" for one day, else
// "<what>-2025-06-01-2025-06-15" (local dates, both included).
std::string download_name(std::string_view what, domain::local_date from, domain::local_date to);

// A 200 answer's headers for a download of this format named filename: the content type,
// Content-Disposition as an attachment and no caching. The body is the caller's.
net::response download_head(const net::request& req, table_format f, const std::string& filename);

// The table as a download: filename_base plus ".csv" or ".xlsx". Fails with internal when the
// file cannot be made.
core::result<net::response> table_response(const net::request& req, table_format f, const std::string& filename_base,
                                           const services::stats_table& t);

}  // namespace siaga::api
