#include "domain/call.hpp"

#include "core/enum_names.hpp"
#include "core/time.hpp"
#include "domain/phone.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace siaga::domain {
namespace {

constexpr auto event_kind_names = core::make_enum_names<call_event_kind>(
    "event type", {"ringing", "queued", "answered", "transferred", "dtmf", "ended"});
constexpr auto end_reason_names =
    core::make_enum_names<end_reason>("end reason", {"caller_hangup", "no_agent", "completed"});
constexpr auto outcome_names = core::make_enum_names<call_outcome>("call outcome", {"answered", "abandoned", "missed"});
constexpr auto class_names = core::make_enum_names<call_class>(
    "classification", {"valid", "prank", "ghost", "information", "misdirected", "test"});
constexpr auto source_names =
    core::make_enum_names<classification_source>("classification source", {"manual", "automatic"});
constexpr auto callback_status_names = core::make_enum_names<callback_status>(
    "callback status", {"open", "in_progress", "done", "failed", "superseded", "merged", "expired"});
constexpr auto callback_result_names =
    core::make_enum_names<callback_result>("callback result", {"reached_valid", "reached_no_emergency", "no_answer"});

bool canonical_less(const call_event& a, const call_event& b) {
  return std::tie(a.at, a.kind, a.event_id) < std::tie(b.at, b.kind, b.event_id);
}

// canonical_events without copying them: pointers into events, which fold_call reads. A call has
// a handful of events, folded again for each new one, so the copies (and a set for the ids)
// were most of a fold's cost.
std::vector<const call_event*> canonical_order(std::span<const call_event> events) {
  std::vector<const call_event*> sorted;
  sorted.reserve(events.size());
  for (const auto& e : events) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const call_event* a, const call_event* b) { return canonical_less(*a, *b); });
  std::vector<const call_event*> out;
  out.reserve(sorted.size());
  // Few events: a scan of those kept finds a repeated id sooner than a set would.
  constexpr std::size_t scan_limit = 32;
  std::set<std::string_view> seen;
  for (const auto* e : sorted) {
    bool repeated = false;
    if (sorted.size() <= scan_limit) {
      repeated = std::any_of(out.begin(), out.end(), [&](const call_event* k) { return k->event_id == e->event_id; });
    } else {
      repeated = !seen.insert(e->event_id).second;
    }
    if (!repeated) out.push_back(e);
  }
  return out;
}

}  // namespace

std::string_view to_string(call_event_kind v) {
  return event_kind_names.name(v);
}
std::string_view to_string(end_reason v) {
  return end_reason_names.name(v);
}
std::string_view to_string(call_outcome v) {
  return outcome_names.name(v);
}
std::string_view to_string(call_class v) {
  return class_names.name(v);
}
std::string_view to_string(classification_source v) {
  return source_names.name(v);
}
std::string_view to_string(callback_status v) {
  return callback_status_names.name(v);
}
std::string_view to_string(callback_result v) {
  return callback_result_names.name(v);
}

core::result<call_event_kind> parse_call_event_kind(std::string_view s) {
  return event_kind_names.parse(s);
}
core::result<end_reason> parse_end_reason(std::string_view s) {
  return end_reason_names.parse(s);
}
core::result<call_outcome> parse_call_outcome(std::string_view s) {
  return outcome_names.parse(s);
}
core::result<call_class> parse_call_class(std::string_view s) {
  return class_names.parse(s);
}
core::result<classification_source> parse_classification_source(std::string_view s) {
  return source_names.parse(s);
}
core::result<callback_status> parse_callback_status(std::string_view s) {
  return callback_status_names.parse(s);
}
core::result<callback_result> parse_callback_result(std::string_view s) {
  return callback_result_names.parse(s);
}

std::optional<std::chrono::milliseconds> call_state::wait() const {
  if (!ring_at) return std::nullopt;
  if (answered_at) return std::chrono::duration_cast<std::chrono::milliseconds>(*answered_at - *ring_at);
  if (ended_at) return std::chrono::duration_cast<std::chrono::milliseconds>(*ended_at - *ring_at);
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> call_state::talk() const {
  if (!answered_at || !ended_at) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*ended_at - *answered_at);
}

std::vector<call_event> canonical_events(std::span<const call_event> events) {
  std::vector<call_event> out;
  for (const auto* e : canonical_order(events)) out.push_back(*e);
  return out;
}

bool same_event(const call_event& a, const call_event& b) {
  return a.event_id == b.event_id && a.call_id == b.call_id && a.kind == b.kind && a.at == b.at &&
         a.caller == b.caller && a.line == b.line && a.agent == b.agent && a.reason == b.reason &&
         a.digits == b.digits && a.silent == b.silent;
}

core::result<void> check_event_time(std::span<const call_event> known, const call_event& e, timestamp now) {
  if (e.at < now - max_event_age) {
    return core::invalid("event '" + e.event_id + "' is dated " + core::format_utc(e.at) +
                         ", more than ten years ago: check the bridge's clock");
  }
  std::optional<timestamp> ring, first_other;
  for (const auto& k : known) {
    auto& slot = k.kind == call_event_kind::ringing ? ring : first_other;
    if (!slot || k.at < *slot) slot = k.at;
  }
  if (e.kind != call_event_kind::ringing && ring && e.at < *ring) {
    return core::invalid("event '" + e.event_id + "' (" + std::string(to_string(e.kind)) + ") is dated " +
                         core::format_utc(e.at) + ", before the call rang at " + core::format_utc(*ring));
  }
  if (e.kind == call_event_kind::ringing && first_other && e.at > *first_other) {
    return core::invalid("event '" + e.event_id + "' (ringing) is dated " + core::format_utc(e.at) +
                         ", after the call's first other event at " + core::format_utc(*first_other));
  }
  return {};
}

call_state fold_call(std::span<const call_event> events) {
  call_state s;
  const auto ordered = canonical_order(events);
  const call_event* numbered = nullptr;  // the event that gives caller and line
  for (const auto* event : ordered) {
    const auto& e = *event;
    if (!e.caller.empty() || !e.line.empty()) {
      bool better = !numbered || (e.kind == call_event_kind::ringing && numbered->kind != call_event_kind::ringing);
      if (better) numbered = &e;
    }
    switch (e.kind) {
      case call_event_kind::ringing:
        if (!s.ring_at) s.ring_at = e.at;
        break;
      case call_event_kind::queued:
        if (!s.queued_at) s.queued_at = e.at;
        break;
      case call_event_kind::answered:
        if (!s.answered_at) {
          s.answered_at = e.at;
          s.answered_by = e.agent;
        }
        s.agent = e.agent;
        break;
      case call_event_kind::transferred:
        ++s.transfers;
        s.agent = e.agent;
        break;
      case call_event_kind::dtmf:
        s.digits += e.digits;
        break;
      case call_event_kind::ended:
        if (!s.ended_at) {
          s.ended_at = e.at;
          s.reason = e.reason;
          s.silent = e.silent;
        }
        break;
    }
  }
  if (numbered) {
    s.caller = numbered->caller;
    s.line = numbered->line;
  }
  if (!s.ring_at && !ordered.empty()) s.ring_at = ordered.front()->at;
  s.silent_caller = signals_silent_caller(s.digits);
  if (s.answered_at) {
    s.outcome = call_outcome::answered;
  } else if (s.ended_at) {
    s.outcome = s.reason == end_reason::caller_hangup ? call_outcome::abandoned : call_outcome::missed;
  }
  return s;
}

bool signals_silent_caller(std::string_view digits) {
  return digits.find("55") != std::string_view::npos;
}

std::optional<call_class> auto_classification(const call_state& s) {
  if (s.outcome == call_outcome::answered && s.ended_at && s.silent && !s.silent_caller) return call_class::ghost;
  return std::nullopt;
}

bool is_callback_candidate(const call_brief& c) {
  if (!c.ended_at || !c.outcome || *c.outcome == call_outcome::answered) return false;
  if (c.reason == end_reason::completed) return false;
  return !c.caller.empty() && !is_short_code(c.caller);
}

bool follows_up(const call_brief& answered, const call_brief& unanswered) {
  if (answered.id == unanswered.id || answered.caller != unanswered.caller) return false;
  if (answered.outcome != call_outcome::answered || !answered.ring_at) return false;
  if (!unanswered.ring_at || !unanswered.ended_at) return false;
  return *answered.ring_at >= *unanswered.ring_at && *answered.ring_at <= *unanswered.ended_at + callback_grace;
}

bool needs_callback(const call_brief& unanswered, std::span<const call_brief> same_number) {
  if (!is_callback_candidate(unanswered)) return false;
  return std::none_of(same_number.begin(), same_number.end(),
                      [&](const call_brief& other) { return follows_up(other, unanswered); });
}

timestamp callback_due(timestamp ended_at) {
  return ended_at + callback_grace;
}

core::result<callback_step> apply_callback_attempt(callback_status current, int attempts_before, timestamp due_before,
                                                   callback_result result, timestamp now) {
  if (current != callback_status::open && current != callback_status::in_progress) {
    return core::conflict("callback sudah " + std::string(to_string(current)) + " (the callback is already " +
                          std::string(to_string(current)) + ")");
  }
  callback_step step;
  step.attempts = attempts_before + 1;
  step.due_at = due_before;
  switch (result) {
    case callback_result::reached_valid:
    case callback_result::reached_no_emergency:
      step.status = callback_status::done;
      break;
    case callback_result::no_answer:
      if (step.attempts >= callback_max_attempts) {
        step.status = callback_status::failed;
      } else {
        step.status = callback_status::open;
        step.due_at = now + callback_retry_after;
      }
      break;
  }
  return step;
}

std::optional<std::int64_t> percentile(std::vector<std::int64_t>& values, double p) {
  if (values.empty() || !(p > 0) || p > 100) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto n = static_cast<double>(values.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

}  // namespace siaga::domain
