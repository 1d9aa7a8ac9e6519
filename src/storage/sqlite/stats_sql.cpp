#include "storage/sqlite/stats_sql.hpp"

#include "storage/sqlite/query.hpp"

namespace siaga::storage::sqlite::stats_sql {
namespace {

// The column of a dim in a table, or nullptr when the table has none.
const char* column_of(std::string_view table, stats_dim d) {
  bool incidents = table == "incidents";
  switch (d) {
    case stats_dim::category: return "category_id";
    case stats_dim::urgency: return incidents ? "urgency_class" : nullptr;
    case stats_dim::district: return "district_id";
    case stats_dim::status: return "status";
    case stats_dim::channel: return incidents ? nullptr : "source";
    case stats_dim::reject_reason: return incidents ? nullptr : "rejection";
    case stats_dim::agency: return nullptr;
    case stats_dim::call_taker: return "created_by";
  }
  return nullptr;
}

}  // namespace

result<std::vector<stats_count_row>> count(connection& c, std::string_view table, const stats_count_query& q) {
  std::string dims;
  for (auto d : q.dims) {
    const char* col = column_of(table, d);
    if (!col) return core::invalid(cat({"this count cannot be grouped by that dimension for ", table}));
    dims += cat({", coalesce(", col, ", '')"});
  }
  // Local buckets: created_at is UTC microseconds; the zone is a fixed offset.
  const char* width = q.by_hour ? "3600" : "86400";
  std::string sql = cat({"SELECT (created_at / 1000000 + ?) / ", width, " AS bucket", dims, ", count(*) FROM ", table,
                         " WHERE jurisdiction_id = ? AND created_at >= ? AND created_at < ? GROUP BY bucket"});
  for (std::size_t i = 0; i < q.dims.size(); ++i) sql += ", " + std::to_string(i + 2);
  sql += " ORDER BY 1";
  for (std::size_t i = 0; i < q.dims.size(); ++i) sql += ", " + std::to_string(i + 2);
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(static_cast<std::int64_t>(q.offset_minutes) * 60).bind(q.jurisdiction_id).bind(q.from).bind(q.to);
  std::vector<stats_count_row> out;
  for (;;) {
    auto row = st->step(table);
    if (!row) return row.error();
    if (!*row) break;
    stats_count_row r;
    r.bucket = st->int64(0);
    for (std::size_t i = 0; i < q.dims.size(); ++i) r.dims.push_back(st->text(static_cast<int>(i) + 1));
    r.count = st->int64(static_cast<int>(q.dims.size()) + 1);
    out.push_back(std::move(r));
  }
  return out;
}

result<std::vector<dispatch_time_row>> dispatch_times(connection& c, const stats_count_query& q) {
  static constexpr std::string_view by_day =
      "SELECT (d.notified_at / 1000000 + ?) / 86400, d.agency_id, i.category_id, d.status, "
      "(d.acknowledged_at - d.notified_at) / 1000000, (d.en_route_at - d.notified_at) / 1000000, "
      "(d.on_scene_at - d.notified_at) / 1000000, (d.completed_at - d.notified_at) / 1000000 "
      "FROM dispatches d JOIN incidents i ON i.id = d.incident_id "
      "WHERE d.jurisdiction_id = ? AND d.notified_at >= ? AND d.notified_at < ? ORDER BY d.notified_at, d.id";
  static constexpr std::string_view by_hour =
      "SELECT (d.notified_at / 1000000 + ?) / 3600, d.agency_id, i.category_id, d.status, "
      "(d.acknowledged_at - d.notified_at) / 1000000, (d.en_route_at - d.notified_at) / 1000000, "
      "(d.on_scene_at - d.notified_at) / 1000000, (d.completed_at - d.notified_at) / 1000000 "
      "FROM dispatches d JOIN incidents i ON i.id = d.incident_id "
      "WHERE d.jurisdiction_id = ? AND d.notified_at >= ? AND d.notified_at < ? ORDER BY d.notified_at, d.id";
  auto st = c.prepare(q.by_hour ? by_hour : by_day);
  if (!st) return st.error();
  st->bind(static_cast<std::int64_t>(q.offset_minutes) * 60).bind(q.jurisdiction_id).bind(q.from).bind(q.to);
  auto opt = [&](int col) -> std::optional<std::int64_t> {
    if (st->is_null(col)) return std::nullopt;
    return st->int64(col);
  };
  std::vector<dispatch_time_row> out;
  for (;;) {
    auto row = st->step("dispatches");
    if (!row) return row.error();
    if (!*row) break;
    dispatch_time_row r;
    r.bucket = st->int64(0);
    r.agency_id = st->text(1);
    r.category_id = st->text(2);
    r.status = st->text(3);
    r.acknowledged_s = opt(4);
    r.en_route_s = opt(5);
    r.on_scene_s = opt(6);
    r.completed_s = opt(7);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace siaga::storage::sqlite::stats_sql
