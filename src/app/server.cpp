#include "app/server.hpp"

#include "api/api.hpp"
#include "api/signed_in.hpp"
#include "api/stream.hpp"
#include "app/seed.hpp"
#include "app/simulate.hpp"
#include "channels/delivery_worker.hpp"
#include "channels/lapor/importer.hpp"
#include "channels/messaging.hpp"
#include "channels/open311/routes.hpp"
#include "net/http_server.hpp"
#include "services/auth_service.hpp"
#include "services/idempotency.hpp"
#include "services/callbacks.hpp"
#include "services/node_user_signal.hpp"
#include "services/privacy.hpp"
#include "services/sla_service.hpp"
#include "storage/open_database.hpp"
#include "storage/store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <thread>

namespace siaga::app {
namespace asio = boost::asio;

namespace {

// One look of the SLA monitor on the calling thread (services::plan_service_levels, through a
// reader), then the changes it found as one write command; failures are logged, and the next
// look comes all the same.
void check_sla(storage::store& st, const core::clock& clock, core::id_generator& ids, core::random_source& random,
               std::chrono::minutes callback_expiry) {
  auto& rd = st.reader();
  auto all = rd.list_jurisdictions();
  if (!all) {
    spdlog::warn("SLA check failed: {}", all.error().message);
    return;
  }
  for (const auto& j : *all) {
    auto plan = services::plan_service_levels(rd, clock.now(), j.id);
    if (!plan) {
      spdlog::warn("SLA check of {} failed: {}", j.code, plan.error().message);
      continue;
    }
    // In commands of at most 64 incidents, weighed as large ones: when thousands of clocks pass
    // at once (a backlog), the consoles' commands are not queued behind all their alerts.
    constexpr std::size_t per_command = 64;
    for (std::size_t from = 0; from < plan->incident_ids.size(); from += per_command) {
      services::sla_plan part;
      part.incident_ids.assign(plan->incident_ids.begin() + static_cast<std::ptrdiff_t>(from),
                               plan->incident_ids.begin() +
                                   static_cast<std::ptrdiff_t>(std::min(from + per_command, plan->incident_ids.size())));
      std::set<std::string, std::less<>> mine(part.incident_ids.begin(), part.incident_ids.end());
      for (const auto& a : plan->to_resolve) {
        if (mine.contains(a.incident_id)) part.to_resolve.push_back(a);
      }
      st.submit(
          [&clock, &ids, &random, callback_expiry, id = j.id, code = j.code, p = std::move(part)](
              storage::store_txn& tx) -> core::result<void> {
            services::context ctx{clock, ids, random, callback_expiry};
            SIAGA_TRY(r, services::apply_service_levels(tx, ctx, id, p));
            if (r.raised > 0) spdlog::info("{}: {} SLA alert(s) raised", code, r.raised);
            return {};
          },
          [code = j.code](core::result<void> r) {
            if (!r) spdlog::warn("SLA check of {} failed: {}", code, r.error().message);
          },
          static_cast<storage::write_weight>(per_command));
    }
  }
}

// Submits command to the store's writer every period until timer is cancelled (or its wait
// fails); a failed run is logged under what and the next one comes all the same.
void repeat_write(asio::steady_timer& timer, storage::store& st, std::chrono::milliseconds period, std::string what,
                  storage::write_command command) {
  timer.expires_after(period);
  timer.async_wait([&timer, &st, period, what = std::move(what), command = std::move(command)](
                       const boost::system::error_code& e) mutable {
    if (e) return;
    st.submit(command, [what](core::result<void> r) {
      if (!r) spdlog::warn("{} failed: {}", what, r.error().message);
    });
    repeat_write(timer, st, period, std::move(what), std::move(command));
  });
}

std::unique_ptr<storage::store> open_store(const config& cfg) {
  // A PostgreSQL connection string (storage/open_database.hpp) is not a path: no folder is made
  // of it, and it is printed without its password.
  const auto where = storage::printable_location(cfg.database);
  if (!storage::is_postgres_location(cfg.database)) {
    auto parent = std::filesystem::path(cfg.database).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  const std::chrono::seconds lease{cfg.outbox_lease_s};
  auto st = storage::open_database(
      cfg.database,
      {.max_batch_weight = cfg.write_batch_weight,
       .cache_mib = cfg.sqlite_cache_mib,
       .mmap_mib = cfg.sqlite_mmap_mib,
       .checkpoint_mib = cfg.sqlite_checkpoint_mib,
       .wal_limit_mib = cfg.sqlite_wal_limit_mib,
       .outbox_lease = lease,
       .counters_flush_numbers = cfg.sqlite_counters_flush_numbers},
      {.max_batch_weight = cfg.write_batch_weight,
       .outbox_lease = lease,
       .failover_wait = std::chrono::seconds(cfg.pg_failover_wait_s)});
  if (!st) {
    spdlog::error("cannot open database {}: {}", where, st.error().message);
    return nullptr;
  }
  auto applied = (*st)->migrate();
  if (!applied) {
    spdlog::error("cannot migrate database {}: {}", where, applied.error().message);
    return nullptr;
  }
  if (*applied > 0) spdlog::info("applied {} schema migration(s) to {}", *applied, where);
  return std::move(*st);
}

// SP4N-LAPOR!'s adapter (channels/lapor/adapter.hpp) when lapor_token is set, else null.
std::shared_ptr<channels::lapor::adapter> lapor_adapter_of(const config& cfg) {
  if (cfg.lapor_token.empty()) return nullptr;
  channels::http_client_options http;
  http.body_limit = 4 * 1024 * 1024;  // a page of 100 complaints of up to 20 000 bytes each
  http.timeout = std::chrono::seconds{30};
  http.user_agent = "Siaga112-lapor/1";
  return channels::lapor::make_http_adapter({cfg.lapor_base_url, cfg.lapor_token, std::chrono::seconds{cfg.lapor_poll_s},
                                             cfg.lapor_category},
                                            http);
}

// The reporters' channels' settings from the config.
channels::reply_config replies_of(const config& cfg, std::shared_ptr<channels::lapor::adapter> lapor_api = nullptr) {
  channels::reply_config r;
  r.whatsapp = {cfg.whatsapp_verify_token, cfg.whatsapp_app_secret, cfg.whatsapp_access_token,
                cfg.whatsapp_phone_number_id, cfg.whatsapp_graph_base};
  r.telegram = {cfg.telegram_bot_token, cfg.telegram_api_base};
  r.sms = {cfg.sms_secret, cfg.sms_send_url};
  r.lapor_api = std::move(lapor_api);
  return r;
}

// The outbox delivery worker's settings from the config.
channels::delivery_options delivery_options_of(const config& cfg,
                                               std::shared_ptr<channels::lapor::adapter> lapor_api) {
  channels::delivery_options o;
  o.retry = {std::chrono::milliseconds{cfg.notify_backoff_ms}, std::chrono::milliseconds{cfg.notify_backoff_cap_ms},
             cfg.notify_max_attempts};
  o.telegram = {cfg.telegram_bot_token, cfg.telegram_api_base};
  o.replies = replies_of(cfg, std::move(lapor_api));
  o.poll = std::chrono::milliseconds{cfg.notify_poll_ms};
  return o;
}

// Every open connection, WebSocket clients above all, holds a file descriptor, and the usual
// soft limit of 1024 would refuse clients somewhere short of a thousand. The server waits with
// epoll, never select, so it may use the whole hard limit. Returns the soft limit in force
// (0 when it cannot be read).
std::size_t raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur >= lim.rlim_max) return static_cast<std::size_t>(lim.rlim_cur);
  auto was = lim.rlim_cur;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    spdlog::warn("cannot raise the open file limit from {} to {}", was, lim.rlim_max);
    return static_cast<std::size_t>(was);
  }
  spdlog::debug("open file limit raised from {} to {}", was, lim.rlim_max);
  return static_cast<std::size_t>(lim.rlim_max);
}

// Descriptors kept beside the connections: the database and its WAL, the web root's files,
// outgoing notifications, the listening socket, logs.
constexpr std::size_t descriptors_besides_connections = 64;

// The connection limits of cfg, max_connections lowered under the open-file limit so that the
// server refuses connections itself before accept() fails with "too many open files" (when
// nothing can be answered, not even a signed-in console). The reserve keeps its share.
void set_connection_limits(net::server_options& opts, const config& cfg, std::size_t open_file_limit) {
  opts.max_connections = static_cast<std::size_t>(cfg.max_connections);
  opts.reserved_connections = static_cast<std::size_t>(cfg.reserved_connections);
  if (open_file_limit > descriptors_besides_connections * 2 &&
      opts.max_connections > open_file_limit - descriptors_besides_connections) {
    auto capped = open_file_limit - descriptors_besides_connections;
    opts.reserved_connections = opts.reserved_connections * capped / opts.max_connections;
    spdlog::warn("max_connections {} lowered to {} under the open-file limit {} ({} reserved for signed-in consoles)",
                 opts.max_connections, capped, open_file_limit, opts.reserved_connections);
    opts.max_connections = capped;
  }
  opts.max_connections_per_address = static_cast<std::size_t>(cfg.max_connections_per_address);
  opts.first_byte_timeout = std::chrono::milliseconds{cfg.first_byte_timeout_ms};
}

}  // namespace

int run_migrate(const config& cfg) {
  auto st = open_store(cfg);
  if (!st) return 1;
  st->close();
  return 0;
}

int run_seed_demo(const config& cfg) {
  auto st = open_store(cfg);
  if (!st) return 1;
  core::secure_random rnd;
  auto seeded_at = core::system_clock{}.now();
  auto summary = seed_demo(*st, rnd, seeded_at);
  // A week of 112 calls (issue 5) goes in after the city, in its own command.
  std::optional<core::result<seeded_calls>> calls;
  if (summary && !summary->already_seeded) calls = seed_demo_calls(*st, summary->jurisdiction_id, rnd, seeded_at);
  st->close();
  if (calls && !*calls) {
    spdlog::error("seeding the demo calls failed: {}", calls->error().message);
    return 1;
  }
  if (!summary) {
    spdlog::error("seeding the demo city failed: {}", summary.error().message);
    return 1;
  }
  if (summary->already_seeded) {
    std::cout << "Kota Ambon (81.71) sudah ada di " << storage::printable_location(cfg.database)
              << "; tidak ada yang diubah.\n";
  } else {
    std::cout << "Kota Ambon (81.71) dibuat di " << storage::printable_location(cfg.database) << ": "
              << summary->reports << " laporan, "
              << summary->incidents << " insiden.\n";
    if (calls) std::cout << (*calls)->calls << " panggilan 112 seminggu terakhir (112 calls of the past week).\n";
  }
  std::cout << "Akun demo (demo logins):\n";
  for (const auto& l : summary->logins) {
    std::cout << "  " << l.role << ": " << l.username << " / " << l.password << "  (" << l.display_name << ")\n";
  }
  return 0;
}

int run_serve(const config& cfg) {
  const auto open_file_limit = raise_open_file_limit();
  auto st = open_store(cfg);
  if (!st) return 1;

  asio::io_context io{cfg.threads};
  asio::thread_pool blocking{1};
  // One thread for the exports: they queue behind each other, never behind or before sign-ins.
  asio::thread_pool exports{1};
  core::offset_clock clock{std::chrono::seconds{cfg.clock_offset_s}};
  if (cfg.clock_offset_s != 0) {
    spdlog::warn("the clock runs {} s off the system's (--clock-offset-s): for drills and tests only", cfg.clock_offset_s);
  }
  core::secure_random random;
  core::id_generator ids{random};
  // Delivers the notification outbox (channels/delivery_worker.hpp): started once the server
  // listens, nudged by the commit listener when a command may have enqueued a row.
  auto lapor_api = lapor_adapter_of(cfg);
  channels::delivery_worker notifier{io, *st, clock, ids, random, delivery_options_of(cfg, lapor_api)};
  // The SP4N-LAPOR! import (channels/lapor/importer.hpp), started with the server when
  // lapor_token is set; its follow-ups go out through the outbox like the replies.
  std::unique_ptr<channels::lapor::importer> lapor_import;
  if (lapor_api) {
    lapor_import = std::make_unique<channels::lapor::importer>(
        io, *st, clock, ids, random, lapor_api,
        channels::lapor::importer_options{cfg.channel_jurisdiction, cfg.lapor_category,
                                          std::chrono::seconds{cfg.lapor_poll_s},
                                          std::min<std::chrono::milliseconds>(
                                              std::chrono::seconds{cfg.lapor_max_backoff_s},
                                              std::chrono::seconds{16 * std::int64_t{cfg.lapor_poll_s}})});
  }
  // The realtime stream: every durable batch of events goes to the hub, which fans it out to
  // the WebSocket clients (api/stream.hpp). Declared after io, so destroyed before it.
  api::stream_hub hub{*st, clock, io.get_executor(), cfg.stream_queue_limit};
  if (auto started = hub.start(); !started) {
    spdlog::error("cannot read the event log of {}: {}", storage::printable_location(cfg.database),
                  started.error().message);
    st->close();
    return 1;
  }
  st->set_commit_listener([&hub, &notifier](const storage::committed_events& events) {
    notifier.on_commit(*events);
    hub.publish(events);
  });
  const std::chrono::minutes callback_expiry = std::chrono::hours{cfg.callback_expiry_hours};
  api::api_deps deps{
      *st,    clock,    ids,
      random, blocking, api::api_options{std::chrono::hours{cfg.session_hours}, cfg.secure_cookie, callback_expiry},
      &hub};
  deps.exports = &exports;
  // The user-changed signal reaches the other nodes on the same database too (a disabled
  // user's streams close and its tokens are forgotten everywhere); on SQLite it stays local.
  auto user_changes = std::make_shared<services::store_user_signal>(*st);
  deps.user_changes = user_changes;
  deps.options.public_report_burst = cfg.public_report_burst;
  deps.options.public_reports_per_hour = cfg.public_reports_per_hour;
  deps.options.track_burst = cfg.track_burst;
  deps.options.tracks_per_minute = cfg.tracks_per_minute;
  deps.options.max_new_reports = cfg.max_new_reports_per_reporter;
  net::router routes;
  api::add_routes(routes, deps);
  // The messaging channels' webhooks (channels/messaging.hpp); a queued reply nudges the worker.
  channels::messaging_options messaging{replies_of(cfg), cfg.telegram_webhook_secret, cfg.channel_jurisdiction,
                                        cfg.public_url, {}};
  messaging.max_new_reports = cfg.max_new_reports_per_reporter;
  messaging.handover_secret = cfg.handover_secret;
  messaging.sender_messages_per_minute = cfg.channel_messages_per_minute_per_sender;
  messaging.channel_messages_per_minute = cfg.channel_messages_per_minute;
  messaging.http.body_limit = 3 * 1024 * 1024;  // a photo (2 MiB at most) and its headers
  messaging.http.user_agent = "Siaga112-channels/1";
  channels::messaging_deps channel_deps{deps, std::move(messaging), channels::make_tls_client_context(),
                                        [&notifier] { notifier.nudge(); }};
  channels::add_messaging_routes(routes, channel_deps);
  // Open311 GeoReport v2 (channels/open311/): the same jurisdiction as the messaging channels.
  channels::open311_deps open311_deps{deps, {cfg.channel_jurisdiction, cfg.public_url, cfg.open311_requests_per_minute}};
  channels::add_open311_routes(routes, open311_deps);

  net::server_options opts;
  opts.address = cfg.address;
  opts.port = cfg.port;
  opts.body_limit = cfg.body_limit;
  opts.static_root = cfg.web_root;
  opts.websocket_queue_messages = cfg.stream_queue_limit;
  opts.websocket_idle_timeout = std::chrono::seconds{cfg.stream_idle_timeout_s};
  opts.trusted_origins = cfg.trusted_origins;
  set_connection_limits(opts, cfg, open_file_limit);
  opts.signed_in = [&deps](const net::request& req) { return api::is_signed_in(deps, req); };
  if (!opts.static_root.empty() && !std::filesystem::is_directory(opts.static_root)) {
    spdlog::warn("web root {} does not exist; only the API is served", opts.static_root);
    opts.static_root.clear();
  }
  net::http_server server{io, opts, routes};
  std::string err;
  if (!server.listen(err)) {
    spdlog::error("cannot listen on {}:{}: {}", cfg.address, cfg.port, err);
    st->close();
    return 1;
  }
  // Registered before the port file says the server is up: a SIGTERM right after it (a test, a
  // supervisor stopping a service that just started) is queued for the handler below instead of
  // killing the process with its default action.
  asio::signal_set signals{io, SIGINT, SIGTERM};
  if (!cfg.port_file.empty()) {
    std::ofstream(cfg.port_file) << server.port() << "\n";
  }
  spdlog::info("Siaga 112 siap di http://{}:{}/ (database {})", cfg.address, server.port(),
               storage::printable_location(cfg.database));
  notifier.start();
  if (lapor_import) {
    lapor_import->start();
    spdlog::info("SP4N-LAPOR!: impor setiap {} s dari {}", cfg.lapor_poll_s, cfg.lapor_base_url);
  }

  // Callback tasks nobody took leave the queue once they expire: checked every minute, as one
  // write command on the store's writer (services/callbacks.hpp).
  asio::steady_timer expiry_timer{io};
  repeat_write(expiry_timer, *st, std::chrono::minutes{1}, "callback expiry", [&](storage::store_txn& tx) -> core::result<void> {
    services::context ctx{clock, ids, random, callback_expiry};
    auto n = services::expire_all_callbacks(tx, ctx);
    if (!n) return n.error();
    if (*n > 0) spdlog::info("{} callback task(s) expired", *n);
    return {};
  });

  // The SLA monitor (services/sla_service.hpp): every sla_check_ms each jurisdiction's clocks are
  // looked at through a reader on a thread of its own, and only the incidents whose alerts change
  // go to the writer, as one write command (an alert is raised once whatever the timing).
  asio::steady_timer sla_timer{io};
  asio::thread_pool sla_looks{1};
  std::function<void()> arm_sla_check = [&] {
    sla_timer.expires_after(std::chrono::milliseconds{cfg.sla_check_ms});
    sla_timer.async_wait([&](const boost::system::error_code& e) {
      if (e) return;
      asio::post(sla_looks, [&] {
        check_sla(*st, clock, ids, random, callback_expiry);
        asio::post(io, arm_sla_check);
      });
    });
  };
  arm_sla_check();

  // Expired sessions leave the table every session_purge_s (services/auth_service.hpp), so
  // that it holds only live ones and a copied database holds no stale tokens; Idempotency-Keys
  // older than a day go with them (services/idempotency.hpp).
  asio::steady_timer purge_timer{io};
  repeat_write(purge_timer, *st, std::chrono::seconds{cfg.session_purge_s}, "session purge",
               [&](storage::store_txn& tx) -> core::result<void> {
                 services::context ctx{clock, ids, random, callback_expiry};
                 SIAGA_TRY(n, services::purge_expired_sessions(tx, ctx));
                 if (n > 0) spdlog::info("{} expired session(s) purged", n);
                 SIAGA_TRY(keys, services::purge_idempotency_keys(tx, ctx));
                 if (keys > 0) spdlog::info("{} Idempotency-Key(s) older than a day purged", keys);
                 return {};
               });

  // Retention (services/privacy.hpp): personal data older than the configured periods is
  // erased every retention_check_s, each jurisdiction as part of one write command.
  asio::steady_timer retention_timer{io};
  const services::retention_policy retention{cfg.retention_reporter_contacts_days, cfg.retention_caller_numbers_days,
                                             cfg.retention_photos_days, cfg.retention_location_fixes_days};
  if (retention.enabled()) {
    repeat_write(retention_timer, *st, std::chrono::seconds{cfg.retention_check_s}, "retention",
                 [&, retention](storage::store_txn& tx) -> core::result<void> {
                   services::context ctx{clock, ids, random, callback_expiry};
                   SIAGA_TRY(all, tx.list_jurisdictions());
                   for (const auto& j : all) {
                     SIAGA_TRY(n, services::apply_retention(tx, ctx, j.id, retention));
                     if (n.any()) {
                       spdlog::info(
                           "{}: retention erased {} reporter contact(s), {} caller number(s), {} "
                           "photo(s), {} notification payload(s), {} channel contact(s), {} Open311 "
                           "contact(s), {} event(s); coarsened {} location fix(es)",
                           j.code, n.reporter_contacts, n.caller_numbers, n.photos, n.notifications, n.channel_contacts,
                           n.open311_contacts, n.events, n.location_fixes);
                     }
                   }
                   return {};
                 });
  }

  // On SIGINT/SIGTERM: stop accepting, let requests in flight finish and close WebSockets
  // with a reason, cancel the LAPOR! import's request in flight (polling until no connection is
  // left and the import has ended, at most a grace period), then stop
  // the loop and close the store, which drains its writer.
  asio::steady_timer poll{io};
  auto deadline = std::chrono::steady_clock::time_point::max();
  std::function<void()> wait_drained = [&] {
    bool drained = server.connections() == 0 && (!lapor_import || lapor_import->finished());
    if (drained || std::chrono::steady_clock::now() >= deadline) {
      io.stop();
      return;
    }
    poll.expires_after(std::chrono::milliseconds{20});
    poll.async_wait([&](const boost::system::error_code& e) {
      if (!e) wait_drained();
    });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {} received: stopping", sig);
    server.stop();
    notifier.stop();
    if (lapor_import) lapor_import->stop();
    expiry_timer.cancel();
    sla_timer.cancel();
    purge_timer.cancel();
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    wait_drained();
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < cfg.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  blocking.join();
  sla_looks.join();
  st->set_commit_listener(nullptr);
  user_changes->detach();
  st->close();
  spdlog::info("stopped");
  return 0;
}

}  // namespace siaga::app
