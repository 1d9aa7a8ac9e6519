// Outbound notifications to agencies (the outbox pattern): rows are written in the same
// command as the dispatch they announce, and the delivery worker (src/channels/) reports each
// attempt's outcome back through record_delivery. Every function here is (part of) the body of
// one write command.
#pragma once

#include "domain/notification.hpp"
#include "services/context.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>

namespace siaga::services {

// Enqueues one pending outbox row, due now, per active endpoint of the dispatch's agency,
// announcing event_kind ("dispatch.notified", or "dispatch.cancelled" with its reason). The
// payload is built from the incident as it is in this command; the reporter's contact is
// included only when the dispatch shares it. An agency without active endpoints gets none.
// Called from inside the command that creates or cancels the dispatch, so that the rows and
// the dispatch commit or roll back together.
core::result<void> notify_agency(storage::store_txn& tx, const context& ctx, const domain::dispatch& d,
                                 std::string_view event_kind, const std::string& reason = {});

// The outcome of one delivery attempt of a row, as the worker saw it.
struct delivery_outcome {
  std::string jurisdiction_id;
  std::string notification_id;
  int attempts_before = 0;  // the row's attempts when the attempt started
  bool delivered = false;
  std::string error;        // why it failed (kept to 500 characters)
};

// Records an attempt: delivered marks the row delivered (and, for the "dispatch.notified" notice
// of an agency without a console, acknowledges the dispatch by delivery receipt); a failure counts the attempt and
// schedules the next one after domain::retry_delay (jitter from ctx.random), or, once
// policy.max_attempts attempts have failed, marks the row dead and records a
// "notification.dead_lettered" event. An outcome for a row that is no longer pending with
// attempts_before attempts (already recorded, or changed meanwhile) changes nothing and
// returns the row as it is. Fails with not_found for an unknown row.
core::result<domain::notification> record_delivery(storage::store_txn& tx, const context& ctx,
                                                   const delivery_outcome& outcome,
                                                   const domain::retry_policy& policy);

// A supervisor's or admin's retry of a dead row: back to pending, due now, with its attempts
// reset, recorded as "notification.requeued". Fails with forbidden for other roles, not_found
// for an unknown row (or one of another jurisdiction), conflict when the row is not dead.
core::result<domain::notification> requeue_notification(storage::store_txn& tx, const context& ctx,
                                                        const actor& who, const std::string& id);

// The actor's jurisdiction's outbox rows matching filter (its jurisdiction_id is replaced by
// the actor's), newest first. Fails with forbidden for roles below supervisor.
core::result<storage::page<domain::notification>> list_notifications_for(storage::store_reader& rd, const actor& who,
                                                                         storage::notification_filter filter);

}  // namespace siaga::services
