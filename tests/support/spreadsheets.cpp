#include "support/spreadsheets.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace siaga::testing {

std::vector<std::vector<std::string>> csv_cells(const std::string& body) {
  std::vector<std::vector<std::string>> rows;
  std::string text = body.substr(0, 3) == "\xEF\xBB\xBF" ? body.substr(3) : body;
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find("\r\n", start);
    if (end == std::string::npos) break;
    std::vector<std::string> cells;
    std::string line = text.substr(start, end - start);
    for (std::size_t a = 0;;) {
      auto b = line.find(';', a);
      cells.push_back(line.substr(a, b == std::string::npos ? std::string::npos : b - a));
      if (b == std::string::npos) break;
      a = b + 1;
    }
    rows.push_back(std::move(cells));
    start = end + 2;
  }
  return rows;
}

boost::json::value read_xlsx(const std::string& bytes) {
  auto path = std::filesystem::temp_directory_path() /
              ("siaga-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << bytes;
  // Debian's python3 by its path: another python3 earlier on PATH may lack openpyxl.
  std::string command = "/usr/bin/python3 " SIAGA_SOURCE_DIR "/tests/support/xlsx_dump.py " + path.string();
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  std::filesystem::remove(path);
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  EXPECT_FALSE(ec) << "xlsx_dump.py: " << out.substr(0, 500);
  return ec ? boost::json::value() : v;
}

}  // namespace siaga::testing
