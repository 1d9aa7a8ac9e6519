#include "storage/open_database.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace siaga::storage {

bool is_postgres_location(std::string_view database) {
  if (database.starts_with("postgresql://") || database.starts_with("postgres://")) return true;
  std::size_t i = 0;
  while (i < database.size() && std::isspace(static_cast<unsigned char>(database[i]))) ++i;
  const auto start = i;
  while (i < database.size() && (std::islower(static_cast<unsigned char>(database[i])) || database[i] == '_')) ++i;
  if (i == start) return false;
  while (i < database.size() && database[i] == ' ') ++i;
  return i < database.size() && database[i] == '=';
}

std::string printable_location(std::string_view database) {
  if (!is_postgres_location(database)) return std::string(database);
  std::string out(database);
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    // postgresql://user:secret@host/db: the user info ends at the last '@' before the path.
    auto rest = scheme + 3;
    auto path = out.find_first_of("/?", rest);
    auto at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at >= rest) {
      auto colon = out.find(':', rest);
      if (colon != std::string::npos && colon < at) out.replace(colon, at - colon, ":***");
    }
    // A password given as a query parameter.
    if (auto q = out.find("password="); q != std::string::npos && q > scheme) {
      auto end = out.find('&', q);
      out.replace(q + 9, (end == std::string::npos ? out.size() : end) - (q + 9), "***");
    }
    return out;
  }
  // Keywords: password=value or password='quoted value'.
  for (auto p = out.find("password"); p != std::string::npos; p = out.find("password", p + 1)) {
    if (p > 0 && !std::isspace(static_cast<unsigned char>(out[p - 1]))) continue;
    auto eq = out.find_first_not_of(' ', p + 8);
    if (eq == std::string::npos || out[eq] != '=') continue;
    auto v = out.find_first_not_of(' ', eq + 1);
    if (v == std::string::npos) break;
    auto end = v;
    if (out[v] == '\'') {
      end = v + 1;
      while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end]))) ++end;
    }
    out.replace(v, end - v, "***");
  }
  return out;
}

result<std::unique_ptr<store>> open_database(const std::string& database, sqlite_options sqlite,
                                             postgres_options postgres) {
  if (is_postgres_location(database)) {
    postgres.conninfo = database;
    return open_postgres(postgres);
  }
  sqlite.path = database;
  return open_sqlite(sqlite);
}

}  // namespace siaga::storage
