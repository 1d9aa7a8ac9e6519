// The HTTP+JSON API under /api/v1: authentication, role checks and the handlers that turn
// requests into service calls.
#pragma once

#include "core/id.hpp"
#include "core/time.hpp"
#include "net/http_server.hpp"
#include "services/login_limiter.hpp"
#include "services/session_cache.hpp"
#include "services/user_signal.hpp"
#include "storage/store.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace siaga::api {

struct api_options {
  std::chrono::seconds session_lifetime{12 * 3600};               // one shift and some
  bool secure_cookie = false;                                     // add Secure when served over HTTPS
  std::chrono::minutes callback_expiry = std::chrono::hours{24};  // services::context::callback_expiry
  // The public routes' limits per client address (api/rate_limit.hpp): a burst, then so many
  // an hour (reports) or a minute (tracking pages and their photos). A burst of 0 is no limit.
  int public_report_burst = 5;
  int public_reports_per_hour = 10;
  int track_burst = 30;
  int tracks_per_minute = 30;
  int max_new_reports = 3;  // services::channel_report::max_new_reports of the public form
};

class stream_hub;
class rate_limiter;

// What the handlers need. ids is used only inside write commands (writer thread).
struct api_deps {
  storage::store& store;
  const core::clock& clock;
  core::id_generator& ids;
  core::random_source& random;
  boost::asio::thread_pool& blocking;  // for Argon2id, which takes ~100 ms
  api_options options;
  stream_hub* stream = nullptr;  // the realtime stream (api/stream.hpp); null: /stream answers 503
  // token -> actor for a few seconds; shared so that api_deps stays movable.
  std::shared_ptr<services::session_cache> sessions = std::make_shared<services::session_cache>();
  // The "user changed" signal (services/user_signal.hpp): raised after a commit that ended a
  // user's sessions; add_routes subscribes the session cache and the stream hub to it.
  std::shared_ptr<services::user_signal> user_changes = std::make_shared<services::local_user_signal>();
  // Login rate limits per address, per account and address, and per account.
  std::shared_ptr<services::login_limiter> login_limits = std::make_shared<services::memory_login_limiter>();
  // Jobs waiting for or running on the blocking pool (api/handler.hpp off_loop), and how many
  // may: past that a request gets 503 at once instead of queueing behind a flood.
  std::shared_ptr<std::atomic<int>> blocking_jobs = std::make_shared<std::atomic<int>>(0);
  int blocking_job_limit = 64;
  // The exports' page reads and workbooks (api/list_exports.hpp), which take seconds, kept off
  // `blocking` so that sign-ins never wait behind a download; null: `blocking` does them.
  boost::asio::thread_pool* exports = nullptr;
  // The public routes' limits per client address (api/rate_limit.hpp), made from options by
  // add_routes; null: no limit.
  std::shared_ptr<rate_limiter> public_report_limit;
  std::shared_ptr<rate_limiter> track_limit;
};

// Adds every /api/v1 route (and the OpenAPI document) to r. deps must outlive r.
void add_routes(net::router& r, api_deps& deps);

// The OpenAPI 3 document served at /api/v1/openapi.json (the repo's docs/openapi.json,
// compiled in).
std::string_view openapi_document();

}  // namespace siaga::api
