#include "api/csv.hpp"

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

void put_cell(std::string& out, const services::stats_cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return put_text(out, *s);
  if (const auto* n = std::get_if<std::int64_t>(&c)) {
    out += std::to_string(*n);
    return;
  }
  if (const auto* d = std::get_if<double>(&c)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", std::round(*d * 10) / 10);
    for (char* p = buf; *p; ++p) {
      if (*p == '.') *p = ',';
    }
    out += buf;
  }
}

}  // namespace

std::string render_csv(const services::stats_table& t) {
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < t.headers.size(); ++i) {
    if (i) out += ';';
    put_text(out, t.headers[i]);
  }
  out += "\r\n";
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ';';
      put_cell(out, row[i]);
    }
    out += "\r\n";
  }
  return out;
}

net::response csv_response(const net::request& req, const std::string& filename, std::string body) {
  net::response res{net::http::status::ok, req.version()};
  res.set(net::http::field::content_type, "text/csv; charset=utf-8");
  res.set(net::http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
  res.set(net::http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace siaga::api
