#include "services/privacy.hpp"

#include "domain/lifecycle.hpp"
#include "domain/notification.hpp"
#include "domain/phone.hpp"
#include "domain/phone_text.hpp"
#include "services/access.hpp"
#include "services/events.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <functional>

namespace siaga::services {
namespace json = boost::json;
using domain::role;
using domain::subject_kind;

namespace {

// Events are erased in batches of this many, all in the caller's one command.
constexpr int erase_batch = 500;

json::value time_or_null(const std::optional<domain::timestamp>& t) {
  return t ? json::value(core::format_utc(*t)) : json::value(nullptr);
}

// An agency operator may reveal a report's contact only when a dispatch to its agency of the
// report's incident shares it.
core::result<bool> shared_with_operator(storage::store_reader& rd, const actor& who, const domain::report& rep) {
  if (!rep.incident_id || !who.agency_id) return false;
  SIAGA_TRY(dispatches, rd.dispatches_of_incident(*rep.incident_id));
  for (const auto& d : dispatches) {
    if (d.agency_id == *who.agency_id && d.share_contact) return true;
  }
  return false;
}

core::result<std::string> phone_of(const std::string& text) {
  return domain::normalize_reporter_phone(text, "phone");
}

// Erases the events in scope, batch by batch; returns how many.
core::result<std::int64_t> erase_events(storage::store_txn& tx, const context& ctx,
                                        const storage::privacy_scope& scope) {
  std::int64_t erased = 0;
  const auto now = ctx.clock.now();
  for (;;) {
    SIAGA_TRY(batch, tx.erasable_events(scope, erase_batch));
    for (auto& e : batch) {
      if (!domain::erase_event_payload(e, now)) continue;
      SIAGA_CHECK(tx.write_erased_event(e));
      ++erased;
    }
    if (batch.size() < static_cast<std::size_t>(erase_batch)) return erased;
  }
}

json::object counts_json(const erasure_counts& n) {
  return {{"reporter_contacts", n.reporter_contacts},
          {"caller_numbers", n.caller_numbers},
          {"events", n.events},
          {"photos", n.photos},
          {"location_fixes", n.location_fixes},
          {"notifications", n.notifications},
          {"channel_contacts", n.channel_contacts},
          {"open311_contacts", n.open311_contacts},
          {"texts", n.texts},
          {"restated_events", n.restated_events}};
}

// The events that carried an exact point (services/call_service.cpp, record_location).
const std::vector<std::string> location_event_kinds{"call.located", "location.received", "location.rejected"};

// Reporter contacts and what reaches the reporter with them (storage's erase_reporter_contacts).
core::result<void> erase_contacts(storage::store_txn& tx, const storage::privacy_scope& scope, erasure_counts& n) {
  SIAGA_TRY(contacts, tx.erase_reporter_contacts(scope));
  n.reporter_contacts = contacts.reports;
  n.channel_contacts = contacts.channel_contacts;
  n.open311_contacts = contacts.open311_contacts;
  return {};
}

// A text with the numbers an erasure reaches replaced by their masks.
using text_masker = std::function<std::string(std::string_view)>;

// One number's masker: wherever a text writes it (domain::replace_phone_in_text).
text_masker masking_phone(std::string phone) {
  auto mask = domain::mask_phone(phone);
  return [phone = std::move(phone), mask = std::move(mask)](std::string_view text) {
    return domain::replace_phone_in_text(text, phone, mask);
  };
}

// v with mask applied to each of its strings; whether any changed.
bool mask_in_strings(json::value& v, const text_masker& mask) {
  bool changed = false;
  if (v.is_string()) {
    auto masked = mask(v.as_string());
    changed = masked != std::string_view(v.as_string());
    if (changed) v = json::string(masked);
  } else if (v.is_object()) {
    for (auto& kv : v.as_object()) changed |= mask_in_strings(kv.value(), mask);
  } else if (v.is_array()) {
    for (auto& item : v.as_array()) changed |= mask_in_strings(item, mask);
  }
  return changed;
}

// An outbox payload with the number masked in its texts (a note or summary copied into a
// notice writes it as "0812-3456-789"); a payload that is not JSON is masked as text.
std::string mask_in_payload(const std::string& payload_json, const text_masker& mask) {
  boost::system::error_code ec;
  auto v = json::parse(payload_json, ec);
  if (ec) return mask(payload_json);
  return mask_in_strings(v, mask) ? json::serialize(v) : payload_json;
}

// A number's outbox rows: a pending notice to an agency still delivers, without the contact
// and with the number masked in its texts; a row that writes the number only in a text (not as
// stored: no contact, not its target) keeps its payload with the mask, whatever its status; the
// others (delivered, dead, pending replies to the number) lose their payload. At most
// notification_batch rows per request (more would be a flood of one number).
constexpr int notification_batch = 10000;
core::result<std::int64_t> erase_phone_notifications(storage::store_txn& tx, const storage::privacy_scope& scope) {
  std::int64_t n = 0;
  const auto& phone = *scope.phone;
  const auto mask = masking_phone(phone);
  SIAGA_TRY(holding, tx.notifications_holding(scope, notification_batch));
  for (const auto& row : holding) {
    const bool notice_to_deliver =
        row.status == domain::notification_status::pending && !row.event_kind.starts_with("reply.");
    const bool as_stored = row.payload_json.find(phone) != std::string::npos || row.target == phone ||
                           "+" + row.target == phone;
    if (!notice_to_deliver && as_stored) continue;  // erased whole below
    auto payload = notice_to_deliver ? domain::without_contact(row.payload_json) : row.payload_json;
    payload = mask_in_payload(payload, mask);
    if (payload == row.payload_json) continue;
    SIAGA_CHECK(tx.write_notification_payload(row.jurisdiction_id, row.id, payload));
    ++n;
  }
  SIAGA_TRY(erased, tx.erase_notification_payloads(scope));
  return n + erased;
}

// Events the statistics replay counts that write the number (incident.created's summary, a
// note or reason of incident.updated or a dispatch step) and restatements of them, per request
// (more would be a flood of one number).
constexpr int restate_batch = 10000;

// Erases whole each event of found (events the statistics replay counts, or restatements) and
// appends, in the same command, its restatement (privacy.restated: the same subject, incident
// and agency, so that the same people see it; the erased event's seq, id and kind, and its
// payload with mask applied to every string), which the replay folds in its place
// (services/rollup_replay.hpp). A restatement that is restated again names the same event.
// Returns how many were restated; fails with invalid_input for an event with no JSON payload.
core::result<std::int64_t> restate_events(storage::store_txn& tx, const context& ctx, const actor& who,
                                          std::vector<domain::event>& found, const text_masker& mask) {
  const auto now = ctx.clock.now();
  std::int64_t n = 0;
  for (auto& e : found) {
    boost::system::error_code ec;
    auto v = json::parse(e.payload_json, ec);
    if (ec || !v.is_object()) return core::invalid("event seq " + std::to_string(e.seq) + " has no JSON payload");
    mask_in_strings(v, mask);
    json::object restatement;
    if (e.kind == domain::restated_kind) {
      restatement = std::move(v.as_object());
    } else {
      restatement = {{"restates", json::object{{"seq", e.seq}, {"id", e.id}, {"kind", e.kind}}},
                     {"payload", std::move(v)}};
    }
    const auto subject = e.subject;
    const auto subject_id = e.subject_id;
    const auto incident_id = e.incident_id;
    const auto agency_id = e.agency_id;
    if (!domain::erase_event_payload(e, now)) continue;
    SIAGA_CHECK(tx.write_erased_event(e));
    SIAGA_CHECK(record(tx, ctx, who, subject, subject_id, std::string(domain::restated_kind), restatement,
                       incident_id, agency_id));
    ++n;
  }
  return n;
}

// The retention job's search for numbers written in free text, over what passed its retention
// in [scope.since, scope.before): the fields of reach masked (storage's mask_numbers_in_texts),
// and for the reporter contacts' reach also the events about reports, incidents, dispatches and
// the rest (not calls, callers, callbacks or location fixes: the caller numbers' retention
// erases those whole) that write a number: those the statistics replay counts restated with
// every number masked (domain::mask_phones_in_text), the others erased, as erase_phone does
// for one number; and the outbox rows of the window whose payload writes one, with every
// number in its strings masked, whatever their status (a pending notice delivers masked).
// Adds to n.
core::result<void> mask_numbers_in_old_texts(storage::store_txn& tx, const context& ctx,
                                             const storage::privacy_scope& scope, storage::text_reach reach,
                                             erasure_counts& n) {
  SIAGA_TRY(texts, tx.mask_numbers_in_texts(scope, reach));
  n.texts += texts;
  if (reach != storage::text_reach::reporter_contacts) return {};
  const auto who = system_actor(scope.jurisdiction_id);
  const text_masker mask = [](std::string_view text) { return domain::mask_phones_in_text(text); };
  const auto now = ctx.clock.now();
  for (const bool counted : {true, false}) {
    for (std::int64_t after = 0;;) {
      SIAGA_TRY(found, tx.events_writing_numbers(scope, after, counted, erase_batch));
      if (found.empty()) break;
      after = found.back().seq;
      const bool more = found.size() == static_cast<std::size_t>(erase_batch);
      if (counted) {
        SIAGA_TRY(restated, restate_events(tx, ctx, who, found, mask));
        n.events += restated;
        n.restated_events += restated;
      } else {
        for (auto& e : found) {
          if (!domain::erase_event_payload(e, now)) continue;
          SIAGA_CHECK(tx.write_erased_event(e));
          ++n.events;
        }
      }
      if (!more) break;
    }
  }
  // Notices that copied such a text (an incident's summary, a dispatch's note) into their payload.
  for (storage::outbox_position after;;) {
    SIAGA_TRY(found, tx.notifications_writing_numbers(scope, after, notification_batch));
    for (const auto& row : found) {
      auto payload = mask_in_payload(row.payload_json, mask);
      if (payload == row.payload_json) continue;
      SIAGA_CHECK(tx.write_notification_payload(row.jurisdiction_id, row.id, payload));
      ++n.notifications;
    }
    if (found.size() < static_cast<std::size_t>(notification_batch)) break;
    after = {found.back().created_at, found.back().id};
  }
  return {};
}

// The key of a retention kind's mark in privacy.retention_applied's payload.
std::string_view reach_name(storage::text_reach reach) {
  return reach == storage::text_reach::reporter_contacts ? "reporter_contacts" : "caller_numbers";
}

// Where the retention job's last search for numbers in free text ended for reach (its last
// privacy.retention_applied event's texts_swept_before); the epoch when none did, so that the
// first run reads everything.
core::result<core::timestamp> swept_before(storage::store_reader& rd, const std::string& jurisdiction_id,
                                           storage::text_reach reach) {
  SIAGA_TRY(last, rd.latest_events_of_kind(jurisdiction_id, "privacy.retention_applied", 1));
  if (last.empty()) return core::timestamp{};
  boost::system::error_code ec;
  auto v = json::parse(last.front().payload_json, ec);
  if (ec || !v.is_object()) return core::timestamp{};
  const auto* marks = v.as_object().if_contains("texts_swept_before");
  if (!marks || !marks->is_object()) return core::timestamp{};
  const auto* mark = marks->as_object().if_contains(reach_name(reach));
  if (!mark || !mark->is_string()) return core::timestamp{};
  auto at = core::parse_iso8601(mark->as_string());
  return at ? *at : core::timestamp{};
}

json::value point_or_null(const std::optional<domain::geo_point>& p) {
  if (!p) return nullptr;
  return json::object{{"lat", p->lat}, {"lon", p->lon}};
}

// A report's photos, channel contact and Open311 contact fields, for an export.
core::result<void> add_report_details(storage::store_reader& rd, const domain::report& r, json::object& out) {
  json::array photos;
  SIAGA_TRY(media, rd.media_of_report(r.id));
  for (const auto& m : media) {
    photos.push_back(json::object{{"id", m.id},
                                  {"content_type", m.content_type},
                                  {"size", m.size},
                                  {"sha256", m.sha256},
                                  {"created_at", core::format_utc(m.created_at)},
                                  {"erased_at", time_or_null(m.erased_at)}});
  }
  out["photos"] = std::move(photos);
  SIAGA_TRY(contact, rd.find_channel_contact(r.id));
  out["channel_contact"] =
      contact ? json::value(json::object{{"channel", to_string(contact->source)}, {"address", contact->address}})
              : json::value(nullptr);
  SIAGA_TRY(open311, rd.find_open311_request(r.id));
  out["open311_contact"] =
      open311 ? json::value(json::object{
                    {"email", open311->email}, {"device_id", open311->device_id}, {"account_id", open311->account_id}})
              : json::value(nullptr);
  SIAGA_TRY(lapor, rd.find_lapor_report_of(r.id));
  out["lapor"] = lapor ? json::value(json::object{{"lapor_id", lapor->lapor_id},
                                                   {"title", lapor->title},
                                                   {"content", lapor->content},
                                                   {"category", lapor->category},
                                                   {"anonymous", lapor->anonymous},
                                                   {"submitted_at", core::format_utc(lapor->submitted_at)}})
                       : json::value(nullptr);
  return {};
}

json::object location_json(const domain::location_record& l) {
  json::object o{{"id", l.id},
                 {"call_id", l.call_id ? json::value(*l.call_id) : json::value(nullptr)},
                 {"accepted", l.accepted},
                 {"format", l.format},
                 {"received_at", core::format_utc(l.received_at)},
                 {"raw", l.raw}};
  if (l.fix) {
    o["lat"] = l.fix->lat;
    o["lon"] = l.fix->lon;
    o["radius_m"] = l.fix->radius_m ? json::value(*l.fix->radius_m) : json::value(nullptr);
  }
  return o;
}

json::object notification_json(const domain::notification& n) {
  boost::system::error_code ec;
  auto payload = json::parse(n.payload_json, ec);
  if (ec) payload = nullptr;
  return {{"id", n.id},
          {"event_kind", n.event_kind},
          {"endpoint", to_string(n.endpoint)},
          {"target", n.target},
          {"status", to_string(n.status)},
          {"created_at", core::format_utc(n.created_at)},
          {"payload", std::move(payload)}};
}

}  // namespace

core::result<revealed_contact> reveal_report_contact(storage::store_txn& tx, const context& ctx, const actor& who,
                                                     const std::string& report_id) {
  if (!is_dispatcher(who.role) && who.role != role::agency_operator) {
    return core::forbidden("role " + std::string(to_string(who.role)) +
                           " may not see a reporter's contact; a call taker or supervisor can");
  }
  SIAGA_TRY(found, tx.find_report(who.jurisdiction_id, report_id));
  if (!found) return core::not_found("report " + report_id + " not found");
  if (who.role == role::agency_operator) {
    SIAGA_TRY(shared, shared_with_operator(tx, who, *found));
    // An operator learns nothing about reports outside its shared dispatches, not even that
    // they exist.
    if (!shared) return core::not_found("report " + report_id + " not found");
  }
  json::object payload{{"report_id", found->id},
                       {"tracking_code", found->tracking_code},
                       {"had_contact", !found->reporter_phone.empty() || !found->reporter_name.empty()}};
  SIAGA_CHECK(
      record(tx, ctx, who, subject_kind::report, found->id, "report.contact_revealed", payload, found->incident_id));
  return revealed_contact{found->id, found->reporter_name, found->reporter_phone};
}

core::result<revealed_caller> reveal_call_caller(storage::store_txn& tx, const context& ctx, const actor& who,
                                                 const std::string& call_id) {
  if (!is_dispatcher(who.role)) {
    return core::forbidden("role " + std::string(to_string(who.role)) +
                           " may not see a caller's number; a call taker or supervisor can");
  }
  SIAGA_TRY(found, tx.find_call(who.jurisdiction_id, call_id));
  if (!found) return core::not_found("panggilan " + call_id + " tidak ditemukan (call not found)");
  json::object payload{{"call_id", found->id}, {"had_number", !found->state.caller.empty()}};
  SIAGA_CHECK(record(tx, ctx, who, subject_kind::call, found->id, "call.caller_revealed", payload));
  return revealed_caller{found->id, found->state.caller};
}

bool event_names_number(const domain::event& e) {
  return e.subject == subject_kind::caller || e.subject == subject_kind::callback ||
         std::find(location_event_kinds.begin(), location_event_kinds.end(), e.kind) != location_event_kinds.end();
}

core::result<bool> event_number_live(storage::store_reader& rd, const domain::event& e, core::timestamp now) {
  const auto& j = e.jurisdiction_id;
  if (e.subject == subject_kind::callback) {
    SIAGA_TRY(task, rd.find_callback(j, e.subject_id));
    return task && domain::callback_number_live(*task);
  }
  if (e.subject == subject_kind::caller) {
    SIAGA_TRY(latest, rd.latest_call_of(j, e.subject_id, now));
    if (latest && domain::caller_number_live(*latest, now)) return true;
    storage::callback_filter open{
        j, {domain::callback_status::open, domain::callback_status::in_progress}, e.subject_id, {}};
    open.page.limit = 1;
    SIAGA_TRY(tasks, rd.list_callbacks(open));
    return !tasks.items.empty();
  }
  // A location message attached to a call is the call's event; one with no call never shows.
  if (e.subject != subject_kind::call) return false;
  SIAGA_TRY(found, rd.find_call(j, e.subject_id));
  return found && domain::caller_number_live(*found, now);
}

core::result<erasure_counts> erase_phone(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& phone_text) {
  SIAGA_CHECK(require_admin(who));
  SIAGA_TRY(phone, phone_of(phone_text));
  // Everything up to this instant; the event recording the erasure comes after and holds no
  // number. What hangs off a report or a call goes first, while they still name the number.
  const auto now = ctx.clock.now();
  storage::privacy_scope scope{who.jurisdiction_id, phone, now + std::chrono::microseconds{1}, now, {}};
  erasure_counts n;
  SIAGA_TRY(photos, tx.erase_photos(scope));
  n.photos = photos;
  SIAGA_TRY(located, tx.coarsen_locations(scope));
  n.location_fixes = located;
  SIAGA_TRY(notified, erase_phone_notifications(tx, scope));
  n.notifications = notified;
  SIAGA_CHECK(erase_contacts(tx, scope, n));
  SIAGA_TRY(calls, tx.erase_caller_numbers(scope));
  n.caller_numbers = calls;
  SIAGA_TRY(texts, tx.mask_phone_in_texts(scope, domain::mask_phone(phone)));
  n.texts = texts;
  SIAGA_TRY(events, erase_events(tx, ctx, scope));
  n.events = events;
  SIAGA_TRY(restatable, tx.restatable_events(scope, restate_batch));
  SIAGA_TRY(restated, restate_events(tx, ctx, who, restatable, masking_phone(phone)));
  n.events += restated;
  n.restated_events = restated;
  auto payload = counts_json(n);
  payload["reason"] = "data_subject_request";
  SIAGA_CHECK(record(tx, ctx, who, subject_kind::jurisdiction, who.jurisdiction_id, "privacy.erased", payload));
  return n;
}

core::result<json::object> export_phone(storage::store_txn& tx, const context& ctx, const actor& who,
                                        const std::string& phone_text) {
  SIAGA_CHECK(require_admin(who));
  SIAGA_TRY(phone, phone_of(phone_text));
  json::array reports;
  SIAGA_TRY(found_reports, tx.reports_of_phone(who.jurisdiction_id, phone));
  for (const auto& r : found_reports) {
    reports.push_back(json::object{{"id", r.id},
                                   {"tracking_code", r.tracking_code},
                                   {"channel", to_string(r.source)},
                                   {"status", to_string(r.status)},
                                   {"reporter_name", r.reporter_name},
                                   {"reporter_phone", r.reporter_phone},
                                   {"description", r.description},
                                   {"address", r.address},
                                   {"location", point_or_null(r.location)},
                                   {"created_at", core::format_utc(r.created_at)}});
    SIAGA_CHECK(add_report_details(tx, r, reports.back().as_object()));
  }
  json::array calls;
  SIAGA_TRY(found_calls, tx.calls_of_caller(who.jurisdiction_id, phone, domain::timestamp{}));
  for (const auto& c : found_calls) {
    calls.push_back(json::object{
        {"id", c.id},
        {"caller", c.state.caller},
        {"line", c.state.line},
        {"ring_at", time_or_null(c.state.ring_at)},
        {"ended_at", time_or_null(c.state.ended_at)},
        {"outcome", c.state.outcome ? json::value(to_string(*c.state.outcome)) : json::value(nullptr)},
        {"classification", c.classification ? json::value(to_string(*c.classification)) : json::value(nullptr)},
        {"report_id", c.report_id ? json::value(*c.report_id) : json::value(nullptr)}});
  }
  json::value caller = nullptr;
  SIAGA_TRY(found_caller, tx.find_caller(who.jurisdiction_id, phone));
  if (found_caller) {
    caller = json::object{{"number", found_caller->number},
                          {"flagged_at", time_or_null(found_caller->flags.flagged_at)},
                          {"blocked_until", time_or_null(found_caller->flags.blocked_until)}};
  }
  storage::privacy_scope scope{
      who.jurisdiction_id, phone, ctx.clock.now() + std::chrono::microseconds{1}, ctx.clock.now(), {}};
  json::array locations;
  storage::location_filter fixes{.jurisdiction_id = who.jurisdiction_id, .page = {500, 0}, .number = phone};
  SIAGA_TRY(found_fixes, tx.list_location_records(fixes));
  for (const auto& l : found_fixes.items) locations.push_back(location_json(l));
  json::array notifications;
  SIAGA_TRY(found_notifications, tx.notifications_holding(scope, notification_batch));
  for (const auto& row : found_notifications) notifications.push_back(notification_json(row));
  json::array events;
  SIAGA_TRY(found_events, tx.erasable_events(scope, 10000));
  SIAGA_TRY(found_restatable, tx.restatable_events(scope, restate_batch));
  found_events.insert(found_events.end(), found_restatable.begin(), found_restatable.end());
  std::sort(found_events.begin(), found_events.end(),
            [](const domain::event& a, const domain::event& b) { return a.seq < b.seq; });
  for (const auto& e : found_events) {
    events.push_back(json::object{{"seq", e.seq},
                                  {"kind", e.kind},
                                  {"subject", to_string(e.subject)},
                                  {"at", core::format_utc(e.at)},
                                  {"payload", json::parse(e.payload_json)}});
  }
  json::array texts;
  SIAGA_TRY(found_texts, tx.texts_holding_phone(scope));
  for (const auto& f : found_texts) {
    texts.push_back(json::object{{"table", f.table}, {"column", f.column}, {"id", f.row_id}, {"text", f.text}});
  }
  json::object payload{{"reports", reports.size()},
                       {"calls", calls.size()},
                       {"texts", texts.size()},
                       {"location_fixes", locations.size()},
                       {"notifications", notifications.size()},
                       {"events", events.size()}};
  SIAGA_CHECK(record(tx, ctx, who, subject_kind::jurisdiction, who.jurisdiction_id, "privacy.exported", payload));
  return json::object{{"phone", phone},
                      {"exported_at", core::format_utc(ctx.clock.now())},
                      {"reports", std::move(reports)},
                      {"calls", std::move(calls)},
                      {"caller", std::move(caller)},
                      {"location_fixes", std::move(locations)},
                      {"notifications", std::move(notifications)},
                      {"texts", std::move(texts)},
                      {"events", std::move(events)}};
}

core::result<erasure_counts> apply_retention(storage::store_txn& tx, const context& ctx,
                                             const std::string& jurisdiction_id, const retention_policy& policy) {
  erasure_counts n;
  const auto now = ctx.clock.now();
  const auto scope_of = [&](int d) {
    return storage::privacy_scope{jurisdiction_id,
                                  std::nullopt,
                                  now - std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::days{d}),
                                  now,
                                  {}};
  };
  // The search for numbers in free text goes by whole UTC days, from where the last run's
  // search ended (its mark in privacy.retention_applied) to the start of the day the period
  // reaches: each row is read once, and a run that finds nothing records the mark at most once
  // a day.
  json::object marks;
  bool searched = false;
  const auto search_texts = [&](int days, storage::text_reach reach) -> core::result<void> {
    const core::timestamp until = std::chrono::floor<std::chrono::days>(now - std::chrono::days{days});
    SIAGA_TRY(from, swept_before(tx, jurisdiction_id, reach));
    marks[reach_name(reach)] = core::format_utc(std::max(from, until));
    if (from >= until) return {};
    auto scope = scope_of(days);
    scope.since = from;
    scope.before = until;
    searched = true;
    return mask_numbers_in_old_texts(tx, ctx, scope, reach, n);
  };
  if (policy.reporter_contacts_days > 0) {
    auto scope = scope_of(policy.reporter_contacts_days);
    SIAGA_TRY(notified, tx.erase_notification_payloads(scope));
    n.notifications = notified;
    SIAGA_CHECK(erase_contacts(tx, scope, n));
    SIAGA_CHECK(search_texts(policy.reporter_contacts_days, storage::text_reach::reporter_contacts));
  }
  if (policy.caller_numbers_days > 0) {
    auto scope = scope_of(policy.caller_numbers_days);
    SIAGA_TRY(calls, tx.erase_caller_numbers(scope));
    SIAGA_TRY(events, erase_events(tx, ctx, scope));
    n.caller_numbers = calls;
    n.events += events;
    SIAGA_CHECK(search_texts(policy.caller_numbers_days, storage::text_reach::caller_numbers));
  }
  if (policy.photos_days > 0) {
    SIAGA_TRY(photos, tx.erase_photos(scope_of(policy.photos_days)));
    n.photos = photos;
  }
  if (policy.location_fixes_days > 0) {
    auto scope = scope_of(policy.location_fixes_days);
    SIAGA_TRY(located, tx.coarsen_locations(scope));
    n.location_fixes = located;
    scope.event_kinds = location_event_kinds;
    SIAGA_TRY(events, erase_events(tx, ctx, scope));
    n.events += events;
  }
  if (!n.any() && !searched) return n;
  auto payload = counts_json(n);
  payload["texts_swept_before"] = std::move(marks);
  payload["reporter_contacts_days"] = policy.reporter_contacts_days;
  payload["caller_numbers_days"] = policy.caller_numbers_days;
  payload["photos_days"] = policy.photos_days;
  payload["location_fixes_days"] = policy.location_fixes_days;
  SIAGA_CHECK(record(tx, ctx, system_actor(jurisdiction_id), subject_kind::jurisdiction, jurisdiction_id,
                     "privacy.retention_applied", payload));
  return n;
}

}  // namespace siaga::services
