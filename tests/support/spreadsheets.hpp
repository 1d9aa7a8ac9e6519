// Reading back the CSV and XLSX downloads in integration tests.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace siaga::testing {

// The cells of a CSV download (';' between cells, CRLF, an optional byte-order mark; quoted
// cells are kept as written).
std::vector<std::vector<std::string>> csv_cells(const std::string& body);

// An XLSX download as tests/support/xlsx_dump.py prints it ({"sheets": [{"name", "freeze",
// "bold_header", "widths", "rows", "formats"}]}), read with Debian's python3-openpyxl; null
// (and a test failure) when it cannot be read.
boost::json::value read_xlsx(const std::string& bytes);

}  // namespace siaga::testing
