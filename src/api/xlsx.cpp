#include "api/xlsx.hpp"

#include "api/zip_stream.hpp"

#include <algorithm>
#include <cstdio>

namespace siaga::api {
namespace {

// Days from Excel's day 0 (1899-12-30 in its 1900 date system) to 1970-01-01.
constexpr double excel_epoch_days = 25569.0;

// A sheet's XML is kept under ZIP's 4 GiB with room for one more row.
constexpr std::uint64_t sheet_bytes_limit = 0xF0000000u;

constexpr std::string_view xml_head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr std::string_view package_rel_ns = "http://schemas.openxmlformats.org/package/2006/relationships";

// styles.xml, whose cellXfs the cells name by index (s="1"): 0 plain, 1 heading, 2 count,
// 3 decimal, 4 local time. Calibri 11; the heading bold on a light blue-grey fill with a thin line under it;
// "#,##0" is Excel's built-in format 3.
constexpr std::string_view styles_xml =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"#,##0.0\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"dd/mm/yyyy hh:mm:ss\"/></numFmts>"
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
    "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill>"
    "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE8EEF4\"/><bgColor indexed=\"64\"/></patternFill></fill>"
    "</fills>"
    "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
    "<border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" "
    "applyBorder=\"1\"/>"
    "<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    "</styleSheet>";

// Text for XML: the five escapes, and the control characters XML 1.0 cannot hold dropped.
void append_text(std::string& out, std::string_view s) {
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\t':
      case '\n':
      case '\r': out += ch; break;
      default:
        if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
    }
  }
}

// "A", "B", ... "Z", "AA", ...: a column's letters, from 0.
void append_column(std::string& out, std::size_t c) {
  char letters[4];
  int n = 0;
  for (++c; c > 0 && n < 4; c = (c - 1) / 26) letters[n++] = static_cast<char>('A' + (c - 1) % 26);
  while (n > 0) out += letters[--n];
}

void append_number(std::string& out, double v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  out.append(buf, static_cast<std::size_t>(n));
}

void append_cell_ref(std::string& out, std::size_t c, std::uint32_t r) {
  out += "<c r=\"";
  append_column(out, c);
  out += std::to_string(r);
  out += '"';
}

// Excel's sheet names: at most 31 characters, none of []:*?/\ (cut on a UTF-8 boundary
// after max characters, trailing spaces dropped).
std::string sheet_name(std::string name, std::size_t max = 31) {
  for (char& ch : name) {
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '-';
  }
  std::size_t chars = 0, i = 0;
  for (; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 && ++chars > max) break;
  }
  name.resize(i);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name.empty() ? "Data" : name;
}

std::size_t text_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

// A relationships part: (type, target) pairs, given ids rId1, rId2, ... in order (the
// workbook names its sheets by these ids).
std::string relationships(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string t(xml_head);
  t += "<Relationships xmlns=\"";
  t += package_rel_ns;
  t += "\">";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    t += "<Relationship Id=\"rId" + std::to_string(i + 1) + "\" Type=\"" + parts[i].first + "\" Target=\"" +
         parts[i].second + "\"/>";
  }
  t += "</Relationships>";
  return t;
}

}  // namespace

struct xlsx_writer::impl {
  zip_stream zip;
  std::string sheet_base;
  std::vector<std::string> headers;
  std::vector<double> widths;
  std::uint32_t rows_per_sheet = 0;
  std::vector<std::string> sheet_names;
  std::uint32_t next_row = 0;  // the row number the next row gets, from 1
  bool closed = false;
  std::string xml;  // the XML being built, handed to the ZIP a row at a time

  core::result<void> put(std::string_view s) { return zip.write(s); }

  core::result<void> start_sheet() {
    if (!sheet_names.empty()) SIAGA_CHECK(put("</sheetData></worksheet>"));
    auto n = sheet_names.size() + 1;
    sheet_names.push_back(n == 1 ? sheet_name(sheet_base) : sheet_name(sheet_base, 24) + " (" + std::to_string(n) + ")");
    SIAGA_CHECK(zip.begin("xl/worksheets/sheet" + std::to_string(n) + ".xml"));
    xml.clear();
    xml += xml_head;
    xml += "<worksheet xmlns=\"";
    xml += main_ns;
    xml += "\" xmlns:r=\"";
    xml += rel_ns;
    xml += "\"><sheetViews><sheetView";
    if (n == 1) xml += " tabSelected=\"1\"";
    xml += " workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
           "<selection pane=\"bottomLeft\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>";
    if (!headers.empty()) {
      xml += "<cols>";
      for (std::size_t c = 0; c < headers.size(); ++c) {
        double w = c < widths.size() && widths[c] > 0 ? widths[c] : std::clamp<double>(text_width(headers[c]) + 2, 8, 60);
        xml += "<col min=\"" + std::to_string(c + 1) + "\" max=\"" + std::to_string(c + 1) + "\" width=\"";
        append_number(xml, w);
        xml += "\" customWidth=\"1\"/>";
      }
      xml += "</cols>";
    }
    xml += "<sheetData><row r=\"1\">";
    for (std::size_t c = 0; c < headers.size(); ++c) {
      append_cell_ref(xml, c, 1);
      xml += " s=\"1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">";
      append_text(xml, headers[c]);
      xml += "</t></is></c>";
    }
    xml += "</row>";
    SIAGA_CHECK(put(xml));
    next_row = 2;
    return {};
  }

  // The parts that name the sheets, once every sheet is written.
  core::result<void> write_parts() {
    SIAGA_CHECK(zip.begin("[Content_Types].xml"));
    std::string t(xml_head);
    t += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
         "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
         "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
         "<Override PartName=\"/xl/workbook.xml\" "
         "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
         "<Override PartName=\"/xl/styles.xml\" "
         "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
         "<Override PartName=\"/docProps/core.xml\" "
         "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>";
    for (std::size_t i = 1; i <= sheet_names.size(); ++i) {
      t += "<Override PartName=\"/xl/worksheets/sheet" + std::to_string(i) +
           ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
    }
    t += "</Types>";
    SIAGA_CHECK(put(t));

    SIAGA_CHECK(zip.begin("_rels/.rels"));
    SIAGA_CHECK(put(relationships({{std::string(rel_ns) + "/officeDocument", "xl/workbook.xml"},
                                   {std::string(package_rel_ns) + "/metadata/core-properties", "docProps/core.xml"}})));

    SIAGA_CHECK(zip.begin("docProps/core.xml"));
    t = xml_head;
    t += "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>";
    append_text(t, sheet_base);
    t += "</dc:title><dc:creator>Siaga 112</dc:creator></cp:coreProperties>";
    SIAGA_CHECK(put(t));

    SIAGA_CHECK(zip.begin("xl/workbook.xml"));
    t = xml_head;
    t += "<workbook xmlns=\"";
    t += main_ns;
    t += "\" xmlns:r=\"";
    t += rel_ns;
    t += "\"><bookViews><workbookView/></bookViews><sheets>";
    for (std::size_t i = 0; i < sheet_names.size(); ++i) {
      t += "<sheet name=\"";
      append_text(t, sheet_names[i]);
      t += "\" sheetId=\"" + std::to_string(i + 1) + "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
    }
    t += "</sheets></workbook>";
    SIAGA_CHECK(put(t));

    SIAGA_CHECK(zip.begin("xl/_rels/workbook.xml.rels"));
    std::vector<std::pair<std::string, std::string>> parts;
    for (std::size_t i = 1; i <= sheet_names.size(); ++i) {
      parts.emplace_back(std::string(rel_ns) + "/worksheet", "worksheets/sheet" + std::to_string(i) + ".xml");
    }
    parts.emplace_back(std::string(rel_ns) + "/styles", "styles.xml");
    SIAGA_CHECK(put(relationships(parts)));

    SIAGA_CHECK(zip.begin("xl/styles.xml"));
    t = xml_head;
    t += styles_xml;
    return put(t);
  }
};

xlsx_writer::xlsx_writer(const std::string& sheet, const std::vector<std::string>& headers,
                         const std::vector<double>& widths, std::uint32_t rows_per_sheet)
    : impl_(std::make_unique<impl>()) {
  impl_->sheet_base = sheet;
  impl_->headers = headers;
  impl_->widths = widths;
  impl_->rows_per_sheet = std::max<std::uint32_t>(rows_per_sheet, 1);
}

xlsx_writer::~xlsx_writer() = default;

core::result<void> xlsx_writer::row(const services::stats_cells& cells) {
  auto& p = *impl_;
  if (p.closed) return core::make_error(core::errc::internal, "xlsx: the workbook is closed");
  if (p.sheet_names.empty() || p.next_row > p.rows_per_sheet + 1 || p.zip.entry_size() > sheet_bytes_limit) {
    SIAGA_CHECK(p.start_sheet());
  }
  auto r = p.next_row++;
  auto& x = p.xml;
  x.clear();
  x += "<row r=\"" + std::to_string(r) + "\">";
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto& cell = cells[c];
    if (const auto* s = std::get_if<std::string>(&cell)) {
      if (s->empty()) continue;
      append_cell_ref(x, c, r);
      x += " t=\"inlineStr\"><is><t xml:space=\"preserve\">";
      append_text(x, *s);
      x += "</t></is></c>";
    } else if (const auto* n = std::get_if<std::int64_t>(&cell)) {
      append_cell_ref(x, c, r);
      x += " s=\"2\"><v>" + std::to_string(*n) + "</v></c>";
    } else if (const auto* d = std::get_if<double>(&cell)) {
      append_cell_ref(x, c, r);
      x += " s=\"3\"><v>";
      append_number(x, *d);
      x += "</v></c>";
    } else if (const auto* t = std::get_if<services::local_time>(&cell)) {
      append_cell_ref(x, c, r);
      x += " s=\"4\"><v>";
      append_number(x, excel_epoch_days + static_cast<double>(t->seconds) / 86400.0);
      x += "</v></c>";
    }
  }
  x += "</row>";
  return p.put(x);
}

core::result<void> xlsx_writer::close() {
  auto& p = *impl_;
  if (p.closed) return core::make_error(core::errc::internal, "xlsx: the workbook is closed");
  p.closed = true;
  if (p.sheet_names.empty()) SIAGA_CHECK(p.start_sheet());
  SIAGA_CHECK(p.put("</sheetData></worksheet>"));
  SIAGA_CHECK(p.write_parts());
  return p.zip.finish();
}

std::string xlsx_writer::take() { return impl_->zip.take(); }

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

core::result<std::string> render_xlsx(const services::stats_table& t) {
  xlsx_writer w(t.sheet, t.headers, column_widths(t));
  for (const auto& r : t.rows) SIAGA_CHECK(w.row(r));
  SIAGA_CHECK(w.close());
  return w.take();
}

}  // namespace siaga::api
