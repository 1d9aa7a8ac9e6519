// The calls as the call rollups count them (call_rollups_sql.hpp of each store: stat_row_of,
// calls_of_report, calls_of_incident, incident_dispatched), shared by both stores: included by
// sqlite/call_rollups_sql.cpp and postgres/call_rollups_sql.cpp inside their own
// call_rollups_sql namespace, where connection, statement, enum_columns and cat are the
// store's own. Not a header: no include guard, and it belongs to those two files only.

namespace {

std::vector<std::pair<std::string, call_stat_row>> no_calls() { return {}; }

// The calls that sql (one bound id) selects, in the order of calls_between's columns after the
// jurisdiction.
result<std::vector<std::pair<std::string, call_stat_row>>> calls_where(connection& c, const std::string& sql,
                                                                       const std::string& id) {
  auto st = c.prepare(sql);
  if (!st) return st.error();
  st->bind(id);
  auto out = no_calls();
  for (;;) {
    auto row = st->step("calls");
    if (!row) return row.error();
    if (!*row) break;
    enum_columns e(*st, "calls");
    call_stat_row r;
    r.ring_at = st->time(1);
    r.answered_at = st->opt_time(2);
    r.ended_at = st->opt_time(3);
    r.outcome = e.get_opt(4, domain::parse_call_outcome);
    r.classification = e.get_opt(5, domain::parse_call_class);
    r.agent = st->text(6);
    r.line = st->text(7);
    r.dispatched = st->boolean(8);
    if (e.error()) return *e.error();
    out.emplace_back(st->text(0), std::move(r));
  }
  return out;
}

constexpr std::string_view call_row_columns =
    "SELECT c.jurisdiction_id, c.ring_at, c.answered_at, c.ended_at, c.outcome, c.classification, c.answered_by, "
    "c.line, i.first_dispatched_at IS NOT NULL FROM calls c JOIN reports r ON r.id = c.report_id "
    "LEFT JOIN incidents i ON i.id = r.incident_id ";

}  // namespace

result<call_stat_row> stat_row_of(connection& c, const domain::call_record& r) {
  call_stat_row s;
  s.ring_at = r.state.ring_at.value_or(r.created_at);
  s.answered_at = r.state.answered_at;
  s.ended_at = r.state.ended_at;
  s.outcome = r.state.outcome;
  s.classification = r.classification;
  s.agent = r.state.answered_by;
  s.line = r.state.line;
  if (r.report_id) {
    auto st = c.prepare(
        "SELECT i.first_dispatched_at IS NOT NULL FROM reports r JOIN incidents i ON i.id = r.incident_id "
        "WHERE r.id = ?");
    if (!st) return st.error();
    st->bind(*r.report_id);
    auto row = st->step("reports");
    if (!row) return row.error();
    s.dispatched = *row && st->boolean(0);
  }
  return s;
}

result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_report(connection& c, const std::string& report_id) {
  static const std::string sql = cat({call_row_columns, "WHERE c.report_id = ?"});
  return calls_where(c, sql, report_id);
}

result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_incident(connection& c,
                                                                            const std::string& incident_id) {
  static const std::string sql = cat({call_row_columns, "WHERE r.incident_id = ?"});
  return calls_where(c, sql, incident_id);
}

result<bool> incident_dispatched(connection& c, const std::optional<std::string>& incident_id) {
  if (!incident_id) return false;
  auto st = c.prepare("SELECT first_dispatched_at IS NOT NULL FROM incidents WHERE id = ?");
  if (!st) return st.error();
  st->bind(*incident_id);
  auto row = st->step("incidents");
  if (!row) return row.error();
  return *row && st->boolean(0);
}

