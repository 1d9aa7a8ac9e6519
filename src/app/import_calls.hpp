// siaga import calls FILE: a PBX's call detail records loaded into the database (issue 14 item
// 4), through the same service as the live telephony API, in batches of one write command each.
#pragma once

#include <ostream>
#include <string>

namespace siaga::app {

struct import_calls_options {
  std::string database;
  std::string file;
  std::string format = "generic";  // asterisk, freeswitch or generic (services/cdr_import.hpp)
  std::string jurisdiction;        // its code; may be left out when the database holds one
  std::size_t batch = 10000;       // calls per write command (one transaction)
};

// Imports the file: progress on err (a line per few seconds), then what was imported and every
// record refused with its line and reason. Importing the same file again adds nothing. Returns
// 0 when every record was imported, 3 when some were refused (the rest are in), 2 for bad
// options, 1 when the database or the file cannot be used (nothing of the failed batch is kept).
int run_import_calls(const import_calls_options& options, std::ostream& out, std::ostream& err);

}  // namespace siaga::app
