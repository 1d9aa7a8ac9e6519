#include "app/area_data.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace siaga::app {

core::result<std::vector<std::vector<std::string>>> read_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
      ++line;
    } else {
      field += c;
    }
  }
  if (quoted) return core::invalid("unterminated quote from line " + std::to_string(line));
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) rows.erase(rows.begin());  // the header
  return rows;
}

namespace {

core::result<std::vector<std::vector<std::string>>> read_file(const std::string& dir, const char* name) {
  auto path = std::filesystem::path(dir) / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::invalid("cannot read " + path.string() +
                         ": give --area-data DIR, the data folder of the idn-area-data npm package "
                         "(bash scripts/area-data.sh installs it into build/area-data/)");
  }
  std::stringstream s;
  s << in.rdbuf();
  auto rows = read_csv(s.str());
  if (!rows) return core::invalid(path.string() + ": " + rows.error().message);
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if ((*rows)[i].size() < 3) return core::invalid(path.string() + ": row " + std::to_string(i + 2) + " has fewer than 3 fields");
  }
  return rows;
}

}  // namespace

core::result<regency_areas> load_regency(const std::string& dir, const std::string& code) {
  SIAGA_TRY(regencies, read_file(dir, "regencies.csv"));
  regency_areas out;
  for (const auto& r : regencies) {
    if (r[0] == code) {
      out.code = r[0];
      out.name = r[2];
    }
  }
  if (out.code.empty()) {
    return core::not_found("regency " + code + " is not in idn-area-data's regencies.csv (a code like 81.71 or 74.71)");
  }
  SIAGA_TRY(districts, read_file(dir, "districts.csv"));
  for (const auto& r : districts) {
    if (r[1] == code) out.districts.push_back({r[0], r[1], r[2]});
  }
  SIAGA_TRY(villages, read_file(dir, "villages.csv"));
  for (const auto& r : villages) {
    if (r[1].size() > code.size() && r[1].compare(0, code.size() + 1, code + ".") == 0) out.villages.push_back({r[0], r[1], r[2]});
  }
  auto by_code = [](const area_row& a, const area_row& b) { return a.code < b.code; };
  std::sort(out.districts.begin(), out.districts.end(), by_code);
  std::sort(out.villages.begin(), out.villages.end(), by_code);
  return out;
}

std::string default_area_data_dir() {
  if (const char* env = std::getenv("SIAGA_AREA_DATA"); env && *env) return env;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "area-data/package/data";
  return (exe.parent_path() / "area-data" / "package" / "data").string();
}

}  // namespace siaga::app
