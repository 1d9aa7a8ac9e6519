// Typed configuration of `siaga serve`, validated at start. Sources, later ones winning:
// built-in defaults, a JSON config file (--config), environment variables (SIAGA_*), and
// command-line flags.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace siaga::app {

struct config {
  std::string address = "127.0.0.1";     // SIAGA_ADDRESS, --address
  std::uint16_t port = 8112;             // SIAGA_PORT, --port (0: any free port)
  std::string database = "data/siaga.db";  // SIAGA_DATABASE, --database
  // SQLite's page cache per connection and memory-mapped size (storage::sqlite_options).
  int sqlite_cache_mib = 64;             // SIAGA_SQLITE_CACHE_MIB, --sqlite-cache-mib (1..65536)
  int sqlite_mmap_mib = 1024;            // SIAGA_SQLITE_MMAP_MIB, --sqlite-mmap-mib (0: off, ..1048576)
  // The WAL checkpoint (storage::sqlite_options): a checkpointer thread copies the WAL back each
  // time this many MiB were written to it (4, the default), and empties it when it holds
  // sqlite_wal_limit_mib (at least twice sqlite_checkpoint_mib); 0 is SQLite's auto-checkpoint in
  // the writer's commit every 4 MiB (a quarter slower to ingest a year into a large database).
  int sqlite_checkpoint_mib = 4;         // SIAGA_SQLITE_CHECKPOINT_MIB, --sqlite-checkpoint-mib (0..65536)
  int sqlite_wal_limit_mib = 256;        // SIAGA_SQLITE_WAL_LIMIT_MIB, --sqlite-wal-limit-mib (1..1048576)
  // The callers' counters held in the writer's memory and written every this many numbers (or
  // 5 s, and at stop); 0: written with each call (storage/sqlite/caller_counts_behind.hpp).
  int sqlite_counters_flush_numbers = 20'000;  // SIAGA_SQLITE_COUNTERS_FLUSH_NUMBERS, --sqlite-counters-flush-numbers
  // The records (a bridge batch's events) one transaction of large commands takes at most; on
  // SQLite a console's command arriving meanwhile cuts it after the command under way
  // (storage/group_writer.hpp).
  int write_batch_weight = 2048;         // SIAGA_WRITE_BATCH_WEIGHT, --write-batch-weight (1..1000000)
  std::string web_root = "web/dist";     // SIAGA_WEB_ROOT, --web-root ("" serves no files)
  int threads = 2;                       // SIAGA_THREADS, --threads (1..64)
  std::size_t body_limit = 1024 * 1024;  // SIAGA_BODY_LIMIT, --body-limit (bytes, 1 KiB..64 MiB)
  int session_hours = 12;                // SIAGA_SESSION_HOURS, --session-hours (1..720)
  bool secure_cookie = false;            // SIAGA_SECURE_COOKIE, --secure-cookie (true/false)
  std::string log_level = "info";        // SIAGA_LOG_LEVEL, --log-level (trace..off)
  std::string port_file;                 // SIAGA_PORT_FILE, --port-file: write the bound port here
  // Notifications to agencies (outbox delivery): the Telegram bot that sends to agency chats,
  // and the retry schedule: attempt n waits up to min(cap, backoff * 2^(n-1)) ms (full jitter);
  // after notify_max_attempts failed attempts a notification is dead until a supervisor retries.
  std::string telegram_bot_token;        // SIAGA_TELEGRAM_BOT_TOKEN ("" : telegram endpoints fail)
  std::string telegram_api_base = "https://api.telegram.org";  // SIAGA_TELEGRAM_API_BASE (http(s)://)
  int notify_max_attempts = 8;           // SIAGA_NOTIFY_MAX_ATTEMPTS (1..100)
  int notify_backoff_ms = 2000;          // SIAGA_NOTIFY_BACKOFF_MS (1..3600000)
  int notify_backoff_cap_ms = 600000;    // SIAGA_NOTIFY_BACKOFF_CAP_MS (1..86400000)
  int notify_poll_ms = 1000;             // SIAGA_NOTIFY_POLL_MS: longest idle wait of the worker (10..60000)
  // SIAGA_OUTBOX_LEASE_S (15..3600): how long a claimed notification stays the claimer's; after a
  // node died mid-delivery its rows are sent again (by any node) once their lease ends.
  int outbox_lease_s = 60;
  // SIAGA_PG_FAILOVER_WAIT_S, --pg-failover-wait-s (0..300): PostgreSQL only; how long the writer
  // keeps reconnecting after its connection was lost (a failover) before answering 503.
  int pg_failover_wait_s = 15;
  int sla_check_ms = 15000;              // SIAGA_SLA_CHECK_MS, --sla-check-ms: how often the SLA monitor
                                         // looks at the clocks (100..600000); an alert comes at most this late
  int session_purge_s = 600;             // SIAGA_SESSION_PURGE_S, --session-purge-s: how often expired
                                         // sessions are deleted (1..86400)
  // Retention (UU PDP, services/privacy.hpp), in days, 0 keeping for ever:
  int retention_reporter_contacts_days = 0;  // SIAGA_RETENTION_REPORTER_CONTACTS_DAYS (0..36500): reporters'
                                             // names and numbers of older reports are erased
  int retention_caller_numbers_days = 0;     // SIAGA_RETENTION_CALLER_NUMBERS_DAYS (0..36500): callers' numbers
                                             // of older calls, and the events about them, are erased
  int retention_photos_days = 0;             // SIAGA_RETENTION_PHOTOS_DAYS (0..36500): the bytes of older photos
                                             // are erased (their record and SHA-256 stay)
  int retention_location_fixes_days = 0;     // SIAGA_RETENTION_LOCATION_FIXES_DAYS (0..36500): older location
                                             // fixes are coarsened to about a village
  int retention_check_s = 3600;              // SIAGA_RETENTION_CHECK_S, --retention-check-s: how often the
                                             // retention job runs (1..86400)
  std::size_t stream_queue_limit = 1000;  // SIAGA_STREAM_QUEUE_LIMIT, --stream-queue-limit (messages
                                          // queued per stream client before it is dropped, 4..1000000)
  int callback_expiry_hours = 24;         // SIAGA_CALLBACK_EXPIRY_HOURS, --callback-expiry-hours: a callback task
                                          // nobody took this long after its number's last unanswered call
                                          // leaves the queue as expired (1..720)
  // SIAGA_TRUSTED_ORIGINS, --trusted-origins: comma-separated scheme://host[:port] whose pages may
  // write and open the stream besides the server's own Host (the public name behind a reverse
  // proxy that rewrites Host); cross-site writes are refused with 403 (net/browser_policy.hpp).
  std::vector<std::string> trusted_origins;
  // The public form's and tracking page's limits per client address (api_options): a burst,
  // then so many an hour or a minute; a burst of 0 turns a limit off.
  int public_report_burst = 5;            // SIAGA_PUBLIC_REPORT_BURST, --public-report-burst (0..10000)
  int public_reports_per_hour = 10;       // SIAGA_PUBLIC_REPORTS_PER_HOUR, --public-reports-per-hour
  // Abuse limits of the reporters' channels (issue 11 item 9, docs/channels.md): reports waiting
  // for triage per reporter (0: no cap), and inbound messages a minute per sender and per channel.
  int max_new_reports_per_reporter = 3;       // SIAGA_MAX_NEW_REPORTS_PER_REPORTER (0..1000)
  int channel_messages_per_minute_per_sender = 12;  // SIAGA_CHANNEL_MESSAGES_PER_MINUTE_PER_SENDER (1..100000)
  int channel_messages_per_minute = 1200;    // SIAGA_CHANNEL_MESSAGES_PER_MINUTE, per channel (1..10000000)
  int open311_requests_per_minute = 60;      // SIAGA_OPEN311_REQUESTS_PER_MINUTE, POSTs per api key (1..100000)
  int track_burst = 30;                   // SIAGA_TRACK_BURST, --track-burst (0..100000)
  int tracks_per_minute = 30;             // SIAGA_TRACKS_PER_MINUTE, --tracks-per-minute
  int stream_idle_timeout_s = 60;         // SIAGA_STREAM_IDLE_TIMEOUT_S, --stream-idle-timeout-s: a silent
                                          // stream client is pinged after half of it, dropped after it (2..86400)
  // The reporters' messaging channels (issue 11, docs/channels.md). A channel whose secret is
  // empty refuses every webhook post with 401.
  std::string whatsapp_verify_token;     // SIAGA_WHATSAPP_VERIFY_TOKEN: the handshake's hub.verify_token
  std::string whatsapp_app_secret;       // SIAGA_WHATSAPP_APP_SECRET: signs Meta's posts (X-Hub-Signature-256)
  std::string whatsapp_access_token;     // SIAGA_WHATSAPP_ACCESS_TOKEN: bearer of the Graph API calls
  std::string whatsapp_phone_number_id;  // SIAGA_WHATSAPP_PHONE_NUMBER_ID: the number that replies
  std::string whatsapp_graph_base = "https://graph.facebook.com/v21.0";  // SIAGA_WHATSAPP_GRAPH_BASE
  std::string telegram_webhook_secret;   // SIAGA_TELEGRAM_WEBHOOK_SECRET: setWebhook's secret_token (the bot
                                         // is telegram_bot_token)
  std::string sms_secret;                // SIAGA_SMS_SECRET: X-Siaga-SMS-Secret of the gateway (16+ characters)
  std::string sms_send_url;              // SIAGA_SMS_SEND_URL: where SMS replies are posted
  std::string handover_secret;           // SIAGA_HANDOVER_SECRET: signs the incidents neighbouring 112 centres
                                         // hand over (16+ characters; empty: refused)
  // SP4N-LAPOR! (issue 11 item 7, docs/channels.md): the import runs only with a token.
  std::string lapor_base_url;            // SIAGA_LAPOR_BASE_URL: the adapter's base url (required with a token)
  std::string lapor_token;               // SIAGA_LAPOR_TOKEN: bearer token (never logged)
  int lapor_poll_s = 300;                // SIAGA_LAPOR_POLL_S: seconds between imports (1..86400)
  int lapor_max_backoff_s = 3600;        // SIAGA_LAPOR_MAX_BACKOFF_S: longest wait after failed polls (1..86400)
  std::string lapor_category;            // SIAGA_LAPOR_CATEGORY: category code complaints land with ("" : chosen)
  std::string channel_jurisdiction;      // SIAGA_CHANNEL_JURISDICTION: Kemendagri code of the queue ("" : first)
  std::string public_url;                // SIAGA_PUBLIC_URL: https://112.kota.go.id, for tracking links in replies
  // Connections (net::server_options): all of them (capped below the open-file limit at start),
  // the last places kept for signed-in consoles, anonymous ones per client address, and how
  // soon a new connection must send its first byte.
  int max_connections = 10000;              // SIAGA_MAX_CONNECTIONS, --max-connections (16..1000000)
  int reserved_connections = 1000;          // SIAGA_RESERVED_CONNECTIONS, --reserved-connections (0..1000000)
  int max_connections_per_address = 256;    // SIAGA_MAX_CONNECTIONS_PER_ADDRESS (1..1000000)
  int first_byte_timeout_ms = 5000;         // SIAGA_FIRST_BYTE_TIMEOUT_MS, --first-byte-timeout-ms (100..600000)
  std::int64_t clock_offset_s = 0;        // SIAGA_CLOCK_OFFSET_S, --clock-offset-s: drills and tests only: the
                                          // server's clock runs this many seconds off the system's, so that
                                          // months of work can be entered through the API (within 10 years)
};

// Builds a config from its sources. file_path may be empty; env is the process environment
// as a map (injected so tests control it); flags are "--name value" or "--name=value" pairs.
// Fails with invalid_input naming the source and the key for every bad value: unknown keys,
// wrong types, out-of-range numbers, unreadable or malformed files.
core::result<config> load_config(const std::string& file_path, const std::map<std::string, std::string>& env,
                                 const std::vector<std::string>& flags);

// The process environment as a map.
std::map<std::string, std::string> process_environment();

}  // namespace siaga::app
