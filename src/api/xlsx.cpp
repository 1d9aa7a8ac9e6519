#include "api/xlsx.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace siaga::api {
namespace {

// Excel's last row is 1,048,576; the first holds the headings.
constexpr std::uint32_t rows_per_sheet = 1'048'575;

// Days from Excel's day 0 (1899-12-30 in its 1900 date system) to 1970-01-01.
constexpr double excel_epoch_days = 25569.0;

core::error failure(const std::string& what, lxw_error e) {
  return core::make_error(core::errc::internal, "xlsx: " + what + ": " + lxw_strerror(e));
}

// Excel's sheet names: at most 31 characters, none of []:*?/\ (cut on a UTF-8 boundary).
std::string sheet_name(std::string name) {
  for (char& ch : name) {
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '-';
  }
  std::size_t chars = 0, i = 0;
  for (; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 && ++chars > 31) break;
  }
  name.resize(i);
  return name.empty() ? "Data" : name;
}

std::size_t text_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

}  // namespace

struct xlsx_writer::impl {
  lxw_workbook* book = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* heading = nullptr;
  lxw_format* count = nullptr;
  lxw_format* decimal = nullptr;
  lxw_format* when = nullptr;
  std::string sheet_base;
  std::vector<std::string> headers;
  std::vector<double> widths;
  int sheets = 0;
  std::uint32_t next_row = 0;

  ~impl() {
    // A writer dropped before close(): the workbook is freed without writing its file.
    if (book) lxw_workbook_free(book);
  }

  core::result<void> start_sheet() {
    ++sheets;
    std::string name = sheets == 1 ? sheet_name(sheet_base) : sheet_name(sheet_base.substr(0, 24)) + " (" +
                                                                  std::to_string(sheets) + ")";
    sheet = workbook_add_worksheet(book, name.c_str());
    if (!sheet) return core::make_error(core::errc::internal, "xlsx: cannot add sheet " + name);
    for (std::size_t c = 0; c < headers.size(); ++c) {
      double w = c < widths.size() && widths[c] > 0 ? widths[c] : std::clamp<double>(text_width(headers[c]) + 2, 8, 60);
      auto col = static_cast<lxw_col_t>(c);
      if (auto e = worksheet_set_column(sheet, col, col, w, nullptr); e) return failure("set column", e);
      if (auto e = worksheet_write_string(sheet, 0, col, headers[c].c_str(), heading); e) return failure("heading", e);
    }
    worksheet_freeze_panes(sheet, 1, 0);
    next_row = 1;
    return {};
  }
};

xlsx_writer::xlsx_writer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
xlsx_writer::~xlsx_writer() = default;

core::result<std::unique_ptr<xlsx_writer>> xlsx_writer::open(const std::string& path, const std::string& sheet,
                                                             const std::vector<std::string>& headers,
                                                             const std::vector<double>& widths,
                                                             const std::string& tmpdir) {
  auto p = std::make_unique<impl>();
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = tmpdir.empty() ? nullptr : const_cast<char*>(tmpdir.c_str());
  options.use_zip64 = LXW_TRUE;  // a million rows pass the 4 GiB of uncompressed XML ZIP32 allows
  p->book = workbook_new_opt(path.c_str(), &options);
  if (!p->book) return core::make_error(core::errc::internal, "xlsx: cannot start a workbook at " + path);
  lxw_doc_properties props{};
  props.title = const_cast<char*>(sheet.c_str());
  props.author = const_cast<char*>("Siaga 112");
  workbook_set_properties(p->book, &props);
  p->heading = workbook_add_format(p->book);
  format_set_bold(p->heading);
  format_set_bg_color(p->heading, 0xE8EEF4);
  format_set_bottom(p->heading, LXW_BORDER_THIN);
  p->count = workbook_add_format(p->book);
  format_set_num_format(p->count, "#,##0");
  p->decimal = workbook_add_format(p->book);
  format_set_num_format(p->decimal, "#,##0.0");
  p->when = workbook_add_format(p->book);
  format_set_num_format(p->when, "dd/mm/yyyy hh:mm:ss");
  p->sheet_base = sheet;
  p->headers = headers;
  p->widths = widths;
  SIAGA_CHECK(p->start_sheet());
  return std::unique_ptr<xlsx_writer>(new xlsx_writer(std::move(p)));
}

core::result<void> xlsx_writer::row(const services::stats_cells& cells) {
  auto& p = *impl_;
  if (!p.book) return core::make_error(core::errc::internal, "xlsx: the workbook is closed");
  if (p.next_row > rows_per_sheet) {
    SIAGA_CHECK(p.start_sheet());
  }
  auto r = p.next_row++;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    auto col = static_cast<lxw_col_t>(c);
    lxw_error e = LXW_NO_ERROR;
    const auto& cell = cells[c];
    if (const auto* s = std::get_if<std::string>(&cell)) {
      if (!s->empty()) e = worksheet_write_string(p.sheet, r, col, s->c_str(), nullptr);
    } else if (const auto* n = std::get_if<std::int64_t>(&cell)) {
      e = worksheet_write_number(p.sheet, r, col, static_cast<double>(*n), p.count);
    } else if (const auto* d = std::get_if<double>(&cell)) {
      e = worksheet_write_number(p.sheet, r, col, *d, p.decimal);
    } else if (const auto* t = std::get_if<services::local_time>(&cell)) {
      e = worksheet_write_number(p.sheet, r, col, excel_epoch_days + static_cast<double>(t->seconds) / 86400.0, p.when);
    }
    if (e) return failure("row " + std::to_string(r), e);
  }
  return {};
}

core::result<void> xlsx_writer::close() {
  auto* book = std::exchange(impl_->book, nullptr);
  if (!book) return core::make_error(core::errc::internal, "xlsx: the workbook is closed");
  if (auto e = workbook_close(book); e) return failure("close", e);
  return {};
}

std::vector<double> column_widths(const services::stats_table& t) {
  std::vector<double> out;
  for (std::size_t c = 0; c < t.headers.size(); ++c) {
    if (c < t.widths.size() && t.widths[c] > 0) {
      out.push_back(t.widths[c]);
      continue;
    }
    std::size_t w = text_width(t.headers[c]);
    for (std::size_t r = 0; r < t.rows.size() && r < 200; ++r) {
      if (c >= t.rows[r].size()) continue;
      const auto& cell = t.rows[r][c];
      if (const auto* s = std::get_if<std::string>(&cell)) w = std::max(w, text_width(*s));
      if (std::holds_alternative<services::local_time>(cell)) w = std::max<std::size_t>(w, 19);
      if (std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<double>(cell)) w = std::max<std::size_t>(w, 10);
    }
    out.push_back(std::clamp<double>(static_cast<double>(w) + 2, 8, 60));
  }
  return out;
}

core::result<temp_file> temp_file::make(const std::string& dir, const std::string& suffix) {
  std::string folder = dir.empty() ? std::filesystem::temp_directory_path().string() : dir;
  std::string pattern = folder + "/siaga-export-XXXXXX" + suffix;
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return core::make_error(core::errc::internal, "cannot make a temporary file in " + folder);
  ::close(fd);
  return temp_file(std::string(name.data()));
}

temp_file::~temp_file() {
  if (!path_.empty()) std::remove(path_.c_str());
}

core::result<std::string> render_xlsx(const services::stats_table& t, const std::string& tmpdir) {
  SIAGA_TRY(file, temp_file::make(tmpdir, ".xlsx"));
  {
    SIAGA_TRY(w, xlsx_writer::open(file.path(), t.sheet, t.headers, column_widths(t), tmpdir));
    for (const auto& r : t.rows) SIAGA_CHECK(w->row(r));
    SIAGA_CHECK(w->close());
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return core::make_error(core::errc::internal, "xlsx: cannot read back " + file.path());
  return bytes.str();
}

}  // namespace siaga::api
