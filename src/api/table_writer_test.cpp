#include "api/csv.hpp"
#include "api/table_writer.hpp"
#include "api/xlsx.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace siaga::api {
namespace {

using namespace std::chrono;

domain::local_date d(int y, unsigned m, unsigned day) {
  return domain::local_date(year_month_day{year{y}, month{m}, std::chrono::day{day}});
}

TEST(download_name, names_a_month_a_year_a_day_or_the_range) {
  EXPECT_EQ(download_name("statistik-kejadian", d(2025, 6, 1), d(2025, 6, 30)), "statistik-kejadian-2025-06");
  EXPECT_EQ(download_name("statistik-kejadian", d(2024, 2, 1), d(2024, 2, 29)), "statistik-kejadian-2024-02");
  EXPECT_EQ(download_name("statistik-kejadian", d(2025, 1, 1), d(2025, 12, 31)), "statistik-kejadian-2025");
  EXPECT_EQ(download_name("daftar-kejadian", d(2025, 6, 14), d(2025, 6, 14)), "daftar-kejadian-2025-06-14");
  EXPECT_EQ(download_name("x", d(2025, 6, 1), d(2025, 6, 29)), "x-2025-06-01-2025-06-29");
  EXPECT_EQ(download_name("x", d(2025, 6, 1), d(2025, 7, 31)), "x-2025-06-01-2025-07-31");
}

TEST(format_of, knows_json_csv_and_xlsx_and_refuses_the_rest) {
  EXPECT_EQ(*format_of({}), table_format::json);
  EXPECT_EQ(*format_of({{"format", "json"}}), table_format::json);
  EXPECT_EQ(*format_of({{"format", "csv"}}), table_format::csv);
  EXPECT_EQ(*format_of({{"format", "xlsx"}}), table_format::xlsx);
  for (const char* bad : {"", "XLSX", "pdf", "xls"}) {
    auto f = format_of({{"format", bad}});
    ASSERT_FALSE(f) << bad;
    EXPECT_EQ(f.error().code, core::errc::invalid_input);
  }
  EXPECT_FALSE(format_of({{"format", "json"}}, false));
}

TEST(csv_writer, writes_indonesian_cells_and_hands_them_over_in_pieces) {
  csv_writer w({"Nama", "Jumlah", "Rata-rata", "Waktu"});
  auto head = w.take();
  EXPECT_EQ(head, "\xEF\xBB\xBFNama;Jumlah;Rata-rata;Waktu\r\n");
  ASSERT_TRUE(w.row({std::string("a;b \"c\""), std::int64_t{1234}, 12.25, services::local_time{1749891900}}));
  ASSERT_TRUE(w.row({std::monostate{}, std::int64_t{0}, 0.04, std::monostate{}}));
  EXPECT_EQ(w.take(), "\"a;b \"\"c\"\"\";1234;12,3;2025-06-14 09:05:00\r\n;0;0,0;\r\n");
  EXPECT_EQ(w.take(), "");
}

TEST(xlsx_writer, writes_a_workbook_file_and_refuses_rows_after_close) {
  auto file = temp_file::make({}, ".xlsx");
  ASSERT_TRUE(file);
  auto w = xlsx_writer::open(file->path(), "Kejadian: Juni/2025 dan seterusnya sampai akhir", {"Nomor", "Jumlah"}, {});
  ASSERT_TRUE(w) << w.error().message;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE((*w)->row({std::string("AMB-") + std::to_string(i), std::int64_t{i}}));
  ASSERT_TRUE((*w)->close());
  EXPECT_FALSE((*w)->row({std::string("late")}));
  std::ifstream in(file->path(), std::ios::binary);
  char magic[2] = {};
  in.read(magic, 2);
  EXPECT_EQ(std::string(magic, 2), "PK") << "an XLSX is a ZIP";
  EXPECT_GT(std::filesystem::file_size(file->path()), 1000u);
  auto path = file->path();
  { auto gone = std::move(*file); }
  EXPECT_FALSE(std::filesystem::exists(path)) << "the temporary file goes with its object";
}

}  // namespace
}  // namespace siaga::api
