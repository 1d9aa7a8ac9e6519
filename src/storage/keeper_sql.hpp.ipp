// The declaration of keeper_sql, the SQL the rollup keeper needs (storage/rollup_keeper.hpp):
// included by sqlite/rollup_keeper.hpp and postgres/rollup_keeper.hpp inside their store's
// namespace, where connection is the store's; its definitions are keeper_sql.ipp. Not a
// header of its own: it belongs to those two files only.

// The SQL the keeper needs, forwarded to this store's (contracts: storage/rollup_keeper.hpp).
struct keeper_sql {
  using connection_type = connection;
  static result<std::optional<domain::jurisdiction>> find_jurisdiction(connection& c, const std::string& id);
  static result<std::optional<domain::category>> find_category(connection& c, const std::string& jurisdiction_id,
                                                               const std::string& id);
  static result<std::vector<domain::dispatch>> dispatches_of_incident(connection& c, const std::string& incident_id);
  static result<std::optional<std::string>> category_of_incident(connection& c, const std::string& incident_id);
  static result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_incident(connection& c,
                                                                                     const std::string& incident_id);
  static result<std::vector<std::pair<std::string, call_stat_row>>> calls_of_report(connection& c,
                                                                                   const std::string& report_id);
  static result<bool> incident_dispatched(connection& c, const std::optional<std::string>& incident_id);
  static result<call_stat_row> stat_row_of(connection& c, const domain::call_record& r);
  static result<void> flush(connection& c, const rollup_deltas& d);
  static result<void> flush_calls(connection& c, const call_rollup_deltas& d);
  static result<void> recount_category_steps(connection& c, const std::string& jurisdiction_id,
                                             const std::string& category_id);
  static result<void> recount_working_day_steps(connection& c, const std::string& jurisdiction_id);
};

