// /api/v1/notifications: the outbox as the supervisor sees it (what was sent to which agency
// endpoint, what is still being retried, what gave up) and the retry of a dead notification.
#include "api/handler.hpp"
#include "services/notifications.hpp"

#include <boost/json/array.hpp>

namespace siaga::api {
namespace {


// One outbox row. The payload stays out: it may hold the reporter's contact, and the
// incident it describes is one lookup away.
json::object notification_json(const domain::notification& n) {
  auto opt = [](const std::optional<std::string>& s) -> json::value {
    if (!s) return nullptr;
    return json::string(*s);
  };
  bool pending = n.status == domain::notification_status::pending;
  return {{"id", n.id},
          {"idempotency_key", n.id},
          {"agency_id", n.agency_id},
          {"dispatch_id", opt(n.dispatch_id)},
          {"incident_id", opt(n.incident_id)},
          {"endpoint_index", n.endpoint_index},
          {"endpoint_kind", to_string(n.endpoint)},
          {"target", n.target},
          {"event_kind", n.event_kind},
          {"status", to_string(n.status)},
          {"attempts", n.attempts},
          {"next_attempt_at", pending ? time_json(n.next_attempt_at) : json::value(nullptr)},
          {"last_error", n.last_error},
          {"created_at", time_json(n.created_at)},
          {"updated_at", time_json(n.updated_at)},
          {"delivered_at", time_json(n.delivered_at)}};
}

awaitable<reply> list_notifications(call& c) {
  auto q = query_of(c.req());
  SIAGA_CO_TRY(pg, paging_of(q));
  storage::notification_filter f;
  f.page = {pg.limit, pg.offset};
  if (auto it = q.find("status"); it != q.end()) {
    SIAGA_CO_TRY(status, domain::parse_notification_status(it->second));
    f.status = status;
  }
  SIAGA_CO_TRY(p, services::list_notifications_for(c.deps.store.reader(), c.who, std::move(f)));
  json::array items;
  for (const auto& n : p.items) items.push_back(notification_json(n));
  co_return json_response(
      c.req(), net::http::status::ok,
      json::object{{"items", std::move(items)}, {"total", p.total}, {"limit", pg.limit}, {"offset", pg.offset}});
}

awaitable<reply> retry_notification(call& c) {
  SIAGA_CO_TRY(body, parse_body(c.req()));
  SIAGA_CO_CHECK(only_fields(body, {}));
  auto ctx = c.ctx();
  SIAGA_AWAIT_TRY(n, run_service<domain::notification>(c.deps.store, &services::requeue_notification, ctx, c.who,
                                                       c.param("id")));
  co_return json_response(c.req(), net::http::status::ok, notification_json(n));
}

}  // namespace

void add_notification_routes(net::router& r, api_deps& deps) {
  constexpr unsigned supervisors = access::admin | access::supervisor;
  const route_row table[] = {
      {verb::get, "/api/v1/notifications", supervisors, list_notifications},
      {verb::post, "/api/v1/notifications/{id}/retry", supervisors, retry_notification},
  };
  for (const auto& row : table) r.add(row.method, row.path, wrap(deps, row.roles, row.fn));
}

}  // namespace siaga::api
