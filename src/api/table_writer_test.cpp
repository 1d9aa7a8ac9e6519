#include "api/csv.hpp"
#include "api/table_writer.hpp"
#include "api/xlsx.hpp"

#include "api/zip_stream.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <map>

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

// A ZIP read back from its central directory, each entry inflated and its CRC-32 checked:
// name -> content; empty (and a test failure) when the archive is not sound.
std::map<std::string, std::string> unzip(const std::string& zip) {
  auto u16 = [&](std::size_t at) { return static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at]) |
                                                                     static_cast<unsigned char>(zip[at + 1]) << 8); };
  auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
  std::map<std::string, std::string> out;
  if (zip.size() < 22 || u32(zip.size() - 22) != 0x06054b50) {
    ADD_FAILURE() << "no end of central directory record";
    return {};
  }
  auto entries = u16(zip.size() - 22 + 10);
  std::size_t at = u32(zip.size() - 22 + 16);
  for (std::uint32_t i = 0; i < entries; ++i) {
    if (u32(at) != 0x02014b50) {
      ADD_FAILURE() << "bad central directory entry " << i;
      return {};
    }
    auto crc = u32(at + 16), csize = u32(at + 20), usize = u32(at + 24);
    auto name_len = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32);
    std::size_t local = u32(at + 42);
    std::string name = zip.substr(at + 46, name_len);
    EXPECT_EQ(u32(local), 0x04034b50u) << name;
    std::size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    std::string content(usize, '\0');
    z_stream z{};
    inflateInit2(&z, -15);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
    z.avail_in = csize;
    z.next_out = reinterpret_cast<Bytef*>(content.data());
    z.avail_out = usize;
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END) << name;
    inflateEnd(&z);
    EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(content.data()), usize), crc) << name;
    EXPECT_EQ(u32(data + csize), 0x08074b50u) << name << ": a data descriptor follows the data";
    EXPECT_EQ(u32(data + csize + 4), crc) << name;
    out[name] = content;
    at += 46 + name_len + extra + comment;
  }
  return out;
}

TEST(zip_stream, entries_come_back_whole_from_the_pieces_taken) {
  zip_stream zip;
  std::string bytes;
  ASSERT_TRUE(zip.begin("a.txt"));
  std::string big;
  for (int i = 0; i < 200000; ++i) big += "baris " + std::to_string(i) + "\n";
  for (std::size_t at = 0; at < big.size(); at += 4096) {
    ASSERT_TRUE(zip.write(std::string_view(big).substr(at, 4096)));
    bytes += zip.take();
  }
  EXPECT_GT(bytes.size(), 0u) << "bytes leave before the entry ends";
  ASSERT_TRUE(zip.begin("folder/b.xml"));
  ASSERT_TRUE(zip.write("<b/>"));
  ASSERT_TRUE(zip.begin("empty"));
  ASSERT_TRUE(zip.finish());
  bytes += zip.take();
  EXPECT_FALSE(zip.write("late")) << "nothing after finish";
  EXPECT_FALSE(zip.finish());
  auto files = unzip(bytes);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files["a.txt"], big);
  EXPECT_EQ(files["folder/b.xml"], "<b/>");
  EXPECT_EQ(files["empty"], "");
  EXPECT_LT(bytes.size(), big.size() / 3) << "deflated";
}

TEST(zip_stream, refuses_data_without_an_entry) {
  zip_stream zip;
  EXPECT_FALSE(zip.write("x"));
}

TEST(xlsx_writer, streams_a_workbook_that_goes_on_in_a_new_sheet_and_refuses_rows_after_close) {
  xlsx_writer w("Kejadian: Juni/2025 dan seterusnya sampai akhir", {"Nomor", "Jumlah", "Rata-rata", "Waktu"}, {12, 0},
                3);
  std::string bytes = w.take();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(w.row({std::string("AMB-<") + std::to_string(i) + "> & \"x\"\x01", std::int64_t{i * 1000}, 12.5,
                       services::local_time{1749891900}}));
    bytes += w.take();
  }
  ASSERT_TRUE(w.close());
  bytes += w.take();
  EXPECT_FALSE(w.row({std::string("late")}));
  EXPECT_FALSE(w.close());
  EXPECT_EQ(bytes.substr(0, 2), "PK") << "an XLSX is a ZIP";
  auto files = unzip(bytes);
  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/workbook.xml",
                           "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
                           "xl/worksheets/sheet2.xml"}) {
    EXPECT_TRUE(files.contains(part)) << part;
  }
  EXPECT_FALSE(files.contains("xl/worksheets/sheet3.xml"));
  const auto& book = files["xl/workbook.xml"];
  EXPECT_NE(book.find("name=\"Kejadian- Juni-2025 dan seterus\""), std::string::npos) << book;
  EXPECT_NE(book.find("name=\"Kejadian- Juni-2025 dan (2)\""), std::string::npos) << book;
  const auto& one = files["xl/worksheets/sheet1.xml"];
  EXPECT_NE(one.find("<row r=\"4\">"), std::string::npos) << "three rows under the heading";
  EXPECT_EQ(one.find("<row r=\"5\">"), std::string::npos);
  EXPECT_NE(one.find("AMB-&lt;0&gt; &amp; &quot;x&quot;</t>"), std::string::npos) << "escaped, control character dropped";
  EXPECT_NE(one.find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(one.find("<col min=\"1\" max=\"1\" width=\"12\""), std::string::npos) << one;
  EXPECT_NE(one.find("<c r=\"B2\" s=\"2\"><v>0</v></c>"), std::string::npos);
  EXPECT_NE(one.find("<c r=\"D2\" s=\"4\"><v>45822.378472"), std::string::npos) << "an Excel date";
  const auto& two = files["xl/worksheets/sheet2.xml"];
  EXPECT_NE(two.find("<t xml:space=\"preserve\">Nomor</t>"), std::string::npos) << "the heading again";
  EXPECT_NE(two.find("AMB-&lt;4&gt;"), std::string::npos);
  EXPECT_NE(files["[Content_Types].xml"].find("/xl/worksheets/sheet2.xml"), std::string::npos);
}

TEST(xlsx_writer, an_empty_table_is_a_workbook_with_its_heading) {
  services::stats_table t;
  t.sheet = "Kosong";
  t.headers = {"Nama"};
  auto bytes = render_xlsx(t);
  ASSERT_TRUE(bytes);
  auto files = unzip(*bytes);
  EXPECT_NE(files["xl/worksheets/sheet1.xml"].find(">Nama</t>"), std::string::npos);
}

}  // namespace
}  // namespace siaga::api
