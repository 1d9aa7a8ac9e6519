#include "domain/lifecycle.hpp"

#include "core/enum_names.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace siaga::domain {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::minutes;
using std::chrono::year_month_day;

template <class S>
core::error refused(std::string_view what, S from, S to) {
  return core::conflict(std::string(what) + " cannot go from " + std::string(to_string(from)) +
                        " to " + std::string(to_string(to)));
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

year_month_day local_date(timestamp at, int zone_offset_minutes) {
  return year_month_day{floor<days>(at + minutes{zone_offset_minutes})};
}

// Collects "<len>:<bytes>" per field, so that moving text from one field into the next always
// changes the input; absent optional fields are "-", which no length prefix can produce. The
// fields go into one buffer hashed in one call: every write appends an event, and one digest
// call with a SHA-256 fetched once costs a fraction of a context set up and fed per field.
class field_hasher {
 public:
  field_hasher() { buffer_.reserve(512); }

  void field(std::string_view bytes) {
    char prefix[24];
    auto [end, ec] = std::to_chars(prefix, prefix + sizeof(prefix) - 1, bytes.size());
    *end++ = ':';
    buffer_.append(prefix, end);
    buffer_.append(bytes);
  }

  void optional_field(const std::optional<std::string>& bytes) {
    if (bytes) {
      field(std::string_view{*bytes});
    } else {
      buffer_ += '-';
    }
  }

  std::string hex_digest() {
    // Failing here means OpenSSL itself is broken: a bug or a start-up failure, not input.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    // One context a thread, reset for each digest: EVP_Digest makes and frees one every call, a
    // third of its time on a 200-byte event (two digests an event, on the writer's thread).
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                                                  &EVP_MD_CTX_free};
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int n = 0;
    if (sha256 == nullptr || !ctx || EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), buffer_.data(), buffer_.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), md.data(), &n) != 1) {
      throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (unsigned int i = 0; i < n; ++i) {
      out += hex[md[i] >> 4];
      out += hex[md[i] & 0x0F];
    }
    return out;
  }

 private:
  std::string buffer_;
};

}  // namespace

core::result<void> check_report_transition(report_status from, report_status to) {
  const bool allowed = from == report_status::new_ &&
                       (to == report_status::accepted || to == report_status::rejected ||
                        to == report_status::answered);
  if (!allowed) return refused("report", from, to);
  return {};
}

core::result<void> check_dispatch_transition(dispatch_status from, dispatch_status to) {
  using enum dispatch_status;
  bool allowed = false;
  switch (from) {
    case notified:
      allowed = to == acknowledged || to == declined || to == cancelled;
      break;
    case acknowledged:
      allowed = to == en_route || to == on_scene || to == completed || to == declined ||
                to == cancelled;
      break;
    case en_route:
      allowed = to == on_scene || to == cancelled;
      break;
    case on_scene:
      allowed = to == completed || to == cancelled;
      break;
    case completed:
    case declined:
    case cancelled:
      allowed = false;
      break;
  }
  if (!allowed) return refused("dispatch", from, to);
  return {};
}

core::result<void> apply_dispatch_transition(dispatch& d, dispatch_status to, timestamp at,
                                             std::string_view text) {
  if (auto ok = check_dispatch_transition(d.status, to); !ok) return ok.error();
  // The agency must say why it will not come, so that the call taker can find another one.
  if (to == dispatch_status::declined && is_blank(text)) {
    return core::invalid("a decline needs a reason");
  }
  switch (to) {
    case dispatch_status::notified:
      break;  // no transition leads here; check_dispatch_transition refused it already
    case dispatch_status::acknowledged:
      d.acknowledged_at = at;
      break;
    case dispatch_status::en_route:
      d.en_route_at = at;
      break;
    case dispatch_status::on_scene:
      d.on_scene_at = at;
      break;
    case dispatch_status::completed:
      d.completed_at = at;
      d.note = std::string(text);
      break;
    case dispatch_status::declined:
      d.declined_at = at;
      d.decline_reason = std::string(text);
      break;
    case dispatch_status::cancelled:
      d.cancelled_at = at;
      break;
  }
  d.status = to;
  d.updated_at = at;
  return {};
}

bool is_final(dispatch_status s) {
  return s == dispatch_status::completed || s == dispatch_status::declined ||
         s == dispatch_status::cancelled;
}

incident_status derive_incident_status(incident_status current,
                                       std::span<const dispatch> dispatches) {
  if (current == incident_status::closed || current == incident_status::cancelled) return current;
  bool any_active = false;
  bool any_completed = false;
  bool any_moved = false;  // some agency is or was on its way or at the scene
  for (const auto& d : dispatches) {
    if (!is_final(d.status)) any_active = true;
    if (d.status == dispatch_status::completed) any_completed = true;
    if (d.status == dispatch_status::en_route || d.status == dispatch_status::on_scene ||
        d.en_route_at || d.on_scene_at) {
      any_moved = true;
    }
  }
  if (any_active) {
    return any_moved || current == incident_status::in_progress ? incident_status::in_progress
                                                                : incident_status::dispatched;
  }
  return any_completed ? incident_status::resolved : incident_status::open;
}

namespace {
constexpr auto ack_via_names =
    core::make_enum_names<ack_via>("acknowledgement", {"console", "phone", "delivery_receipt"});
}  // namespace

std::string_view to_string(ack_via v) {
  return ack_via_names.name(v);
}

core::result<ack_via> parse_ack_via(std::string_view s) {
  return ack_via_names.parse(s);
}

ack_via acknowledged_by(const agency& a, std::span<const user> users) {
  bool console = std::any_of(users.begin(), users.end(), [&](const user& u) {
    return u.active && u.user_role == role::agency_operator && u.agency_id == a.id;
  });
  if (console) return ack_via::console;
  bool endpoint = std::any_of(a.endpoints.begin(), a.endpoints.end(), [](const agency_endpoint& e) { return e.active; });
  return endpoint ? ack_via::delivery_receipt : ack_via::phone;
}

core::result<incident_status> apply_incident_action(incident_status from, incident_action action) {
  using enum incident_status;
  incident_status to = open;
  bool allowed = false;
  std::string_view needs;
  switch (action) {
    case incident_action::close:
      to = closed;
      allowed = from == resolved;
      needs = "close needs a resolved incident";
      break;
    case incident_action::cancel:
      to = cancelled;
      allowed = from == open || from == dispatched || from == in_progress;
      needs = "cancel needs an open, dispatched or in_progress incident";
      break;
    case incident_action::reopen:
      to = open;
      allowed = from == resolved || from == closed || from == cancelled;
      needs = "reopen needs a resolved, closed or cancelled incident";
      break;
  }
  if (!allowed) {
    auto e = refused("incident", from, to);
    if (!needs.empty()) e.message += ": " + std::string(needs);
    return e;
  }
  return to;
}

std::vector<run_card_entry> plan_dispatches(const category& cat, std::span<const std::string> add,
                                            std::span<const std::string> remove) {
  std::vector<run_card_entry> plan;
  const auto planned = [&plan](const std::string& agency_id) {
    return std::any_of(plan.begin(), plan.end(),
                       [&](const run_card_entry& e) { return e.agency_id == agency_id; });
  };
  const auto removed = [&remove](const std::string& agency_id) {
    return std::find(remove.begin(), remove.end(), agency_id) != remove.end();
  };
  for (const auto& entry : cat.run_card) {
    if (entry.agency_id.empty() || removed(entry.agency_id) || planned(entry.agency_id)) continue;
    plan.push_back(entry);
  }
  // An agency added by hand is dispatched even if it was also removed: adding is the more
  // deliberate act, and the call taker sees the plan before it is sent.
  for (const auto& agency_id : add) {
    if (agency_id.empty() || planned(agency_id)) continue;
    plan.push_back(run_card_entry{agency_id, dispatch_role::supporting});
  }
  return plan;
}

std::string format_incident_number(std::string_view prefix, timestamp at, int zone_offset_minutes,
                                   std::int64_t daily_seq) {
  const auto ymd = local_date(at, zone_offset_minutes);
  std::array<char, 48> buf{};
  std::snprintf(buf.data(), buf.size(), "-%02d%02u%02u-%04lld",
                static_cast<int>(ymd.year()) % 100, static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(daily_seq));
  return std::string(prefix) + buf.data();
}

std::string local_day(timestamp at, int zone_offset_minutes) {
  const auto ymd = local_date(at, zone_offset_minutes);
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf.data();
}

bool subject_id_is_personal(subject_kind s) { return s == subject_kind::caller; }

std::string compute_payload_digest(const event& e) {
  field_hasher h;
  h.field(subject_id_is_personal(e.subject) ? std::string_view{e.subject_id} : std::string_view{});
  h.field(e.payload_json);
  return h.hex_digest();
}

std::string compute_event_hash(const event& e) {
  const bool v2 = !e.payload_digest.empty();
  field_hasher h;
  h.field(e.prev_hash);
  // The version mark keeps a v2 row from ever hashing like a v1 row whose payload is a digest.
  if (v2) h.field("v2");
  h.field(std::to_string(e.seq));
  h.field(e.id);
  h.field(e.jurisdiction_id);
  h.field(to_string(e.subject));
  h.field(v2 && subject_id_is_personal(e.subject) ? std::string_view{} : std::string_view{e.subject_id});
  h.optional_field(e.incident_id);
  h.optional_field(e.agency_id);
  h.field(e.kind);
  h.field(e.actor_id);
  h.field(std::to_string(core::to_micros(e.at)));
  h.field(v2 ? e.payload_digest : e.payload_json);
  return h.hex_digest();
}

bool erase_event_payload(event& e, timestamp at) {
  if (e.payload_digest.empty() || e.erased_at) return false;
  e.payload_json = std::string(erased_payload);
  if (subject_id_is_personal(e.subject)) e.subject_id = std::string(erased_subject_id);
  e.erased_at = at;
  return true;
}

std::optional<chain_break> verify_chain(std::span<const event> events_of_one_jurisdiction) {
  const event* previous = nullptr;
  for (const auto& e : events_of_one_jurisdiction) {
    if (e.hash != compute_event_hash(e)) {
      return chain_break{e.seq, "hash does not match the event's fields"};
    }
    if (!e.payload_digest.empty() && !e.erased_at && e.payload_digest != compute_payload_digest(e)) {
      return chain_break{e.seq, "payload_digest does not match the event's payload"};
    }
    if (e.erased_at && e.payload_digest.empty()) {
      return chain_break{e.seq, "a version-1 event was erased"};
    }
    // An erased row may hold only the fixed erased form, so that marking a row erased cannot
    // be used to rewrite what it says.
    if (e.erased_at && (e.payload_json != erased_payload ||
                        (subject_id_is_personal(e.subject) && e.subject_id != erased_subject_id))) {
      return chain_break{e.seq, "an erased event holds something other than the erased form"};
    }
    if (previous == nullptr && !e.prev_hash.empty()) {
      return chain_break{e.seq, "prev_hash of the first event is not empty"};
    }
    if (previous != nullptr && e.prev_hash != previous->hash) {
      return chain_break{e.seq, "prev_hash does not match the previous event's hash"};
    }
    previous = &e;
  }
  return std::nullopt;
}

}  // namespace siaga::domain
