// CSV for spreadsheets in Indonesia: UTF-8 with a byte-order mark (so Excel reads the accents),
// ';' between cells and a decimal comma (the Indonesian regional settings), CRLF line ends,
// cells quoted when they hold ';', '"' or a line break.
#pragma once

#include "api/http_util.hpp"
#include "services/stats_table.hpp"

#include <string>

namespace siaga::api {

std::string render_csv(const services::stats_table& t);

// A 200 answer with the CSV as a download named filename.
net::response csv_response(const net::request& req, const std::string& filename, std::string body);

}  // namespace siaga::api
