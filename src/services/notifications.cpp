#include "services/notifications.hpp"

#include "services/events.hpp"
#include "services/incident_service.hpp"

#include <cstring>

namespace siaga::services {
namespace {

using domain::notification_status;

constexpr std::size_t max_error_length = 500;

// The notice for a dispatch, from the rows as this command sees them.
core::result<domain::dispatch_notice> build_notice(storage::store_reader& tx, const domain::dispatch& d,
                                                   const domain::agency& ag, std::string_view event_kind,
                                                   const std::string& reason, core::timestamp now) {
  auto inc = tx.find_incident(d.jurisdiction_id, d.incident_id);
  if (!inc) return inc.error();
  if (!*inc) return core::make_error(core::errc::internal, "dispatch " + d.id + " names a missing incident");
  auto cat = tx.find_category(d.jurisdiction_id, (*inc)->category_id);
  if (!cat) return cat.error();
  auto jur = tx.find_jurisdiction(d.jurisdiction_id);
  if (!jur) return jur.error();
  if (!*jur) return core::make_error(core::errc::internal, "the dispatch's jurisdiction is missing");
  auto offset = core::zone_offset_minutes((*jur)->timezone);
  if (!offset) return offset.error();

  domain::dispatch_notice n;
  n.event_kind = std::string(event_kind);
  n.jurisdiction_code = (*jur)->code;
  n.dispatch_id = d.id;
  n.role = d.role;
  n.share_contact = d.share_contact;
  n.agency_id = ag.id;
  n.agency_code = ag.code;
  n.agency_name = ag.name;
  n.incident_id = (*inc)->id;
  n.incident_number = (*inc)->number;
  if (*cat) {
    n.category_code = (*cat)->code;
    n.category_name = (*cat)->name_id;
  }
  n.urgency_class = (*inc)->urgency_class;
  n.summary = (*inc)->summary;
  n.address = (*inc)->address;
  n.location = (*inc)->location;
  n.reason = reason;
  n.at = now;
  n.utc_offset_minutes = *offset;
  if (d.share_contact) {
    // The first report that names its reporter speaks for the incident.
    auto reports = tx.reports_of_incident((*inc)->id);
    if (!reports) return reports.error();
    for (const auto& r : *reports) {
      if (r.reporter_name.empty() && r.reporter_phone.empty()) continue;
      n.contact_name = r.reporter_name;
      n.contact_phone = r.reporter_phone;
      break;
    }
  }
  return n;
}

double jitter(core::random_source& random) {
  std::uint8_t bytes[8];
  random.fill(bytes, sizeof bytes);
  std::uint64_t bits = 0;
  std::memcpy(&bits, bytes, sizeof bits);
  return domain::unit_interval(bits);
}

// An agency without a console cannot press "acknowledge": the delivered notice of its
// dispatch is its acknowledgement. A dispatch past notified, or on an incident closed
// meanwhile, is left as it is.
core::result<void> acknowledge_by_receipt(storage::store_txn& tx, const context& ctx, const domain::notification& n) {
  if (n.event_kind != "dispatch.notified" || !n.dispatch_id) return {};
  SIAGA_TRY(d, tx.find_dispatch(n.jurisdiction_id, *n.dispatch_id));
  if (!d || d->status != domain::dispatch_status::notified) return {};
  SIAGA_TRY(ag, tx.find_agency(n.jurisdiction_id, d->agency_id));
  if (!ag) return {};
  SIAGA_TRY(users, tx.list_users(n.jurisdiction_id));
  if (domain::acknowledged_by(*ag, users) != domain::ack_via::delivery_receipt) return {};
  auto acked = acknowledge_dispatch(tx, ctx, system_actor(n.jurisdiction_id), d->id, domain::ack_via::delivery_receipt);
  if (!acked && acked.error().code != core::errc::conflict) return acked.error();
  return {};
}

}  // namespace

core::result<void> notify_agency(storage::store_txn& tx, const context& ctx, const domain::dispatch& d,
                                 std::string_view event_kind, const std::string& reason) {
  auto ag = tx.find_agency(d.jurisdiction_id, d.agency_id);
  if (!ag) return ag.error();
  if (!*ag) return core::make_error(core::errc::internal, "dispatch " + d.id + " names a missing agency");
  bool any = false;
  for (const auto& e : (*ag)->endpoints) any = any || e.active;
  if (!any) return {};

  auto now = ctx.clock.now();
  auto notice = build_notice(tx, d, **ag, event_kind, reason, now);
  if (!notice) return notice.error();
  const auto& endpoints = (*ag)->endpoints;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const auto& e = endpoints[i];
    if (!e.active) continue;
    domain::notification n;
    n.id = ctx.ids.next(now);
    n.jurisdiction_id = d.jurisdiction_id;
    n.agency_id = d.agency_id;
    n.dispatch_id = d.id;
    n.incident_id = d.incident_id;
    n.endpoint_index = static_cast<int>(i);
    n.endpoint = e.kind;
    n.target = e.kind == domain::endpoint_kind::webhook ? e.url : e.chat_id;
    n.event_kind = std::string(event_kind);
    n.payload_json = domain::notice_payload(*notice, n.id);
    n.status = notification_status::pending;
    n.next_attempt_at = now;
    n.created_at = now;
    n.updated_at = now;
    if (auto w = tx.insert_notification(n); !w) return w.error();
  }
  return {};
}

core::result<domain::notification> record_delivery(storage::store_txn& tx, const context& ctx,
                                                   const delivery_outcome& outcome,
                                                   const domain::retry_policy& policy) {
  auto found = tx.find_notification(outcome.jurisdiction_id, outcome.notification_id);
  if (!found) return found.error();
  if (!*found) return core::not_found("notification " + outcome.notification_id + " not found");
  auto n = std::move(**found);
  if (n.status != notification_status::pending || n.attempts != outcome.attempts_before) return n;

  auto now = ctx.clock.now();
  n.attempts += 1;
  n.updated_at = now;
  if (outcome.delivered) {
    n.status = notification_status::delivered;
    n.delivered_at = now;
    n.last_error.clear();
    if (auto w = tx.update_notification(n); !w) return w.error();
    SIAGA_CHECK(acknowledge_by_receipt(tx, ctx, n));
    return n;
  }
  n.last_error = outcome.error.substr(0, max_error_length);
  if (n.last_error.empty()) n.last_error = "delivery failed";
  if (n.attempts < policy.max_attempts) {
    n.next_attempt_at = now + domain::retry_delay(policy, n.attempts, jitter(ctx.random));
    if (auto w = tx.update_notification(n); !w) return w.error();
    return n;
  }
  n.status = notification_status::dead;
  if (auto w = tx.update_notification(n); !w) return w.error();
  auto e = record(tx, ctx, system_actor(n.jurisdiction_id), domain::subject_kind::notification, n.id,
                  "notification.dead_lettered",
                  {{"event_kind", n.event_kind},
                   {"endpoint_kind", to_string(n.endpoint)},
                   {"endpoint_index", n.endpoint_index},
                   {"dispatch_id", n.dispatch_id ? *n.dispatch_id : std::string()},
                   {"attempts", n.attempts},
                   {"last_error", n.last_error}},
                  n.incident_id, n.agency_id);
  if (!e) return e.error();
  return n;
}

core::result<domain::notification> requeue_notification(storage::store_txn& tx, const context& ctx,
                                                        const actor& who, const std::string& id) {
  if (who.role != domain::role::admin && who.role != domain::role::supervisor) {
    return core::forbidden("only a supervisor or an admin may retry a notification");
  }
  auto found = tx.find_notification(who.jurisdiction_id, id);
  if (!found) return found.error();
  if (!*found) return core::not_found("notification " + id + " not found");
  auto n = std::move(**found);
  if (n.status != notification_status::dead) {
    return core::conflict("notification " + id + " is " + std::string(to_string(n.status)) +
                          "; only a dead notification can be retried");
  }
  if (domain::is_erased_notification_payload(n.payload_json)) {
    return core::conflict("notification " + id +
                          ": isinya sudah dihapus (retensi data pribadi), tidak ada yang bisa dikirim ulang");
  }
  auto now = ctx.clock.now();
  auto attempts_before = n.attempts;
  n.status = notification_status::pending;
  n.attempts = 0;
  n.next_attempt_at = now;
  n.last_error.clear();
  n.updated_at = now;
  if (auto w = tx.update_notification(n); !w) return w.error();
  auto e = record(tx, ctx, who, domain::subject_kind::notification, n.id, "notification.requeued",
                  {{"event_kind", n.event_kind},
                   {"endpoint_kind", to_string(n.endpoint)},
                   {"endpoint_index", n.endpoint_index},
                   {"attempts_before", attempts_before}},
                  n.incident_id, n.agency_id);
  if (!e) return e.error();
  return n;
}

core::result<storage::page<domain::notification>> list_notifications_for(storage::store_reader& rd, const actor& who,
                                                                         storage::notification_filter filter) {
  if (who.role != domain::role::admin && who.role != domain::role::supervisor) {
    return core::forbidden("only a supervisor or an admin may read the notifications");
  }
  filter.jurisdiction_id = who.jurisdiction_id;
  return rd.list_notifications(filter);
}

}  // namespace siaga::services
