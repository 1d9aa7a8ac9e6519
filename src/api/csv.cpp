#include "api/csv.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace siaga::api {
namespace {

void put_text(std::string& out, const std::string& s) {
  if (s.find_first_of(";\"\r\n") == std::string::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void put_time(std::string& out, services::local_time t) {
  using namespace std::chrono;
  sys_seconds at{seconds{t.seconds}};
  auto day = floor<days>(at);
  year_month_day ymd{day};
  hh_mm_ss hms{at - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  out += buf;
}

void put_cell(std::string& out, const services::stats_cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return put_text(out, *s);
  if (const auto* n = std::get_if<std::int64_t>(&c)) {
    out += std::to_string(*n);
    return;
  }
  if (const auto* t = std::get_if<services::local_time>(&c)) return put_time(out, *t);
  if (const auto* d = std::get_if<double>(&c)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", std::round(*d * 10) / 10);
    for (char* p = buf; *p; ++p) {
      if (*p == '.') *p = ',';
    }
    out += buf;
  }
}

void put_row(std::string& out, const services::stats_cells& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) out += ';';
    put_cell(out, row[i]);
  }
  out += "\r\n";
}

}  // namespace

csv_writer::csv_writer(const std::vector<std::string>& headers) : out_("\xEF\xBB\xBF") {
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (i) out_ += ';';
    put_text(out_, headers[i]);
  }
  out_ += "\r\n";
}

core::result<void> csv_writer::row(const services::stats_cells& cells) {
  put_row(out_, cells);
  return {};
}

std::string csv_writer::take() {
  return std::exchange(out_, std::string());
}

std::string render_csv(const services::stats_table& t) {
  csv_writer w(t.headers);
  for (const auto& row : t.rows) (void)w.row(row);
  return w.take();
}


}  // namespace siaga::api
