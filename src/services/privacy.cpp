#include "services/privacy.hpp"

#include "domain/lifecycle.hpp"
#include "domain/phone.hpp"
#include "services/access.hpp"
#include "services/events.hpp"

#include <boost/json/parse.hpp>

#include <chrono>

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
  return {{"reporter_contacts", n.reporter_contacts}, {"caller_numbers", n.caller_numbers}, {"events", n.events}};
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

core::result<erasure_counts> erase_phone(storage::store_txn& tx, const context& ctx, const actor& who,
                                         const std::string& phone_text) {
  SIAGA_CHECK(require_admin(who));
  SIAGA_TRY(phone, phone_of(phone_text));
  // Everything up to this instant; the event recording the erasure comes after and holds no
  // number.
  storage::privacy_scope scope{who.jurisdiction_id, phone, ctx.clock.now() + std::chrono::microseconds{1}};
  erasure_counts n;
  SIAGA_TRY(reports, tx.erase_reporter_contacts(scope));
  SIAGA_TRY(calls, tx.erase_caller_numbers(scope));
  SIAGA_TRY(events, erase_events(tx, ctx, scope));
  n.reporter_contacts = reports;
  n.caller_numbers = calls;
  n.events = events;
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
                                   {"created_at", core::format_utc(r.created_at)}});
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
  json::array events;
  storage::privacy_scope scope{who.jurisdiction_id, phone, ctx.clock.now() + std::chrono::microseconds{1}};
  SIAGA_TRY(found_events, tx.erasable_events(scope, 10000));
  for (const auto& e : found_events) {
    events.push_back(json::object{{"seq", e.seq},
                                  {"kind", e.kind},
                                  {"subject", to_string(e.subject)},
                                  {"at", core::format_utc(e.at)},
                                  {"payload", json::parse(e.payload_json)}});
  }
  json::object payload{{"reports", reports.size()}, {"calls", calls.size()}, {"events", events.size()}};
  SIAGA_CHECK(record(tx, ctx, who, subject_kind::jurisdiction, who.jurisdiction_id, "privacy.exported", payload));
  return json::object{{"phone", phone},
                      {"exported_at", core::format_utc(ctx.clock.now())},
                      {"reports", std::move(reports)},
                      {"calls", std::move(calls)},
                      {"caller", std::move(caller)},
                      {"events", std::move(events)}};
}

core::result<erasure_counts> apply_retention(storage::store_txn& tx, const context& ctx,
                                             const std::string& jurisdiction_id, const retention_policy& policy) {
  erasure_counts n;
  const auto now = ctx.clock.now();
  const auto days = [](int d) { return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::days{d}); };
  if (policy.reporter_contacts_days > 0) {
    SIAGA_TRY(reports,
              tx.erase_reporter_contacts({jurisdiction_id, std::nullopt, now - days(policy.reporter_contacts_days)}));
    n.reporter_contacts = reports;
  }
  if (policy.caller_numbers_days > 0) {
    storage::privacy_scope scope{jurisdiction_id, std::nullopt, now - days(policy.caller_numbers_days)};
    SIAGA_TRY(calls, tx.erase_caller_numbers(scope));
    SIAGA_TRY(events, erase_events(tx, ctx, scope));
    n.caller_numbers = calls;
    n.events = events;
  }
  if (!n.any()) return n;
  auto payload = counts_json(n);
  payload["reporter_contacts_days"] = policy.reporter_contacts_days;
  payload["caller_numbers_days"] = policy.caller_numbers_days;
  SIAGA_CHECK(record(tx, ctx, system_actor(jurisdiction_id), subject_kind::jurisdiction, jurisdiction_id,
                     "privacy.retention_applied", payload));
  return n;
}

}  // namespace siaga::services
