// The SQL the rollup keeper needs (storage/rollup_keeper.hpp), forwarded to the store's own:
// included by sqlite/rollup_keeper.cpp and postgres/rollup_keeper.cpp inside their store's
// namespace, where keeper_sql is declared (their rollup_keeper.hpp) and model_sql, rollups_sql
// and call_rollups_sql are the store's. Not a header: it belongs to those two files only.

result<std::optional<domain::jurisdiction>> keeper_sql::find_jurisdiction(connection& c, const std::string& id) {
  return model_sql::find_jurisdiction(c, id);
}
result<std::optional<domain::category>> keeper_sql::find_category(connection& c, const std::string& jurisdiction_id,
                                                                  const std::string& id) {
  return model_sql::find_category(c, jurisdiction_id, id);
}
result<std::vector<domain::dispatch>> keeper_sql::dispatches_of_incident(connection& c, const std::string& incident_id) {
  return model_sql::dispatches_of_incident(c, incident_id);
}
result<std::optional<std::string>> keeper_sql::category_of_incident(connection& c, const std::string& incident_id) {
  return rollups_sql::category_of_incident(c, incident_id);
}
result<std::vector<std::pair<std::string, call_stat_row>>> keeper_sql::calls_of_incident(connection& c,
                                                                                        const std::string& incident_id) {
  return call_rollups_sql::calls_of_incident(c, incident_id);
}
result<std::vector<std::pair<std::string, call_stat_row>>> keeper_sql::calls_of_report(connection& c,
                                                                                      const std::string& report_id) {
  return call_rollups_sql::calls_of_report(c, report_id);
}
result<bool> keeper_sql::incident_dispatched(connection& c, const std::optional<std::string>& incident_id) {
  return call_rollups_sql::incident_dispatched(c, incident_id);
}
result<call_stat_row> keeper_sql::stat_row_of(connection& c, const domain::call_record& r) {
  return call_rollups_sql::stat_row_of(c, r);
}
result<void> keeper_sql::flush(connection& c, const rollup_deltas& d) { return rollups_sql::flush(c, d); }
result<void> keeper_sql::flush_calls(connection& c, const call_rollup_deltas& d) {
  return call_rollups_sql::flush(c, d);
}
result<void> keeper_sql::recount_category_steps(connection& c, const std::string& jurisdiction_id,
                                                const std::string& category_id) {
  return rollups_sql::recount_category_steps(c, jurisdiction_id, category_id);
}
result<void> keeper_sql::recount_working_day_steps(connection& c, const std::string& jurisdiction_id) {
  return rollups_sql::recount_working_day_steps(c, jurisdiction_id);
}

