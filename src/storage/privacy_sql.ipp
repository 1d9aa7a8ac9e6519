// The SQL of erasing personal data (issue 12, UU PDP; storage/privacy_store.hpp), shared by both
// stores: included by sqlite/privacy_sql.cpp and postgres/privacy_sql.cpp inside their own
// privacy_sql namespace, where connection, statement and the toolkit of their query.hpp are the
// store's own. Where the dialects differ, the including file defines before the include:
// no_bytes (an empty blob), rounded(column) (a coordinate rounded to 2 decimals, as a double),
// larger (the two-argument maximum), holds_quoted (the payload holds the ?-bound number in
// quotes), contains(expr) (the text expr holds the ?-bound text) and kind_in_json (kind is in
// the ?-bound JSON array of strings). The number is tested as CAST(?3 AS TEXT) IS NULL:
// PostgreSQL cannot tell a parameter's type from IS NULL where it comes first. The reads
// reports_of_phone and latest_events_of_kind are in model_sql.ipp, the outbox's part in
// outbox_sql.ipp. Not a header: it has no include guard and belongs to those two files only.

namespace {

// Runs one statement of an erasure and returns how many rows it changed: ?1 the jurisdiction,
// ?2 the time before which rows are reached, ?3 the phone (NULL: every number, as retention
// does; bound: that number only) and, when with_at, ?4 the time of the erasure.
result<std::int64_t> run_scoped(connection& c, std::string_view sql, std::string_view table, const privacy_scope& scope,
                                bool with_at = false) {
  auto st = prepare_bound(c, sql, scope.jurisdiction_id, scope.before, scope.phone);
  if (!st) return st.error();
  if (with_at) st->bind(scope.at);
  if (auto r = st->run(table); !r) return r.error();
  return c.changes();
}

// The free-text columns people write numbers in, with the key a row is named by (unique within
// a jurisdiction; the same expression in both dialects), the time that starts the row's
// retention and whose retention period covers it (text_reach).
struct text_column {
  std::string_view table;
  std::string_view column;
  std::string_view key;
  std::string_view at;
  text_reach reach;
};
constexpr auto by_reporter = text_reach::reporter_contacts;
constexpr std::array<text_column, 15> text_columns{{
    {"reports", "description", "id", "created_at", by_reporter},
    {"reports", "address", "id", "created_at", by_reporter},
    {"incidents", "summary", "id", "created_at", by_reporter},
    {"incidents", "description", "id", "created_at", by_reporter},
    {"incidents", "address", "id", "created_at", by_reporter},
    {"dispatches", "note", "id", "notified_at", by_reporter},
    {"dispatches", "decline_reason", "id", "notified_at", by_reporter},
    {"reports", "resolution_note", "id", "created_at", by_reporter},
    {"dispatches", "public_note", "id", "notified_at", by_reporter},
    {"calls", "note", "id", "ring_at", text_reach::caller_numbers},
    {"callbacks", "note", "id", "created_at", text_reach::caller_numbers},
    {"channel_conversations", "description", "channel || ':' || sender", "started_at", by_reporter},
    {"open311_requests", "description", "report_id", "created_at", by_reporter},
    {"lapor_reports", "title", "lapor_id", "imported_at", by_reporter},
    {"lapor_reports", "content", "lapor_id", "imported_at", by_reporter},
}};

// A row's key and text, as find_texts selects them.
result<text_field> read_text_row(const statement& st) {
  return text_field{{}, {}, st.text(0), st.text(1)};
}

// Every free-text field of the jurisdiction that writes scope.phone: the store narrows by the
// probe (the last digits), the matcher decides.
result<std::vector<text_field>> find_texts(connection& c, const privacy_scope& scope) {
  std::vector<text_field> out;
  if (!scope.phone) return out;
  const auto probe = domain::phone_text_probe(*scope.phone);
  if (probe.empty()) return out;
  for (const auto& col : text_columns) {
    auto rows = fetch_all(c,
                          cat({"SELECT ", col.key, ", ", col.column, " FROM ", col.table,
                               " WHERE jurisdiction_id = ? AND ", contains(without_separators(col.column)),
                               " ORDER BY 1"}),
                          col.table, read_text_row, scope.jurisdiction_id, probe);
    if (!rows) return rows.error();
    for (auto& f : *rows) {
      if (domain::find_phone_in_text(f.text, *scope.phone).empty()) continue;
      f.table = col.table;
      f.column = col.column;
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace

result<std::vector<text_field>> texts_holding_phone(connection& c, const privacy_scope& scope) {
  return find_texts(c, scope);
}

namespace {

// Writes masked in place of one field's text read (f) of col; how many rows changed (0 or 1).
// The row by its key, and only while it still holds the text read (same command, so it does).
result<std::int64_t> write_masked(connection& c, const text_column& col, const std::string& jurisdiction_id,
                                  const text_field& f, const std::string& masked) {
  auto st = prepare_bound(c,
                          cat({"UPDATE ", col.table, " SET ", col.column, " = ? WHERE jurisdiction_id = ? AND ",
                               col.key, " = ? AND ", col.column, " = ?"}),
                          masked, jurisdiction_id, f.row_id, f.text);
  if (!st) return st.error();
  if (auto r = st->run(col.table); !r) return r.error();
  return c.changes();
}

// The retention job's search reads the fields of a column this many rows at a time.
constexpr int text_page = 500;

}  // namespace

result<std::int64_t> mask_phone_in_texts(connection& c, const privacy_scope& scope, const std::string& mask) {
  auto found = find_texts(c, scope);
  if (!found) return found.error();
  std::int64_t changed = 0;
  for (const auto& f : *found) {
    const auto& col = *std::find_if(text_columns.begin(), text_columns.end(), [&](const text_column& t) {
      return t.table == f.table && t.column == f.column;
    });
    auto n = write_masked(c, col, scope.jurisdiction_id, f, domain::replace_phone_in_text(f.text, *scope.phone, mask));
    if (!n) return n.error();
    changed += *n;
  }
  return changed;
}

result<std::int64_t> mask_numbers_in_texts(connection& c, const privacy_scope& scope, text_reach reach) {
  std::int64_t changed = 0;
  for (const auto& col : text_columns) {
    if (col.reach != reach) continue;
    // Page by key over the rows whose retention passed in [since, before); empty fields skipped.
    const auto select = cat({"SELECT ", col.key, ", ", col.column, " FROM ", col.table,
                             " WHERE jurisdiction_id = ? AND ", col.at, " >= ? AND ", col.at, " < ? AND ", col.key,
                             " > ? AND ", col.column, " <> '' ORDER BY 1 LIMIT ?"});
    for (std::string after;;) {
      auto rows = fetch_all(c, select, col.table, read_text_row, scope.jurisdiction_id, scope.since, scope.before,
                            after, text_page);
      if (!rows) return rows.error();
      for (const auto& f : *rows) {
        auto masked = domain::mask_phones_in_text(f.text);
        if (masked == f.text) continue;
        auto n = write_masked(c, col, scope.jurisdiction_id, f, masked);
        if (!n) return n.error();
        changed += *n;
      }
      if (rows->size() < static_cast<std::size_t>(text_page)) break;
      after = rows->back().row_id;
    }
  }
  return changed;
}

namespace {

// The events that the statistics replay counts (report.*, incident.* but notes, dispatch.* but
// photos: services/rollup_replay.cpp) and their restatements: never erased without a
// restatement, so that the replay still reads their fields.
constexpr std::string_view counted_or_restated =
    "((subject = 'report' AND kind LIKE 'report.%') OR (subject = 'incident' AND kind LIKE 'incident.%' AND "
    "kind <> 'incident.note_added') OR (subject = 'dispatch' AND kind LIKE 'dispatch.%' AND "
    "kind <> 'dispatch.media_attached') OR kind = 'privacy.restated')";

// The events not yet erased, from before scope.before, that hold *scope.phone: as their subject
// id, as a JSON string in their payload (with its quotes, so that it is not found inside a
// longer number), or written in a text of the payload (a note: the probe, its last digits with
// the separators removed, narrows; domain::find_phone_in_text decides). counted picks the
// events of counted_or_restated, else all the others. Seq order, at most limit.
result<std::vector<domain::event>> events_naming_phone(connection& c, const privacy_scope& scope, int limit,
                                                       bool counted) {
  using model_rows::event_columns;
  using model_rows::read_event;
  std::vector<domain::event> out;
  if (limit <= 0 || !scope.phone) return out;
  const auto naming = [](std::string_view which) {
    return cat({"SELECT ", event_columns, " FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                "erased_at IS NULL AND at < ? AND seq > CAST(? AS BIGINT) AND (subject_id = ? OR ", holds_quoted,
                " OR ", contains(without_separators("payload_json")), ") AND ", which, counted_or_restated,
                " ORDER BY seq LIMIT ?"});
  };
  static const std::string counted_sql = naming("");
  static const std::string others_sql = naming("NOT ");
  const auto probe = domain::phone_text_probe(*scope.phone);
  // Without a probe nothing matches it: an impossible one keeps the statement whole.
  const std::string text_probe = probe.empty() ? std::string("\x01") : probe;
  std::int64_t after = 0;
  for (;;) {
    auto page = fetch_all(c, counted ? counted_sql : others_sql, "events", read_event<statement>,
                          scope.jurisdiction_id, scope.before, after, *scope.phone, *scope.phone, text_probe, limit);
    if (!page) return page.error();
    for (auto& e : *page) {
      after = e.seq;
      const bool names = e.subject_id == *scope.phone ||
                         e.payload_json.find("\"" + *scope.phone + "\"") != std::string::npos ||
                         !domain::find_phone_in_text(e.payload_json, *scope.phone).empty();
      if (names) out.push_back(std::move(e));
      if (static_cast<int>(out.size()) == limit) return out;
    }
    if (static_cast<int>(page->size()) < limit) return out;
  }
}

}  // namespace

result<std::vector<domain::event>> restatable_events(connection& c, const privacy_scope& scope, int limit) {
  return events_naming_phone(c, scope, limit, true);
}

result<std::vector<domain::event>> events_writing_numbers(connection& c, const privacy_scope& scope,
                                                        std::int64_t after_seq, bool counted, int limit) {
  using model_rows::event_columns;
  using model_rows::read_event;
  std::vector<domain::event> out;
  if (limit <= 0) return out;
  const auto written = [](std::string_view which) {
    return cat({"SELECT ", event_columns, " FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
                "erased_at IS NULL AND at >= ? AND at < ? AND seq > CAST(? AS BIGINT) AND subject NOT IN ('call', "
                "'caller', 'callback', 'location') AND ", which, counted_or_restated, " ORDER BY seq LIMIT ?"});
  };
  static const std::string counted_sql = written("");
  static const std::string others_sql = written("NOT ");
  for (std::int64_t after = after_seq;;) {
    auto page = fetch_all(c, counted ? counted_sql : others_sql, "events", read_event<statement>,
                          scope.jurisdiction_id, scope.since, scope.before, after, limit);
    if (!page) return page.error();
    for (auto& e : *page) {
      after = e.seq;
      if (domain::find_phones_in_text(e.payload_json).empty()) continue;
      out.push_back(std::move(e));
      if (static_cast<int>(out.size()) == limit) return out;
    }
    if (static_cast<int>(page->size()) < limit) return out;
  }
}

result<std::vector<domain::event>> restatements_after(connection& c, std::int64_t after_seq, int limit) {
  using model_rows::event_columns;
  using model_rows::read_event;
  if (limit <= 0) return std::vector<domain::event>{};
  static const std::string sql =
      cat({"SELECT ", event_columns, " FROM events WHERE kind = 'privacy.restated' AND erased_at IS NULL AND "
           "seq > CAST(? AS BIGINT) ORDER BY seq LIMIT ?"});
  return fetch_all(c, sql, "events", read_event<statement>, after_seq, limit);
}

result<std::vector<domain::event>> erasable_events(connection& c, const privacy_scope& scope, int limit) {
  using model_rows::event_columns;
  using model_rows::read_event;
  if (limit <= 0) return std::vector<domain::event>{};
  if (scope.phone) return events_naming_phone(c, scope, limit, false);
  if (!scope.event_kinds.empty()) {
    // The kinds as a JSON array of strings (event kinds are plain dotted names).
    std::string kinds = "[";
    for (const auto& k : scope.event_kinds) kinds += (kinds.size() > 1 ? ",\"" : "\"") + k + "\"";
    kinds += "]";
    static const std::string by_kind =
        cat({"SELECT ", event_columns, " FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
             "erased_at IS NULL AND at < ? AND ", kind_in_json, " ORDER BY seq LIMIT ?"});
    return fetch_all(c, by_kind, "events", read_event<statement>, scope.jurisdiction_id, scope.before, kinds, limit);
  }
  static const std::string sql =
      cat({"SELECT ", event_columns, " FROM events WHERE jurisdiction_id = ? AND payload_digest <> '' AND "
           "erased_at IS NULL AND at < ? AND subject IN ('call', 'caller', 'callback', 'location') "
           "ORDER BY seq LIMIT ?"});
  return fetch_all(c, sql, "events", read_event<statement>, scope.jurisdiction_id, scope.before, limit);
}

result<contact_erasure> erase_reporter_contacts(connection& c, const privacy_scope& scope) {
  // The dependants first, while the reports still name the number.
  const std::string of_reports =
      " IN (SELECT id FROM reports WHERE jurisdiction_id = ?1 AND created_at < ?2 AND (CAST(?3 AS TEXT) IS NULL OR "
      "reporter_phone = ?3))";
  contact_erasure n;
  auto contacts = run_scoped(c, "DELETE FROM channel_contacts WHERE report_id" + of_reports, "channel_contacts", scope);
  if (!contacts) return contacts.error();
  n.channel_contacts = *contacts;
  if (auto r = run_scoped(c, "UPDATE channel_messages SET sender = '' WHERE sender <> '' AND report_id" + of_reports,
                          "channel_messages", scope);
      !r) {
    return r.error();
  }
  auto open311 = run_scoped(c,
                            "UPDATE open311_requests SET email = '', device_id = '', account_id = '' WHERE "
                            "(email <> '' OR device_id <> '' OR account_id <> '') AND report_id" +
                                of_reports,
                            "open311_requests", scope);
  if (!open311) return open311.error();
  n.open311_contacts = *open311;
  if (scope.phone) {
    // What the messaging channels keep of the sender beyond its reports (WhatsApp's sender id
    // is the number without its '+'): a half-told conversation, the messages seen.
    if (auto r = run_scoped(c,
                            "DELETE FROM channel_conversations WHERE jurisdiction_id = ?1 AND started_at < ?2 AND "
                            "(sender = ?3 OR '+' || sender = ?3)",
                            "channel_conversations", scope);
        !r) {
      return r.error();
    }
    if (auto r = run_scoped(c,
                            "UPDATE channel_messages SET sender = '' WHERE jurisdiction_id = ?1 AND received_at < ?2 "
                            "AND (sender = ?3 OR '+' || sender = ?3)",
                            "channel_messages", scope);
        !r) {
      return r.error();
    }
  }
  auto reports = run_scoped(c,
                            "UPDATE reports SET reporter_name = '', reporter_phone = '' WHERE jurisdiction_id = ?1 AND "
                            "created_at < ?2 AND (reporter_name <> '' OR reporter_phone <> '') AND "
                            "(CAST(?3 AS TEXT) IS NULL OR reporter_phone = ?3)",
                            "reports", scope);
  if (!reports) return reports.error();
  n.reports = *reports;
  return n;
}

result<std::int64_t> erase_photos(connection& c, const privacy_scope& scope) {
  // The bytes go; the row keeps its SHA-256 and says when (size must equal the bytes' length).
  static const std::string sql =
      cat({"UPDATE media SET bytes = ", no_bytes, ", size = 0, is_public = FALSE, erased_at = ?4 WHERE "
           "jurisdiction_id = ?1 AND created_at < ?2 AND erased_at IS NULL AND (CAST(?3 AS TEXT) IS NULL OR "
           "report_id IN (SELECT id FROM reports WHERE jurisdiction_id = ?1 AND reporter_phone = ?3))"});
  return run_scoped(c, sql, "media", scope, true);
}

result<std::int64_t> coarsen_locations(connection& c, const privacy_scope& scope) {
  // A village's centre where known, else the point rounded to 0.01 degree (about 1.1 km).
  static const std::string of_reports = cat(
      {"UPDATE reports SET lat = coalesce((SELECT v.center_lat FROM villages v WHERE v.id = reports.village_id AND "
       "v.center_lat IS NOT NULL), ", rounded("lat"), "), lon = coalesce((SELECT v.center_lon FROM villages v WHERE "
       "v.id = reports.village_id AND v.center_lat IS NOT NULL), ", rounded("lon"), "), location_coarsened_at = ?4 "
       "WHERE jurisdiction_id = ?1 AND created_at < ?2 AND lat IS NOT NULL AND location_coarsened_at IS NULL AND "
       "(CAST(?3 AS TEXT) IS NULL OR reporter_phone = ?3)"});
  auto reports = run_scoped(c, of_reports, "reports", scope, true);
  if (!reports) return reports.error();
  // Refused records keep no coordinates but their raw text may hold them: it goes too.
  static const std::string of_records = cat(
      {"UPDATE location_records SET lat = ", rounded("lat"), ", lon = ", rounded("lon"), ", radius_m = CASE WHEN "
       "lat IS NULL THEN radius_m ELSE ", larger, "(coalesce(radius_m, 0.0), 1000.0) END, altitude_m = NULL, raw = '', "
       "coarsened_at = ?4 WHERE jurisdiction_id = ?1 AND received_at < ?2 AND coarsened_at IS NULL AND "
       "(CAST(?3 AS TEXT) IS NULL OR "
       "number = ?3 OR call_id IN (SELECT id FROM calls WHERE jurisdiction_id = ?1 AND caller = ?3))"});
  auto records = run_scoped(c, of_records, "location_records", scope, true);
  if (!records) return records.error();
  static const std::string of_calls =
      cat({"UPDATE calls SET loc_lat = ", rounded("loc_lat"), ", loc_lon = ", rounded("loc_lon"), ", loc_radius_m = ",
           larger, "(coalesce(loc_radius_m, 0.0), 1000.0), loc_coarsened_at = ?4 WHERE jurisdiction_id = ?1 AND "
           "ring_at < ?2 AND loc_lat IS NOT NULL AND loc_coarsened_at IS NULL AND "
           "(CAST(?3 AS TEXT) IS NULL OR caller = ?3)"});
  auto calls = run_scoped(c, of_calls, "calls", scope, true);
  if (!calls) return calls.error();
  return *reports + *records + *calls;
}

result<std::int64_t> erase_caller_numbers(connection& c, const privacy_scope& scope) {
  // The dependants first, while the calls still name the number; the count is the calls'.
  constexpr std::string_view calls_in_scope =
      "SELECT id FROM calls WHERE jurisdiction_id = ?1 AND ring_at < ?2 AND caller <> '' AND "
      "(CAST(?3 AS TEXT) IS NULL OR caller = ?3)";
  const std::string of_calls = " IN (" + std::string(calls_in_scope) + ")";
  if (auto r =
          run_scoped(c, "UPDATE call_events SET caller = '' WHERE call_record_id" + of_calls, "call_events", scope);
      !r) {
    return r.error();
  }
  if (auto r = run_scoped(c, "UPDATE callbacks SET caller = '' WHERE call_id" + of_calls, "callbacks", scope); !r) {
    return r.error();
  }
  if (auto r = run_scoped(c, "UPDATE location_records SET number = '', raw = '' WHERE call_id" + of_calls,
                          "location_records", scope);
      !r) {
    return r.error();
  }
  if (scope.phone) {
    // Location fixes that reached no call still name the number.
    if (auto r = run_scoped(c,
                            "UPDATE location_records SET number = '', raw = '' WHERE jurisdiction_id = ?1 AND "
                            "received_at < ?2 AND number = ?3",
                            "location_records", scope);
        !r) {
      return r.error();
    }
  }
  auto calls = run_scoped(c,
                          "UPDATE calls SET caller = '' WHERE jurisdiction_id = ?1 AND ring_at < ?2 AND caller <> '' "
                          "AND (CAST(?3 AS TEXT) IS NULL OR caller = ?3)",
                          "calls", scope);
  if (!calls) return calls.error();
  // A caller row (flags, block) is kept while a newer call still holds its number.
  if (auto r = run_scoped(c,
                          "DELETE FROM callers WHERE jurisdiction_id = ?1 AND updated_at < ?2 AND "
                          "(CAST(?3 AS TEXT) IS NULL OR number = ?3) AND NOT EXISTS (SELECT 1 FROM calls WHERE "
                          "calls.jurisdiction_id = callers.jurisdiction_id AND calls.caller = callers.number)",
                          "callers", scope);
      !r) {
    return r.error();
  }
  return *calls;
}

result<void> write_erased_event(connection& c, const domain::event& e) {
  auto st = prepare_bound(c, "UPDATE events SET payload_json = ?, subject_id = ?, erased_at = ? WHERE seq = ?",
                          e.payload_json, e.subject_id, e.erased_at.value_or(timestamp{}), e.seq);
  if (!st) return st.error();
  if (auto r = st->run("events"); !r) return r;
  if (c.changes() == 0) return core::not_found("event " + std::to_string(e.seq) + " not found");
  return {};
}

