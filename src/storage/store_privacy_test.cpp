// The store contract of erasing personal data (storage/privacy_store.hpp, issue 12, UU PDP) on
// every backend: what each erasure reaches, what it leaves, that it is done once, and that the
// events' guard lets through only the erasure of a version-2 payload. The services' tests
// (services/privacy) cover when the erasures run.
#include "storage/store_test_fixture.hpp"

#include "domain/notification.hpp"

namespace siaga::storage::contract {
namespace {

constexpr std::string_view phone = "+6281234567890";

class store_privacy_contract : public store_contract {
 protected:
  privacy_scope of_phone() const {
    return {.jurisdiction_id = "j1", .phone = std::string(phone), .before = at(1000), .at = at(2000)};
  }
  privacy_scope retention() const { return {.jurisdiction_id = "j1", .before = at(1000), .at = at(2000)}; }

  // Runs f in one write; how many rows it says it changed, or -1 (a test failure) when it failed.
  std::int64_t changed_by(const std::function<result<std::int64_t>(store_txn&)>& f) {
    result<std::int64_t> n = 0;
    EXPECT_EQ(outcome(write([&](store_txn& t) -> result<void> {
                n = f(t);
                return n ? result<void>{} : result<void>(n.error());
              })),
              "ok");
    return n ? *n : -1;
  }

  // j1: r1 (the number, a point in village v1 with a centre), r2 (the number, a point and no
  // village), r3 (another reporter); a photo of r1 and one of r3; r1's WhatsApp contact,
  // message and conversation; r2's Open311 contact fields.
  void seed_reports() {
    domain::village v1{"v1", "j1", "d1", "81.71.01.1006", "Nusaniwe", domain::geo_point{-3.73, 128.15}, "", false};
    auto r1 = make_report("j1", "r1", at(0));
    r1.reporter_name = "Ani";
    r1.reporter_phone = std::string(phone);
    r1.location = domain::geo_point{-3.712345, 128.123456};
    r1.district_id = "d1";
    r1.village_id = "v1";
    auto r2 = make_report("j1", "r2", at(10));
    r2.reporter_phone = std::string(phone);
    r2.location = domain::geo_point{-3.654321, 128.187654};
    auto r3 = make_report("j1", "r3", at(20));
    r3.reporter_name = "Budi";
    r3.reporter_phone = "+6289999999999";
    auto photo = [](std::string id, std::string report_id) {
      auto m = make_photo(std::move(id), at(30));
      m.report_id = std::move(report_id);
      m.is_public = true;
      return m;
    };
    ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
                SIAGA_CHECK(t.insert_village(v1));
                for (const auto& r : {r1, r2, r3}) SIAGA_CHECK(t.insert_report(r));
                SIAGA_CHECK(t.insert_media(photo("m1", "r1"), "\x89PNG"));
                SIAGA_CHECK(t.insert_media(photo("m3", "r3"), "\x89PNG"));
                SIAGA_CHECK(t.insert_channel_contact({"r1", "j1", domain::channel::whatsapp, "6281234567890", "received"}));
                SIAGA_CHECK(t.insert_channel_message({domain::channel::whatsapp, "wamid.1", "j1", "6281234567890",
                                                      domain::message_kind::text, at(1), std::string("r1")}));
                SIAGA_CHECK(t.upsert_conversation({domain::channel::whatsapp, "6281234567890", "j1", "6281234567890",
                                                   domain::dialogue_step::what, "", std::nullopt, "", at(40), at(40)}));
                return t.insert_open311_request({"r2", "j1", "pothole", "Lubang", "{}", "", "a@b.id", "dev", "acct",
                                                 "k1", at(10)});
              })),
              "ok");
  }
};

TEST_P(store_privacy_contract, a_reporters_contacts_are_erased_once_and_only_theirs) {
  seed_reports();
  auto held = reader().reports_of_phone("j1", std::string(phone)).value();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].id, "r1") << "oldest first";
  EXPECT_TRUE(reader().reports_of_phone("j2", std::string(phone)).value().empty());

  result<contact_erasure> erased = contact_erasure{};
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              erased = t.erase_reporter_contacts(of_phone());
              return erased ? result<void>{} : result<void>(erased.error());
            })),
            "ok");
  EXPECT_EQ(erased->reports, 2);
  EXPECT_EQ(erased->channel_contacts, 1);
  EXPECT_EQ(erased->open311_contacts, 1);
  EXPECT_TRUE(reader().reports_of_phone("j1", std::string(phone)).value().empty());
  auto r1 = reader().find_report("j1", "r1").value().value();
  EXPECT_EQ(r1.reporter_name, "");
  EXPECT_EQ(r1.reporter_phone, "");
  EXPECT_EQ(reader().find_report("j1", "r3").value().value().reporter_name, "Budi") << "another reporter's";
  EXPECT_FALSE(reader().find_channel_contact("r1").value());
  EXPECT_EQ(reader().find_channel_message(domain::channel::whatsapp, "wamid.1").value().value().sender, "");
  EXPECT_FALSE(reader().find_conversation(domain::channel::whatsapp, "6281234567890").value())
      << "the sender id without its '+' is the number";
  auto o = reader().find_open311_request("r2").value().value();
  EXPECT_EQ(std::tie(o.email, o.device_id, o.account_id), std::make_tuple(std::string(), std::string(), std::string()));
  EXPECT_EQ(o.service_code, "pothole");

  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              erased = t.erase_reporter_contacts(of_phone());
              return erased ? result<void>{} : result<void>(erased.error());
            })),
            "ok");
  EXPECT_EQ(std::make_tuple(erased->reports, erased->channel_contacts, erased->open311_contacts),
            std::make_tuple(std::int64_t{0}, std::int64_t{0}, std::int64_t{0}))
      << "done once";
}

TEST_P(store_privacy_contract, photos_lose_their_bytes_and_points_are_coarsened_once) {
  seed_reports();
  domain::location_record fix;
  fix.id = "l1";
  fix.jurisdiction_id = "j1";
  fix.number = std::string(phone);
  fix.accepted = true;
  fix.format = "aml_sms_v2";
  fix.fix = domain::location_fix{.format = "aml_sms_v2", .lat = -3.701234, .lon = 128.171234, .radius_m = 12.0,
                                 .altitude_m = 30.0};
  fix.raw = "A\"ML=1;lt=-3.701234;lg=128.171234";
  fix.received_at = at(50);
  domain::call_record call;
  call.id = "c1";
  call.jurisdiction_id = "j1";
  call.external_id = "pbx-1";
  call.state.caller = std::string(phone);
  call.state.ring_at = at(60);
  call.location = domain::call_location{.lat = -3.698765, .lon = 128.165432, .radius_m = 8.0, .at = at(61),
                                        .method = "gnss", .format = "aml_sms_v2"};
  call.created_at = at(60);
  call.updated_at = at(60);
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_location_record(fix));
              return t.insert_call(call);
            })),
            "ok");

  result<std::int64_t> n = 0;
  auto erase = [&](std::function<result<std::int64_t>(store_txn&)> f) {
    auto w = write([&](store_txn& t) -> result<void> {
      n = f(t);
      return n ? result<void>{} : result<void>(n.error());
    });
    EXPECT_EQ(outcome(w), "ok");
    return n ? *n : -1;
  };
  EXPECT_EQ(erase([&](store_txn& t) { return t.erase_photos(of_phone()); }), 1);
  auto m1 = reader().find_media("j1", "m1").value().value();
  EXPECT_EQ(m1.size, 0);
  EXPECT_FALSE(m1.is_public);
  EXPECT_EQ(us(m1.erased_at), us(std::optional(at(2000))));
  EXPECT_EQ(m1.sha256, domain::sha256_hex("\x89PNG")) << "the row keeps its hash";
  EXPECT_EQ(reader().media_bytes("j1", "m1").value(), std::optional<std::string>(""));
  EXPECT_EQ(reader().media_bytes("j1", "m3").value(), std::optional<std::string>("\x89PNG")) << "another's photo";
  EXPECT_EQ(erase([&](store_txn& t) { return t.erase_photos(of_phone()); }), 0) << "done once";

  // Two reports, the location record and the call's fix.
  EXPECT_EQ(erase([&](store_txn& t) { return t.coarsen_locations(of_phone()); }), 4);
  EXPECT_EQ(geo(reader().find_report("j1", "r1").value().value().location), geo(domain::geo_point{-3.73, 128.15}))
      << "the village's centre";
  auto r2 = reader().find_report("j1", "r2").value().value();
  ASSERT_TRUE(r2.location);
  EXPECT_DOUBLE_EQ(r2.location->lat, -3.65);
  EXPECT_DOUBLE_EQ(r2.location->lon, 128.19);
  auto records = reader().list_location_records({.jurisdiction_id = "j1"}).value().items;
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].fix);
  EXPECT_DOUBLE_EQ(records[0].fix->lat, -3.70);
  EXPECT_DOUBLE_EQ(records[0].fix->lon, 128.17);
  EXPECT_EQ(records[0].fix->radius_m, std::optional<double>(1000.0));
  EXPECT_FALSE(records[0].fix->altitude_m);
  EXPECT_EQ(records[0].raw, "");
  auto c1 = reader().find_call("j1", "c1").value().value();
  ASSERT_TRUE(c1.location);
  EXPECT_DOUBLE_EQ(c1.location->lat, -3.70);
  EXPECT_DOUBLE_EQ(c1.location->lon, 128.17);
  EXPECT_EQ(c1.location->radius_m, std::optional<double>(1000.0));
  EXPECT_EQ(erase([&](store_txn& t) { return t.coarsen_locations(retention()); }), 0) << "done once";

  // The caller's number goes from the call and from the fix that names it.
  EXPECT_EQ(erase([&](store_txn& t) { return t.erase_caller_numbers(of_phone()); }), 1);
  EXPECT_EQ(reader().find_call("j1", "c1").value().value().state.caller, "");
  EXPECT_EQ(reader().list_location_records({.jurisdiction_id = "j1"}).value().items[0].number, "");
  EXPECT_EQ(erase([&](store_txn& t) { return t.erase_caller_numbers(retention()); }), 0);
}

TEST_P(store_privacy_contract, events_and_notifications_holding_a_number_are_found_and_erased_alone) {
  auto with_number = make_event("j1", "e1");
  with_number.kind = "report.created";
  with_number.payload_json = R"({"phone":"+6281234567890"})";
  auto longer = make_event("j1", "e2");
  longer.payload_json = R"({"phone":"+62812345678901"})";
  auto call_event = make_event("j1", "e3");
  call_event.subject = domain::subject_kind::call;
  call_event.subject_id = "c1";
  call_event.kind = "call.ended";
  auto contact = [](std::string id, domain::notification_status status, std::string payload) {
    domain::notification n;
    n.id = std::move(id);
    n.jurisdiction_id = "j1";
    n.agency_id = "a_fire";
    n.endpoint = domain::endpoint_kind::webhook;
    n.target = "https://damkar.example/hook";
    n.event_kind = "dispatch.notified";
    n.payload_json = std::move(payload);
    n.status = status;
    n.next_attempt_at = at(0);
    n.created_at = at(0);
    n.updated_at = at(0);
    return n;
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& e : {with_number, longer, call_event}) SIAGA_CHECK(t.append_event(e));
              SIAGA_CHECK(t.insert_notification(contact("n1", domain::notification_status::delivered,
                                                        R"({"contact":{"phone":"+6281234567890"}})")));
              SIAGA_CHECK(t.insert_notification(
                  contact("n2", domain::notification_status::delivered, R"({"contact":null})")));
              // A note copied into a notice writes the number; another's note ends in the same digits.
              SIAGA_CHECK(t.insert_notification(contact("n4", domain::notification_status::delivered,
                                                        R"({"contact":null,"note":"hubungi 0812 3456 789 0"})")));
              SIAGA_CHECK(t.insert_notification(contact("n5", domain::notification_status::delivered,
                                                        R"({"contact":null,"note":"hubungi 0812-9999-7890"})")));
              return t.insert_notification(
                  contact("n3", domain::notification_status::pending, R"({"contact":{"phone":"+6281234567890"}})"));
            })),
            "ok");
  auto ids = [](const auto& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(reader().erasable_events(of_phone(), 10).value()), std::vector<std::string>{"e1"})
      << "quoted: not inside a longer number";
  EXPECT_EQ(ids(reader().erasable_events(retention(), 10).value()), std::vector<std::string>{"e3"})
      << "without a number: the events about calls, callers, callbacks and fixes";
  auto by_kind = retention();
  by_kind.event_kinds = {"report.created", "call.ended"};
  EXPECT_EQ(ids(reader().erasable_events(by_kind, 10).value()), (std::vector<std::string>{"e1", "e3"}));
  EXPECT_TRUE(reader().erasable_events(of_phone(), 0).value().empty());
  EXPECT_EQ(ids(reader().latest_events_of_kind("j1", "report.created", 5).value()), std::vector<std::string>{"e1"});

  // The erased event is written; any other change to an event is refused.
  auto e1 = reader().erasable_events(of_phone(), 10).value().at(0);
  auto tampered = e1;
  tampered.payload_json = R"({"phone":"+6200000000000"})";
  EXPECT_NE(outcome(write([&](store_txn& t) { return t.write_erased_event(tampered); })), "ok");
  ASSERT_TRUE(domain::erase_event_payload(e1, at(2000)));
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.write_erased_event(e1); })), "ok");
  auto stored = reader().events_of_jurisdiction("j1").value();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].payload_json, domain::erased_payload);
  EXPECT_EQ(stored[0].hash, e1.hash);
  EXPECT_TRUE(reader().erasable_events(of_phone(), 10).value().empty()) << "erased once";
  auto missing = e1;
  missing.seq = 999;
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.write_erased_event(missing); })), "not_found");

  // Notifications: with the number, every status, as stored or written in a text (confirmed by
  // the matcher); without, the delivered ones with a contact.
  EXPECT_EQ(ids(reader().notifications_holding(of_phone(), 10).value()),
            (std::vector<std::string>{"n1", "n3", "n4"}));
  EXPECT_EQ(ids(reader().notifications_holding(retention(), 10).value()), std::vector<std::string>{"n1"})
      << "a JSON null contact holds nothing";
  result<std::int64_t> n = 0;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              n = t.erase_notification_payloads(of_phone());
              return n ? result<void>{} : result<void>(n.error());
            })),
            "ok");
  EXPECT_EQ(n.value(), 1) << "a pending notice to an agency and a number written in a text are left to the caller";
  EXPECT_TRUE(domain::is_erased_notification_payload(reader().find_notification("j1", "n1").value()->payload_json));
  EXPECT_EQ(ids(reader().notifications_holding(of_phone(), 10).value()), (std::vector<std::string>{"n3", "n4"}));
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.write_notification_payload("j1", "n3", R"({"contact":null})"); })),
            "ok");
  ASSERT_EQ(outcome(write([&](store_txn& t) {
              return t.write_notification_payload("j1", "n4", R"({"contact":null,"note":"hubungi +62812*******90"})");
            })),
            "ok");
  EXPECT_TRUE(reader().notifications_holding(of_phone(), 10).value().empty());
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.write_notification_payload("j2", "n3", "{}"); })), "not_found");
}

TEST_P(store_privacy_contract, events_the_replay_counts_are_restated_not_erased_and_restatements_are_listed) {
  auto event = [](std::string j, std::string id, domain::subject_kind subject, std::string subject_id,
                  std::string kind, std::string payload) {
    auto e = make_event(std::move(j), std::move(id));
    e.subject = subject;
    e.subject_id = std::move(subject_id);
    e.kind = std::move(kind);
    e.payload_json = std::move(payload);
    return e;
  };
  using domain::subject_kind;
  const std::vector<domain::event> events{
      // Counted by the replay, the number in a text and as a whole string: restated.
      event("j1", "created", subject_kind::incident, "i1", "incident.created",
            R"({"summary":"Hubungi 0812-3456-7890","category_id":"c_fire"})"),
      event("j1", "declined", subject_kind::dispatch, "d1", "dispatch.declined", R"({"reason":"+6281234567890"})"),
      // A note is not counted: erased whole.
      event("j1", "note", subject_kind::incident, "i1", "incident.note_added", R"({"text":"telp 0812 3456 7890"})"),
      // Counted, another number ending in other digits, and a longer one: neither.
      event("j1", "other", subject_kind::incident, "i2", "incident.created", R"({"summary":"0812-3456-7899"})"),
      event("j1", "longer", subject_kind::incident, "i3", "incident.created", R"({"summary":"0812345678901"})"),
      // A restatement that still writes the number (of another number's erasure), and one of j2.
      event("j1", "restated", subject_kind::incident, "i4", "privacy.restated",
            R"({"restates":{"seq":1,"id":"x","kind":"incident.created"},"payload":{"summary":"hubungi 0812-3456-7890"}})"),
      event("j2", "restated_j2", subject_kind::incident, "i9", "privacy.restated",
            R"({"restates":{"seq":2,"id":"y","kind":"incident.created"},"payload":{}})"),
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& e : events) SIAGA_CHECK(t.append_event(e));
              return {};
            })),
            "ok");
  auto ids = [](const std::vector<domain::event>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(reader().restatable_events(of_phone(), 10).value()),
            (std::vector<std::string>{"created", "declined", "restated"}));
  EXPECT_EQ(ids(reader().erasable_events(of_phone(), 10).value()), std::vector<std::string>{"note"})
      << "an event the replay counts is never erased without its restatement";
  EXPECT_EQ(ids(reader().restatable_events(of_phone(), 2).value()), (std::vector<std::string>{"created", "declined"}));
  EXPECT_TRUE(reader().restatable_events(retention(), 10).value().empty()) << "only for a number";
  EXPECT_TRUE(reader().restatable_events(of_phone(), 0).value().empty());
  auto later = of_phone();
  later.jurisdiction_id = "j2";
  EXPECT_TRUE(reader().restatable_events(later, 10).value().empty()) << "another jurisdiction's";

  // Every jurisdiction's restatements, in seq order, paged; an erased one no longer.
  auto restatements = reader().restatements_after(0, 10).value();
  ASSERT_EQ(ids(restatements), (std::vector<std::string>{"restated", "restated_j2"}));
  EXPECT_EQ(ids(reader().restatements_after(restatements[0].seq, 10).value()),
            std::vector<std::string>{"restated_j2"});
  EXPECT_EQ(ids(reader().restatements_after(0, 1).value()), std::vector<std::string>{"restated"});
  EXPECT_TRUE(reader().restatements_after(0, 0).value().empty());
  auto first = restatements[0];
  auto created = reader().restatable_events(of_phone(), 1).value().at(0);
  ASSERT_TRUE(domain::erase_event_payload(first, at(2000)));
  ASSERT_TRUE(domain::erase_event_payload(created, at(2000)));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.write_erased_event(first));
              return t.write_erased_event(created);
            })),
            "ok");
  EXPECT_EQ(ids(reader().restatements_after(0, 10).value()), std::vector<std::string>{"restated_j2"});
  EXPECT_EQ(ids(reader().restatable_events(of_phone(), 10).value()), std::vector<std::string>{"declined"})
      << "erased ones are not offered again";
}

TEST_P(store_privacy_contract, a_number_written_in_free_text_is_found_and_masked_there_alone) {
  // The number in a report's description and address, an incident's summary, a dispatch's note,
  // a half-told conversation and an Open311 description; a longer number, another
  // jurisdiction's text and an incident number that ends in the same digits are left; a short
  // last group is found.
  auto r1 = make_report("j1", "r1", at(0));
  r1.description = "Kebakaran, hubungi 0812-3456-7890 segera";
  r1.address = "Jl. Pattimura 12 (HP +62 812 3456 7890)";
  auto r2 = make_report("j1", "r2", at(10));
  r2.description = "Nomor lain 0812-3456-78901 dan AMB-261122-7890";
  r2.address = "RT 3, HP 0812 3456 789 0";  // a short last group: the probe "890" only once joined
  auto r9 = make_report("j2", "r9", at(20));
  r9.description = "hubungi 081234567890";
  auto i1 = make_incident("j1", "i1", "c_fire", at(30));
  i1.summary = "Pelapor 6281234567890 di lokasi";
  auto d1 = make_dispatch("j1", "d1", "i1", "a_fire", at(40));
  d1.note = "telepon pelapor 0812.3456.7890";
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& r : {r1, r2, r9}) SIAGA_CHECK(t.insert_report(r));
              SIAGA_CHECK(t.insert_incident(i1));
              SIAGA_CHECK(t.insert_dispatch(d1));
              SIAGA_CHECK(t.upsert_conversation({domain::channel::telegram, "777", "j1", "777",
                                                 domain::dialogue_step::where, "tolong, 0812 3456 7890", std::nullopt,
                                                 "", at(40), at(40)}));
              return t.insert_open311_request(
                  {"r2", "j1", "pothole", "Lubang, 081234567890", "{}", "", "", "", "", "k1", at(10)});
            })),
            "ok");
  auto where = [](const std::vector<text_field>& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) out.push_back(f.table + "." + f.column + ":" + f.row_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::vector<std::string> expected{"channel_conversations.description:telegram:777", "dispatches.note:d1",
                                          "incidents.summary:i1",
                                          "open311_requests.description:r2",
                                          "reports.address:r1",
                                          "reports.address:r2",
                                          "reports.description:r1"};
  auto found = reader().texts_holding_phone(of_phone());
  ASSERT_EQ(outcome(found), "ok");
  EXPECT_EQ(where(*found), expected);
  auto no_phone = retention();
  EXPECT_TRUE(reader().texts_holding_phone(no_phone).value().empty()) << "nothing without a number";

  auto mask = [&](const privacy_scope& scope) {
    return changed_by([&](store_txn& t) { return t.mask_phone_in_texts(scope, "+62812*******90"); });
  };
  EXPECT_EQ(mask(of_phone()), 7);
  EXPECT_EQ(reader().find_report("j1", "r1").value().value().description, "Kebakaran, hubungi +62812*******90 segera");
  EXPECT_EQ(reader().find_report("j1", "r1").value().value().address, "Jl. Pattimura 12 (HP +62812*******90)");
  EXPECT_EQ(reader().find_incident("j1", "i1").value().value().summary, "Pelapor +62812*******90 di lokasi");
  EXPECT_EQ(reader().find_dispatch("j1", "d1").value().value().note, "telepon pelapor +62812*******90");
  EXPECT_EQ(reader().find_open311_request("r2").value().value().description, "Lubang, +62812*******90");
  EXPECT_EQ(reader().find_report("j1", "r2").value().value().description, r2.description) << "a longer number";
  EXPECT_EQ(reader().find_report("j1", "r2").value().value().address, "RT 3, HP +62812*******90");
  EXPECT_EQ(reader().find_report("j2", "r9").value().value().description, r9.description) << "another jurisdiction";
  EXPECT_EQ(reader().find_conversation(domain::channel::telegram, "777").value().value().description,
            "tolong, +62812*******90");
  EXPECT_TRUE(reader().texts_holding_phone(of_phone()).value().empty());
  EXPECT_EQ(mask(of_phone()), 0) << "done once";
  EXPECT_EQ(mask(no_phone), 0);
}

TEST_P(store_privacy_contract, the_retention_search_masks_every_number_in_the_texts_and_events_of_its_window) {
  // In [at(5), at(1000)) of j1: r2's description and address, i1's summary, d1's note (the
  // reporters' reach) and nothing of a call (the callers' reach, searched apart). r1 is older,
  // r3 newer, r9 another jurisdiction's: left.
  auto r1 = make_report("j1", "r1", at(0));
  r1.description = "lama, hubungi 0812-3456-7890";
  auto r2 = make_report("j1", "r2", at(10));
  r2.description = "hubungi 0812-3456-7890 atau +62 813 1111 2222 pada 2024-08-12, Rp 1.250.000";
  r2.address = "Jl. Pala 7, HP 081299998888";
  auto r3 = make_report("j1", "r3", at(1500));
  r3.description = "baru, 0812 7777 6666";
  auto r9 = make_report("j2", "r9", at(10));
  r9.description = "hubungi 0812 5555 4444";
  auto i1 = make_incident("j1", "i1", "c_fire", at(30));
  i1.summary = "Pelapor 6281234567890, NIK 3171081234567890";
  auto d1 = make_dispatch("j1", "d1", "i1", "a_fire", at(40));
  d1.note = "telepon pelapor (0812) 3456-7890";
  auto event = [](std::string id, domain::subject_kind subject, std::string kind, std::string payload,
                  core::timestamp when) {
    auto e = make_event("j1", std::move(id));
    e.subject = subject;
    e.subject_id = "s-" + e.id;
    e.kind = std::move(kind);
    e.payload_json = std::move(payload);
    e.at = when;
    return e;
  };
  using domain::subject_kind;
  const std::vector<domain::event> events{
      event("created", subject_kind::incident, "incident.created", R"({"summary":"Hubungi 0812-3456-7890"})", at(30)),
      event("note", subject_kind::incident, "incident.note_added", R"({"text":"telp 0813 1111 2222"})", at(35)),
      event("plain", subject_kind::incident, "incident.updated", R"({"summary":"tanpa nomor, 2024-08-12"})", at(36)),
      event("call", subject_kind::call, "call.noted", R"({"note":"0812 3456 7890"})", at(37)),
      event("old", subject_kind::incident, "incident.created", R"({"summary":"0812 3456 7890"})", at(1)),
      event("new", subject_kind::incident, "incident.created", R"({"summary":"0812 3456 7890"})", at(1500)),
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& r : {r1, r2, r3, r9}) SIAGA_CHECK(t.insert_report(r));
              SIAGA_CHECK(t.insert_incident(i1));
              SIAGA_CHECK(t.insert_dispatch(d1));
              for (const auto& e : events) SIAGA_CHECK(t.append_event(e));
              return {};
            })),
            "ok");
  auto scope = retention();
  scope.since = at(5);
  auto ids = [](const std::vector<domain::event>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(reader().events_writing_numbers(scope, 0, true, 10).value()), std::vector<std::string>{"created"});
  EXPECT_EQ(ids(reader().events_writing_numbers(scope, 0, false, 10).value()), std::vector<std::string>{"note"})
      << "a call's events are the callers' period's";
  const auto created_seq = reader().events_writing_numbers(scope, 0, true, 10).value().at(0).seq;
  EXPECT_TRUE(reader().events_writing_numbers(scope, created_seq, true, 10).value().empty()) << "after a seq";
  EXPECT_TRUE(reader().events_writing_numbers(scope, 0, true, 0).value().empty());

  auto mask = [&](const privacy_scope& s, text_reach reach) {
    return changed_by([&](store_txn& t) { return t.mask_numbers_in_texts(s, reach); });
  };
  EXPECT_EQ(mask(scope, text_reach::caller_numbers), 0);
  EXPECT_EQ(mask(scope, text_reach::reporter_contacts), 4);
  const std::string bullets = "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022";
  EXPECT_EQ(reader().find_report("j1", "r2").value().value().description,
            "hubungi +62 " + bullets + " 7890 atau +62 " + bullets + " 2222 pada 2024-08-12, Rp 1.250.000");
  EXPECT_EQ(reader().find_report("j1", "r2").value().value().address, "Jl. Pala 7, HP +62 " + bullets + " 8888");
  EXPECT_EQ(reader().find_incident("j1", "i1").value().value().summary,
            "Pelapor +62 " + bullets + " 7890, NIK 3171081234567890");
  EXPECT_EQ(reader().find_dispatch("j1", "d1").value().value().note, "telepon pelapor +62 " + bullets + " 7890");
  EXPECT_EQ(reader().find_report("j1", "r1").value().value().description, r1.description) << "before since";
  EXPECT_EQ(reader().find_report("j1", "r3").value().value().description, r3.description) << "after before";
  EXPECT_EQ(reader().find_report("j2", "r9").value().value().description, r9.description) << "another jurisdiction";
  EXPECT_EQ(mask(scope, text_reach::reporter_contacts), 0) << "done once";
  scope.since = {};
  EXPECT_EQ(mask(scope, text_reach::reporter_contacts), 1) << "from the start: r1 too";
}

TEST_P(store_privacy_contract, the_retention_search_finds_the_notices_of_its_window_that_write_a_number) {
  // In [at(5), at(1000)) of j1: n2 (a note with a number, delivered), n3 (a summary with one,
  // pending) and n5 (dead), created at one time so that ids order them; n4 writes only a date,
  // a time, an amount and a NIK. n1 is older, n6 newer, n9 another jurisdiction's.
  auto notice = [](std::string jurisdiction, std::string id, domain::notification_status status,
                   std::string payload, core::timestamp created) {
    domain::notification n;
    n.id = std::move(id);
    n.jurisdiction_id = std::move(jurisdiction);
    n.agency_id = n.jurisdiction_id == "j1" ? "a_fire" : "a_other";
    n.endpoint = domain::endpoint_kind::webhook;
    n.target = "https://damkar.example/hook";
    n.event_kind = "dispatch.notified";
    n.payload_json = std::move(payload);
    n.status = status;
    n.next_attempt_at = created;
    n.created_at = created;
    n.updated_at = created;
    return n;
  };
  using domain::notification_status;
  const std::vector<domain::notification> rows{
      notice("j1", "n1", notification_status::delivered, R"({"note":"hubungi 0812-3456-7890"})", at(1)),
      notice("j1", "n2", notification_status::delivered, R"({"note":"hubungi 0812-3456-7890"})", at(10)),
      notice("j1", "n3", notification_status::pending, R"({"incident":{"summary":"Pelapor 081299998888"}})", at(10)),
      notice("j1", "n4", notification_status::delivered,
             R"({"note":"pada 2024-08-12 07:30, Rp 1.250.000, NIK 3171081234567890","lat":-6.2})", at(10)),
      notice("j1", "n5", notification_status::dead, R"({"note":"+62 813 1111 2222"})", at(20)),
      notice("j1", "n6", notification_status::delivered, R"({"note":"0812 7777 6666"})", at(1500)),
      notice("j2", "n9", notification_status::delivered, R"({"note":"0812 5555 4444"})", at(10)),
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& n : rows) SIAGA_CHECK(t.insert_notification(n));
              return {};
            })),
            "ok");
  auto scope = retention();
  scope.since = at(5);
  auto ids = [](const std::vector<domain::notification>& found) {
    std::vector<std::string> out;
    for (const auto& n : found) out.push_back(n.id);
    return out;
  };
  EXPECT_EQ(ids(reader().notifications_writing_numbers(scope, {}, 10).value()),
            (std::vector<std::string>{"n2", "n3", "n5"}));
  const auto first = reader().notifications_writing_numbers(scope, {}, 1).value();
  ASSERT_EQ(ids(first), std::vector<std::string>{"n2"}) << "at most limit";
  EXPECT_EQ(ids(reader().notifications_writing_numbers(scope, {first.at(0).created_at, first.at(0).id}, 1).value()),
            std::vector<std::string>{"n3"})
      << "after a row of the same time";
  EXPECT_EQ(ids(reader().notifications_writing_numbers(scope, {at(10), "n4"}, 10).value()),
            std::vector<std::string>{"n5"});
  EXPECT_TRUE(reader().notifications_writing_numbers(scope, {}, 0).value().empty());
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.write_notification_payload("j1", "n2", R"({"note":"hubungi"})"); })),
            "ok");
  EXPECT_EQ(ids(reader().notifications_writing_numbers(scope, {}, 10).value()), (std::vector<std::string>{"n3", "n5"}))
      << "a masked payload is not found again";
  scope.since = {};
  EXPECT_EQ(ids(reader().notifications_writing_numbers(scope, {}, 10).value()),
            (std::vector<std::string>{"n1", "n3", "n5"}))
      << "from the start: n1 too";
}

INSTANTIATE_TEST_SUITE_P(backends, store_privacy_contract, every_backend(), backend_name);

}  // namespace
}  // namespace siaga::storage::contract
