// XLSX workbooks written as a stream (api/zip_stream.hpp): each row becomes XML that is
// deflated at once, so the first bytes of a download leave with the first page of rows and
// memory stays flat whatever the size; the parts that list the sheets come last (a ZIP is read
// from its directory at the end, so their order does not matter to Excel or LibreOffice).
// Strings are inline (no shared-string table to hold). One sheet holds at most 1,048,575 rows
// under its heading row; past that, or when a sheet's XML nears ZIP's 4 GiB, the rows go on in
// a new sheet ("Kejadian (2)") with the same heading. Each sheet has a bold, frozen heading row
// and set widths; counts are numbers shown as "#,##0", decimals as "#,##0.0" and local times as
// Excel dates ("dd/mm/yyyy hh:mm:ss"), which a spreadsheet with Indonesian regional settings
// shows as 1.234 and 12,5.
#pragma once

#include "api/table_writer.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace siaga::api {

class xlsx_writer final : public table_writer {
 public:
  // Starts a workbook with one sheet named sheet (cut to 31 characters, []:*?/\ replaced) and
  // this heading row; widths as services::stats_table's (0 or missing: from the heading).
  // rows_per_sheet: Excel's limit unless a test asks for fewer.
  xlsx_writer(const std::string& sheet, const std::vector<std::string>& headers, const std::vector<double>& widths,
              std::uint32_t rows_per_sheet = 1'048'575);
  ~xlsx_writer() override;
  xlsx_writer(const xlsx_writer&) = delete;
  xlsx_writer& operator=(const xlsx_writer&) = delete;

  // Fails with internal after close().
  core::result<void> row(const services::stats_cells& cells) override;
  // Ends the workbook; take() then hands over the rest of it. Fails with internal when already
  // closed or past 4 GiB.
  core::result<void> close() override;
  // The file's bytes made since the last take().
  std::string take() override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// A whole table as an XLSX file's bytes (a statistics view: small).
core::result<std::string> render_xlsx(const services::stats_table& t);

// The widths of a table's columns: its own where set, else the longest of the heading and the
// first rows' texts, within 8 to 60 characters.
std::vector<double> column_widths(const services::stats_table& t);

}  // namespace siaga::api
