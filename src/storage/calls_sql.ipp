// The SQL of calls, callers, callbacks, location records and api keys, shared by both stores:
// included by sqlite/calls_sql.cpp and postgres/calls_sql.cpp inside their own calls_sql
// namespace, where connection, statement and the toolkit of their query.hpp are the store's own
// (as model_sql.ipp). Written in what both dialects speak: counts as SUM(CASE WHEN ... THEN 1
// ELSE 0 END) (PostgreSQL cannot sum booleans), flags bound as 0/1, which PostgreSQL's BOOLEAN
// columns accept as text, and read with statement::boolean, which takes both forms.
// Not a header: it has no include guard and belongs to those two files only.

namespace {

// ---- rows ----

constexpr std::string_view call_columns =
    "id, jurisdiction_id, external_id, caller, line, ring_at, queued_at, answered_at, ended_at, answered_by, agent, "
    "transfers, end_reason, outcome, digits, silent_caller, silent, classification, classified_source, "
    "classified_by, classified_at, note, report_id, loc_lat, loc_lon, loc_radius_m, loc_at, loc_method, loc_format, "
    "created_at, updated_at";

result<domain::call_record> read_call(const statement& st) {
  enum_columns e(st, "calls");
  domain::call_record r;
  r.id = st.text(0);
  r.jurisdiction_id = st.text(1);
  r.external_id = st.text(2);
  auto& s = r.state;
  s.caller = st.text(3);
  s.line = st.text(4);
  s.ring_at = st.time(5);
  s.queued_at = st.opt_time(6);
  s.answered_at = st.opt_time(7);
  s.ended_at = st.opt_time(8);
  s.answered_by = st.text(9);
  s.agent = st.text(10);
  s.transfers = static_cast<int>(st.int64(11));
  s.reason = e.get_opt(12, domain::parse_end_reason);
  s.outcome = e.get_opt(13, domain::parse_call_outcome);
  s.digits = st.text(14);
  s.silent_caller = st.boolean(15);
  s.silent = st.boolean(16);
  r.classification = e.get_opt(17, domain::parse_call_class);
  r.classified_source = e.get_opt(18, domain::parse_classification_source);
  r.classified_by = st.text(19);
  r.classified_at = st.opt_time(20);
  r.note = st.text(21);
  r.report_id = st.opt_text(22);
  if (!st.is_null(23) && !st.is_null(24)) {
    domain::call_location loc;
    loc.lat = st.real(23);
    loc.lon = st.real(24);
    loc.radius_m = opt_real(st, 25);
    loc.at = st.opt_time(26);
    loc.method = st.opt_text(27).value_or("unknown");
    loc.format = st.opt_text(28).value_or("");
    r.location = std::move(loc);
  }
  r.created_at = st.time(29);
  r.updated_at = st.time(30);
  if (e.error()) return *e.error();
  return r;
}

constexpr std::string_view event_columns =
    "jurisdiction_id, event_id, call_record_id, external_call_id, kind, at, caller, line, agent, reason, digits, "
    "silent, received_at";

result<domain::stored_call_event> read_stored_event(const statement& st) {
  enum_columns e(st, "call_events");
  domain::stored_call_event s;
  s.jurisdiction_id = st.text(0);
  s.event.event_id = st.text(1);
  s.call_record_id = st.text(2);
  s.event.call_id = st.text(3);
  s.event.kind = e.get(4, domain::parse_call_event_kind);
  s.event.at = st.time(5);
  s.event.caller = st.text(6);
  s.event.line = st.text(7);
  s.event.agent = st.text(8);
  s.event.reason = e.get_opt(9, domain::parse_end_reason);
  s.event.digits = st.text(10);
  s.event.silent = st.boolean(11);
  s.received_at = st.time(12);
  if (e.error()) return *e.error();
  return s;
}

result<domain::call_event> read_event(const statement& st) {
  auto s = read_stored_event(st);
  if (!s) return s.error();
  return std::move(s->event);
}

constexpr std::string_view caller_columns =
    "jurisdiction_id, number, flagged_at, blocked_until, strikes_since, updated_at";

result<domain::caller_record> read_caller(const statement& st) {
  domain::caller_record r;
  r.jurisdiction_id = st.text(0);
  r.number = st.text(1);
  r.flags.flagged_at = st.opt_time(2);
  r.flags.blocked_until = st.opt_time(3);
  r.flags.strikes_since = st.opt_time(4);
  r.updated_at = st.time(5);
  return r;
}

result<domain::caller_policy> read_policy(const statement& st) {
  domain::caller_policy p;
  p.threshold = static_cast<int>(st.int64(0));
  p.window = std::chrono::seconds{st.int64(1)};
  p.block_enabled = st.boolean(2);
  p.block_for = std::chrono::seconds{st.int64(3)};
  return p;
}

constexpr std::string_view callback_columns =
    "id, jurisdiction_id, call_id, caller, status, due_at, attempts, assigned_to, last_result, note, report_id, "
    "superseded_by, created_at, updated_at, closed_at, merged_into, calls, last_call_at, dialed_call, dialed_at";

result<domain::callback_task> read_callback(const statement& st) {
  enum_columns e(st, "callbacks");
  domain::callback_task t;
  t.id = st.text(0);
  t.jurisdiction_id = st.text(1);
  t.call_id = st.text(2);
  t.caller = st.text(3);
  t.status = e.get(4, domain::parse_callback_status);
  t.due_at = st.time(5);
  t.attempts = static_cast<int>(st.int64(6));
  t.assigned_to = st.opt_text(7);
  t.last_result = e.get_opt(8, domain::parse_callback_result);
  t.note = st.text(9);
  t.report_id = st.opt_text(10);
  t.superseded_by = st.opt_text(11);
  t.created_at = st.time(12);
  t.updated_at = st.time(13);
  t.closed_at = st.opt_time(14);
  t.merged_into = st.opt_text(15);
  t.calls = static_cast<int>(st.int64(16));
  t.last_call_at = st.opt_time(17);
  t.dialed_call = st.text(18);
  t.dialed_at = st.opt_time(19);
  if (e.error()) return *e.error();
  return t;
}

constexpr std::string_view location_columns =
    "id, jurisdiction_id, call_id, number, accepted, rejection, format, lat, lon, radius_m, fix_time, method, "
    "confidence, altitude_m, emergency_number, network, language, call_started, raw, received_at";

result<domain::location_record> read_location(const statement& st) {
  enum_columns e(st, "location_records");
  domain::location_record r;
  r.id = st.text(0);
  r.jurisdiction_id = st.text(1);
  r.call_id = st.opt_text(2);
  r.number = st.text(3);
  r.accepted = st.boolean(4);
  r.rejection = st.text(5);
  r.format = st.text(6);
  if (!st.is_null(7) && !st.is_null(8)) {
    domain::location_fix f;
    f.format = r.format;
    f.lat = st.real(7);
    f.lon = st.real(8);
    f.radius_m = opt_real(st, 9);
    f.fix_time = st.opt_time(10);
    f.method = e.get_opt(11, domain::parse_location_method).value_or(domain::location_method::unknown);
    if (!st.is_null(12)) f.confidence = static_cast<int>(st.int64(12));
    f.altitude_m = opt_real(st, 13);
    f.emergency_number = st.text(14);
    f.network = st.text(15);
    f.language = st.text(16);
    f.call_started = st.opt_time(17);
    f.device_number = r.number;
    r.fix = std::move(f);
  }
  r.raw = st.text(18);
  r.received_at = st.time(19);
  if (e.error()) return *e.error();
  return r;
}

constexpr std::string_view api_key_columns =
    "id, jurisdiction_id, name, key_hash, prefix, created_by, created_at, revoked_at";

result<domain::api_key> read_api_key(const statement& st) {
  domain::api_key k;
  k.id = st.text(0);
  k.jurisdiction_id = st.text(1);
  k.name = st.text(2);
  k.key_hash = st.text(3);
  k.prefix = st.text(4);
  k.created_by = st.text(5);
  k.created_at = st.time(6);
  k.revoked_at = st.opt_time(7);
  return k;
}

result<call_stat_row> read_stat(const statement& st) {
  enum_columns e(st, "calls");
  call_stat_row r;
  r.ring_at = st.time(0);
  r.answered_at = st.opt_time(1);
  r.ended_at = st.opt_time(2);
  r.outcome = e.get_opt(3, domain::parse_call_outcome);
  r.classification = e.get_opt(4, domain::parse_call_class);
  r.agent = st.text(5);
  r.line = st.text(6);
  r.dispatched = st.boolean(7);
  if (e.error()) return *e.error();
  return r;
}

std::string select(std::string_view columns, std::string_view rest) {
  return cat({"SELECT ", columns, " ", rest});
}

}  // namespace

// ---- reads ----

result<std::optional<domain::call_record>> find_call(connection& c, const std::string& jurisdiction_id,
                                                     const std::string& id) {
  static const std::string sql = select(call_columns, "FROM calls WHERE id = ? AND jurisdiction_id = ?");
  return fetch_one(c, sql, "calls", read_call, id, jurisdiction_id);
}

result<std::optional<domain::call_record>> find_call_by_external(connection& c, const std::string& jurisdiction_id,
                                                                 const std::string& external_id) {
  static const std::string sql = select(call_columns, "FROM calls WHERE jurisdiction_id = ? AND external_id = ?");
  return fetch_one(c, sql, "calls", read_call, jurisdiction_id, external_id);
}

result<page<domain::call_record>> list_calls(connection& c, const call_filter& f) {
  where_clause w;
  w.add("jurisdiction_id = ?", std::string_view(f.jurisdiction_id));
  if (f.caller) w.add("caller = ?", std::string_view(*f.caller));
  if (f.outcome) w.add("outcome = ?", domain::to_string(*f.outcome));
  if (f.live) w.add("ended_at IS NULL");
  if (f.unclassified) w.add("outcome = 'answered' AND classification IS NULL");
  if (f.from) w.add("ring_at >= ?", core::to_micros(*f.from));
  if (f.to) w.add("ring_at < ?", core::to_micros(*f.to));
  add_keyset(w, f.walk, "ring_at");
  return fetch_page(c, "calls", call_columns, w, "ring_at DESC, id DESC", f.page, read_call, f.walk);
}

result<std::vector<domain::call_event>> call_events_of(connection& c, const std::string& call_record_id) {
  static const std::string sql = select(event_columns,
                                        "FROM call_events WHERE call_record_id = ? ORDER BY at, "
                                        "CASE kind WHEN 'ringing' THEN 0 WHEN 'queued' THEN 1 WHEN 'answered' THEN 2 "
                                        "WHEN 'transferred' THEN 3 WHEN 'dtmf' THEN 4 ELSE 5 END, event_id");
  return fetch_all(c, sql, "call_events", read_event, call_record_id);
}

result<std::optional<domain::stored_call_event>> find_call_event(connection& c, const std::string& jurisdiction_id,
                                                                 const std::string& event_id) {
  static const std::string sql = select(event_columns, "FROM call_events WHERE jurisdiction_id = ? AND event_id = ?");
  return fetch_one(c, sql, "call_events", read_stored_event, jurisdiction_id, event_id);
}

result<std::vector<domain::call_record>> calls_of_caller(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& number, timestamp since) {
  static const std::string sql =
      select(call_columns, "FROM calls WHERE jurisdiction_id = ? AND caller = ? AND ring_at >= ? ORDER BY ring_at, id");
  return fetch_all(c, sql, "calls", read_call, jurisdiction_id, number, since);
}

result<std::int64_t> count_calls_of_caller(connection& c, const std::string& jurisdiction_id, const std::string& number,
                                           std::int64_t at_most) {
  auto st = prepare_bound(
      c, "SELECT COUNT(*) FROM (SELECT 1 FROM calls WHERE jurisdiction_id = ? AND caller = ? LIMIT ?) AS capped",
      jurisdiction_id, number, at_most);
  if (!st) return st.error();
  auto row = st->step("calls");
  if (!row) return row.error();
  return *row ? st->int64(0) : 0;
}

result<std::optional<domain::call_record>> latest_call_of(connection& c, const std::string& jurisdiction_id,
                                                          const std::string& number, timestamp at) {
  static const std::string sql = select(
      call_columns,
      "FROM calls WHERE jurisdiction_id = ? AND caller = ? AND ring_at <= ? ORDER BY ring_at DESC, id DESC LIMIT 1");
  return fetch_one(c, sql, "calls", read_call, jurisdiction_id, number, at);
}

// A number's history counted over its calls: what the PostgreSQL store answers until it keeps
// counters too; the SQLite store reads its caller_counts row (migration 21) instead.
result<domain::caller_history> caller_history_counted(connection& c, const std::string& jurisdiction_id,
                                                      const std::string& number) {
  auto st = prepare_bound(
      c,
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN outcome = 'missed' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN classification = 'valid' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN classification = 'prank' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN classification = 'ghost' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN classification = 'information' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN classification = 'misdirected' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN classification = 'test' THEN 1 ELSE 0 END), 0), MIN(ring_at), MAX(ring_at) "
      "FROM calls WHERE jurisdiction_id = ? AND caller = ?",
      jurisdiction_id, number);
  if (!st) return st.error();
  auto row = st->step("calls");
  if (!row) return row.error();
  domain::caller_history h;
  h.number = number;
  if (!*row) return h;
  h.calls = st->int64(0);
  h.answered = st->int64(1);
  h.abandoned = st->int64(2);
  h.missed = st->int64(3);
  h.valid = st->int64(4);
  h.prank = st->int64(5);
  h.ghost = st->int64(6);
  h.information = st->int64(7);
  h.misdirected = st->int64(8);
  h.test = st->int64(9);
  h.first_call_at = st->opt_time(10);
  h.last_call_at = st->opt_time(11);
  return h;
}

result<std::optional<domain::caller_record>> find_caller(connection& c, const std::string& jurisdiction_id,
                                                         const std::string& number) {
  static const std::string sql = select(caller_columns, "FROM callers WHERE jurisdiction_id = ? AND number = ?");
  return fetch_one(c, sql, "callers", read_caller, jurisdiction_id, number);
}

result<std::vector<timestamp>> strike_times(connection& c, const std::string& jurisdiction_id,
                                            const std::string& number, timestamp since) {
  auto st = prepare_bound(c,
                          "SELECT ring_at FROM calls WHERE jurisdiction_id = ? AND caller = ? AND ring_at > ? "
                          "AND classification IN ('prank', 'ghost') ORDER BY ring_at",
                          jurisdiction_id, number, since);
  if (!st) return st.error();
  std::vector<timestamp> out;
  for (;;) {
    auto row = st->step("calls");
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(st->time(0));
  }
}

result<std::optional<domain::caller_policy>> find_caller_policy(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql =
      "SELECT threshold, window_s, block_enabled, block_s FROM caller_policies WHERE jurisdiction_id = ?";
  return fetch_one(c, sql, "caller_policies", read_policy, jurisdiction_id);
}

result<std::optional<domain::callback_task>> find_callback(connection& c, const std::string& jurisdiction_id,
                                                           const std::string& id) {
  static const std::string sql = select(callback_columns, "FROM callbacks WHERE id = ? AND jurisdiction_id = ?");
  return fetch_one(c, sql, "callbacks", read_callback, id, jurisdiction_id);
}

result<std::optional<domain::callback_task>> find_callback_of_call(connection& c, const std::string& jurisdiction_id,
                                                                   const std::string& call_id) {
  static const std::string sql = select(callback_columns, "FROM callbacks WHERE call_id = ? AND jurisdiction_id = ?");
  return fetch_one(c, sql, "callbacks", read_callback, call_id, jurisdiction_id);
}

result<page<domain::callback_task>> list_callbacks(connection& c, const callback_filter& f) {
  const bool waiting = !f.statuses.empty() && std::all_of(f.statuses.begin(), f.statuses.end(), [](auto s) {
    return s == domain::callback_status::open || s == domain::callback_status::in_progress;
  });
  // A number's tasks in any status are found through its calls (calls_by_caller, then the
  // tasks' call_id): a task belongs to its call's number, and a call to its task's jurisdiction.
  // The jurisdiction's own term is then written so that no index serves it, lest a planner
  // without statistics walk all the jurisdiction's tasks by status instead.
  const bool through_calls = f.caller && !waiting;
  where_clause w;
  w.add(through_calls ? "jurisdiction_id || '' = ?" : "jurisdiction_id = ?", std::string_view(f.jurisdiction_id));
  if (!f.statuses.empty()) {
    std::vector<std::string_view> names;
    for (auto s : f.statuses) names.push_back(domain::to_string(s));
    w.add_in("status", std::move(names));
  }
  if (through_calls) {
    w.add("call_id IN (SELECT id FROM calls WHERE jurisdiction_id = ? AND caller = ?)",
          std::string_view(f.jurisdiction_id));
    w.add_arg(std::string_view(*f.caller));
  } else if (f.caller) {
    // callbacks_waiting_by_caller; its condition spelt as in the index, so that both planners
    // know the index applies.
    w.add("status IN ('open', 'in_progress')");
    w.add("caller = ?", std::string_view(*f.caller));
  }
  return fetch_page(c, "callbacks", callback_columns, w, "due_at, id", f.page, read_callback);
}

result<page<domain::location_record>> list_location_records(connection& c, const location_filter& f) {
  where_clause w;
  w.add("jurisdiction_id = ?", std::string_view(f.jurisdiction_id));
  if (f.call_id) w.add("call_id = ?", std::string_view(*f.call_id));
  if (f.accepted) w.add("accepted = ?", static_cast<std::int64_t>(*f.accepted ? 1 : 0));
  if (f.number) w.add("number = ?", std::string_view(*f.number));
  return fetch_page(c, "location_records", location_columns, w, "received_at DESC, id DESC", f.page, read_location);
}

result<std::vector<call_stat_row>> calls_between(connection& c, const std::string& jurisdiction_id, timestamp from,
                                                 timestamp to) {
  static const std::string sql =
      "SELECT c.ring_at, c.answered_at, c.ended_at, c.outcome, c.classification, c.answered_by, c.line, "
      "i.first_dispatched_at IS NOT NULL FROM calls c LEFT JOIN reports r ON r.id = c.report_id "
      "LEFT JOIN incidents i ON i.id = r.incident_id "
      "WHERE c.jurisdiction_id = ? AND c.ring_at >= ? AND c.ring_at < ? ORDER BY c.ring_at, c.id";
  return fetch_all(c, sql, "calls", read_stat, jurisdiction_id, from, to);
}

result<std::optional<domain::api_key>> find_api_key_by_hash(connection& c, const std::string& key_hash) {
  static const std::string sql = select(api_key_columns, "FROM api_keys WHERE key_hash = ?");
  return fetch_one(c, sql, "api_keys", read_api_key, key_hash);
}

result<std::vector<domain::api_key>> list_api_keys(connection& c, const std::string& jurisdiction_id) {
  static const std::string sql =
      select(api_key_columns, "FROM api_keys WHERE jurisdiction_id = ? ORDER BY created_at, id");
  return fetch_all(c, sql, "api_keys", read_api_key, jurisdiction_id);
}

result<std::optional<domain::api_key>> find_api_key(connection& c, const std::string& jurisdiction_id,
                                                    const std::string& id) {
  static const std::string sql = select(api_key_columns, "FROM api_keys WHERE id = ? AND jurisdiction_id = ?");
  return fetch_one(c, sql, "api_keys", read_api_key, id, jurisdiction_id);
}

// ---- writes ----

namespace {

// The values of a call row after its id and jurisdiction, in call_columns order; kept in one
// place so that insert and update bind alike.
struct call_values {
  const domain::call_record& r;
  timestamp ring_at;
  std::optional<std::string_view> reason, outcome, classification, source;
  std::optional<double> lat, lon, radius;
  std::optional<timestamp> loc_at;
  std::optional<std::string_view> method, format;

  explicit call_values(const domain::call_record& rec)
      : r(rec),
        ring_at(rec.state.ring_at.value_or(rec.created_at)),
        reason(name_of(rec.state.reason)),
        outcome(name_of(rec.state.outcome)),
        classification(name_of(rec.classification)),
        source(name_of(rec.classified_source)) {
    if (rec.location) {
      lat = rec.location->lat;
      lon = rec.location->lon;
      radius = rec.location->radius_m;
      loc_at = rec.location->at;
      method = rec.location->method;
      format = rec.location->format;
    }
  }

  // Binds the values in the order of call_set_columns; B is a statement or a call_row_values.
  template <class B>
  void bind(B& st) const {
    const auto& s = r.state;
    st.bind(r.external_id)
        .bind(s.caller)
        .bind(s.line)
        .bind(ring_at)
        .bind(s.queued_at)
        .bind(s.answered_at)
        .bind(s.ended_at)
        .bind(s.answered_by)
        .bind(s.agent)
        .bind(static_cast<std::int64_t>(s.transfers))
        .bind(reason)
        .bind(outcome)
        .bind(s.digits)
        .bind_bool(s.silent_caller)
        .bind_bool(s.silent)
        .bind(classification)
        .bind(source)
        .bind(r.classified_by)
        .bind(r.classified_at)
        .bind(r.note)
        .bind(r.report_id)
        .bind(lat)
        .bind(lon)
        .bind(radius)
        .bind(loc_at)
        .bind(method)
        .bind(format)
        .bind(r.created_at)
        .bind(r.updated_at);
  }
};

// The columns call_values binds, in its order: what update_call sets.
constexpr std::array<std::string_view, 29> call_set_columns{
    "external_id", "caller",     "line",         "ring_at",           "queued_at",     "answered_at", "ended_at",
    "answered_by", "agent",      "transfers",    "end_reason",        "outcome",       "digits",      "silent_caller",
    "silent",      "classification", "classified_source", "classified_by", "classified_at", "note", "report_id",
    "loc_lat",     "loc_lon",    "loc_radius_m", "loc_at",            "loc_method",    "loc_format",  "created_at",
    "updated_at"};

// A call's column values as call_values binds them, kept to compare two rows column by column.
// Text is viewed, not copied: the records bound must outlive this.
class call_row_values {
 public:
  using value = std::variant<std::monostate, std::int64_t, double, std::string_view, bool>;

  call_row_values& bind(std::string_view v) { return add(v); }
  call_row_values& bind(const std::string& v) { return add(std::string_view(v)); }
  call_row_values& bind(std::int64_t v) { return add(v); }
  // Without it a double (a fix's point and radius) would bind through the integer overload.
  call_row_values& bind(double v) { return add(v); }
  call_row_values& bind(timestamp t) { return add(core::to_micros(t)); }
  call_row_values& bind_bool(bool v) { return add(v); }
  template <class T>
  call_row_values& bind(const std::optional<T>& v) {
    return v ? bind(*v) : add(std::monostate{});
  }

  const std::vector<value>& values() const { return values_; }

  // Binds v to the statement's next parameter as the statement's own binder would have.
  static void bind_to(statement& st, const value& v) {
    std::visit(
        [&st](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            st.bind_null();
          } else if constexpr (std::is_same_v<T, bool>) {
            st.bind_bool(x);
          } else {
            st.bind(x);
          }
        },
        v);
  }

 private:
  call_row_values& add(value v) {
    values_.push_back(v);
    return *this;
  }
  std::vector<value> values_;
};

}  // namespace

result<void> update_call_changes(connection& c, const domain::call_record& old, const domain::call_record& r) {
  call_row_values was;
  call_values(old).bind(was);
  call_row_values now;
  call_values(r).bind(now);
  std::string sql = "UPDATE calls SET ";
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < call_set_columns.size(); ++i) {
    if (was.values()[i] == now.values()[i]) continue;
    sql += cat({changed.empty() ? "" : ", ", call_set_columns[i], " = ?"});
    changed.push_back(i);
  }
  // Nothing differs: the row is already as asked (update_call would rewrite it unchanged).
  if (changed.empty()) return {};
  sql += " WHERE id = ? AND jurisdiction_id = ?";
  auto st = c.prepare(sql);
  if (!st) return st.error();
  for (auto i : changed) call_row_values::bind_to(*st, now.values()[i]);
  st->bind(r.id).bind(r.jurisdiction_id);
  if (auto res = st->run("calls"); !res) return res;
  return expect_changed(c, "call", r.id);
}

result<void> insert_call(connection& c, const domain::call_record& r) {
  auto st = c.prepare(cat({"INSERT INTO calls (", call_columns,
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?)"}));
  if (!st) return st.error();
  call_values v(r);
  st->bind(r.id).bind(r.jurisdiction_id);
  v.bind(*st);
  return st->run("calls");
}

result<void> update_call(connection& c, const domain::call_record& r) {
  static const std::string sql =
      "UPDATE calls SET external_id = ?, caller = ?, line = ?, ring_at = ?, queued_at = ?, answered_at = ?, "
      "ended_at = ?, answered_by = ?, agent = ?, transfers = ?, end_reason = ?, outcome = ?, digits = ?, "
      "silent_caller = ?, silent = ?, classification = ?, classified_source = ?, classified_by = ?, "
      "classified_at = ?, note = ?, report_id = ?, loc_lat = ?, loc_lon = ?, loc_radius_m = ?, loc_at = ?, "
      "loc_method = ?, loc_format = ?, created_at = ?, updated_at = ? WHERE id = ? AND jurisdiction_id = ?";
  auto st = c.prepare(sql);
  if (!st) return st.error();
  call_values v(r);
  v.bind(*st);
  st->bind(r.id).bind(r.jurisdiction_id);
  if (auto res = st->run("calls"); !res) return res;
  return expect_changed(c, "call", r.id);
}

result<void> insert_call_event(connection& c, const domain::stored_call_event& s) {
  const auto& e = s.event;
  auto reason = name_of(e.reason);
  auto st =
      prepare_bound(c,
                    "INSERT INTO call_events (jurisdiction_id, event_id, call_record_id, external_call_id, kind, "
                    "at, caller, line, agent, reason, digits, silent, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    s.jurisdiction_id, e.event_id, s.call_record_id, e.call_id, domain::to_string(e.kind), e.at,
                    e.caller, e.line, e.agent, reason, e.digits, static_cast<std::int64_t>(e.silent), s.received_at);
  if (!st) return st.error();
  return st->run("call_events");
}

result<void> upsert_caller(connection& c, const domain::caller_record& r) {
  auto st = prepare_bound(c,
                          "INSERT INTO callers (jurisdiction_id, number, flagged_at, blocked_until, strikes_since, "
                          "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (jurisdiction_id, number) DO UPDATE SET "
                          "flagged_at = excluded.flagged_at, blocked_until = excluded.blocked_until, "
                          "strikes_since = excluded.strikes_since, updated_at = excluded.updated_at",
                          r.jurisdiction_id, r.number, r.flags.flagged_at, r.flags.blocked_until, r.flags.strikes_since,
                          r.updated_at);
  if (!st) return st.error();
  return st->run("callers");
}

result<void> upsert_caller_policy(connection& c, const std::string& jurisdiction_id, const domain::caller_policy& p) {
  auto st = prepare_bound(c,
                          "INSERT INTO caller_policies (jurisdiction_id, threshold, window_s, block_enabled, block_s) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (jurisdiction_id) DO UPDATE SET "
                          "threshold = excluded.threshold, window_s = excluded.window_s, "
                          "block_enabled = excluded.block_enabled, block_s = excluded.block_s",
                          jurisdiction_id, static_cast<std::int64_t>(p.threshold),
                          static_cast<std::int64_t>(p.window.count()), static_cast<std::int64_t>(p.block_enabled),
                          static_cast<std::int64_t>(p.block_for.count()));
  if (!st) return st.error();
  return st->run("caller_policies");
}

result<void> insert_callback(connection& c, const domain::callback_task& t) {
  auto last = name_of(t.last_result);
  auto st = prepare_bound(
      c, cat({"INSERT INTO callbacks (", callback_columns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"}),
      t.id, t.jurisdiction_id, t.call_id, t.caller, domain::to_string(t.status), t.due_at,
      static_cast<std::int64_t>(t.attempts), t.assigned_to, last, t.note, t.report_id, t.superseded_by, t.created_at,
      t.updated_at, t.closed_at, t.merged_into, static_cast<std::int64_t>(t.calls), t.last_call_at, t.dialed_call,
      t.dialed_at);
  if (!st) return st.error();
  return st->run("callbacks");
}

result<void> update_callback(connection& c, const domain::callback_task& t) {
  auto last = name_of(t.last_result);
  auto st = prepare_bound(c,
                          "UPDATE callbacks SET call_id = ?, caller = ?, status = ?, due_at = ?, attempts = ?, "
                          "assigned_to = ?, last_result = ?, note = ?, report_id = ?, superseded_by = ?, "
                          "created_at = ?, updated_at = ?, closed_at = ?, merged_into = ?, calls = ?, "
                          "last_call_at = ?, dialed_call = ?, dialed_at = ? WHERE id = ? AND jurisdiction_id = ?",
                          t.call_id, t.caller, domain::to_string(t.status), t.due_at,
                          static_cast<std::int64_t>(t.attempts), t.assigned_to, last, t.note, t.report_id,
                          t.superseded_by, t.created_at, t.updated_at, t.closed_at, t.merged_into,
                          static_cast<std::int64_t>(t.calls), t.last_call_at, t.dialed_call, t.dialed_at, t.id,
                          t.jurisdiction_id);
  if (!st) return st.error();
  if (auto r = st->run("callbacks"); !r) return r;
  return expect_changed(c, "callback", t.id);
}

result<void> insert_location_record(connection& c, const domain::location_record& r) {
  std::optional<double> lat, lon, radius, altitude;
  std::optional<timestamp> fix_time, call_started;
  std::optional<std::string_view> method;
  std::optional<std::int64_t> confidence;
  // std::string, not string_view: an empty view has no data and would bind NULL.
  std::string emergency, network, language;
  if (r.fix) {
    lat = r.fix->lat;
    lon = r.fix->lon;
    radius = r.fix->radius_m;
    altitude = r.fix->altitude_m;
    fix_time = r.fix->fix_time;
    call_started = r.fix->call_started;
    method = domain::to_string(r.fix->method);
    if (r.fix->confidence) confidence = *r.fix->confidence;
    emergency = r.fix->emergency_number;
    network = r.fix->network;
    language = r.fix->language;
  }
  auto st = c.prepare(cat({"INSERT INTO location_records (", location_columns,
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"}));
  if (!st) return st.error();
  st->bind(r.id).bind(r.jurisdiction_id).bind(r.call_id).bind(r.number).bind_bool(r.accepted).bind(r.rejection);
  st->bind(r.format).bind(lat).bind(lon).bind(radius).bind(fix_time).bind(method);
  if (confidence) {
    st->bind(*confidence);
  } else {
    st->bind_null();
  }
  st->bind(altitude).bind(emergency).bind(network).bind(language).bind(call_started).bind(r.raw).bind(r.received_at);
  return st->run("location_records");
}

result<void> insert_api_key(connection& c, const domain::api_key& k) {
  auto st =
      prepare_bound(c, cat({"INSERT INTO api_keys (", api_key_columns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"}), k.id,
                    k.jurisdiction_id, k.name, k.key_hash, k.prefix, k.created_by, k.created_at, k.revoked_at);
  if (!st) return st.error();
  return st->run("api_keys");
}

result<void> update_api_key(connection& c, const domain::api_key& k) {
  auto st =
      prepare_bound(c,
                    "UPDATE api_keys SET name = ?, key_hash = ?, prefix = ?, created_by = ?, created_at = ?, "
                    "revoked_at = ? WHERE id = ? AND jurisdiction_id = ?",
                    k.name, k.key_hash, k.prefix, k.created_by, k.created_at, k.revoked_at, k.id, k.jurisdiction_id);
  if (!st) return st.error();
  if (auto r = st->run("api_keys"); !r) return r;
  return expect_changed(c, "api key", k.id);
}

