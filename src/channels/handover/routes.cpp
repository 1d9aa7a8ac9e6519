// POST /api/v1/webhooks/handover: an incident handed over by a neighbouring 112 centre, that is
// the signed dispatch notice its outbox posts when it dispatches an incident to this centre
// (registered there as an agency with a webhook endpoint whose secret is our handover_secret).
#include "channels/handover/wire.hpp"
#include "api/inputs.hpp"
#include "channels/messaging.hpp"
#include "domain/notification.hpp"
#include "services/incident_rules.hpp"
#include "services/public_stats.hpp"

#include <chrono>

namespace siaga::channels {

namespace json = boost::json;

boost::asio::awaitable<api::reply> handover_receive(api::call& c, messaging_deps& d) {
  const auto& secret = d.options.handover_secret;
  auto timestamp = c.req()[domain::timestamp_header];
  auto signature = c.req()[domain::signature_header];
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(d.api.clock.now().time_since_epoch()).count();
  if (secret.empty() || !domain::verify_webhook_signature(secret, {timestamp.data(), timestamp.size()}, c.req().body(),
                                                          {signature.data(), signature.size()}, now_s)) {
    co_return core::make_error(core::errc::unauthenticated,
                               "tanda tangan X-Siaga-Signature tidak sah atau kedaluwarsa; periksa handover_secret "
                               "di kedua pusat dan jam server (missing, wrong or stale signature)");
  }
  SIAGA_CO_TRY(in, handover::parse_notice(c.req().body()));
  auto& rd = d.api.store.reader();
  SIAGA_CO_TRY(jur, services::public_jurisdiction(rd, d.options.jurisdiction));
  auto& h = in.handover;
  services::context ctx{d.api.clock, d.api.ids, d.api.random, d.api.options.callback_expiry};
  if (in.event != "dispatch.notified") {
    if (in.event != "dispatch.cancelled" && in.event != "incident.updated" && in.event != "incident.note_added") {
      // A kind a newer sender may add: acknowledged, so that its outbox stops.
      co_return api::json_response(c.req(), net::http::status::ok,
                                   json::object{{"reports", 0}, {"duplicates", 0}, {"ignored", 1}});
    }
    services::handover_update u{in.id, in.event, h.dispatch_id, h.from_jurisdiction, h.incident_number, in.detail};
    SIAGA_AWAIT_TRY(result, services::run_service<services::handover_update_result>(
                                d.api.store, &services::receive_handover_update, ctx, jur.id, std::move(u)));
    using r = services::handover_update_result;
    const bool noted = result == r::on_incident || result == r::on_report;
    co_return api::json_response(
        c.req(), noted ? net::http::status::created : net::http::status::ok,
        json::object{{"reports", 0},
                     {"updates", noted ? 1 : 0},
                     {"duplicates", result == r::duplicate ? 1 : 0},
                     {"ignored", result == r::closed ? 1 : 0},
                     {"on", result == r::on_incident ? json::value("incident")
                            : result == r::on_report ? json::value("report")
                                                     : json::value(nullptr)}});
  }
  if (h.location) {
    SIAGA_CO_CHECK(services::check_location(h.location));
    SIAGA_CO_CHECK(api::place_before_write(rd, services::channel_actor(jur.id, domain::channel::handover),
                                           h.district_id, h.village_id, h.location));
  }
  SIAGA_AWAIT_TRY(out, services::run_service<services::handover_outcome>(d.api.store, &services::receive_handover, ctx,
                                                                         jur.id, std::move(h)));
  co_return api::json_response(c.req(), out.duplicate ? net::http::status::ok : net::http::status::created,
                               json::object{{"reports", out.duplicate ? 0 : 1},
                                            {"duplicates", out.duplicate ? 1 : 0},
                                            {"ignored", 0},
                                            {"report_id", out.report.id},
                                            {"tracking_code", out.report.tracking_code}});
}

}  // namespace siaga::channels
