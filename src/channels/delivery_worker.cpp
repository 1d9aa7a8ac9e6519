#include "channels/delivery_worker.hpp"

#include "services/async_write.hpp"
#include "services/channel_dialogue.hpp"
#include "services/notifications.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <set>

namespace siaga::channels {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

core::error failed(std::string message) { return core::make_error(core::errc::unavailable, std::move(message)); }

// co_spawn's completion: a coroutine of the worker that throws is a bug; log it rather than
// lose it silently, and let the rest of the server run.
struct log_exception {
  const char* what;
  void operator()(const std::exception_ptr& e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("notifications: {} failed: {}", what, ex.what());
    } catch (...) {
      spdlog::error("notifications: {} failed", what);
    }
  }
};

}  // namespace

namespace detail {

// Everything below the public interface runs on the strand, so none of it needs a lock.
struct worker_state {
  worker_state(asio::io_context& io, storage::store& st, const core::clock& c, core::id_generator& i,
        core::random_source& r, delivery_options o)
      : strand(asio::make_strand(io)),
        timer(strand),
        tls(make_tls_client_context()),
        store(st),
        clock(c),
        ids(i),
        random(r),
        options(std::move(o)) {}

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  asio::ssl::context tls;
  storage::store& store;
  const core::clock& clock;
  core::id_generator& ids;
  core::random_source& random;
  const delivery_options options;
  std::set<std::string> in_flight;  // row ids with an attempt under way
  bool started = false;
  bool stopped = false;
};

}  // namespace detail

namespace {

using state_ptr = std::shared_ptr<detail::worker_state>;

// One attempt at the agency's endpoint as it is configured now: an admin who fixes a url or
// rotates a secret fixes the retries too. A row whose endpoint was removed (or replaced by
// one of another kind) or switched off fails like any other attempt, and ends up dead with
// that reason for a supervisor to see.
awaitable<core::result<void>> attempt(state_ptr s, const domain::notification& n) {
  // A reply to a reporter goes to its channel's address with the server's settings.
  if (is_reply(n)) co_return co_await send_reply(s->tls, n, s->options.replies, s->options.http);
  domain::agency_endpoint endpoint;
  {
    // A row without an agency is for the centre's supervisors: the jurisdiction's alert endpoints.
    std::vector<domain::agency_endpoint> all;
    if (n.agency_id.empty()) {
      auto jur = s->store.reader().find_jurisdiction(n.jurisdiction_id);
      if (!jur) co_return jur.error();
      if (!*jur) co_return failed("the jurisdiction no longer exists");
      all = (*jur)->alert_endpoints;
    } else {
      auto ag = s->store.reader().find_agency(n.jurisdiction_id, n.agency_id);
      if (!ag) co_return ag.error();
      if (!*ag) co_return failed("the agency no longer exists");
      all = (*ag)->endpoints;
    }
    auto i = static_cast<std::size_t>(n.endpoint_index);
    if (i >= all.size() || all[i].kind != n.endpoint) {
      co_return failed("endpoint " + std::to_string(n.endpoint_index) + " (" + std::string(to_string(n.endpoint)) +
                       ") is no longer configured");
    }
    endpoint = all[i];
  }
  if (!endpoint.active) co_return failed("the endpoint is switched off");
  if (endpoint.kind == domain::endpoint_kind::webhook) {
    auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(s->clock.now().time_since_epoch()).count();
    co_return co_await send_webhook(s->tls, n, endpoint, unix_seconds, s->options.http);
  }
  co_return co_await send_telegram(s->tls, n, endpoint, s->options.telegram, s->options.http);
}

awaitable<void> deliver(state_ptr s, domain::notification n) {
  auto sent = co_await attempt(s, n);
  services::delivery_outcome outcome{n.jurisdiction_id, n.id, n.attempts, bool(sent),
                                     sent ? std::string() : sent.error().message};
  services::context ctx{s->clock, s->ids, s->random};
  auto recorded = co_await services::run_service<domain::notification>(s->store, &services::record_delivery, ctx,
                                                                  outcome, s->options.retry);
  if (!recorded) {
    // The row stays pending as it was, so it is tried again: at least once, never lost. Its
    // lease is ended so that the retry comes after one poll interval rather than the whole
    // lease; it stays in flight for that interval, so that a failing database does not turn
    // into a tight loop of resends to the receiver. A release that fails too leaves the retry
    // to the lease's end.
    spdlog::warn("notifications: recording the attempt of {} failed: {}", n.id, recorded.error().message);
    if (auto released = s->store.reader().release_notification(n.id); !released) {
      spdlog::warn("notifications: releasing {} failed: {}; it is tried again when its lease ends", n.id,
                   released.error().message);
    }
    asio::steady_timer pause(s->strand, s->options.poll);
    co_await pause.async_wait(use_tuple);
  } else if (recorded->status == domain::notification_status::dead) {
    spdlog::warn("notifications: {} to agency {} gave up after {} attempts: {}", n.id, n.agency_id,
                 recorded->attempts, recorded->last_error);
  } else if (recorded->status == domain::notification_status::pending) {
    spdlog::info("notifications: {} attempt {} failed ({}); next in {} ms", n.id, recorded->attempts,
                 recorded->last_error,
                 std::chrono::duration_cast<std::chrono::milliseconds>(recorded->next_attempt_at - s->clock.now())
                     .count());
  }
  s->in_flight.erase(n.id);
  // Wake the loop: a slot is free, and the retry just scheduled may be the next one due.
  if (!s->stopped) s->timer.cancel();
}

// Starts attempts for the due rows there is room for, and says how long to sleep: until the
// next pending row is due, or one poll interval when that is sooner or unknown. Rows due now
// but not started (in flight already, or no room) also wait for the poll, or for a finishing
// attempt's wake-up, so the loop never spins.
std::chrono::milliseconds fill(const state_ptr& s) {
  auto& rd = s->store.reader();
  auto now = s->clock.now();
  auto in_flight = static_cast<int>(s->in_flight.size());
  int room = s->options.concurrency - in_flight;
  if (room > 0) {
    // Claims only what it starts: a claimed row is leased to this node (the store's
    // outbox_lease), and one claimed but left unstarted would wait for its lease to end.
    auto due = rd.due_notifications(now, room);
    if (!due) {
      spdlog::warn("notifications: reading due rows failed: {}", due.error().message);
    } else {
      for (auto& n : *due) {
        if (room <= 0) break;
        if (!s->in_flight.insert(n.id).second) continue;
        --room;
        asio::co_spawn(s->strand, deliver(s, std::move(n)), log_exception{"a delivery"});
      }
    }
  }
  auto wait = s->options.poll;
  auto next = rd.next_notification_due();
  if (next && *next && **next > now) {
    wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(**next - now));
  }
  return wait;
}

awaitable<void> run_loop(state_ptr s) {
  while (!s->stopped) {
    auto wait = fill(s);
    if (s->stopped) break;
    s->timer.expires_after(wait);
    co_await s->timer.async_wait(use_tuple);
  }
}

}  // namespace

delivery_worker::delivery_worker(asio::io_context& io, storage::store& store, const core::clock& clock,
                                 core::id_generator& ids, core::random_source& random, delivery_options options)
    : state_(std::make_shared<detail::worker_state>(io, store, clock, ids, random, std::move(options))) {}

delivery_worker::~delivery_worker() { stop(); }

void delivery_worker::start() {
  asio::post(state_->strand, [s = state_] {
    if (s->started || s->stopped) return;
    s->started = true;
    asio::co_spawn(s->strand, run_loop(s), log_exception{"the delivery loop"});
  });
}

void delivery_worker::nudge() {
  asio::post(state_->strand, [s = state_] {
    if (!s->stopped) s->timer.cancel();
  });
}

void delivery_worker::on_commit(const std::vector<domain::event>& events) {
  bool relevant = std::any_of(events.begin(), events.end(), [](const domain::event& e) {
    return e.kind == "dispatch.notified" || e.kind == "dispatch.cancelled" || e.kind == "notification.requeued" ||
           services::changes_public_status(e.kind);
  });
  if (relevant) nudge();
}

void delivery_worker::stop() {
  asio::post(state_->strand, [s = state_] {
    s->stopped = true;
    s->timer.cancel();
  });
}

}  // namespace siaga::channels
