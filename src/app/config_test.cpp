#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

namespace siaga::app {
namespace {

std::string temp_file(const std::string& content) {
  char name[] = "/tmp/siaga-config-XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << content;
  return name;
}

TEST(config, defaults_when_nothing_is_given) {
  auto c = load_config("", {}, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->address, "127.0.0.1");
  EXPECT_EQ(c->port, 8112);
  EXPECT_EQ(c->threads, 2);
  EXPECT_FALSE(c->secure_cookie);
}

TEST(config, retention_periods_keep_for_ever_by_default_and_refuse_a_negative_or_huge_value) {
  auto c = load_config("", {}, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->retention_reporter_contacts_days, 0);
  EXPECT_EQ(c->retention_caller_numbers_days, 0);
  EXPECT_EQ(c->retention_check_s, 3600);
  auto set = load_config("", {{"SIAGA_RETENTION_CALLER_NUMBERS_DAYS", "90"}},
                         {"--retention-reporter-contacts-days", "365", "--retention-check-s", "60"});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->retention_reporter_contacts_days, 365);
  EXPECT_EQ(set->retention_caller_numbers_days, 90);
  EXPECT_EQ(set->retention_check_s, 60);
  EXPECT_EQ(c->retention_photos_days, 0);
  EXPECT_EQ(c->retention_location_fixes_days, 0);
  auto kinds = load_config("", {{"SIAGA_RETENTION_PHOTOS_DAYS", "180"}}, {"--retention-location-fixes-days", "30"});
  ASSERT_TRUE(kinds.has_value()) << kinds.error().message;
  EXPECT_EQ(kinds->retention_photos_days, 180);
  EXPECT_EQ(kinds->retention_location_fixes_days, 30);
  for (const char* flag : {"--retention-reporter-contacts-days", "--retention-caller-numbers-days",
                           "--retention-photos-days", "--retention-location-fixes-days"}) {
    for (const char* bad : {"-1", "36501", "tiga puluh"}) {
      auto refused = load_config("", {}, {flag, bad});
      ASSERT_FALSE(refused.has_value()) << flag << " " << bad;
      EXPECT_NE(refused.error().message.find(flag + 2), std::string::npos) << refused.error().message;
    }
  }
}

TEST(config, flags_win_over_environment_which_wins_over_file) {
  auto file = temp_file(R"({"port": 9000, "database": "from-file.db", "threads": 4, "secure_cookie": true})");
  auto c = load_config(file, {{"SIAGA_PORT", "9001"}, {"SIAGA_DATABASE", "from-env.db"}, {"HOME", "/root"}},
                       {"--port", "9002", "--log-level=debug"});
  std::remove(file.c_str());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->port, 9002);
  EXPECT_EQ(c->database, "from-env.db");
  EXPECT_EQ(c->threads, 4);
  EXPECT_TRUE(c->secure_cookie);
  EXPECT_EQ(c->log_level, "debug");
}

TEST(config, every_bad_value_is_named) {
  struct bad {
    std::map<std::string, std::string> env;
    std::vector<std::string> flags;
    std::string expect;
  };
  const bad cases[] = {
      {{}, {"--port", "70000"}, "port"},
      {{}, {"--port", "80x"}, "port"},
      {{{"SIAGA_PORT", "-1"}}, {}, "SIAGA_PORT"},
      {{}, {"--threads", "0"}, "threads"},
      {{}, {"--body-limit", "10"}, "body_limit"},
      {{}, {"--database", ":memory:"}, "database"},
      {{}, {"--log-level", "loud"}, "log_level"},
      {{}, {"--secure-cookie=maybe"}, "secure_cookie"},
      {{}, {"--colour", "red"}, "colour"},
      {{{"SIAGA_SPEED", "fast"}}, {}, "SIAGA_SPEED"},
      {{}, {"--port"}, "--port"},
      {{}, {"stray"}, "stray"},
      {{}, {"--trusted-origins", "112.kota.go.id"}, "trusted_origins"},
      {{}, {"--trusted-origins", "https://112.kota.go.id/lapor"}, "trusted_origins"},
  };
  for (const auto& b : cases) {
    auto c = load_config("", b.env, b.flags);
    ASSERT_FALSE(c.has_value()) << b.expect;
    EXPECT_EQ(c.error().code, core::errc::invalid_input);
    EXPECT_NE(c.error().message.find(b.expect), std::string::npos) << c.error().message;
  }
}

TEST(config, trusted_origins_are_a_comma_separated_list) {
  auto c = load_config("", {{"SIAGA_TRUSTED_ORIGINS", "https://112.ambon.go.id,http://10.0.0.5:8112"}}, {});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->trusted_origins, (std::vector<std::string>{"https://112.ambon.go.id", "http://10.0.0.5:8112"}));
  EXPECT_TRUE(load_config("", {}, {})->trusted_origins.empty());
}

TEST(config, notification_settings_have_defaults_and_ranges) {
  auto d = load_config("", {}, {});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->telegram_api_base, "https://api.telegram.org");
  EXPECT_TRUE(d->telegram_bot_token.empty());
  EXPECT_EQ(d->notify_max_attempts, 8);
  EXPECT_EQ(d->notify_backoff_ms, 2000);
  EXPECT_EQ(d->notify_backoff_cap_ms, 600000);

  auto c = load_config("", {{"SIAGA_TELEGRAM_BOT_TOKEN", "123:abc"}},
                       {"--telegram-api-base", "http://127.0.0.1:9000", "--notify-max-attempts", "3",
                        "--notify-backoff-ms", "50", "--notify-backoff-cap-ms", "400", "--notify-poll-ms", "100",
                        "--outbox-lease-s", "20", "--pg-failover-wait-s", "0"});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->telegram_bot_token, "123:abc");
  EXPECT_EQ(c->telegram_api_base, "http://127.0.0.1:9000");
  EXPECT_EQ(c->notify_max_attempts, 3);
  EXPECT_EQ(c->notify_backoff_ms, 50);
  EXPECT_EQ(c->notify_backoff_cap_ms, 400);
  EXPECT_EQ(c->notify_poll_ms, 100);
  EXPECT_EQ(c->outbox_lease_s, 20);
  EXPECT_EQ(d->outbox_lease_s, 60);
  EXPECT_EQ(c->pg_failover_wait_s, 0);
  EXPECT_EQ(d->pg_failover_wait_s, 15);

  for (auto flags : std::vector<std::vector<std::string>>{{"--notify-max-attempts", "0"},
                                                          {"--notify-backoff-ms", "0"},
                                                          {"--notify-poll-ms", "5"},
                                                          {"--outbox-lease-s", "10"},
                                                          {"--pg-failover-wait-s", "301"},
                                                          {"--telegram-api-base", "api.telegram.org"},
                                                          {"--telegram-bot-token", "12/34"}}) {
    auto bad = load_config("", {}, flags);
    ASSERT_FALSE(bad.has_value()) << flags[0];
    EXPECT_NE(bad.error().message.find(flags[0].substr(2, 8)), std::string::npos) << bad.error().message;
  }
}

TEST(config, stream_queue_limit_has_a_default_and_a_range) {
  auto defaults = load_config("", {}, {});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->stream_queue_limit, 1000u);
  auto small = load_config("", {{"SIAGA_STREAM_QUEUE_LIMIT", "16"}}, {"--stream-queue-limit", "8"});
  ASSERT_TRUE(small.has_value()) << small.error().message;
  EXPECT_EQ(small->stream_queue_limit, 8u);
  for (std::string bad : {"3", "0", "-5", "1000001", "many"}) {
    auto c = load_config("", {}, {"--stream-queue-limit", bad});
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_NE(c.error().message.find("stream_queue_limit"), std::string::npos) << c.error().message;
  }
}

TEST(config, stream_idle_timeout_has_a_default_and_a_range) {
  auto defaults = load_config("", {}, {});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->stream_idle_timeout_s, 60);
  auto env = load_config("", {{"SIAGA_STREAM_IDLE_TIMEOUT_S", "90"}}, {});
  ASSERT_TRUE(env.has_value()) << env.error().message;
  EXPECT_EQ(env->stream_idle_timeout_s, 90);
  auto flag = load_config("", {{"SIAGA_STREAM_IDLE_TIMEOUT_S", "90"}}, {"--stream-idle-timeout-s", "600"});
  ASSERT_TRUE(flag.has_value()) << flag.error().message;
  EXPECT_EQ(flag->stream_idle_timeout_s, 600);
  for (std::string bad : {"1", "0", "86401", "soon"}) {
    auto c = load_config("", {}, {"--stream-idle-timeout-s", bad});
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_NE(c.error().message.find("stream_idle_timeout_s"), std::string::npos) << c.error().message;
  }
}

TEST(config, connection_limits_have_defaults_ranges_and_a_reserve_below_the_limit) {
  auto defaults = load_config("", {}, {});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->max_connections, 10000);
  EXPECT_EQ(defaults->reserved_connections, 1000);
  EXPECT_EQ(defaults->max_connections_per_address, 256);
  EXPECT_EQ(defaults->first_byte_timeout_ms, 5000);
  auto set = load_config("", {{"SIAGA_MAX_CONNECTIONS_PER_ADDRESS", "20"}},
                         {"--max-connections", "60", "--reserved-connections", "20", "--first-byte-timeout-ms", "800"});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->max_connections, 60);
  EXPECT_EQ(set->reserved_connections, 20);
  EXPECT_EQ(set->max_connections_per_address, 20);
  EXPECT_EQ(set->first_byte_timeout_ms, 800);
  for (auto [flag, bad] : std::vector<std::pair<std::string, std::string>>{
           {"--max-connections", "15"}, {"--max-connections-per-address", "0"}, {"--first-byte-timeout-ms", "99"},
           {"--reserved-connections", "-1"}}) {
    auto c = load_config("", {}, {flag, bad});
    ASSERT_FALSE(c.has_value()) << flag << " " << bad;
  }
  auto all_reserved = load_config("", {}, {"--max-connections", "100", "--reserved-connections", "100"});
  ASSERT_FALSE(all_reserved.has_value());
  EXPECT_NE(all_reserved.error().message.find("reserved_connections"), std::string::npos);
}

TEST(config, the_sqlite_cache_and_memory_mapping_have_defaults_and_ranges) {
  auto defaults = load_config("", {}, {});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->sqlite_cache_mib, 64);
  EXPECT_EQ(defaults->sqlite_mmap_mib, 1024);
  auto set = load_config("", {{"SIAGA_SQLITE_MMAP_MIB", "0"}}, {"--sqlite-cache-mib", "256"});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->sqlite_cache_mib, 256);
  EXPECT_EQ(set->sqlite_mmap_mib, 0);
  for (auto [flag, bad] : std::vector<std::pair<std::string, std::string>>{
           {"--sqlite-cache-mib", "0"}, {"--sqlite-mmap-mib", "-1"}, {"--sqlite-cache-mib", "lots"}}) {
    auto c = load_config("", {}, {flag, bad});
    ASSERT_FALSE(c.has_value()) << flag << " " << bad;
    EXPECT_NE(c.error().message.find(flag.substr(2, 6)), std::string::npos) << c.error().message;
  }
}

TEST(config, the_wal_checkpoint_has_defaults_ranges_and_a_limit_above_it) {
  auto defaults = load_config("", {}, {});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->sqlite_checkpoint_mib, 4);
  EXPECT_EQ(defaults->sqlite_wal_limit_mib, 256);
  EXPECT_EQ(defaults->sqlite_counters_flush_numbers, 20'000);
  EXPECT_EQ(defaults->write_batch_weight, 2048);
  auto weighed = load_config("", {{"SIAGA_WRITE_BATCH_WEIGHT", "2000"}}, {});
  ASSERT_TRUE(weighed.has_value()) << weighed.error().message;
  EXPECT_EQ(weighed->write_batch_weight, 2000);
  auto set = load_config("", {{"SIAGA_SQLITE_CHECKPOINT_MIB", "64"}}, {"--sqlite-wal-limit-mib", "128"});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->sqlite_checkpoint_mib, 64);
  EXPECT_EQ(set->sqlite_wal_limit_mib, 128);
  auto each_call = load_config("", {{"SIAGA_SQLITE_COUNTERS_FLUSH_NUMBERS", "0"}}, {});
  ASSERT_TRUE(each_call.has_value()) << each_call.error().message;
  EXPECT_EQ(each_call->sqlite_counters_flush_numbers, 0);
  auto in_writer = load_config("", {}, {"--sqlite-checkpoint-mib", "0", "--sqlite-wal-limit-mib", "1"});
  ASSERT_TRUE(in_writer.has_value()) << in_writer.error().message;
  EXPECT_EQ(in_writer->sqlite_checkpoint_mib, 0);
  for (auto [flag, bad] : std::vector<std::pair<std::string, std::string>>{{"--sqlite-checkpoint-mib", "-1"},
                                                                          {"--sqlite-checkpoint-mib", "65537"},
                                                                          {"--sqlite-wal-limit-mib", "0"},
                                                                          {"--sqlite-wal-limit-mib", "often"},
                                                                          {"--sqlite-counters-flush-numbers", "-1"},
                                                                          {"--write-batch-weight", "0"},
                                                                          {"--write-batch-weight", "1000001"}}) {
    auto c = load_config("", {}, {flag, bad});
    ASSERT_FALSE(c.has_value()) << flag << " " << bad;
    EXPECT_NE(c.error().message.find(flag), std::string::npos) << c.error().message;
  }
  auto too_small = load_config("", {}, {"--sqlite-checkpoint-mib", "100", "--sqlite-wal-limit-mib", "199"});
  ASSERT_FALSE(too_small.has_value());
  EXPECT_NE(too_small.error().message.find("at least twice sqlite_checkpoint_mib"), std::string::npos)
      << too_small.error().message;
}

TEST(config, the_clock_offset_is_off_by_default_and_bounded) {
  auto defaults = load_config("", {}, {});
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->clock_offset_s, 0);
  auto back = load_config("", {{"SIAGA_CLOCK_OFFSET_S", "-8640000"}}, {});
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->clock_offset_s, -8'640'000);
  for (std::string bad : {"315360001", "-315360001", "later"}) {
    auto c = load_config("", {}, {"--clock-offset-s", bad});
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_NE(c.error().message.find("clock_offset_s"), std::string::npos) << c.error().message;
  }
}

TEST(config, bad_files_are_refused_with_their_path) {
  auto missing = load_config("/nonexistent/siaga.json", {}, {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("/nonexistent/siaga.json"), std::string::npos);

  auto broken = temp_file("{\"port\": ");
  auto b = load_config(broken, {}, {});
  std::remove(broken.c_str());
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().message.find("not valid JSON"), std::string::npos);

  auto typed = temp_file(R"({"port": [1]})");
  auto t = load_config(typed, {}, {});
  std::remove(typed.c_str());
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message.find("port"), std::string::npos);
}

}  // namespace
}  // namespace siaga::app

namespace siaga::app {
namespace {

TEST(config, the_messaging_channels_settings_are_checked_together) {
  auto ok = load_config("", {}, {"--whatsapp-app-secret", "s3cret", "--whatsapp-verify-token", "vt",
                                 "--whatsapp-access-token", "tok", "--whatsapp-phone-number-id", "106540352242922",
                                 "--sms-secret", "0123456789abcdef", "--sms-send-url", "http://127.0.0.1:9/sms"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->whatsapp_phone_number_id, "106540352242922");
  EXPECT_EQ(ok->whatsapp_graph_base, "https://graph.facebook.com/v21.0");
  auto alone = load_config("", {}, {"--whatsapp-app-secret", "s3cret"});
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("whatsapp_phone_number_id"), std::string::npos);
  EXPECT_FALSE(load_config("", {}, {"--sms-secret", "short"}));
  EXPECT_FALSE(load_config("", {}, {"--sms-secret", "0123456789abcdef"})) << "replies need sms_send_url";
  EXPECT_FALSE(load_config("", {}, {"--telegram-webhook-secret", "has space"}));
  EXPECT_FALSE(load_config("", {}, {"--telegram-webhook-secret", "abc"})) << "needs the bot token";
  EXPECT_FALSE(load_config("", {}, {"--whatsapp-phone-number-id", "12a"}));
  EXPECT_FALSE(load_config("", {}, {"--sms-send-url", "ftp://x"}));
  EXPECT_FALSE(load_config("", {}, {"--channel-jurisdiction", "Ambon"}));
}

}  // namespace
}  // namespace siaga::app

namespace siaga::app {
namespace {

TEST(config, the_lapor_settings_are_checked_and_the_import_is_off_without_a_token) {
  auto off = load_config("", {}, {});
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_TRUE(off->lapor_token.empty());
  EXPECT_EQ(off->lapor_poll_s, 300);
  auto ok = load_config("", {{"SIAGA_LAPOR_TOKEN", "lapor-token-0123"}},
                        {"--lapor-base-url", "https://lapor.example.go.id/api/v1", "--lapor-poll-s", "60",
                         "--lapor-category", "street_light"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->lapor_token, "lapor-token-0123");
  EXPECT_EQ(ok->lapor_poll_s, 60);
  EXPECT_EQ(ok->lapor_category, "street_light");
  auto alone = load_config("", {}, {"--lapor-token", "lapor-token-0123"});
  ASSERT_FALSE(alone) << "a token needs the base url";
  EXPECT_NE(alone.error().message.find("lapor_base_url"), std::string::npos);
  EXPECT_EQ(alone.error().message.find("lapor-token-0123"), std::string::npos) << "the token is never repeated";
  auto spaced = load_config("", {}, {"--lapor-token", "has space", "--lapor-base-url", "http://127.0.0.1:9"});
  ASSERT_FALSE(spaced);
  EXPECT_EQ(spaced.error().message.find("has space"), std::string::npos);
  EXPECT_FALSE(load_config("", {}, {"--lapor-base-url", "ftp://lapor"}));
  EXPECT_FALSE(load_config("", {}, {"--lapor-poll-s", "0"}));
  EXPECT_FALSE(load_config("", {}, {"--lapor-poll-s", "86401"}));
  EXPECT_EQ(off->lapor_max_backoff_s, 3600);
  auto quick = load_config("", {{"SIAGA_LAPOR_MAX_BACKOFF_S", "2"}}, {});
  ASSERT_TRUE(quick) << quick.error().message;
  EXPECT_EQ(quick->lapor_max_backoff_s, 2);
  EXPECT_FALSE(load_config("", {}, {"--lapor-max-backoff-s", "0"}));
  EXPECT_FALSE(load_config("", {}, {"--lapor-max-backoff-s", "86401"}));
  EXPECT_FALSE(load_config("", {}, {"--lapor-category", "lampu jalan"}));
}

}  // namespace
}  // namespace siaga::app
