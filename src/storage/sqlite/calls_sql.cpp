#include "storage/sqlite/calls_sql.hpp"

#include "storage/sqlite/caller_counts_sql.hpp"
#include "storage/sqlite/multi_row.hpp"
#include "storage/sqlite/query.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <type_traits>
#include <variant>
#include <vector>

namespace siaga::storage::sqlite::calls_sql {

#include "storage/calls_sql.ipp"

result<domain::caller_history> caller_history_of(connection& c, const std::string& jurisdiction_id,
                                                 const std::string& number) {
  // One row of caller_counts (migration 21), kept by triggers on calls, not a count of the calls.
  return caller_counts_sql::history_of(c, jurisdiction_id, number);
}

result<std::vector<domain::stored_call_event>> find_call_events(connection& c, const std::string& jurisdiction_id,
                                                                const std::vector<std::string_view>& event_ids) {
  // The statements by size: shapes[k] asks for 2^k ids, the last max_rows_per_insert.
  static const auto shapes = [] {
    std::vector<std::string> out;
    for (std::size_t n = 1; n <= max_rows_per_insert; n *= 2) {
      std::string marks;
      for (std::size_t k = 0; k < n; ++k) marks += k ? ", ?" : "?";
      out.push_back(select(event_columns, cat({"FROM call_events WHERE jurisdiction_id = ? AND event_id IN (", marks,
                                               ")"})));
    }
    return out;
  }();
  // Each id once: across two statements a repeated id would be found twice.
  std::vector<std::string_view> ids = event_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<domain::stored_call_event> found;
  std::size_t done = 0;
  while (done < ids.size()) {
    std::size_t shape = shapes.size() - 1;
    while ((std::size_t{1} << shape) > ids.size() - done) --shape;
    const std::size_t n = std::size_t{1} << shape;
    auto st = c.prepare(shapes[shape]);
    if (!st) return st.error();
    st->bind(jurisdiction_id);
    for (std::size_t k = done; k < done + n; ++k) st->bind(ids[k]);
    for (;;) {
      auto row = st->step("call_events");
      if (!row) return row.error();
      if (!*row) break;
      auto e = read_stored_event(*st);
      if (!e) return e.error();
      found.push_back(std::move(*e));
    }
    done += n;
  }
  return found;
}

result<void> insert_calls(connection& c, const std::vector<domain::call_record>& calls) {
  std::vector<call_values> values;
  values.reserve(calls.size());
  for (const auto& r : calls) values.emplace_back(r);
  static const std::string head = cat({"INSERT INTO calls (", call_columns, ") VALUES "});
  return insert_rows(c, head, 31, calls.size(), "calls", [&](statement& st, std::size_t i) {
    st.bind(calls[i].id).bind(calls[i].jurisdiction_id);
    values[i].bind(st);
  });
}

result<void> insert_call_events(connection& c, const std::vector<domain::stored_call_event>& events) {
  static const std::string head =
      "INSERT INTO call_events (jurisdiction_id, event_id, call_record_id, external_call_id, kind, at, caller, line, "
      "agent, reason, digits, silent, received_at) VALUES ";
  return insert_rows(c, head, 13, events.size(), "call_events", [&](statement& st, std::size_t i) {
    const auto& s = events[i];
    const auto& e = s.event;
    st.bind(s.jurisdiction_id)
        .bind(e.event_id)
        .bind(s.call_record_id)
        .bind(e.call_id)
        .bind(domain::to_string(e.kind))
        .bind(e.at)
        .bind(e.caller)
        .bind(e.line)
        .bind(e.agent)
        .bind(name_of(e.reason))
        .bind(e.digits)
        .bind(static_cast<std::int64_t>(e.silent))
        .bind(s.received_at);
  });
}

result<void> insert_callbacks(connection& c, const std::vector<domain::callback_task>& tasks) {
  static const std::string head = cat({"INSERT INTO callbacks (", callback_columns, ") VALUES "});
  return insert_rows(c, head, 20, tasks.size(), "callbacks", [&](statement& st, std::size_t i) {
    const auto& t = tasks[i];
    st.bind(t.id)
        .bind(t.jurisdiction_id)
        .bind(t.call_id)
        .bind(t.caller)
        .bind(domain::to_string(t.status))
        .bind(t.due_at)
        .bind(static_cast<std::int64_t>(t.attempts))
        .bind(t.assigned_to)
        .bind(name_of(t.last_result))
        .bind(t.note)
        .bind(t.report_id)
        .bind(t.superseded_by)
        .bind(t.created_at)
        .bind(t.updated_at)
        .bind(t.closed_at)
        .bind(t.merged_into)
        .bind(static_cast<std::int64_t>(t.calls))
        .bind(t.last_call_at)
        .bind(t.dialed_call)
        .bind(t.dialed_at);
  });
}

}  // namespace siaga::storage::sqlite::calls_sql
