#include "services/cdr_import.hpp"

#include "domain/phone.hpp"
#include "services/call_service.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace siaga::services {
namespace {

// A time as PBXs write it: with an offset, or local ("2024-01-01 00:00:05") in the given zone.
core::result<core::timestamp> pbx_time(std::string_view text, int offset_minutes) {
  if (auto t = core::parse_iso8601(text)) return *t;
  char zone[8];
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60 % 100, off % 60);
  auto local = core::parse_iso8601(std::string(text) + zone);
  if (!local) return core::invalid("'" + std::string(text) + "' is not a date and time (YYYY-MM-DD HH:MM:SS)");
  return *local;
}

// The extension in an Asterisk channel name: "SIP/2001-0000000a", "PJSIP/2001-00000001" and
// "Local/2001@agents-0000;1" are all agent 2001.
std::string extension_of(std::string_view channel) {
  auto slash = channel.find('/');
  if (slash == std::string_view::npos) return std::string(channel);
  auto rest = channel.substr(slash + 1);
  auto end = rest.find('@');
  if (end == std::string_view::npos) end = rest.rfind('-');
  return std::string(rest.substr(0, end));
}

bool looks_like_uniqueid(std::string_view s) {
  auto dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
         std::count(s.begin(), s.end(), '.') == 1;
}

constexpr std::array<std::string_view, 9> generic_columns{"call_id", "number", "line",    "ring",          "answer",
                                                          "end",     "agent",  "outcome", "classification"};
enum generic_column { g_call_id, g_number, g_line, g_ring, g_answer, g_end, g_agent, g_outcome, g_class };

}  // namespace

core::result<cdr_format> parse_cdr_format(std::string_view name) {
  if (name == "asterisk") return cdr_format::asterisk;
  if (name == "freeswitch") return cdr_format::freeswitch;
  if (name == "generic") return cdr_format::generic;
  return core::invalid("unknown CDR format '" + std::string(name) + "': use asterisk, freeswitch or generic");
}

std::vector<domain::call_event> cdr_call::events() const {
  std::vector<domain::call_event> out;
  domain::call_event ring;
  ring.event_id = "cdr:" + call_id + ":ringing";
  ring.call_id = call_id;
  ring.kind = domain::call_event_kind::ringing;
  ring.at = ring_at;
  ring.caller = number;
  ring.line = trunk;
  out.push_back(ring);
  if (answer_at) {
    domain::call_event answered;
    answered.event_id = "cdr:" + call_id + ":answered";
    answered.call_id = call_id;
    answered.kind = domain::call_event_kind::answered;
    answered.at = *answer_at;
    answered.agent = agent;
    out.push_back(std::move(answered));
  }
  domain::call_event ended;
  ended.event_id = "cdr:" + call_id + ":ended";
  ended.call_id = call_id;
  ended.kind = domain::call_event_kind::ended;
  ended.at = end_at;
  ended.reason = reason;
  out.push_back(std::move(ended));
  return out;
}

cdr_reader::cdr_reader(std::string_view text, cdr_format format, int offset_minutes)
    : text_(text), format_(format), offset_minutes_(offset_minutes) {
  if (text_.starts_with("\xEF\xBB\xBF")) at_ = 3;  // a byte-order mark from a spreadsheet
}

bool cdr_reader::next_record(std::vector<std::string>& fields, std::size_t& line) {
  fields.clear();
  // Blank lines between records are skipped.
  while (at_ < text_.size() && (text_[at_] == '\n' || text_[at_] == '\r')) {
    if (text_[at_] == '\n') ++line_;
    ++at_;
  }
  if (at_ >= text_.size()) return false;
  line = line_;
  std::string field;
  bool quoted = false;
  while (at_ < text_.size()) {
    char c = text_[at_++];
    if (quoted) {
      if (c == '"') {
        if (at_ < text_.size() && text_[at_] == '"') {
          field += '"';
          ++at_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++line_;
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return true;
}

std::optional<cdr_call> cdr_reader::convert(const std::vector<std::string>& f, std::size_t line,
                                            std::vector<cdr_refusal>& refused) const {
  auto refuse = [&](std::string why) -> std::optional<cdr_call> {
    refused.push_back({line, std::move(why)});
    return std::nullopt;
  };
  cdr_call c;
  c.line = line;
  std::string_view number, ring, answer, end;
  std::string outcome;  // generic: as written; others: derived below
  switch (format_) {
    case cdr_format::asterisk: {
      if (f.size() < 16) return refuse("an Asterisk Master.csv record has at least 16 columns, this one " + std::to_string(f.size()));
      number = f[1];
      c.trunk = f[2];
      ring = f[9];
      answer = f[10];
      end = f[11];
      for (std::size_t k = 16; k < f.size() && k < 18; ++k) {
        if (looks_like_uniqueid(f[k])) c.call_id = f[k];
      }
      if (c.call_id.empty()) c.call_id = f[1] + "/" + f[5] + "/" + f[9];
      const auto& disposition = f[14];
      if (disposition == "ANSWERED") {
        c.agent = extension_of(f[6]);
      } else if (disposition == "NO ANSWER") {
        c.reason = domain::end_reason::caller_hangup;
        answer = {};
      } else if (disposition == "BUSY" || disposition == "FAILED" || disposition == "CONGESTION") {
        c.reason = domain::end_reason::no_agent;
        answer = {};
      } else {
        return refuse("disposition '" + disposition + "' is not ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION");
      }
      if (disposition == "ANSWERED" && answer.empty()) return refuse("an ANSWERED call without an answer time");
      break;
    }
    case cdr_format::freeswitch: {
      if (f.size() < 11) return refuse("a FreeSWITCH cdr_csv record has at least 11 columns, this one " + std::to_string(f.size()));
      number = f[1];
      c.trunk = f[2];
      ring = f[4];
      answer = f[5];
      end = f[6];
      c.call_id = f[10];
      if (c.call_id.empty()) return refuse("the record has no uuid (column 11)");
      if (answer.empty()) {
        c.reason = f[9] == "ORIGINATOR_CANCEL" ? domain::end_reason::caller_hangup : domain::end_reason::no_agent;
      }
      break;
    }
    case cdr_format::generic: {
      auto col = [&](int which) -> std::string_view {
        auto k = columns_[static_cast<std::size_t>(which)];
        return k >= 0 && static_cast<std::size_t>(k) < f.size() ? std::string_view(f[static_cast<std::size_t>(k)])
                                                                : std::string_view();
      };
      c.call_id = std::string(col(g_call_id));
      if (c.call_id.empty()) return refuse("call_id is empty");
      number = col(g_number);
      c.trunk = std::string(col(g_line));
      ring = col(g_ring);
      answer = col(g_answer);
      end = col(g_end);
      c.agent = std::string(col(g_agent));
      outcome = std::string(col(g_outcome));
      if (outcome == "answered") {
        if (answer.empty()) return refuse("an answered call without an answer time");
      } else if (outcome == "abandoned" || outcome == "missed") {
        if (!answer.empty()) return refuse("a call " + outcome + " with an answer time: make it answered or clear the answer");
        c.reason = outcome == "abandoned" ? domain::end_reason::caller_hangup : domain::end_reason::no_agent;
      } else {
        return refuse("outcome '" + outcome + "' is not answered, abandoned or missed");
      }
      if (auto cls = col(g_class); !cls.empty()) {
        auto parsed = domain::parse_call_class(cls);
        if (!parsed) {
          return refuse("classification '" + std::string(cls) +
                        "' is not valid, prank, ghost, information, misdirected or test");
        }
        if (outcome != "answered") return refuse("only an answered call can be classified");
        c.classification = *parsed;
      }
      break;
    }
  }
  if (c.call_id.size() > 128) return refuse("the call id is longer than 128 characters");
  if (!number.empty() && !domain::is_withheld_number(number)) {
    auto n = domain::normalize_phone(number);
    if (!n) return refuse("the caller number: " + n.error().message);
    c.number = *n;
  }
  auto r = pbx_time(ring, offset_minutes_);
  if (!r) return refuse("the ring time: " + r.error().message);
  c.ring_at = *r;
  auto e = pbx_time(end, offset_minutes_);
  if (!e) return refuse("the end time: " + e.error().message);
  c.end_at = *e;
  if (!answer.empty()) {
    auto a = pbx_time(answer, offset_minutes_);
    if (!a) return refuse("the answer time: " + a.error().message);
    if (*a < c.ring_at) return refuse("answered before it rang");
    c.answer_at = *a;
  }
  if (c.end_at < (c.answer_at ? *c.answer_at : c.ring_at)) return refuse("ended before it rang or was answered");
  return c;
}

cdr_reader::batch cdr_reader::next(std::size_t max_calls) {
  batch out;
  std::vector<std::string> fields;
  std::size_t line = 0;
  if (format_ == cdr_format::generic && columns_.empty() && !broken_) {
    if (!next_record(fields, line)) return out;
    columns_.assign(generic_columns.size(), -1);
    for (std::size_t k = 0; k < fields.size(); ++k) {
      for (std::size_t c = 0; c < generic_columns.size(); ++c) {
        if (fields[k] == generic_columns[c]) columns_[c] = static_cast<int>(k);
      }
    }
    std::string missing;
    for (std::size_t c = 0; c < generic_columns.size(); ++c) {
      if (columns_[c] < 0) missing += (missing.empty() ? "" : ", ") + std::string(generic_columns[c]);
    }
    if (!missing.empty()) {
      broken_ = true;
      out.refused.push_back({line, "the heading lacks the column(s) " + missing +
                                       " (a generic file starts with: call_id,number,line,ring,answer,end,agent,"
                                       "outcome,classification)"});
      return out;
    }
  }
  out.calls.reserve(std::min<std::size_t>(max_calls, 100'000));
  while (out.calls.size() < max_calls && !done() && next_record(fields, line)) {
    if (auto c = convert(fields, line, out.refused)) out.calls.push_back(std::move(*c));
  }
  return out;
}

core::result<cdr_import_counts> import_cdr_calls(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::vector<cdr_call>& calls) {
  cdr_import_counts counts;
  counts.calls = static_cast<std::int64_t>(calls.size());
  std::vector<whole_call> whole;
  whole.reserve(calls.size());
  for (const auto& c : calls) whole.push_back({c.events(), c.classification});
  SIAGA_TRY(ingested, ingest_whole_calls(tx, ctx, who, whole));
  counts.new_events = ingested.new_events;
  counts.known_events = ingested.known_events;
  counts.classified = ingested.classified;
  return counts;
}

}  // namespace siaga::services
