#include "api/stream.hpp"

#include "api/handler.hpp"
#include "api/views.hpp"
#include "services/access.hpp"
#include "services/auth_service.hpp"
#include "services/call_service.hpp"
#include "services/passwords.hpp"
#include "services/privacy.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace siaga::api {

namespace asio = boost::asio;

namespace {

// Bound of the operators' incident -> agencies cache; past it the cache starts over.
constexpr std::size_t max_cached_incidents = 100'000;

// The event's message; an event that names a caller's number (services::event_names_number)
// carries it in full only when number_shown, else masked as the REST views mask it.
std::shared_ptr<const std::string> event_message(const domain::event& e, bool number_shown) {
  const bool names_number = services::event_names_number(e);
  auto ev = names_number && !number_shown ? masked_event_json(e) : event_json(e);
  if (names_number && number_shown) ev["number_masked"] = false;
  return std::make_shared<const std::string>(
      json::serialize(json::object{{"type", "event"}, {"event", std::move(ev)}}));
}

// The key of what decides whether an event's number is live: its call, callback or number.
std::string number_subject_key(const domain::event& e) {
  return std::string(to_string(e.subject)) + ":" + e.subject_id;
}

std::shared_ptr<const std::string> hello_message(std::int64_t last_seq, std::optional<std::int64_t> after) {
  json::object o{{"type", "hello"}, {"last_seq", last_seq}};
  o["after"] = after ? json::value(*after) : json::value(nullptr);
  return std::make_shared<const std::string>(json::serialize(o));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

// One event as the hub publishes it: serialized once for every subscriber. message is what a
// role that may see callers' numbers gets (the number in full only while it is live); masked,
// set only for an event that names a number, is what any other role gets.
struct stream_published {
  domain::event event;
  std::shared_ptr<const std::string> message;
  std::shared_ptr<const std::string> masked;

  const std::shared_ptr<const std::string>& message_for(const services::actor& who) const {
    return masked && !services::may_see_caller_number(who) ? masked : message;
  }
};

// One connected user. `who` and `after` are fixed at the upgrade; conn is set on open. The
// fields under mutex are shared between the hub's strand (fan-out) and the connection's
// strand (backlog); covered and memo are the backlog's own.
struct stream_subscriber {
  services::actor who;
  std::optional<std::int64_t> after;
  std::string session;  // token hash of the session it was opened with; "" for an api key
  std::shared_ptr<net::websocket_connection> conn;

  std::mutex mutex;
  bool live = false;        // the backlog is done: fan-out sends directly
  bool overflowed = false;  // the buffer overflowed while catching up: page the store again
  std::vector<std::shared_ptr<const stream_published>> buffer;  // in seq order

  // The last seq the backlog has read; once live, fan-out skips what it covered. Written by
  // the backlog only before `live` is set (under mutex), read by fan-out only after.
  std::int64_t covered = 0;
  // Backlog only, for an operator: incident id -> dispatched to its agency. Loaded from the
  // store when first needed and set by dispatch events met in the pages.
  std::unordered_map<std::string, bool> memo;
  // Backlog only: call / callback / number (number_subject_key) -> its number is live now.
  std::unordered_map<std::string, bool> number_memo;
};

stream_hub::stream_hub(storage::store& store, const core::clock& clock, asio::any_io_executor executor,
                       std::size_t queue_limit)
    : store_(store),
      clock_(clock),
      strand_(asio::make_strand(std::move(executor))),
      page_size_(std::max<std::size_t>(1, std::min<std::size_t>(200, queue_limit / 4))),
      low_water_(queue_limit / 4),
      buffer_limit_(std::max<std::size_t>(1, queue_limit / 2)) {}

core::result<void> stream_hub::start() {
  // The store has no "newest event" query; events_after(x, 1) being empty exactly when
  // x >= the newest seq makes it a search of a few dozen indexed lookups, once.
  auto& rd = store_.reader();
  std::int64_t low = 0;  // known: some event has seq > low, or low is 0
  std::int64_t high = 1;
  for (;;) {
    auto probe = rd.events_after(high, 1);
    if (!probe) return probe.error();
    if (probe->empty()) break;
    low = probe->front().seq;
    high = low * 2;
  }
  auto first = rd.events_after(low, 1);
  if (!first) return first.error();
  if (!first->empty()) low = first->front().seq;
  // Now an event with seq low exists (or low is 0) and none is above high.
  while (low < high) {
    auto mid = low + (high - low + 1) / 2;
    auto probe = rd.events_after(mid - 1, 1);
    if (!probe) return probe.error();
    if (!probe->empty()) {
      low = probe->front().seq;
    } else {
      high = mid - 1;
    }
  }
  std::lock_guard lock(mutex_);
  last_seq_ = std::max(last_seq_, low);
  return {};
}

void stream_hub::publish(storage::committed_events events) {
  if (!events) return;
  asio::post(strand_, [this, events = std::move(events)] { fan_out(*events); });
}

net::websocket_accept stream_hub::accept(services::actor who, std::optional<std::int64_t> after, std::string session) {
  auto sub = std::make_shared<stream_subscriber>();
  sub->who = std::move(who);
  sub->after = after;
  sub->session = std::move(session);
  net::websocket_accept out;
  out.on_open = [this, sub](const std::shared_ptr<net::websocket_connection>& conn) { open(sub, conn); };
  out.on_close = [this, sub] { close(sub); };
  return out;
}

std::size_t stream_hub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

std::int64_t stream_hub::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

void stream_hub::open(const std::shared_ptr<stream_subscriber>& sub,
                      const std::shared_ptr<net::websocket_connection>& conn) {
  sub->conn = conn;
  {
    std::lock_guard lock(mutex_);
    if (sub->after) {
      sub->covered = *sub->after;
    } else {
      sub->covered = last_seq_;
      sub->live = true;
    }
    subscribers_.push_back(sub);
    // Under the lock, so that no live event can overtake the hello.
    conn->send(hello_message(last_seq_, sub->after));
  }
  // The session may have ended between the upgrade's check and now, when end_sessions could
  // not see this subscriber yet: look again now that it would.
  if (!sub->session.empty()) {
    auto s = store_.reader().find_session(sub->session);
    if (!s || !*s) {
      conn->close(ws_close_session_ended, services::reason_user_changed);
      return;
    }
  }
  if (sub->after) catch_up(sub);
}

void stream_hub::end_sessions(const services::sessions_ended& e) {
  std::lock_guard lock(mutex_);
  for (const auto& sub : subscribers_) {
    if (sub->who.user_id != e.user_id || sub->session.empty()) continue;
    if (e.only_session && sub->session != *e.only_session) continue;
    if (e.keep_session && sub->session == *e.keep_session) continue;
    // The close frame goes after what is queued; fan-out refuses new sends from now on.
    sub->conn->close(ws_close_session_ended, e.reason);
  }
}

void stream_hub::close(const std::shared_ptr<stream_subscriber>& sub) {
  std::lock_guard lock(mutex_);
  auto it = std::find(subscribers_.begin(), subscribers_.end(), sub);
  if (it == subscribers_.end()) return;
  *it = std::move(subscribers_.back());
  subscribers_.pop_back();
}

void stream_hub::fan_out(const std::vector<domain::event>& events) {
  if (events.empty()) return;
  {
    // Nobody listening (the usual case for an API-only node): skip the serialising and the
    // store reads. The incident -> agencies memo would go stale while its updates are
    // skipped, so it is dropped and rebuilt from the store when a subscriber comes.
    std::lock_guard lock(mutex_);
    if (subscribers_.empty()) {
      incident_agencies_.clear();
      for (const auto& e : events) last_seq_ = std::max(last_seq_, e.seq);
      return;
    }
  }
  // First learn the batch's dispatches, so that an incident created and dispatched in one
  // command shows its incident.created (which comes first) to the dispatched agencies.
  for (const auto& e : events) {
    if (!e.incident_id || !e.agency_id) continue;
    if (auto* agencies = agencies_of(*e.incident_id); agencies && !contains(*agencies, *e.agency_id)) {
      incident_agencies_[*e.incident_id].push_back(*e.agency_id);
    }
  }
  // Subscribers whose users see the same events (services::event_visibility_for reads only the
  // jurisdiction, the role, the agency and whether the account is an api key; the number's
  // masking reads the role): each event's visibility is decided once per audience, not once
  // per subscriber, and an event no audience sees is never serialised. With a thousand agency
  // screens and a bridge pouring in calls they see none of, that is most of the hub's work.
  std::lock_guard lock(mutex_);
  struct audience {
    const stream_subscriber* first;
    std::vector<stream_subscriber*> members;
  };
  std::vector<audience> audiences;
  for (const auto& sub : subscribers_) {
    const auto& who = sub->who;
    auto same = [&](const audience& a) {
      const auto& other = a.first->who;
      return other.role == who.role && other.jurisdiction_id == who.jurisdiction_id &&
             other.agency_id == who.agency_id && services::is_integration(other) == services::is_integration(who);
    };
    auto it = std::find_if(audiences.begin(), audiences.end(), same);
    if (it == audiences.end()) it = audiences.insert(audiences.end(), audience{sub.get(), {}});
    it->members.push_back(sub.get());
  }
  // Whether a number shows is decided once per event, for every subscriber: the roles that may
  // see numbers get message, the others masked.
  const auto now = clock_.now();
  for (const auto& e : events) {
    std::shared_ptr<const stream_published> item;
    for (const auto& a : audiences) {
      if (!live_visible(*a.first, e)) continue;
      if (!item) {
        stream_published p{e, nullptr, nullptr};
        if (services::event_names_number(e)) {
          p.masked = event_message(e, false);
          p.message = number_live(e, now) ? event_message(e, true) : p.masked;
        } else {
          p.message = event_message(e, true);
        }
        item = std::make_shared<const stream_published>(std::move(p));
      }
      for (auto* sub : a.members) {
        std::lock_guard sub_lock(sub->mutex);
        if (sub->live) {
          // The backlog reads the store, which can be ahead of this strand: what it covered
          // was sent already. A refused send means the connection is closing (too slow, or
          // gone); its on_close unregisters it.
          if (e.seq > sub->covered) sub->conn->send(item->message_for(sub->who));
        } else if (!sub->overflowed) {
          if (sub->buffer.size() >= buffer_limit_) {
            sub->overflowed = true;
            sub->buffer.clear();
          } else {
            sub->buffer.push_back(item);
          }
        }
      }
    }
    last_seq_ = std::max(last_seq_, e.seq);
  }
}

// Strand only. Null when the store cannot say (the event is then hidden: fail closed).
const std::vector<std::string>* stream_hub::agencies_of(const std::string& incident_id) {
  if (auto it = incident_agencies_.find(incident_id); it != incident_agencies_.end()) return &it->second;
  // Everything committed so far is in the store, and dispatches committed later reach this
  // strand after the current batch, so the entry stays complete from here on.
  auto dispatches = store_.reader().dispatches_of_incident(incident_id);
  if (!dispatches) {
    spdlog::error("stream: cannot read the dispatches of incident {}: {}", incident_id, dispatches.error().message);
    return nullptr;
  }
  if (incident_agencies_.size() >= max_cached_incidents) incident_agencies_.clear();
  auto& agencies = incident_agencies_[incident_id];
  for (const auto& d : *dispatches) {
    if (!contains(agencies, d.agency_id)) agencies.push_back(d.agency_id);
  }
  return &agencies;
}

bool stream_hub::live_visible(const stream_subscriber& sub, const domain::event& e) {
  switch (services::event_visibility_for(sub.who, e)) {
    case services::event_visibility::visible:
      return true;
    case services::event_visibility::hidden:
      return false;
    case services::event_visibility::if_incident_dispatched: {
      auto* agencies = agencies_of(*e.incident_id);
      return agencies && contains(*agencies, *sub.who.agency_id);
    }
  }
  return false;
}

// The backlog runs ahead of the hub's strand, so it keeps its own answers, from the store and
// from the dispatch events in its pages.
bool stream_hub::backlog_visible(stream_subscriber& sub, const domain::event& e) {
  switch (services::event_visibility_for(sub.who, e)) {
    case services::event_visibility::visible:
      return true;
    case services::event_visibility::hidden:
      return false;
    case services::event_visibility::if_incident_dispatched: {
      auto it = sub.memo.find(*e.incident_id);
      if (it != sub.memo.end()) return it->second;
      auto dispatches = store_.reader().dispatches_of_incident(*e.incident_id);
      if (!dispatches) {
        spdlog::error("stream: cannot read the dispatches of incident {}: {}", *e.incident_id,
                      dispatches.error().message);
        return false;
      }
      bool reached = std::any_of(dispatches->begin(), dispatches->end(),
                                 [&](const domain::dispatch& d) { return d.agency_id == *sub.who.agency_id; });
      sub.memo.emplace(*e.incident_id, reached);
      return reached;
    }
  }
  return false;
}

bool stream_hub::number_live(const domain::event& e, core::timestamp now) {
  auto live = services::event_number_live(store_.reader(), e, now);
  if (!live) {
    spdlog::error("stream: cannot tell whether the number of event {} is live: {}", e.seq, live.error().message);
    return false;
  }
  return *live;
}

// An event of a backlog is sent as of now: its number shows only if it is live now (a ring
// replayed after the wrap-up is masked). One answer per call, callback or number per backlog.
bool stream_hub::backlog_number_shown(stream_subscriber& sub, const domain::event& e) {
  if (!services::event_names_number(e) || !services::may_see_caller_number(sub.who)) return false;
  auto key = number_subject_key(e);
  if (auto it = sub.number_memo.find(key); it != sub.number_memo.end()) return it->second;
  if (sub.number_memo.size() >= max_cached_incidents) sub.number_memo.clear();
  return sub.number_memo.emplace(std::move(key), number_live(e, clock_.now())).first->second;
}

void stream_hub::catch_up(const std::shared_ptr<stream_subscriber>& sub) {
  auto& conn = *sub->conn;
  for (;;) {
    if (!conn.is_open()) return;
    // Pace the backlog by the send queue, so that a long one never trips the too-slow limit
    // and never sits in memory at once.
    if (conn.queued() > low_water_) {
      conn.when_drained(low_water_, [this, sub] { catch_up(sub); });
      return;
    }
    auto page = store_.reader().events_after(sub->covered, static_cast<int>(page_size_));
    if (!page) {
      spdlog::error("stream: cannot read the events after {}: {}", sub->covered, page.error().message);
      conn.close(net::ws_close_internal_error, "gagal membaca / cannot read events");
      return;
    }
    if (sub->who.agency_id) {
      for (const auto& e : *page) {
        if (e.incident_id && e.agency_id && *e.agency_id == *sub->who.agency_id) sub->memo[*e.incident_id] = true;
      }
    }
    for (const auto& e : *page) {
      sub->covered = e.seq;
      if (!backlog_visible(*sub, e)) continue;
      if (!conn.send(event_message(e, backlog_number_shown(*sub, e)))) return;
    }
    if (page->size() == page_size_) continue;

    std::lock_guard lock(sub->mutex);
    if (sub->overflowed) {
      // Live events were dropped while paging; all of them are in the store by now.
      sub->overflowed = false;
      sub->buffer.clear();
      continue;
    }
    for (const auto& item : sub->buffer) {
      if (item->event.seq <= sub->covered) continue;
      if (!conn.send(item->message_for(sub->who))) break;
    }
    sub->buffer.clear();
    sub->buffer.shrink_to_fit();
    sub->memo.clear();
    sub->number_memo.clear();
    sub->live = true;
    return;
  }
}

// ---------- the route ----------

namespace {

core::result<std::optional<std::int64_t>> after_of(const std::map<std::string, std::string, std::less<>>& q) {
  auto it = q.find("after");
  if (it == q.end()) return std::optional<std::int64_t>{};
  std::int64_t v = 0;
  const auto& text = it->second;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || v < 0) {
    return core::invalid("query parameter 'after' must be an event seq (a whole number >= 0), not '" + text + "'");
  }
  return std::optional<std::int64_t>{v};
}

net::websocket_accept refuse(const net::request& req, const core::error& e) {
  net::websocket_accept out;
  out.refusal = error_response(req, e);
  return out;
}

// A plain function, not part of the coroutine (see async_write.hpp on GCC 12 and lambdas).
net::websocket_accept open_stream(api_deps& deps, net::request_context& http) {
  const auto& req = http.req;
  if (!deps.stream) return refuse(req, core::make_error(core::errc::unavailable, "the realtime stream is not running"));
  auto q = query_of(req);
  auto token = token_of(req);
  if (token.empty()) {
    if (auto it = q.find("access_token"); it != q.end()) token = it->second;
  }
  auto who = services::authenticate(deps.store.reader(), deps.clock, token);
  if (!who) return refuse(req, who.error());
  if (who->must_change_password) {
    return refuse(req, core::make_error(core::errc::password_change_required,
                                        "ganti kata sandi Anda dulu (change your password first)"));
  }
  if (who->role == role::agency_operator && !who->agency_id) {
    return refuse(req, core::forbidden("this agency operator account has no agency"));
  }
  auto after = after_of(q);
  if (!after) return refuse(req, after.error());
  return deps.stream->accept(std::move(*who), *after, services::token_hash(token));
}

// The PBX bridge's stream: authenticated by its api key (X-Api-Key, a bearer token, or
// ?api_key= for clients that cannot set headers), it carries only callback.dial_requested.
net::websocket_accept open_telephony_stream(api_deps& deps, net::request_context& http) {
  const auto& req = http.req;
  if (!deps.stream) return refuse(req, core::make_error(core::errc::unavailable, "the realtime stream is not running"));
  auto q = query_of(req);
  auto secret = api_key_of(req);
  if (secret.empty()) {
    if (auto it = q.find("api_key"); it != q.end()) secret = it->second;
  }
  auto key = services::authenticate_api_key(deps.store.reader(), secret);
  if (!key) return refuse(req, key.error());
  auto after = after_of(q);
  if (!after) return refuse(req, after.error());
  return deps.stream->accept(services::integration_actor(*key), *after);
}

}  // namespace

void add_stream_routes(net::router& r, api_deps& deps) {
  if (deps.stream) {
    deps.user_changes->subscribe([hub = deps.stream](const services::sessions_ended& e) { hub->end_sessions(e); });
  }
  r.add_websocket("/api/v1/stream", [&deps](net::request_context& http) -> awaitable<net::websocket_accept> {
    co_return open_stream(deps, http);
  });
  r.add_websocket("/api/v1/telephony/stream", [&deps](net::request_context& http) -> awaitable<net::websocket_accept> {
    co_return open_telephony_stream(deps, http);
  });
}

}  // namespace siaga::api
