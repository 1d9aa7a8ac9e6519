#include "domain/notification.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <set>

namespace siaga::domain {
namespace {

using std::chrono::milliseconds;

agency_endpoint webhook(std::string url, std::string secret = "0123456789abcdef") {
  agency_endpoint e;
  e.kind = endpoint_kind::webhook;
  e.url = std::move(url);
  e.secret = std::move(secret);
  return e;
}

agency_endpoint telegram(std::string chat_id) {
  agency_endpoint e;
  e.kind = endpoint_kind::telegram;
  e.chat_id = std::move(chat_id);
  return e;
}

std::string code_of(const core::result<void>& r) { return r ? "ok" : std::string(core::to_string(r.error().code)); }

TEST(notification, webhook_endpoints_need_an_http_url_and_a_secret) {
  EXPECT_EQ(code_of(check_endpoint(webhook("https://damkar.ambon.go.id/hooks/112"))), "ok");
  EXPECT_EQ(code_of(check_endpoint(webhook("http://127.0.0.1:8080/in?x=1"))), "ok");
  EXPECT_EQ(code_of(check_endpoint(webhook("http://[::1]:9000/"))), "ok");
  EXPECT_EQ(code_of(check_endpoint(webhook("ftp://damkar.example/"))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook("damkar.example/hook"))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook("https://user:pw@damkar.example/"))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook("https://damkar.example/a b"))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook(""))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook("https://x.example/" + std::string(2000, 'a')))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook("https://damkar.example/", ""))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(webhook("https://damkar.example/", "short"))), "invalid_input");
  auto with_chat = webhook("https://damkar.example/");
  with_chat.chat_id = "12345";
  EXPECT_EQ(code_of(check_endpoint(with_chat)), "invalid_input");
  auto msg = check_endpoint(webhook("https://damkar.example/", "")).error().message;
  EXPECT_NE(msg.find("secret"), std::string::npos) << msg;
}

TEST(notification, telegram_endpoints_need_a_chat_id_and_nothing_else) {
  EXPECT_EQ(code_of(check_endpoint(telegram("-1001234567890"))), "ok");
  EXPECT_EQ(code_of(check_endpoint(telegram("987654321"))), "ok");
  EXPECT_EQ(code_of(check_endpoint(telegram("@damkar_ambon"))), "ok");
  EXPECT_EQ(code_of(check_endpoint(telegram(""))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(telegram("damkar ambon"))), "invalid_input");
  EXPECT_EQ(code_of(check_endpoint(telegram("@ab"))), "invalid_input");
  auto with_url = telegram("12345");
  with_url.url = "https://api.telegram.org/";
  EXPECT_EQ(code_of(check_endpoint(with_url)), "invalid_input");
  auto with_secret = telegram("12345");
  with_secret.secret = "0123456789abcdef";
  EXPECT_EQ(code_of(check_endpoint(with_secret)), "invalid_input");
}

TEST(notification, retry_delay_doubles_from_the_base_up_to_the_cap_scaled_by_jitter) {
  retry_policy p{milliseconds{1000}, milliseconds{10000}, 8};
  // Just under 1 shows the ceiling of each attempt (floor of ceiling * 0.999...).
  const double top = 0.9999999;
  EXPECT_EQ(retry_delay(p, 1, top), milliseconds{999});
  EXPECT_EQ(retry_delay(p, 2, top), milliseconds{1999});
  EXPECT_EQ(retry_delay(p, 3, top), milliseconds{3999});
  EXPECT_EQ(retry_delay(p, 4, top), milliseconds{7999});
  EXPECT_EQ(retry_delay(p, 5, top), milliseconds{9999}) << "capped";
  EXPECT_EQ(retry_delay(p, 60, top), milliseconds{9999}) << "no overflow far past the cap";
  EXPECT_EQ(retry_delay(p, 3, 0.5), milliseconds{2000});
  EXPECT_EQ(retry_delay(p, 3, 0.0), milliseconds{0}) << "full jitter reaches down to zero";
  EXPECT_EQ(retry_delay(p, 3, 1.0), milliseconds{3999}) << "1 is clamped below 1";
  EXPECT_EQ(retry_delay(p, 3, -2.0), milliseconds{0});
  EXPECT_EQ(retry_delay(p, 0, 0.5), milliseconds{500}) << "below 1 counts as the first attempt";
}

TEST(notification, unit_interval_covers_zero_to_just_below_one) {
  EXPECT_EQ(unit_interval(0), 0.0);
  EXPECT_LT(unit_interval(~std::uint64_t{0}), 1.0);
  EXPECT_GT(unit_interval(~std::uint64_t{0}), 0.999999);
  EXPECT_DOUBLE_EQ(unit_interval(std::uint64_t{1} << 63), 0.5);
}

TEST(notification, hmac_sha256_matches_rfc_4231_test_case_2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(notification, webhook_signature_signs_timestamp_dot_body) {
  // Computed independently: python3 hmac.new(secret, b'1795000000.{"id":"n1"}', sha256).
  EXPECT_EQ(webhook_signature("siaga-test-secret-0123", 1795000000, R"({"id":"n1"})"),
            "sha256=8fdabca6a722807197bed6d0ccebcec587a69b4cc64f411beed418e0dfbdd9d2");
}

TEST(notification, a_receiver_verifies_the_signature_and_refuses_stale_or_altered_deliveries) {
  const std::string secret = "siaga-test-secret-0123";
  const std::string body = R"({"id":"n1","event":"dispatch.notified"})";
  auto sig = webhook_signature(secret, 1795000000, body);
  EXPECT_TRUE(verify_webhook_signature(secret, "1795000000", body, sig, 1795000100));
  EXPECT_FALSE(verify_webhook_signature("another-secret-0000", "1795000000", body, sig, 1795000100));
  EXPECT_FALSE(verify_webhook_signature(secret, "1795000000", body + " ", sig, 1795000100));
  EXPECT_FALSE(verify_webhook_signature(secret, "1795000001", body, sig, 1795000100)) << "timestamp is signed";
  EXPECT_FALSE(verify_webhook_signature(secret, "1795000000", body, sig, 1795000000 + 301)) << "replayed too late";
  EXPECT_FALSE(verify_webhook_signature(secret, "1795000000", body, sig, 1795000000 - 301)) << "from the future";
  EXPECT_FALSE(verify_webhook_signature(secret, "17950x0000", body, sig, 1795000000));
  EXPECT_FALSE(verify_webhook_signature(secret, "", body, sig, 1795000000));
}

TEST(notification, webhook_headers_carry_the_row_id_as_idempotency_key) {
  notification n;
  n.id = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000";
  n.event_kind = "dispatch.notified";
  n.payload_json = R"({"id":"x"})";
  auto headers = webhook_headers(n, "siaga-test-secret-0123", 1795000000);
  std::map<std::string, std::string> h(headers.begin(), headers.end());
  EXPECT_EQ(h["Idempotency-Key"], n.id);
  EXPECT_EQ(h["X-Siaga-Delivery"], n.id);
  EXPECT_EQ(h["X-Siaga-Timestamp"], "1795000000");
  EXPECT_EQ(h["X-Siaga-Event"], "dispatch.notified");
  EXPECT_EQ(h["X-Siaga-Signature"], webhook_signature("siaga-test-secret-0123", 1795000000, n.payload_json));
  auto later = webhook_headers(n, "siaga-test-secret-0123", 1795000060);
  std::map<std::string, std::string> h2(later.begin(), later.end());
  EXPECT_EQ(h2["Idempotency-Key"], n.id) << "the same key on every attempt";
  EXPECT_NE(h2["X-Siaga-Signature"], h["X-Siaga-Signature"]) << "a fresh timestamp, a fresh signature";
}

dispatch_notice fire_notice() {
  dispatch_notice n;
  n.event_kind = "dispatch.notified";
  n.jurisdiction_code = "81.71";
  n.dispatch_id = "d1";
  n.role = dispatch_role::primary;
  n.agency_id = "a1";
  n.agency_code = "DAMKAR";
  n.agency_name = "Dinas Pemadam Kebakaran";
  n.incident_id = "i1";
  n.incident_number = "AMB-261118-0007";
  n.category_code = "fire";
  n.category_name = "Kebakaran";
  n.urgency_class = urgency::emergency;
  n.summary = "Kebakaran rumah dekat pasar";
  n.address = "Jl. Sultan Hairun";
  n.location = geo_point{-3.6958, 128.182};
  n.contact_name = "Ibu Maria";
  n.contact_phone = "+6281234567890";
  n.at = core::from_micros(1'795'000'000'000'000);
  n.utc_offset_minutes = 540;
  return n;
}

TEST(notification, the_text_of_a_dispatch_is_indonesian_with_map_link_and_local_time) {
  auto n = fire_notice();
  n.share_contact = false;
  EXPECT_EQ(notice_text(n),
            "PENUGASAN 112: AMB-261118-0007\n"
            "Kategori: Kebakaran (gawat darurat)\n"
            "Instansi: Dinas Pemadam Kebakaran (utama)\n"
            "Ringkasan: Kebakaran rumah dekat pasar\n"
            "Alamat: Jl. Sultan Hairun\n"
            "Peta: https://www.google.com/maps/search/?api=1&query=-3.695800,128.182000\n"
            "Waktu: 18/11/2026 20:06 WIT\n"
            "Mohon segera konfirmasi di konsol Siaga 112.");
}

TEST(notification, contact_appears_only_when_shared_and_empty_lines_are_left_out) {
  auto n = fire_notice();
  n.share_contact = true;
  EXPECT_NE(notice_text(n).find("Pelapor: Ibu Maria, +6281234567890\n"), std::string::npos);
  n.share_contact = false;
  EXPECT_EQ(notice_text(n).find("6281234567890"), std::string::npos);
  EXPECT_EQ(notice_text(n).find("Maria"), std::string::npos);

  n.location.reset();
  n.address.clear();
  n.role = dispatch_role::supporting;
  n.utc_offset_minutes = 420;
  auto text = notice_text(n);
  EXPECT_EQ(text.find("Peta:"), std::string::npos);
  EXPECT_EQ(text.find("Alamat:"), std::string::npos);
  EXPECT_NE(text.find("(pendukung)"), std::string::npos);
  EXPECT_NE(text.find("18/11/2026 18:06 WIB"), std::string::npos) << text;
}

TEST(notification, a_cancellation_says_so_with_its_reason) {
  auto n = fire_notice();
  n.event_kind = "dispatch.cancelled";
  n.reason = "Laporan palsu";
  auto text = notice_text(n);
  EXPECT_EQ(text.rfind("PENUGASAN 112 DIBATALKAN: AMB-261118-0007\n", 0), 0u) << text;
  EXPECT_NE(text.find("Alasan: Laporan palsu\n"), std::string::npos);
}

TEST(notification, the_payload_is_json_with_the_delivery_id_and_contact_only_when_shared) {
  auto n = fire_notice();
  n.share_contact = false;
  auto v = boost::json::parse(notice_payload(n, "row-1")).as_object();
  EXPECT_EQ(v.at("id").as_string(), "row-1");
  EXPECT_EQ(v.at("event").as_string(), "dispatch.notified");
  EXPECT_EQ(v.at("occurred_at").as_string(), "2026-11-18T11:06:40Z");
  EXPECT_EQ(v.at("incident").at("number").as_string(), "AMB-261118-0007");
  EXPECT_DOUBLE_EQ(v.at("incident").at("location").at("lat").as_double(), -3.6958);
  EXPECT_EQ(v.at("agency").at("code").as_string(), "DAMKAR");
  EXPECT_EQ(v.at("text").as_string(), notice_text(n));
  EXPECT_FALSE(v.contains("contact"));
  EXPECT_FALSE(v.contains("reason"));

  n.share_contact = true;
  n.location.reset();
  v = boost::json::parse(notice_payload(n, "row-1")).as_object();
  EXPECT_EQ(v.at("contact").at("phone").as_string(), "+6281234567890");
  EXPECT_TRUE(v.at("incident").at("location").is_null());
  EXPECT_TRUE(v.at("incident").at("maps_url").is_null());
}

TEST(notification, a_notice_without_its_contact_keeps_everything_else_and_an_erased_payload_is_told_apart) {
  auto n = fire_notice();
  n.share_contact = true;
  const auto full = notice_payload(n, "row-1");
  auto stripped = without_contact(full);
  EXPECT_EQ(stripped.find("6281234567890"), std::string::npos) << stripped;
  EXPECT_EQ(stripped.find("Ibu Maria"), std::string::npos) << stripped;
  auto v = boost::json::parse(stripped).as_object();
  EXPECT_TRUE(v.at("contact_erased").as_bool());
  EXPECT_EQ(v.at("contact").at("phone").as_string(), "");
  EXPECT_EQ(v.at("incident").at("summary").as_string(), "Kebakaran rumah dekat pasar");
  auto text = std::string(v.at("text").as_string());
  EXPECT_NE(text.find("\nPelapor: (dihapus atas permintaan pelapor)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Alamat: Jl. Sultan Hairun\n"), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("Mohon segera konfirmasi di konsol Siaga 112.")) << text;
  // Nothing to strip: unchanged, even when it is not JSON.
  n.share_contact = false;
  const auto plain = notice_payload(n, "row-2");
  EXPECT_EQ(without_contact(plain), plain);
  EXPECT_EQ(without_contact("not json"), "not json");

  auto erased = erased_notification_payload(n.at);
  EXPECT_EQ(erased, R"({"erased":true,"erased_at":"2026-11-18T11:06:40Z"})");
  EXPECT_TRUE(is_erased_notification_payload(erased));
  EXPECT_FALSE(is_erased_notification_payload(full));
  EXPECT_FALSE(is_erased_notification_payload(R"({"erased":"yes"})"));
  EXPECT_FALSE(is_erased_notification_payload("["));
}

TEST(notification, telegram_body_has_chat_text_and_no_preview) {
  auto v = boost::json::parse(telegram_message_body("-100123", "Halo \"112\"\nbaris dua")).as_object();
  EXPECT_EQ(v.at("chat_id").as_string(), "-100123");
  EXPECT_EQ(v.at("text").as_string(), "Halo \"112\"\nbaris dua");
  EXPECT_EQ(v.at("disable_web_page_preview").as_bool(), true);
}

TEST(notification, zone_abbreviations) {
  EXPECT_EQ(zone_abbreviation(420), "WIB");
  EXPECT_EQ(zone_abbreviation(480), "WITA");
  EXPECT_EQ(zone_abbreviation(540), "WIT");
  EXPECT_EQ(zone_abbreviation(0), "UTC+00:00");
  EXPECT_EQ(zone_abbreviation(-150), "UTC-02:30");
}

}  // namespace
}  // namespace siaga::domain
