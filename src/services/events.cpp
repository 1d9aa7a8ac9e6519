#include "services/events.hpp"

#include "services/channel_dialogue.hpp"
#include "services/event_batch.hpp"

#include <boost/json/serialize.hpp>

namespace siaga::services {

domain::event make_event(const context& ctx, const actor& who, domain::subject_kind subject,
                         const std::string& subject_id, std::string kind, const boost::json::object& payload) {
  auto now = ctx.clock.now();
  domain::event e;
  e.id = ctx.ids.next(now);
  e.jurisdiction_id = who.jurisdiction_id;
  e.subject = subject;
  e.subject_id = subject_id;
  e.kind = std::move(kind);
  e.actor_id = who.user_id;
  e.at = now;
  e.payload_json = boost::json::serialize(payload);
  return e;
}

core::result<domain::event> record(storage::store_txn& tx, const context& ctx, const actor& who,
                                   domain::subject_kind subject, const std::string& subject_id,
                                   std::string kind, const boost::json::object& payload,
                                   std::optional<std::string> incident_id,
                                   std::optional<std::string> agency_id) {
  auto e = make_event(ctx, who, subject, subject_id, std::move(kind), payload);
  e.incident_id = std::move(incident_id);
  e.agency_id = std::move(agency_id);
  auto appended = tx.append_event(std::move(e));
  if (!appended || !changes_public_status(appended->kind)) return appended;
  // A reporter on a messaging channel is told the new public status in this same command, so
  // the reply commits (or rolls back) with the change it tells of.
  bool joined = appended->kind == "report.accepted" && payload.contains("joined");
  SIAGA_CHECK(announce_public_status(tx, ctx, appended->jurisdiction_id, appended->subject, appended->subject_id,
                                     appended->incident_id, joined));
  return appended;
}

}  // namespace siaga::services
