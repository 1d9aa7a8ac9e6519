#include "api/table_writer.hpp"

#include "api/csv.hpp"
#include "api/xlsx.hpp"

#include <chrono>
#include <cstdio>

namespace siaga::api {

std::string date_text(domain::local_date d) {
  std::chrono::year_month_day ymd{d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

core::result<table_format> format_of(const std::map<std::string, std::string, std::less<>>& q, bool json_allowed) {
  auto it = q.find("format");
  if (it == q.end() || (json_allowed && it->second == "json")) return table_format::json;
  if (it->second == "csv") return table_format::csv;
  if (it->second == "xlsx") return table_format::xlsx;
  return core::invalid(std::string("format tidak dikenal / unknown format '") + it->second + "': use " +
                       (json_allowed ? "json, csv or xlsx" : "csv or xlsx"));
}

std::string_view extension_of(table_format f) {
  switch (f) {
    case table_format::csv: return "csv";
    case table_format::xlsx: return "xlsx";
    case table_format::json: return "json";
  }
  return "";
}

std::string download_name(std::string_view what, domain::local_date from, domain::local_date to) {
  using namespace std::chrono;
  year_month_day f{from}, t{to};
  auto base = std::string(what) + "-";
  if (from == to) return base + date_text(from);
  bool whole_months = f.day() == day{1} && year_month_day_last{t.year(), month_day_last{t.month()}}.day() == t.day();
  if (whole_months && f.year() == t.year() && f.month() == t.month()) return base + date_text(from).substr(0, 7);
  if (whole_months && f.year() == t.year() && f.month() == January && t.month() == December) {
    return base + date_text(from).substr(0, 4);
  }
  return base + date_text(from) + "-" + date_text(to);
}

net::response download_head(const net::request& req, table_format f, const std::string& filename) {
  net::response res{net::http::status::ok, req.version()};
  res.set(net::http::field::content_type, f == table_format::xlsx
                                              ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                              : "text/csv; charset=utf-8");
  res.set(net::http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
  res.set(net::http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  return res;
}

core::result<net::response> table_response(const net::request& req, table_format f, const std::string& filename_base,
                                           const services::stats_table& t) {
  auto res = download_head(req, f, filename_base + "." + std::string(extension_of(f)));
  if (f == table_format::xlsx) {
    SIAGA_TRY(bytes, render_xlsx(t));
    res.body() = std::move(bytes);
  } else {
    res.body() = render_csv(t);
  }
  res.prepare_payload();
  return res;
}

}  // namespace siaga::api
