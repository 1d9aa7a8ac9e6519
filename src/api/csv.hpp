// CSV for spreadsheets in Indonesia: UTF-8 with a byte-order mark (so Excel reads the accents),
// ';' between cells and a decimal comma (the Indonesian regional settings), CRLF line ends,
// cells quoted when they hold ';', '"' or a line break; local times as "2025-06-14 09:05:00".
#pragma once

#include "api/table_writer.hpp"

#include <string>

namespace siaga::api {

// A whole table as CSV (a statistics view: small).
std::string render_csv(const services::stats_table& t);

// A CSV written row by row: take() hands over what was written since the last take (the BOM
// and the heading line first), so that a long list goes out in pieces.
class csv_writer final : public table_writer {
 public:
  explicit csv_writer(const std::vector<std::string>& headers);
  core::result<void> row(const services::stats_cells& cells) override;
  core::result<void> close() override { return {}; }
  std::string take() override;

 private:
  std::string out_;
};

}  // namespace siaga::api
