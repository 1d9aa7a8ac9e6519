#include "storage/postgres/event_feed.hpp"

#include "storage/postgres/connection.hpp"
#include "storage/postgres/model_sql.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <random>

namespace siaga::storage::postgres {
namespace {

constexpr int page_size = 512;
constexpr std::size_t max_message = 7900;  // NOTIFY's payload is below 8000 bytes

std::string random_node_id() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string id;
  for (int i = 0; i < 16; ++i) id += "0123456789abcdef"[hex(rd)];
  return id;
}

result<std::int64_t> newest_seq(connection& c) {
  auto st = c.prepare("SELECT COALESCE(MAX(seq), 0) FROM events");
  if (!st) return st.error();
  auto row = st->step("events");
  if (!row) return row.error();
  if (!*row) return core::make_error(core::errc::storage_failure, "events: the newest seq read returned no row");
  return st->int64(0);
}

}  // namespace

event_feed::event_feed(std::string conninfo, std::chrono::milliseconds poll)
    : conninfo_(std::move(conninfo)), poll_(poll), node_(random_node_id()) {}

event_feed::~event_feed() {
  stop();
}

void event_feed::set_commit_listener(commit_listener listener) {
  std::int64_t start = -1;
  if (listener) {
    // Read here, before the listener is set, so that every event committed after it was set is
    // either newer than start (read from the table) or queued by committed().
    if (auto c = connection::open(conninfo_); c) {
      if (auto seq = newest_seq(**c); seq) start = *seq;
    }
  }
  std::lock_guard lock(mutex_);
  commit_listener_ = std::move(listener);
  if (!commit_listener_) return;
  if (!started_) start_seq_ = start;
  ensure_started();
}

void event_feed::set_broadcast_listener(broadcast_listener listener) {
  std::lock_guard lock(mutex_);
  broadcast_listener_ = std::move(listener);
  if (broadcast_listener_) ensure_started();
}

// Under mutex_.
void event_feed::ensure_started() {
  if (started_ || stopping_) return;
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    spdlog::error("postgres: cannot make the event feed's eventfd; other nodes' events are not streamed here");
    return;
  }
  started_ = true;
  thread_ = std::thread([this] { loop(); });
}

void event_feed::committed(committed_events events) {
  if (!events || events->empty()) return;
  std::lock_guard lock(mutex_);
  if (!commit_listener_ || stopping_ || !started_) return;
  local_.push_back(std::move(events));
  std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void event_feed::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (started_) {
      std::uint64_t one = 1;
      (void)!::write(wake_fd_, &one, sizeof one);
    }
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
  std::lock_guard lock(broadcast_mutex_);
  broadcast_conn_.reset();
}

result<void> event_feed::broadcast(const std::string& message) {
  if (message.size() > max_message) {
    return core::invalid("postgres: a broadcast is at most " + std::to_string(max_message) + " bytes");
  }
  const std::string payload = node_ + " " + message;
  std::lock_guard lock(broadcast_mutex_);
  result<void> sent = core::make_error(core::errc::unavailable, "postgres: not connected");
  for (int attempt = 0; attempt < 2 && !sent; ++attempt) {
    if (!broadcast_conn_) {
      auto c = connection::open(conninfo_);
      if (!c) return c.error();
      broadcast_conn_ = std::move(*c);
    } else if (!broadcast_conn_->healthy()) {
      if (auto r = broadcast_conn_->reset(); !r) return r;
    }
    auto st = broadcast_conn_->prepare("SELECT pg_notify($1, $2)");
    if (st) st->bind(signal_channel).bind(payload);
    sent = st ? st->run("broadcast") : result<void>(st.error());
    if (!sent && broadcast_conn_->healthy()) return sent;  // not a lost connection: no retry
  }
  return sent;
}

bool event_feed::connect(std::unique_ptr<connection>& listen, std::unique_ptr<connection>& read) {
  auto ready = [this](std::unique_ptr<connection>& c) -> result<void> {
    if (c && c->healthy()) return {};
    if (c) return c->reset();
    auto made = connection::open(conninfo_);
    if (!made) return made.error();
    c = std::move(*made);
    return {};
  };
  result<void> r = ready(read);
  if (r && !(listen && listen->healthy())) {
    r = ready(listen);
    // LISTEN again on a new session: the old one's subscriptions ended with it.
    if (r) r = listen->run(std::string("LISTEN ") + events_channel + "; LISTEN " + signal_channel, "LISTEN");
  }
  if (!r) {
    spdlog::warn("postgres: the event feed cannot reach the database ({}); trying again in {} ms",
                 r.error().message, poll_.count());
    return false;
  }
  return true;
}

void event_feed::wait(connection* listen) {
  std::array<pollfd, 2> fds{};
  fds[0] = {wake_fd_, POLLIN, 0};
  nfds_t n = 1;
  if (listen && listen->socket() >= 0) {
    fds[1] = {listen->socket(), POLLIN, 0};
    n = 2;
  }
  (void)::poll(fds.data(), n, static_cast<int>(poll_.count()));
  std::uint64_t count = 0;
  (void)!::read(wake_fd_, &count, sizeof count);
}

void event_feed::deliver(committed_events events) {
  if (!events || events->empty()) return;
  commit_listener listener;
  {
    std::lock_guard lock(mutex_);
    listener = commit_listener_;
  }
  delivered_ = events->back().seq;
  if (!listener) return;
  try {
    listener(events);
  } catch (const std::exception& e) {
    spdlog::error("postgres: the commit listener threw: {}", e.what());
  } catch (...) {
    spdlog::error("postgres: the commit listener threw");
  }
}

// Hands over the local batches that follow the last event delivered; true when one did not
// (another node committed in between, or it was read already in part): the table then has it.
bool event_feed::drain_local() {
  std::deque<committed_events> batches;
  {
    std::lock_guard lock(mutex_);
    batches.swap(local_);
    if (delivered_ < 0 && start_seq_ >= 0) delivered_ = start_seq_;
  }
  bool gap = false;
  for (auto& batch : batches) {
    if (delivered_ < 0) delivered_ = batch->front().seq - 1;
    auto first =
        std::find_if(batch->begin(), batch->end(), [&](const domain::event& e) { return e.seq > delivered_; });
    if (first == batch->end()) continue;
    if (gap || first->seq != delivered_ + 1) {
      gap = true;
      continue;
    }
    // A batch read in part from the table already: its rest only (the batch is shared, so copied).
    if (first != batch->begin()) batch = std::make_shared<const std::vector<domain::event>>(first, batch->end());
    deliver(std::move(batch));
  }
  return gap;
}

// Hands over every event after the last delivered, page by page. False when the read failed.
bool event_feed::read_table(connection& read) {
  if (delivered_ < 0) {
    auto seq = newest_seq(read);
    if (!seq) return false;
    delivered_ = *seq;
    return true;
  }
  for (;;) {
    auto page = model_sql::events_after(read, delivered_, page_size);
    if (!page) {
      spdlog::warn("postgres: the event feed could not read the events after seq {}: {}", delivered_,
                   page.error().message);
      return false;
    }
    if (page->empty()) return true;
    const bool full = page->size() == static_cast<std::size_t>(page_size);
    deliver(std::make_shared<const std::vector<domain::event>>(std::move(*page)));
    if (!full) return true;
  }
}

void event_feed::on_notifications(connection& listen, bool& table_changed) {
  auto received = listen.take_notifications();
  if (!received) {
    spdlog::warn("{}; listening again", received.error().message);
    table_changed = true;
    return;
  }
  for (const auto& n : *received) {
    if (n.channel == events_channel) {
      table_changed = true;
      continue;
    }
    if (n.channel != signal_channel) continue;
    auto space = n.payload.find(' ');
    if (space == std::string::npos || n.payload.compare(0, space, node_) == 0) continue;  // ours
    broadcast_listener listener;
    {
      std::lock_guard lock(mutex_);
      listener = broadcast_listener_;
    }
    if (!listener) continue;
    try {
      listener(n.payload.substr(space + 1));
    } catch (const std::exception& e) {
      spdlog::error("postgres: the broadcast listener threw: {}", e.what());
    }
  }
}

void event_feed::loop() {
  std::unique_ptr<connection> listen, read;
  bool read_needed = true;
  for (;;) {
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
    }
    if (stopping) {
      // The store closes after its writer finished: hand over the last local commits, so that
      // the listener has heard every batch committed before close() returned.
      if ((drain_local() || read_needed) && read && read->healthy()) (void)read_table(*read);
      return;
    }
    if (!(listen && listen->healthy() && read && read->healthy())) {
      if (!connect(listen, read)) {
        // Local commits still go out while the database is unreachable from here, as long as
        // they follow what was delivered; the rest waits for the table.
        if (drain_local()) read_needed = true;
        wait(nullptr);
        continue;
      }
      read_needed = true;  // whatever was notified while not listening
    }
    on_notifications(*listen, read_needed);
    if (drain_local()) read_needed = true;
    if (read_needed && listen->healthy()) read_needed = !read_table(*read);
    if (!listen->healthy()) continue;
    wait(listen.get());
    // A quiet wait (no notification, no local commit) ends in a read anyway: the fallback poll.
    bool woken = false;
    {
      std::lock_guard lock(mutex_);
      woken = !local_.empty() || stopping_;
    }
    if (!woken) read_needed = true;
  }
}

}  // namespace siaga::storage::postgres
