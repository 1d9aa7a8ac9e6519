#include "api/telephony_input.hpp"

#include "domain/phone.hpp"

#include <algorithm>
#include <chrono>

namespace siaga::api {
using namespace std::chrono_literals;

core::result<domain::call_event> call_event_of(const json::object& o, core::timestamp now) {
  if (auto r = only_fields(
          o, {"event_id", "call_id", "type", "at", "caller", "line", "agent", "reason", "digits", "silent"});
      !r) {
    return r.error();
  }
  domain::call_event e;
  auto id = required_string(o, "event_id", 128);
  if (!id) return id.error();
  e.event_id = *id;
  auto call_id = required_string(o, "call_id", 128);
  if (!call_id) return call_id.error();
  e.call_id = *call_id;
  auto type = required_string(o, "type", 32);
  if (!type) return type.error();
  auto kind = domain::parse_call_event_kind(*type);
  if (!kind) return kind.error();
  e.kind = *kind;
  auto at_text = required_string(o, "at", 64);
  if (!at_text) return at_text.error();
  auto at = core::parse_iso8601(*at_text);
  if (!at) return core::invalid("field 'at': " + at.error().message);
  if (*at > now + 1h) return core::invalid("field 'at' is more than an hour in the future: check the PBX clock");
  e.at = *at;
  auto caller = opt_string(o, "caller", 64);
  if (!caller) return caller.error();
  if (*caller && !domain::is_withheld_number(**caller)) {
    auto n = domain::normalize_phone(**caller);
    if (!n) return core::invalid("field 'caller': " + n.error().message);
    e.caller = *n;
  }
  auto line = opt_string(o, "line", 64);
  if (!line) return line.error();
  e.line = line->value_or("");
  auto agent = opt_string(o, "agent", 128);
  if (!agent) return agent.error();
  auto reason = opt_string(o, "reason", 32);
  if (!reason) return reason.error();
  auto digits = opt_string(o, "digits", 32);
  if (!digits) return digits.error();
  auto silent = opt_bool(o, "silent");
  if (!silent) return silent.error();
  auto refuse = [&](std::string_view field) {
    return core::invalid("field '" + std::string(field) + "' does not belong to a '" + *type + "' event");
  };
  const bool agent_event =
      e.kind == domain::call_event_kind::answered || e.kind == domain::call_event_kind::transferred;
  if (agent_event) {
    if (!*agent || (*agent)->empty()) return core::invalid("field 'agent' is required for a '" + *type + "' event");
    e.agent = **agent;
  } else if (*agent) {
    return refuse("agent");
  }
  if (e.kind == domain::call_event_kind::ended) {
    if (!*reason) return core::invalid("field 'reason' is required for an 'ended' event");
    auto r = domain::parse_end_reason(**reason);
    if (!r) return r.error();
    e.reason = *r;
    e.silent = silent->value_or(false);
  } else if (*reason) {
    return refuse("reason");
  } else if (*silent) {
    return refuse("silent");
  }
  if (e.kind == domain::call_event_kind::dtmf) {
    if (!*digits || (*digits)->empty()) return core::invalid("field 'digits' is required for a 'dtmf' event");
    bool ok = std::all_of((*digits)->begin(), (*digits)->end(),
                          [](char ch) { return (ch >= '0' && ch <= '9') || ch == '*' || ch == '#'; });
    if (!ok) return core::invalid("field 'digits' may hold only 0-9, * and #");
    e.digits = **digits;
  } else if (*digits) {
    return refuse("digits");
  }
  return e;
}

core::result<std::vector<domain::call_event>> call_events_of(const json::object& body, core::timestamp now) {
  std::vector<domain::call_event> events;
  if (!body.contains("events")) {
    SIAGA_TRY(e, call_event_of(body, now));
    events.push_back(std::move(e));
    return events;
  }
  SIAGA_CHECK(only_fields(body, {"events"}));
  const auto& v = body.at("events");
  if (!v.is_array() || v.as_array().empty() || v.as_array().size() > max_batch_events) {
    return core::invalid("field 'events' must be an array of 1 to " + std::to_string(max_batch_events) + " events");
  }
  std::size_t i = 0;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) return core::invalid("events[" + std::to_string(i) + "] must be an object");
    auto e = call_event_of(item.as_object(), now);
    if (!e) return core::invalid("events[" + std::to_string(i) + "]: " + e.error().message);
    events.push_back(std::move(*e));
    ++i;
  }
  return events;
}

}  // namespace siaga::api
