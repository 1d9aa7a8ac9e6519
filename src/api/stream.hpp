// The realtime stream: GET /api/v1/stream upgrades to a WebSocket that pushes every committed
// event the user may see, as JSON text frames, in seq order. A client that reconnects with
// ?after=<seq> first gets what it missed, then live events, with no gap and no duplicate.
//
// Messages (see also README.md, "Realtime stream", and docs/openapi.json):
//   {"type":"hello","last_seq":N,"after":A}   first; N is the seq of the newest event the hub
//                                             had published when the client subscribed; after
//                                             echoes ?after (null without it)
//   {"type":"event","event":{...}}            one event, the same JSON as in timelines
//                                             (api/views.cpp event_json: seq, id, kind, ...)
//                                             An event that names a caller's number (caller,
//                                             callback and location-message events) also has
//                                             number_masked: the number is in full only while
//                                             it is live when the event is sent (the call
//                                             rings, is talked or in its wrap-up, the callback
//                                             is open) and only to dispatchers and the PBX
//                                             bridge; else masked as the REST views mask it
// Without ?after the stream starts live: every event after last_seq. Messages from the
// client are ignored.
#pragma once

#include "api/api.hpp"
#include "net/http_server.hpp"
#include "services/context.hpp"
#include "services/user_signal.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace siaga::api {

struct stream_subscriber;

// Close code of a stream whose session ended (logout, password change, a change of the user by
// an admin): the reason (services/user_signal.hpp) is for the user, and the console goes to
// its sign-in screen instead of reconnecting.
inline constexpr std::uint16_t ws_close_session_ended = 4401;

// Fans committed events out to the connected WebSockets.
//
// Threads: publish() is the store's commit listener (writer thread) and only posts the batch
// to the hub's strand, where each event's visibility is decided once per audience (the
// subscribers whose users see the same events: services::event_visibility_for) and, when some
// audience sees it, it is serialized once and sent to that audience's subscribers. A subscriber's backlog (?after) is
// read on its connection's strand, paced by the connection's send queue.
//
// Resume without gap or duplicate: a resuming subscriber is registered first, so that events
// published from then on are buffered for it; then the store is paged from ?after until the
// end, then the buffer is sent, skipping what the pages already covered. Every event is either
// published after the registration (so buffered) or committed before it (so in the pages).
// The pages may run ahead of the hub's strand, so once live the subscriber still skips events
// up to the last seq its pages covered.
// The buffer is bounded by half the queue limit; when it overflows it is dropped and the store
// is paged again, since the store holds everything the buffer held.
//
// Operators see incident-level events only of incidents dispatched to their agency. The hub
// keeps, on its strand, the agencies dispatched to each incident it has met (loaded from the
// store on first sight, then updated from dispatch events), so a batch that creates and
// dispatches an incident shows its incident.created to the operator. Events of an incident
// from before its first dispatch to an agency are not replayed live when that dispatch comes;
// the client loads the incident's timeline (GET /api/v1/incidents/{id}) for them.
class stream_hub {
 public:
  // queue_limit: the connections' send queue limit in messages (the server's
  // websocket_queue_messages); the backlog is paced to stay well under it. executor: where
  // fan-out runs (on a strand of it). store must outlive the hub; the hub must be destroyed
  // before the io_context its connections run on.
  // clock: "now" for whether a caller's number is still live when an event is sent.
  stream_hub(storage::store& store, const core::clock& clock, boost::asio::any_io_executor executor,
             std::size_t queue_limit);
  stream_hub(const stream_hub&) = delete;
  stream_hub& operator=(const stream_hub&) = delete;

  // Reads the newest event seq from the store, so that the first hello messages carry it.
  // Call once before serving. Fails with storage_failure.
  core::result<void> start();

  // The commit listener: hands a durable batch (events in seq order) to the hub's strand, which
  // shares it rather than copying it. Never blocks; call from one thread at a time (the store's
  // writer), in commit order.
  void publish(storage::committed_events events);

  // The WebSocket callbacks for an authenticated user: on open it registers the subscriber,
  // sends hello and, with after, the backlog; on close it unregisters it. session is the token
  // hash of the session the stream was opened with ("" for an api key): when that session is
  // gone by the time the connection opens, it is closed at once with ws_close_session_ended.
  net::websocket_accept accept(services::actor who, std::optional<std::int64_t> after, std::string session = {});

  // The user-changed signal's listener: closes, with ws_close_session_ended and e.reason, the
  // streams of the sessions that ended. Any thread; never blocks on a connection.
  void end_sessions(const services::sessions_ended& e);

  // Subscribers registered now.
  std::size_t subscribers() const;

  // The seq of the newest event published (or found by start()).
  std::int64_t last_seq() const;

 private:
  void open(const std::shared_ptr<stream_subscriber>& sub, const std::shared_ptr<net::websocket_connection>& conn);
  void close(const std::shared_ptr<stream_subscriber>& sub);
  void fan_out(const std::vector<domain::event>& events);
  void catch_up(const std::shared_ptr<stream_subscriber>& sub);
  bool live_visible(const stream_subscriber& sub, const domain::event& e);
  bool backlog_visible(stream_subscriber& sub, const domain::event& e);
  bool number_live(const domain::event& e, core::timestamp now);
  bool backlog_number_shown(stream_subscriber& sub, const domain::event& e);
  const std::vector<std::string>* agencies_of(const std::string& incident_id);

  storage::store& store_;
  const core::clock& clock_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  const std::size_t page_size_;     // events read per backlog page
  const std::size_t low_water_;     // a page is read only when the send queue is at most this
  const std::size_t buffer_limit_;  // live events held for a subscriber still catching up

  mutable std::mutex mutex_;  // subscribers_ and last_seq_
  std::vector<std::shared_ptr<stream_subscriber>> subscribers_;
  std::int64_t last_seq_ = 0;

  // Strand only: incident id -> agencies dispatched to it, for operators' visibility. Cleared
  // when it grows past a bound; it is reloaded from the store on demand.
  std::unordered_map<std::string, std::vector<std::string>> incident_agencies_;
};

// Adds GET /api/v1/stream (a WebSocket route). Authentication: the session cookie, an
// Authorization: Bearer header, or ?access_token= (browsers cannot set headers on a
// WebSocket). Refused with 401 without a valid session, 403 for an operator account without
// an agency, 400 for a bad ?after, 503 when deps.stream is not set.
void add_stream_routes(net::router& r, api_deps& deps);

}  // namespace siaga::api
