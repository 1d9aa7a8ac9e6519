// The delivery worker of the notification outbox: a coroutine on the server's io_context that
// sends due rows to their agency's endpoints and records each outcome through a store write
// (services::record_delivery: delivered, retry with backoff, or dead).
//
// Delivery is at least once: a row is sent, then marked delivered in a later write, so a
// crash in between sends it again on the next start, with the same idempotency key (the row
// id). Rows are picked from the store, never from memory, so a restart resumes every pending
// row. Picking claims a row for the store's outbox lease (storage/outbox_store.hpp): with
// several nodes on one PostgreSQL database each row is sent by one node at a time, and the
// rows of a node that dies mid-delivery are taken up by another when their leases end.
#pragma once

#include "channels/http_client.hpp"
#include "channels/notification_senders.hpp"
#include "channels/reply_senders.hpp"
#include "core/id.hpp"
#include "core/time.hpp"
#include "domain/notification.hpp"
#include "storage/store.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace siaga::channels {

namespace detail {
struct worker_state;  // the worker's state, shared with its coroutines (delivery_worker.cpp)
}  // namespace detail

struct delivery_options {
  domain::retry_policy retry;
  telegram_config telegram;
  reply_config replies;  // the reporters' channels (its telegram is the same bot as above)
  http_client_options http;
  int concurrency = 8;                     // attempts in flight at most
  std::chrono::milliseconds poll{1000};    // longest sleep without a nudge or a due retry
};

class delivery_worker {
 public:
  // ids is used only inside write commands (the store's writer thread), as everywhere.
  // Everything passed by reference must outlive the worker's coroutines, that is, the
  // io_context's run (the worker itself may go earlier: its state is shared with them).
  delivery_worker(boost::asio::io_context& io, storage::store& store, const core::clock& clock,
                  core::id_generator& ids, core::random_source& random, delivery_options options);
  ~delivery_worker();
  delivery_worker(const delivery_worker&) = delete;
  delivery_worker& operator=(const delivery_worker&) = delete;

  // Starts the loop; its first pass picks up every row already due (a restart's backlog).
  void start();

  // New rows may be due: look now instead of at the next poll. Safe from any thread.
  void nudge();

  // For the store's commit listener: nudges when one of the events can have enqueued or
  // requeued a row (dispatch.notified, dispatch.cancelled, notification.requeued, and the
  // events that tell reporters a new status: services::changes_public_status).
  void on_commit(const std::vector<domain::event>& events);

  // Stops picking rows. Attempts in flight finish or are abandoned with the io_context; an
  // abandoned attempt leaves its row pending for the next start. Safe from any thread.
  void stop();

 private:
  std::shared_ptr<detail::worker_state> state_;
};

}  // namespace siaga::channels
