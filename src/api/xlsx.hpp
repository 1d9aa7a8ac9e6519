// XLSX workbooks with libxlsxwriter in constant_memory mode: rows go to a temporary file as
// they come (a row's cells are kept until the next row starts), so a million rows take a few
// megabytes of memory; the workbook is zipped into its file at close(). One sheet holds at most
// 1,048,575 rows under its heading row; past that the rows go on in a new sheet ("Kejadian
// (2)") with the same heading. Each sheet has a bold, frozen heading row and set widths;
// counts are numbers shown as "#,##0", decimals as "#,##0.0" and local times as Excel dates
// ("dd/mm/yyyy hh:mm:ss"), which a spreadsheet with Indonesian regional settings shows as
// 1.234 and 12,5.
#pragma once

#include "api/table_writer.hpp"

#include <memory>
#include <string>
#include <vector>

namespace siaga::api {

class xlsx_writer final : public table_writer {
 public:
  // Starts a workbook at path with one sheet named sheet (cut to 31 characters) and this
  // heading row; widths as services::stats_table's (0 or missing: from the heading). tmpdir
  // holds libxlsxwriter's temporary files (empty: the system's). Fails with internal.
  static core::result<std::unique_ptr<xlsx_writer>> open(const std::string& path, const std::string& sheet,
                                                         const std::vector<std::string>& headers,
                                                         const std::vector<double>& widths,
                                                         const std::string& tmpdir = {});
  ~xlsx_writer() override;
  xlsx_writer(const xlsx_writer&) = delete;
  xlsx_writer& operator=(const xlsx_writer&) = delete;

  core::result<void> row(const services::stats_cells& cells) override;
  // Writes the workbook's file. Fails with internal; the writer is spent either way.
  core::result<void> close();

 private:
  struct impl;
  explicit xlsx_writer(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// A file of our own in dir (empty: the system's temporary folder), made empty and removed
// again with the object; for a workbook on its way out.
class temp_file {
 public:
  // Fails with internal when dir cannot take a file.
  static core::result<temp_file> make(const std::string& dir, const std::string& suffix);
  temp_file(temp_file&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  temp_file& operator=(temp_file&&) = delete;
  ~temp_file();
  const std::string& path() const { return path_; }

 private:
  explicit temp_file(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// A whole table as an XLSX file's bytes (a statistics view: small), through a temporary file
// under tmpdir that is removed again.
core::result<std::string> render_xlsx(const services::stats_table& t, const std::string& tmpdir = {});

// The widths of a table's columns: its own where set, else the longest of the heading and the
// first rows' texts, within 8 to 60 characters.
std::vector<double> column_widths(const services::stats_table& t);

}  // namespace siaga::api
