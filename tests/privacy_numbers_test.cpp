// Personal data by design, continued (privacy_test.cpp): a number written in free text, in
// LAPOR! complaints and in the events the statistics count is masked or restated by `siaga privacy
// erase` and by the retention job, while the chain verifies and every statistic stays the same.
#include "privacy_fixture.hpp"

namespace siaga::testing {
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace privacy_fixture;

// The digits of `digits` in the database's free text and event payloads with separators and
// quotes taken out: any written form of the number leaves them.
std::int64_t texts_writing(const std::string& db, const std::string& digits) {
  const auto stripped = [](const std::string& col) {
    return "replace(replace(replace(replace(replace(" + col + ", ' ', ''), '-', ''), '.', ''), '+', ''), '/', '')";
  };
  std::int64_t n = 0;
  for (const auto& [table, column] : std::vector<std::pair<std::string, std::string>>{{"reports", "description"},
                                                                                      {"incidents", "description"},
                                                                                      {"callbacks", "note"},
                                                                                      {"lapor_reports", "title"},
                                                                                      {"lapor_reports", "content"},
                                                                                      {"events", "payload_json"}}) {
    n +=
        query_int(db, "SELECT COUNT(*) FROM " + table + " WHERE instr(" + stripped(column) + ", '" + digits + "') > 0");
  }
  return n;
}

TEST(privacy, erase_masks_the_number_written_in_free_text_and_lapor_complaints_while_the_chain_and_statistics_hold) {
  server_process server{true, {"--max-new-reports-per-reporter", "0"}};
  const std::string number = "+6281299990003";
  const std::string digits = "81299990003";
  std::string report_id;
  std::string incident_id;
  {
    http_client c{"127.0.0.1", server.port()};
    auto admin = c.login("admin", demo_password);
    auto ct = c.login("calltaker", demo_password);
    const auto fire = category(c, ct, "fire");
    auto r = c.post("/api/v1/reports",
                    json::object{{"description",
                                  "Rumah terbakar. Hubungi 0812-9999-0003 atau +62 812 9999 0003; "
                                  "tetangga 0812-9999-0004"},
                                 {"reporter_name", "Subjek Teks"},
                                 {"reporter_phone", "0812 9999 0003"},
                                 {"category_id", fire.at("id")}},
                    ct);
    ASSERT_EQ(r.status, 201) << r.body;
    report_id = str(r.json(), "id");
    auto accepted = c.post("/api/v1/reports/" + report_id + "/accept", json::object{}, ct);
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    incident_id = str(accepted.json(), "id");
    auto note = c.post("/api/v1/incidents/" + incident_id + "/notes",
                       json::object{{"text", "Pelapor minta ditelepon di 081299990003 (nomor AMB-261206-0007)"}}, ct);
    ASSERT_EQ(note.status, 201) << note.body;
    post_call(c, admin, "pdp-text", "0812-9999-0003");
    auto tasks = c.get("/api/v1/callbacks?limit=500", ct);
    std::string task;
    for (const auto& t : tasks.json().at("items").as_array()) {
      if (str(t, "caller") == number) task = str(t, "id");
    }
    ASSERT_FALSE(task.empty()) << tasks.body;
    ASSERT_EQ(c.post("/api/v1/callbacks/" + task + "/take", json::object{}, ct).status, 200);
    auto attempt = c.post("/api/v1/callbacks/" + task + "/attempt",
                          json::object{{"result", "no_answer"}, {"note", "coba lagi ke 62812-9999-0003"}}, ct);
    ASSERT_EQ(attempt.status, 200) << attempt.body;
  }
  ASSERT_EQ(server.stop(), 0);
  const auto db = server.database();
  // A complaint forwarded from SP4N-LAPOR! for the report (the import itself: lapor_test).
  ASSERT_TRUE(tamper(db,
                     "INSERT INTO lapor_reports (jurisdiction_id, lapor_id, report_id, title, content, "
                     "submitted_at, imported_at) SELECT jurisdiction_id, 'LAPOR-7000001', id, 'Kebakaran "
                     "0812.9999.0003', 'Pelapor: 08129999 0003, alamat Jl. Pattimura', 1, 1 FROM reports WHERE id = '" +
                         report_id + "';"));
  ASSERT_GT(texts_writing(db, digits), 4);
  const auto log = server.dir() + "/privacy.log";

  // The export lists the texts that write the number and the LAPOR! complaint.
  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", number, "--database", db}, log), 0) << read_file(log);
  auto exported = read_file(log);
  auto doc = json::parse(exported.substr(exported.find("{\"phone\"")));
  const auto& part = doc.at("jurisdictions").as_array().at(0);
  std::set<std::string> fields;
  for (const auto& t : part.at("texts").as_array()) fields.insert(str(t, "table") + "." + str(t, "column"));
  // The accepted report's description is the incident's too.
  EXPECT_EQ(fields, (std::set<std::string>{"reports.description", "incidents.description", "callbacks.note",
                                           "lapor_reports.title", "lapor_reports.content"}))
      << exported;
  const auto& lapor = part.at("reports").as_array().at(0).at("lapor");
  ASSERT_TRUE(lapor.is_object()) << exported;
  EXPECT_EQ(str(lapor, "lapor_id"), "LAPOR-7000001");
  bool note_listed = false;
  for (const auto& e : part.at("events").as_array()) note_listed |= str(e, "kind") == "incident.note_added";
  EXPECT_TRUE(note_listed) << exported;

  ASSERT_EQ(run_siaga({"privacy", "erase", "--phone", number, "--database", db}, log), 0) << read_file(log);
  EXPECT_NE(read_file(log).find("5 teks bebas"), std::string::npos) << read_file(log);
  EXPECT_EQ(texts_writing(db, digits), 0);
  // Other numbers and the incident number stay; the text around the number stays, with the mask.
  const auto description = query_text(db, "SELECT description FROM reports WHERE id = '" + report_id + "'");
  EXPECT_EQ(description,
            "Rumah terbakar. Hubungi +62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0003 atau +62 "
            "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0003; tetangga 0812-9999-0004");
  EXPECT_EQ(query_text(db, "SELECT content FROM lapor_reports WHERE lapor_id = 'LAPOR-7000001'"),
            "Pelapor: +62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0003, alamat Jl. Pattimura");
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'incident.note_added' AND erased_at IS NOT NULL"),
            1);

  const auto verify_log = server.dir() + "/verify.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, verify_log), 0) << read_file(verify_log);
  const auto rebuild_log = server.dir() + "/rebuild.log";
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", db}, rebuild_log), 0) << read_file(rebuild_log);

  // A new export holds none of it, in any written form (beyond the number asked for).
  const auto again_log = server.dir() + "/privacy-again.log";
  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", number, "--database", db}, again_log), 0)
      << read_file(again_log);
  auto again = read_file(again_log);
  auto after = json::parse(again.substr(again.find("{\"phone\"")));
  const auto& rest = after.at("jurisdictions").as_array().at(0);
  EXPECT_TRUE(rest.at("texts").as_array().empty()) << again;
  std::string bare;
  for (char ch : json::serialize(rest)) {
    if (ch != ' ' && ch != '-' && ch != '.' && ch != '+' && ch != '/') bare += ch;
  }
  EXPECT_EQ(bare.find(digits), std::string::npos) << again;
}

// text with the separators people write in a number (and parentheses) taken out, so that any
// written form of a number leaves its digits.
std::string bare_digits(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch != ' ' && ch != '-' && ch != '.' && ch != '+' && ch != '/' && ch != '(' && ch != ')') out += ch;
  }
  return out;
}

// SQL: how many payloads of table (events, outbox) write the digits in any form.
std::string payloads_writing(const std::string& table, const std::string& digits, const std::string& where = "1 = 1") {
  return "SELECT COUNT(*) FROM " + table + " WHERE " + where +
         " AND instr(replace(replace(replace(replace(replace(replace(payload_json, ' ', ''), '-', ''), '+', ''), "
         "'(', ''), ')', ''), '.', ''), '" +
         digits + "') > 0";
}

std::string events_writing(const std::string& digits, const std::string& where = "1 = 1") {
  return payloads_writing("events", digits, where);
}

// The output of `siaga stats rebuild` on db (which must exit 0: every row matched).
std::string rebuilt(const std::string& db, const std::string& log) {
  EXPECT_EQ(run_siaga({"stats", "rebuild", "--database", db}, log), 0) << read_file(log);
  return read_file(log);
}

// Acknowledges and completes the incident's first dispatch with note; returns its id.
std::string complete_first_dispatch(http_client& c, const std::string& token, const std::string& incident_id,
                                    const std::string& note) {
  auto inc = c.get("/api/v1/incidents/" + incident_id, token);
  EXPECT_EQ(inc.status, 200) << inc.body;
  if (inc.status != 200) return {};
  auto id = str(inc.json().at("dispatches").as_array().at(0), "id");
  EXPECT_EQ(c.post("/api/v1/dispatches/" + id + "/acknowledge", json::object{}, token).status, 200);
  auto done = c.post("/api/v1/dispatches/" + id + "/complete", json::object{{"note", note}}, token);
  EXPECT_EQ(done.status, 200) << done.body;
  return id;
}

TEST(privacy, erase_restates_the_events_the_statistics_count_so_the_number_is_gone_and_every_statistic_stays) {
  const std::vector<std::string> flags{"--max-new-reports-per-reporter", "0"};
  server_process server{true, flags};
  const std::string number = "+6281299990005";
  const std::string digits = "81299990005";
  const std::string counted_kinds = "kind IN ('incident.created', 'incident.updated', 'dispatch.completed')";
  std::string incident_id;
  std::string dispatch_id;
  std::map<std::string, std::string> stats_before;
  {
    http_client c{"127.0.0.1", server.port()};
    auto ct = c.login("calltaker", demo_password);
    const auto fire = category(c, ct, "fire");
    auto r = c.post("/api/v1/reports",
                    json::object{{"description", "Asap tebal dari gudang"},
                                 {"reporter_phone", "0812 9999 0005"},
                                 {"category_id", fire.at("id")}},
                    ct);
    ASSERT_EQ(r.status, 201) << r.body;
    // The number in the summary (incident.created), a summary change and its note
    // (incident.updated) and a dispatch's completion note (dispatch.completed): events the
    // statistics replay counts. Another number stays.
    auto accepted = c.post("/api/v1/reports/" + str(r.json(), "id") + "/accept",
                           json::object{{"summary", "Gudang terbakar, pelapor di 0812-9999-0005"},
                                        {"agency_ids", json::array{json::string(agency_id(c, ct, "DAMKAR"))}}},
                           ct);
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    incident_id = str(accepted.json(), "id");
    auto patched = c.request(
        "PATCH", "/api/v1/incidents/" + incident_id,
        json::serialize(json::object{{"summary", "Gudang terbakar, hubungi +62 812 9999 0005 atau 0812-9999-0006"},
                                     {"note", "pelapor minta ditelepon di 081299990005"}}),
        ct);
    ASSERT_EQ(patched.status, 200) << patched.body;
    dispatch_id = complete_first_dispatch(c, ct, incident_id, "Api padam, pemilik (0812) 9999-0005 sudah dikabari");
    ASSERT_FALSE(dispatch_id.empty());
    stats_before = all_stats(c, c.login("walikota", demo_password));
  }
  ASSERT_EQ(server.stop(), 0);
  const auto db = server.database();
  const auto dir = server.dir();
  ASSERT_EQ(query_int(db, events_writing(digits, counted_kinds)), 3);
  // The replay of the log matches the kept rollups before the erasure, from the events.
  const auto rebuild_before = rebuilt(db, dir + "/rebuild-before.log");
  ASSERT_NE(rebuild_before.find("SUMBER putar ulang log event"), std::string::npos) << rebuild_before;

  // The export lists the counted events that write the number.
  const auto log = dir + "/privacy.log";
  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", number, "--database", db}, log), 0) << read_file(log);
  std::set<std::string> exported_kinds;
  {
    auto text = read_file(log);
    auto doc = json::parse(text.substr(text.find("{\"phone\"")));
    for (const auto& e : doc.at("jurisdictions").as_array().at(0).at("events").as_array()) {
      exported_kinds.insert(str(e, "kind"));
    }
  }
  for (const char* kind : {"incident.created", "incident.updated", "dispatch.completed"}) {
    EXPECT_TRUE(exported_kinds.contains(kind)) << kind << " not exported: " << read_file(log);
  }

  const auto erase_log = dir + "/privacy-erase.log";
  ASSERT_EQ(run_siaga({"privacy", "erase", "--phone", number, "--database", db}, erase_log), 0) << read_file(erase_log);
  EXPECT_NE(read_file(erase_log).find(" payload event, 3 di antaranya dinyatakan ulang"), std::string::npos)
      << read_file(erase_log);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.restated'"), 3);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE " + counted_kinds + " AND erased_at IS NOT NULL"), 3);
  EXPECT_EQ(query_int(db, events_writing(digits)), 0);
  const auto verify_log = dir + "/verify.log";
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, verify_log), 0) << read_file(verify_log);
  // The same replay, from the events (each restatement in its erased event's place), to the
  // same rows: every line of the rebuild is the same.
  EXPECT_EQ(rebuilt(db, dir + "/rebuild-after.log"), rebuild_before);
  // Erasing again finds nothing more.
  const auto again_log = dir + "/privacy-again.log";
  ASSERT_EQ(run_siaga({"privacy", "erase", "--phone", number, "--database", db}, again_log), 0) << read_file(again_log);
  EXPECT_NE(read_file(again_log).find(" 0 payload event, 0 di antaranya"), std::string::npos) << read_file(again_log);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.restated'"), 3);

  auto again = server_process::reuse(dir, flags);
  http_client c{"127.0.0.1", again.port()};
  auto sup = c.login("supervisor", demo_password);
  EXPECT_EQ(stats_changes(stats_before, all_stats(c, c.login("walikota", demo_password))), "");
  const auto absent = [&](const std::string& what, const std::string& body) {
    EXPECT_EQ(bare_digits(body).find(digits), std::string::npos) << what << ": " << body;
  };
  auto inc = c.get("/api/v1/incidents/" + incident_id, sup);
  ASSERT_EQ(inc.status, 200) << inc.body;
  absent("GET incident", inc.body);
  EXPECT_NE(inc.body.find("0812-9999-0006"), std::string::npos) << "another number stays: " << inc.body;
  auto events = c.get("/api/v1/incidents/" + incident_id + "/events", sup);
  ASSERT_EQ(events.status, 200) << events.body;
  absent("GET incident events", events.body);
  // The restatement of the creation says what it said, with the mask.
  std::string restated_summary;
  const auto& items = events.json().is_array() ? events.json().as_array() : events.json().at("items").as_array();
  for (const auto& e : items) {
    if (str(e, "kind") != "privacy.restated") continue;
    const auto& p = e.at("payload");
    if (str(p.at("restates"), "kind") == "incident.created") restated_summary = str(p.at("payload"), "summary");
  }
  EXPECT_TRUE(restated_summary.starts_with("Gudang terbakar, pelapor di +62 ")) << events.body;
  auto d = c.get("/api/v1/dispatches/" + dispatch_id, sup);
  ASSERT_EQ(d.status, 200) << d.body;
  absent("GET dispatch", d.body);
  for (std::string path : {"/api/v1/incidents?format=csv", "/api/v1/dispatches?format=csv"}) {
    auto exported = c.get(path, sup);
    ASSERT_EQ(exported.status, 200) << path << ": " << exported.body;
    absent(path, exported.body);
  }
  // The stream replayed from the start, up to the erasure's own event.
  ws_client ws(again.port());
  ASSERT_EQ(ws.connect("/api/v1/stream?after=0", {{"Authorization", "Bearer " + sup}}), 101) << ws.refusal_body();
  read_hello(ws);
  const auto last = query_int(db, "SELECT MAX(seq) FROM events WHERE kind = 'privacy.erased'");
  std::string streamed;
  int restatements = 0;
  for (;;) {
    auto m = ws.next(15s);
    ASSERT_TRUE(m) << "the stream ended or went quiet: " << ws.last_error();
    if (str(*m, "type") != "event") continue;
    streamed += json::serialize(*m);
    restatements += str(m->at("event"), "kind") == "privacy.restated";
    if (m->at("event").at("seq").as_int64() >= last) break;
  }
  absent("the stream from 0", streamed);
  EXPECT_EQ(restatements, 3);
  ASSERT_EQ(again.stop(), 0);
  // A new export holds none of it.
  const auto after_log = dir + "/privacy-after.log";
  ASSERT_EQ(run_siaga({"privacy", "export", "--phone", number, "--database", db}, after_log), 0)
      << read_file(after_log);
  auto text = read_file(after_log);
  auto rest = json::parse(text.substr(text.find("{\"phone\""))).at("jurisdictions").as_array().at(0);
  absent("the export", json::serialize(rest));
  EXPECT_TRUE(rest.at("events").as_array().empty()) << text;
}

TEST(privacy, the_retention_job_masks_numbers_written_in_old_free_text_while_the_chain_and_statistics_hold) {
  stand_in_receiver damkar;  // Damkar's webhook: its notice copies the incident's summary
  const std::vector<std::string> flags{"--max-new-reports-per-reporter", "0"};
  const auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), flags.begin(), flags.end());
    return more;
  };
  server_process seeded{true, flags};
  const auto dir = seeded.dir();
  ASSERT_EQ(seeded.stop(), 0);
  // The old record writes its reporter's number in every free text; the recent one another.
  const std::string digits = "81234560071";
  const std::string recent_digits = "81355550072";
  const std::string old_description =
      "Pohon tumbang 2024-08-12, kerugian Rp 1.250.000, NIK 3171081234567890; hubungi saya di 0812 3456 0071";
  const std::string recent_description = "Banjir setinggi lutut, hubungi 0813-5555-0072";
  std::string old_report, incident_id, dispatch_id, recent_report;
  {
    // Written 40 days in the past (the server's clock runs behind).
    auto past = server_process::reuse(dir, with({"--clock-offset-s", std::to_string(-40 * 86400)}));
    http_client c{"127.0.0.1", past.port()};
    ASSERT_EQ(set_webhook(c, c.login("admin", demo_password), "DAMKAR", damkar.url("/hook/damkar")).status, 200);
    auto ct = c.login("calltaker", demo_password);
    const auto fire = category(c, ct, "fire");
    auto r = c.post("/api/v1/reports",
                    json::object{{"description", old_description},
                                 {"reporter_name", "Pelapor Lama"},
                                 {"reporter_phone", "0812 3456 0071"},
                                 {"category_id", fire.at("id")}},
                    ct);
    ASSERT_EQ(r.status, 201) << r.body;
    old_report = str(r.json(), "id");
    // The summary (incident.created, counted by the statistics), a call taker's note
    // (incident.note_added) and a completion note (dispatch.completed, counted).
    auto accepted = c.post("/api/v1/reports/" + old_report + "/accept",
                           json::object{{"summary", "Pohon tumbang, pelapor di 0812-3456-0071"},
                                        {"agency_ids", json::array{json::string(agency_id(c, ct, "DAMKAR"))}}},
                           ct);
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    incident_id = str(accepted.json(), "id");
    auto note = c.post("/api/v1/incidents/" + incident_id + "/notes",
                       json::object{{"text", "Pelapor minta ditelepon di +62 812 3456 0071 (AMB-261206-0007)"}}, ct);
    ASSERT_EQ(note.status, 201) << note.body;
    dispatch_id = complete_first_dispatch(c, ct, incident_id, "Jalan dibuka, pemilik (0812) 3456-0071 sudah dikabari");
    ASSERT_FALSE(dispatch_id.empty());
    ASSERT_EQ(past.stop(), 0);
  }
  std::map<std::string, std::string> stats_before;
  {
    auto now = server_process::reuse(dir, flags);
    http_client c{"127.0.0.1", now.port()};
    auto ct = c.login("calltaker", demo_password);
    auto r = c.post("/api/v1/reports",
                    json::object{{"description", recent_description},
                                 {"reporter_phone", "0813 5555 0072"},
                                 {"category_id", category(c, ct, "fire").at("id")}},
                    ct);
    ASSERT_EQ(r.status, 201) << r.body;
    recent_report = str(r.json(), "id");
    stats_before = all_stats(c, c.login("walikota", demo_password));
    ASSERT_EQ(now.stop(), 0);
  }
  const auto db = database_of(dir);
  ASSERT_GT(texts_writing(db, digits), 2);
  ASSERT_GE(query_int(db, events_writing(digits)), 3);
  ASSERT_GE(query_int(db, payloads_writing("outbox", digits)), 1) << "the notice to Damkar copies the summary";
  const auto rebuild_before = rebuilt(db, dir + "/rebuild-before.log");
  ASSERT_NE(rebuild_before.find("SUMBER putar ulang log event"), std::string::npos) << rebuild_before;

  const std::string applied = "SELECT COUNT(*) FROM events WHERE kind = 'privacy.retention_applied'";
  {
    auto retained =
        server_process::reuse(dir, with({"--retention-reporter-contacts-days", "30", "--retention-check-s", "1"}));
    for (int i = 0; i < 300 && query_int(db, applied) < 1; ++i) std::this_thread::sleep_for(100ms);
    ASSERT_EQ(query_int(db, applied), 1);
    http_client c{"127.0.0.1", retained.port()};
    auto sup = c.login("supervisor", demo_password);
    EXPECT_EQ(stats_changes(stats_before, all_stats(c, c.login("walikota", demo_password))), "");
    const auto absent = [&](const std::string& what, const std::string& body) {
      EXPECT_EQ(bare_digits(body).find(digits), std::string::npos) << what << ": " << body;
    };
    for (std::string path :
         {"/api/v1/reports/" + old_report, "/api/v1/incidents/" + incident_id,
          "/api/v1/incidents/" + incident_id + "/events", "/api/v1/dispatches/" + dispatch_id,
          std::string("/api/v1/incidents?format=csv"), std::string("/api/v1/dispatches?format=csv")}) {
      auto r = c.get(path, sup);
      ASSERT_EQ(r.status, 200) << path << ": " << r.body;
      absent(path, r.body);
    }
    // The recent record keeps its number.
    auto recent = c.get("/api/v1/reports/" + recent_report, sup);
    ASSERT_EQ(recent.status, 200) << recent.body;
    EXPECT_EQ(str(recent.json(), "description"), recent_description);
    // The stream replayed from the start, up to the job's own event.
    ws_client ws(retained.port());
    ASSERT_EQ(ws.connect("/api/v1/stream?after=0", {{"Authorization", "Bearer " + sup}}), 101) << ws.refusal_body();
    read_hello(ws);
    const auto last = query_int(db, "SELECT MAX(seq) FROM events WHERE kind = 'privacy.retention_applied'");
    std::string streamed;
    for (;;) {
      auto m = ws.next(15s);
      ASSERT_TRUE(m) << "the stream ended or went quiet: " << ws.last_error();
      if (str(*m, "type") != "event") continue;
      streamed += json::serialize(*m);
      if (m->at("event").at("seq").as_int64() >= last) break;
    }
    absent("the stream from 0", streamed);
    ASSERT_EQ(retained.stop(), 0);
  }
  EXPECT_EQ(texts_writing(db, digits), 0);
  EXPECT_EQ(query_int(db, events_writing(digits)), 0);
  EXPECT_EQ(query_int(db, payloads_writing("outbox", digits)), 0) << "the notice, masked";
  EXPECT_GE(query_int(db,
                      "SELECT COUNT(*) FROM outbox WHERE instr(payload_json, 'pelapor di +62 "
                      "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0071') > 0"),
            1)
      << "the text around it stays";
  // The text around the number stays, with the mask; dates, amounts and the NIK are not numbers.
  EXPECT_EQ(query_text(db, "SELECT description FROM reports WHERE id = '" + old_report + "'"),
            "Pohon tumbang 2024-08-12, kerugian Rp 1.250.000, NIK 3171081234567890; hubungi saya di +62 "
            "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 0071");
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'incident.note_added' AND erased_at IS NOT NULL"),
            1);
  // The counted ones (incident.created's summary, dispatch.completed's note) are restated.
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM events WHERE kind = 'privacy.restated'"), 2);
  // The recent record keeps the other number.
  EXPECT_EQ(query_text(db, "SELECT description FROM reports WHERE id = '" + recent_report + "'"), recent_description);
  EXPECT_EQ(texts_writing(db, recent_digits), 1);
  auto payload = query_text(db, "SELECT payload_json FROM events WHERE kind = 'privacy.retention_applied'");
  EXPECT_NE(payload.find("\"texts_swept_before\":{\"reporter_contacts\":\""), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"texts\":"), std::string::npos) << payload;
  EXPECT_EQ(run_siaga({"audit", "verify", "--database", db}, dir + "/verify.log"), 0) << read_file(dir + "/verify.log");
  // The same replay, each restatement in its erased event's place, to the same rows.
  EXPECT_EQ(rebuilt(db, dir + "/rebuild-after.log"), rebuild_before);
}

}  // namespace siaga::testing
