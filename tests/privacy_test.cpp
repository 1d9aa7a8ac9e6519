// Personal data by design (issue 12, UU PDP 27/2022) over the real server and CLI: revealing a
// reporter's contact is an audited event; the retention job and `siaga privacy erase` erase
// contacts, numbers and event payloads while `siaga audit verify` still passes. Numbers written
// in free text are in privacy_numbers_test.cpp.
#include "privacy_fixture.hpp"

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace privacy_fixture;

TEST(privacy, a_reveal_is_recorded_with_actor_and_report_and_refused_roles_record_nothing) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  http_client c{"127.0.0.1", server.port()};
  auto ct = c.login("calltaker", demo_password);
  auto sup = c.login("supervisor", demo_password);
  auto leader = c.login("walikota", demo_password);
  auto damkar = c.login("damkar", demo_password);
  auto ct_id = str(c.get("/api/v1/me", ct).json(), "id");
  auto id = create_report(c, ct, "Yohanis Latumahina", "0813-1111-2222");
  const auto reveals = [&] {
    return query_int(server.database(), "SELECT COUNT(*) FROM events WHERE kind = 'report.contact_revealed'");
  };

  // Refused: a leader (403) and an operator without a shared dispatch (404): nothing recorded.
  auto refused = c.post("/api/v1/reports/" + id + "/contact", json::object{}, leader);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(str(refused.json(), "error"), "forbidden");
  EXPECT_EQ(refused.body.find("1111"), std::string::npos);
  auto hidden = c.post("/api/v1/reports/" + id + "/contact", json::object{}, damkar);
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(c.post("/api/v1/reports/no-such-report/contact", json::object{}, ct).status, 404);
  auto with_body = c.post("/api/v1/reports/" + id + "/contact", json::object{{"why", "ingin tahu"}}, ct);
  EXPECT_EQ(with_body.status, 400) << with_body.body;
  EXPECT_EQ(reveals(), 0);

  auto shown = c.post("/api/v1/reports/" + id + "/contact", json::object{}, ct);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(str(shown.json(), "phone"), "+6281311112222");
  EXPECT_EQ(str(shown.json(), "name"), "Yohanis Latumahina");
  EXPECT_EQ(reveals(), 1);
  EXPECT_EQ(query_text(server.database(),
                       "SELECT actor_id || '|' || subject_id FROM events WHERE kind = 'report.contact_revealed'"),
            ct_id + "|" + id);
  // The event says who and which report, never the number itself.
  EXPECT_EQ(events_holding(server.database(), "+6281311112222"), 0);

  auto listed = c.get("/api/v1/audit/reveals", sup);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto& items = listed.json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(str(items[0], "report_id"), id);
  EXPECT_EQ(str(items[0], "actor_id"), ct_id);
  EXPECT_FALSE(str(items[0], "at").empty());
  EXPECT_EQ(c.get("/api/v1/audit/reveals", ct).status, 403);
  EXPECT_EQ(c.get("/api/v1/audit/reveals", leader).status, 403);
}

TEST(privacy, the_retention_job_erases_old_contacts_only_and_the_chain_still_verifies) {
  std::string dir;
  std::string old_id, new_id, stats_before;
  server_process seeded{true};
  dir = seeded.dir();
  ASSERT_EQ(seeded.stop(), 0);
  {
    // The old report is written 40 days in the past (the server's clock runs behind).
    auto past = server_process::reuse(dir, {"--clock-offset-s", std::to_string(-40 * 86400)});
    http_client c{"127.0.0.1", past.port()};
    old_id = create_report(c, c.login("calltaker", demo_password), "Pelapor Lama", "081200000001");
    ASSERT_EQ(past.stop(), 0);
  }
  {
    auto now = server_process::reuse(dir, {"--max-new-reports-per-reporter", "0"});
    http_client c{"127.0.0.1", now.port()};
    auto ct = c.login("calltaker", demo_password);
    new_id = create_report(c, ct, "Pelapor Baru", "081200000002");
    auto stats = c.get(stats_path(), c.login("walikota", demo_password));
    ASSERT_EQ(stats.status, 200) << stats.body;
    stats_before = stats.body;
    ASSERT_EQ(now.stop(), 0);
  }
  const auto db = database_of(dir);
  ASSERT_EQ(query_text(db, "SELECT reporter_phone FROM reports WHERE id = '" + old_id + "'"), "+6281200000001");
  {
    auto retained =
        server_process::reuse(dir, {"--retention-reporter-contacts-days", "30", "--retention-check-s", "1"});
    // Waits for the job's event (the job runs each second), polling the file.
    for (int i = 0;
         i < 300 && query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'") < 1; ++i) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'"), 1);
    http_client c{"127.0.0.1", retained.port()};
    auto stats_after = c.get(stats_path(), c.login("walikota", demo_password));
    EXPECT_EQ(stats_after.status, 200);
    EXPECT_EQ(stats_after.body, stats_before);
    ASSERT_EQ(retained.stop(), 0);
  }
  EXPECT_EQ(query_text(db, "SELECT reporter_name || '|' || reporter_phone FROM reports WHERE id = '" + old_id + "'"),
            "|");
  EXPECT_EQ(query_text(db, "SELECT reporter_name || '|' || reporter_phone FROM reports WHERE id = '" + new_id + "'"),
            "Pelapor Baru|+6281200000002");
  auto payload = query_text(db, "SELECT payload_json FROM events WHERE kind = 'privacy.retention_applied'");
  EXPECT_NE(payload.find("\"reporter_contacts\":1"), std::string::npos) << payload;
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, dir + "/verify.log"), 0) << read_file(dir + "/verify.log");
}

TEST(privacy, export_lists_a_number_and_erase_removes_it_while_audit_verify_passes) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  const std::string number = "+6281299990001";
  std::string report_id;
  {
    http_client c{"127.0.0.1", server.port()};
    auto admin = c.login("admin", demo_password);
    auto ct = c.login("calltaker", demo_password);
    report_id = create_report(c, ct, "Subjek Data", "0812-9999-0001");
    create_report(c, ct, "Orang Lain", "0812-9999-0002");
    post_call(c, admin, "pdp-1", "0812-9999-0001");
    ASSERT_EQ(c.post("/api/v1/reports/" + report_id + "/contact", json::object{}, ct).status, 200);
  }
  ASSERT_EQ(server.stop(), 0);
  const auto db = server.database();
  const auto log = server.dir() + "/privacy.log";
  ASSERT_GT(events_holding(db, number), 0);

  // Bad input: a clear error, exit 2, nothing recorded.
  const auto events_before = query_int(db, "SELECT COUNT(*) FROM events");
  EXPECT_EQ(run_siaga({"privacy", "erase", "--phone", "call me maybe", "--database", db}, log), 2);
  EXPECT_NE(read_file(log).find("--phone"), std::string::npos) << read_file(log);
  EXPECT_EQ(run_siaga({"privacy", "export", "--database", db}, log), 2);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events"), events_before);

  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", "081299990001", "--database", db}, log), 0);
  auto exported = read_file(log);
  auto doc = json::parse(exported.substr(exported.find("{\"phone\"")));
  EXPECT_EQ(str(doc, "phone"), number);
  const auto& part = doc.at("jurisdictions").as_array().at(0);
  ASSERT_EQ(part.at("reports").as_array().size(), 1u);
  EXPECT_EQ(str(part.at("reports").as_array()[0], "id"), report_id);
  EXPECT_EQ(str(part.at("reports").as_array()[0], "reporter_name"), "Subjek Data");
  EXPECT_EQ(part.at("calls").as_array().size(), 1u);
  EXPECT_FALSE(part.at("events").as_array().empty());
  EXPECT_EQ(exported.find("+6281299990002"), std::string::npos);  // another person's number is not in it
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.exported'"), 1);

  ASSERT_EQ(run_siaga({"privacy", "erase", "--phone", "+62 812 9999 0001", "--database", db}, log), 0)
      << read_file(log);
  EXPECT_NE(read_file(log).find("DIHAPUS 81.71: 1 kontak pelapor, 1 nomor penelepon"), std::string::npos)
      << read_file(log);
  EXPECT_EQ(events_holding(db, number), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM reports WHERE reporter_phone = '" + number + "'"), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM calls WHERE caller = '" + number + "'"), 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM reports WHERE reporter_phone = '+6281299990002'"), 1);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.erased'"), 1);
  EXPECT_GT(query_int(db, "SELECT COUNT(*) FROM events WHERE erased_at IS NOT NULL"), 0);
  const auto verify_log = server.dir() + "/verify.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, verify_log), 0) << read_file(verify_log);

  // The database refuses any other change to an event while its trigger stands ...
  EXPECT_NE(exec_sql(db, "UPDATE events SET kind = 'x' WHERE erased_at IS NOT NULL"), "");
  EXPECT_NE(exec_sql(db,
                     "UPDATE events SET payload_json = '{\"note\":\"rewritten\"}', erased_at = 1 WHERE "
                     "kind = 'report.created'"),
            "");

  // ... and with the triggers dropped, a changed digest of an erased row breaks the chain.
  auto copy = copy_database(db, server.dir(), "tampered");
  ASSERT_NE(copy, "");
  ASSERT_TRUE(tamper(copy,
                     "UPDATE events SET payload_digest = 'aaaa' WHERE seq = (SELECT MIN(seq) FROM events WHERE "
                     "erased_at IS NOT NULL);"));
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", copy}, verify_log), 1);
  EXPECT_NE(read_file(verify_log).find("rantai putus"), std::string::npos) << read_file(verify_log);
  drop_test_database(copy);
}

TEST(privacy, erase_reaches_photos_fixes_outbox_channels_and_open311_and_every_statistic_stays_the_same) {
  stand_in_receiver up;    // Damkar's webhook and the SMS gateway: they answer 200
  stand_in_receiver down;  // PLN's webhook: down until the erasure is done
  down.fail_always(true);
  const std::string sms_secret = "sms-shared-secret-0123";
  const std::vector<std::string> flags{"--max-new-reports-per-reporter",
                                       "0",
                                       "--public-report-burst",
                                       "1000",
                                       "--track-burst",
                                       "1000",
                                       "--sms-secret",
                                       sms_secret,
                                       "--sms-send-url",
                                       up.url("/hook/sms"),
                                       "--notify-poll-ms",
                                       "100"};
  server_process server{true, flags};
  const auto db = server.database();
  const std::string number = "+6281277770001";
  const std::string digits = "81277770001";  // as found in any form of the number
  std::string web_id, other_id, photo_id, photo_sha;
  std::map<std::string, std::string> stats_before;
  {
    http_client c{"127.0.0.1", server.port()};
    auto admin = c.login("admin", demo_password);
    auto ct = c.login("calltaker", demo_password);
    ASSERT_EQ(set_webhook(c, admin, "DAMKAR", up.url("/hook/damkar")).status, 200);
    ASSERT_EQ(set_webhook(c, admin, "PLN", down.url("/hook/pln")).status, 200);
    auto key = c.post("/api/v1/api_keys", json::object{{"name", "PBX dan FixMyStreet"}}, admin);
    ASSERT_EQ(key.status, 201) << key.body;
    const auto secret = str(key.json(), "secret");

    // A web report with a point and a photo, accepted and dispatched to Damkar (delivered) and
    // PLN (its webhook down: pending), both sharing the reporter's contact.
    web_id = web_report(c, ct, "0812-7777-0001");
    ASSERT_FALSE(web_id.empty());
    auto rep = c.get("/api/v1/reports/" + web_id, ct);
    ASSERT_EQ(rep.json().at("media").as_array().size(), 1u) << rep.body;
    photo_id = str(rep.json().at("media").as_array()[0], "id");
    photo_sha = str(rep.json().at("media").as_array()[0], "sha256");
    auto accepted = c.post("/api/v1/reports/" + web_id + "/accept",
                           json::object{{"summary", "Kebakaran rumah"},
                                        // The number written in a text the notices copy.
                                        {"address", "Jl. Pala No. 7, HP 0812 7777 0001"},
                                        {"agency_ids", json::array{json::string(agency_id(c, ct, "DAMKAR")),
                                                                   json::string(agency_id(c, ct, "PLN"))}},
                                        {"share_contact", true}},
                           ct);
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    // Someone else's report, which the erasure must leave alone.
    other_id = web_report(c, ct, "0812-7777-0002", 1);

    // An SMS dialogue from the number: a report, its channel contact and replies to it.
    const auto sms = [&](const std::string& id, const std::string& text) {
      return c.request("POST", "/api/v1/webhooks/sms",
                       json::serialize(json::object{{"message_id", id}, {"sender", "081277770001"}, {"text", text}}),
                       {}, "application/json", {{"X-Siaga-SMS-Secret", sms_secret}});
    };
    ASSERT_EQ(sms("gw-pdp-1", "Banjir setinggi lutut di rumah warga").status, 200);
    ASSERT_EQ(sms("gw-pdp-2", "RT 02 Kel. Batu Merah dekat masjid").status, 200);

    // An Open311 request with the number, an e-mail and a device id.
    auto form = form_encode({{"api_key", secret},
                             {"service_code", "street_light"},
                             {"lat", "-3.6950"},
                             {"long", "128.1840"},
                             {"description", "Lampu jalan mati"},
                             {"phone", "0812-7777-0001"},
                             {"email", "subjek@example.org"},
                             {"device_id", "device-pdp-1"},
                             {"account_id", "account-pdp-1"}});
    auto o311 = c.request("POST", "/open311/v2/requests.json", form, {}, "application/x-www-form-urlencoded");
    ASSERT_EQ(o311.status, 200) << o311.body;

    // A call from the number and its AML fix.
    ASSERT_EQ(c.request("POST", "/api/v1/telephony/events",
                        json::serialize(json::object{{"events", abandoned_call("pdp-call", "0812-7777-0001",
                                                                               core::system_clock{}.now() - 10min)}}),
                        {}, "application/json", {{"X-Api-Key", secret}})
                  .status,
              200);
    auto fix = aml_fix(c, secret, "0812-7777-0001");
    ASSERT_EQ(fix.status, 200) << fix.body;
    ASSERT_TRUE(fix.json().at("accepted").as_bool()) << fix.body;

    // Damkar's notice and the SMS receipt delivered; PLN's tried and still pending.
    const auto posts_to = [](const stand_in_receiver& s, const std::string& path) {
      int n = 0;
      for (const auto& r : s.requests()) n += r.target == path && r.answered == 200;
      return n;
    };
    ASSERT_TRUE(eventually([&] { return posts_to(up, "/hook/damkar") >= 1 && posts_to(up, "/hook/sms") >= 2; }));
    ASSERT_TRUE(eventually([&] { return !down.requests().empty(); }));
    stats_before = all_stats(c, c.login("walikota", demo_password));
  }
  ASSERT_EQ(server.stop(), 0);
  ASSERT_GT(query_int(db, "SELECT COUNT(*) FROM outbox WHERE instr(payload_json, '" + digits + "') > 0"), 1);
  // Written with spaces in the notices' address and text: found once the spaces are removed.
  const std::string outbox_writing =
      "SELECT COUNT(*) FROM outbox WHERE instr(replace(payload_json, ' ', ''), '" + digits + "') > 0";
  ASSERT_GE(query_int(db, outbox_writing), 2);
  ASSERT_EQ(query_int(db, "SELECT COUNT(*) FROM channel_contacts WHERE instr(address, '" + digits + "') > 0"), 1);
  const auto district_village = [&](const std::string& id) {
    return query_text(db,
                      "SELECT coalesce(district_id, '-') || '|' || coalesce(village_id, '-') FROM reports WHERE "
                      "id = '" +
                          id + "'");
  };
  const auto places_before = district_village(web_id);
  const auto fix_id = query_text(db, "SELECT id FROM location_records WHERE number = '" + number + "'");
  ASSERT_FALSE(fix_id.empty());

  // The export lists every kind of data held about the number.
  const auto log = server.dir() + "/privacy.log";
  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", number, "--database", db}, log), 0) << read_file(log);
  auto exported = read_file(log);
  auto doc = json::parse(exported.substr(exported.find("{\"phone\"")));
  const auto& part = doc.at("jurisdictions").as_array().at(0);
  const auto& reports = part.at("reports").as_array();
  EXPECT_EQ(reports.size(), 3u) << exported;  // web, SMS, Open311
  bool photo = false, channel = false, open311 = false;
  for (const auto& r : reports) {
    for (const auto& m : r.at("photos").as_array()) photo = photo || str(m, "sha256") == photo_sha;
    channel = channel || (r.at("channel_contact").is_object() && str(r.at("channel_contact"), "channel") == "sms");
    open311 = open311 ||
              (r.at("open311_contact").is_object() && str(r.at("open311_contact"), "email") == "subjek@example.org" &&
               str(r.at("open311_contact"), "device_id") == "device-pdp-1");
  }
  EXPECT_TRUE(photo && channel && open311) << exported;
  ASSERT_EQ(part.at("location_fixes").as_array().size(), 1u) << exported;
  EXPECT_EQ(str(part.at("location_fixes").as_array()[0], "id"), fix_id);
  EXPECT_GE(part.at("notifications").as_array().size(), 3u) << exported;  // Damkar, PLN, the SMS replies
  EXPECT_EQ(exported.find("81277770002"), std::string::npos);             // not the other person's

  ASSERT_EQ(run_siaga({"privacy", "erase", "--phone", "0812-7777-0001", "--database", db}, log), 0) << read_file(log);
  EXPECT_NE(read_file(log).find("1 foto"), std::string::npos) << read_file(log);

  // Nothing holds the number any more, in any table.
  EXPECT_EQ(events_holding(db, number), 0);
  for (const char* sql :
       {"SELECT COUNT(*) FROM outbox WHERE instr(payload_json, '%') > 0 OR instr(target, '%') > 0",
        "SELECT COUNT(*) FROM channel_contacts WHERE instr(address, '%') > 0",
        "SELECT COUNT(*) FROM channel_messages WHERE instr(sender, '%') > 0",
        "SELECT COUNT(*) FROM channel_conversations WHERE instr(sender, '%') > 0",
        "SELECT COUNT(*) FROM reports WHERE instr(reporter_phone, '%') > 0",
        "SELECT COUNT(*) FROM calls WHERE instr(caller, '%') > 0",
        "SELECT COUNT(*) FROM location_records WHERE instr(number, '%') > 0 OR instr(raw, '%') > 0"}) {
    std::string q = sql;
    for (auto at = q.find('%'); at != std::string::npos; at = q.find('%')) q.replace(at, 1, digits);
    EXPECT_EQ(query_int(db, q), 0) << q;
  }
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM open311_requests WHERE email <> '' OR device_id <> '' OR "
                      "account_id <> ''"),
            0);
  // The photo: bytes gone, record and SHA-256 kept, with the time of the erasure.
  EXPECT_EQ(
      query_text(
          db,
          "SELECT length(bytes) || '|' || sha256 || '|' || CAST((erased_at IS NOT NULL) AS INTEGER) FROM media WHERE "
          "id = '" +
              photo_id + "'"),
      "0|" + photo_sha + "|1");
  // The points: coarsened, still near, district and village exact.
  EXPECT_EQ(query_int(db,
                      "SELECT CAST((location_coarsened_at IS NOT NULL AND lat <> -3.695 AND abs(lat + 3.695) < 0.05) "
                      "AS INTEGER) FROM reports WHERE id = '" +
                          web_id + "'"),
            1);
  EXPECT_EQ(district_village(web_id), places_before);
  EXPECT_EQ(query_text(db,
                       "SELECT lat || '|' || lon || '|' || CAST((radius_m >= 1000) AS INTEGER) || '|' || raw FROM "
                       "location_records WHERE id = '" +
                           fix_id + "'"),
            "-3.7|128.18|1|");
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM calls WHERE loc_lat = -3.69583"), 0);
  EXPECT_EQ(query_int(db, outbox_writing), 0) << "the number written in a copied text";
  // Damkar's delivered notice lost its payload; PLN's pending one keeps what the agency needs,
  // the address with the number masked.
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM outbox WHERE status = 'delivered' AND agency_id IS NOT NULL AND "
                      "CAST(json_extract(payload_json, '$.erased') AS INTEGER) = 1"),
            1);
  EXPECT_EQ(query_int(db,
                      "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND "
                      "CAST(json_extract(payload_json, '$.contact_erased') AS INTEGER) = 1 AND "
                      "instr(json_extract(payload_json, '$.text'), 'Kebakaran rumah') > 0 AND "
                      "json_extract(payload_json, '$.incident.address') = 'Jl. Pala No. 7, HP +62 ••• "
                      "•••• 0001'"),
            1);
  // Someone else's report keeps its contact and photo.
  EXPECT_EQ(query_text(db, "SELECT reporter_phone FROM reports WHERE id = '" + other_id + "'"), "+6281277770002");
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM media WHERE report_id = '" + other_id + "' AND erased_at IS NULL"), 1);
  auto recorded = query_text(db, "SELECT payload_json FROM events WHERE kind = 'privacy.erased'");
  for (const char* count : {"\"photos\":1", "\"channel_contacts\":1", "\"open311_contacts\":1"}) {
    EXPECT_NE(recorded.find(count), std::string::npos) << recorded;
  }

  const auto verify_log = server.dir() + "/verify.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, verify_log), 0) << read_file(verify_log);
  const auto rebuild_log = server.dir() + "/rebuild.log";
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", db}, rebuild_log), 0) << read_file(rebuild_log);

  // Served again: the statistics are byte-identical (read while PLN's webhook is still down: its
  // delivery acknowledges the dispatch, PLN having no console), the photo says it was erased,
  // and PLN's notice goes out once its webhook is back, without the contact.
  auto again = server_process::reuse(server.dir(), flags);
  http_client c{"127.0.0.1", again.port()};
  auto ct = c.login("calltaker", demo_password);
  EXPECT_EQ(stats_changes(stats_before, all_stats(c, c.login("walikota", demo_password))), "");
  down.fail_always(false);
  auto gone = c.get("/api/v1/media/" + photo_id, ct);
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("dihapus"), std::string::npos) << gone.body;
  auto rep = c.get("/api/v1/reports/" + web_id, ct);
  ASSERT_EQ(rep.status, 200) << rep.body;
  const auto& media = rep.json().at("media").as_array().at(0);
  EXPECT_EQ(str(media, "erased_note"), "foto dihapus (retensi)");
  EXPECT_TRUE(media.at("url").is_null());
  ASSERT_TRUE(eventually([&] {
    for (const auto& r : down.requests()) {
      if (r.answered == 200) return true;
    }
    return false;
  }));
  for (const auto& r : down.requests()) {
    if (r.answered != 200) continue;
    std::string joined = r.body;
    std::erase(joined, ' ');
    EXPECT_EQ(joined.find(digits), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("Pelapor: (dihapus atas permintaan pelapor)"), std::string::npos) << r.body;
  }
  ASSERT_EQ(again.stop(), 0);
}

TEST(privacy, the_retention_job_erases_old_photos_and_coarsens_old_fixes_while_statistics_stay_the_same) {
  std::string dir, old_id, new_id, old_photo, new_photo;
  std::map<std::string, std::string> stats_before;
  server_process seeded{true};
  dir = seeded.dir();
  ASSERT_EQ(seeded.stop(), 0);
  const auto db = database_of(dir);
  const std::vector<std::string> open{"--max-new-reports-per-reporter", "0", "--public-report-burst", "1000"};
  const auto photo_of = [&](const std::string& report) {
    return query_text(db, "SELECT id FROM media WHERE report_id = '" + report + "'");
  };
  {
    // Written 40 days in the past: a web report with a point and a photo, an AML fix.
    auto flags = open;
    flags.insert(flags.end(), {"--clock-offset-s", std::to_string(-40 * 86400)});
    auto past = server_process::reuse(dir, flags);
    http_client c{"127.0.0.1", past.port()};
    auto admin = c.login("admin", demo_password);
    old_id = web_report(c, c.login("calltaker", demo_password), "0812-6666-0001");
    auto key = c.post("/api/v1/api_keys", json::object{{"name", "SMS gateway"}}, admin);
    ASSERT_EQ(key.status, 201) << key.body;
    ASSERT_EQ(aml_fix(c, str(key.json(), "secret"), "0812-6666-0001").status, 200);
    ASSERT_EQ(past.stop(), 0);
  }
  {
    auto now = server_process::reuse(dir, open);
    http_client c{"127.0.0.1", now.port()};
    new_id = web_report(c, c.login("calltaker", demo_password), "0812-6666-0002", 1);
    stats_before = all_stats(c, c.login("walikota", demo_password));
    ASSERT_EQ(now.stop(), 0);
  }
  old_photo = photo_of(old_id);
  new_photo = photo_of(new_id);
  ASSERT_FALSE(old_photo.empty());
  ASSERT_FALSE(new_photo.empty());
  const auto places_before = query_text(db, places_of_reports);

  // Bad settings are refused at start with the setting's name, and change nothing.
  EXPECT_EQ(run_siaga({"serve", "--database", db, "--retention-photos-days", "-1"}, dir + "/bad.log"), 2);
  EXPECT_NE(read_file(dir + "/bad.log").find("retention-photos-days"), std::string::npos)
      << read_file(dir + "/bad.log");
  EXPECT_EQ(run_siaga({"serve", "--database", db, "--retention-location-fixes-days", "36501"}, dir + "/bad.log"), 2);
  EXPECT_NE(read_file(dir + "/bad.log").find("retention-location-fixes-days"), std::string::npos);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM media WHERE erased_at IS NOT NULL"), 0);

  {
    auto flags = open;
    flags.insert(flags.end(), {"--retention-photos-days", "30", "--retention-location-fixes-days", "30",
                               "--retention-check-s", "1"});
    auto retained = server_process::reuse(dir, flags);
    for (int i = 0;
         i < 300 && query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'") < 1; ++i) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'"), 1);
    http_client c{"127.0.0.1", retained.port()};
    auto ct = c.login("calltaker", demo_password);
    EXPECT_EQ(stats_changes(stats_before, all_stats(c, c.login("walikota", demo_password))), "");
    EXPECT_EQ(c.get("/api/v1/media/" + old_photo, ct).status, 404);
    auto kept = c.get("/api/v1/media/" + new_photo, ct);
    EXPECT_EQ(kept.status, 200);
    EXPECT_EQ(kept.body, jpeg_bytes(1));
    auto old_view = c.get("/api/v1/reports/" + old_id, ct);
    EXPECT_EQ(str(old_view.json().at("media").as_array().at(0), "erased_note"), "foto dihapus (retensi)");
    ASSERT_EQ(retained.stop(), 0);
  }
  // The old photo's bytes are gone, the new one's kept; the old points coarsened, the new exact;
  // the report's place in its district and village unchanged; the fix's event payload erased.
  EXPECT_EQ(
      query_text(db, "SELECT length(bytes) || '|' || CAST((erased_at IS NOT NULL) AS INTEGER) FROM media WHERE id = '" +
                         old_photo + "'"),
      "0|1");
  EXPECT_EQ(query_text(
                db,
                "SELECT CAST((length(bytes) > 0) AS INTEGER) || '|' || CAST((erased_at IS NULL) AS INTEGER) FROM media "
                "WHERE id = '" +
                    new_photo + "'"),
            "1|1");
  EXPECT_EQ(
      query_int(
          db,
          "SELECT CAST((location_coarsened_at IS NOT NULL AND lat <> -3.695) AS INTEGER) FROM reports WHERE id = '" +
              old_id + "'"),
      1);
  EXPECT_EQ(
      query_int(db,
                "SELECT CAST((location_coarsened_at IS NULL AND lat = -3.695) AS INTEGER) FROM reports WHERE id = '" +
                    new_id + "'"),
      1);
  EXPECT_EQ(query_text(db, "SELECT lat || '|' || raw FROM location_records"), "-3.7|");
  EXPECT_EQ(query_text(db, places_of_reports), places_before);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'location.received' AND erased_at IS NULL"), 0);
  auto payload = query_text(db, "SELECT payload_json FROM events WHERE kind = 'privacy.retention_applied'");
  EXPECT_NE(payload.find("\"photos\":1"), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"photos_days\":30"), std::string::npos) << payload;
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, dir + "/verify.log"), 0) << read_file(dir + "/verify.log");
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", db}, dir + "/rebuild.log"), 0)
      << read_file(dir + "/rebuild.log");
}

}  // namespace siaga::testing
