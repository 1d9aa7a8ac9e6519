// The store contract of the plain tables beside the reports (every backend): SLA alerts, the
// messaging channels' conversations, messages, contacts and receipts, Open311 requests and the
// SP4N-LAPOR! imports. The services' tests cover how these are used; these cover what each
// store must keep and refuse.
#include "storage/store_test_fixture.hpp"

namespace siaga::storage::contract {
namespace {

class store_channels_contract : public store_contract {};

domain::sla_alert make_alert(std::string id, std::string dispatch_id, domain::sla_step step, domain::sla_level level,
                             core::timestamp raised) {
  domain::sla_alert a;
  a.id = std::move(id);
  a.jurisdiction_id = "j1";
  a.incident_id = "i1";
  a.dispatch_id = std::move(dispatch_id);
  a.agency_id = a.dispatch_id.empty() ? "" : "a_fire";
  a.category_id = "c_fire";
  a.step = step;
  a.level = level;
  a.due_at = raised + std::chrono::hours(1);
  a.raised_at = raised;
  return a;
}

auto alert_fields(const domain::sla_alert& a) {
  return std::make_tuple(a.id, a.jurisdiction_id, a.incident_id, a.dispatch_id, a.agency_id, a.category_id,
                         domain::to_string(a.step), domain::to_string(a.level), us(a.due_at), us(a.raised_at),
                         us(a.resolved_at));
}

std::vector<std::string> ids(const std::vector<domain::sla_alert>& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts) out.push_back(a.id);
  return out;
}

TEST_P(store_channels_contract, sla_alerts_are_raised_once_per_clock_and_level_and_resolved_once) {
  using domain::sla_level;
  using domain::sla_step;
  auto warning = make_alert("s1", "", sla_step::close, sla_level::warning, at(0));
  auto breach = make_alert("s2", "", sla_step::close, sla_level::breach, at(3600));
  auto dispatch = make_alert("s3", "x1", sla_step::acknowledge, sla_level::warning, at(86400));
  std::vector<bool> inserted;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_incident(make_incident("j1", "i1", "c_fire", at(0))));
              for (const auto& a : {warning, breach, dispatch}) {
                SIAGA_TRY(fresh, t.insert_sla_alert(a));
                inserted.push_back(fresh);
              }
              // The same clock and level again, under another id: nothing is written.
              auto again = make_alert("s4", "", sla_step::close, sla_level::warning, at(7200));
              SIAGA_TRY(fresh, t.insert_sla_alert(again));
              inserted.push_back(fresh);
              return {};
            })),
            "ok");
  EXPECT_EQ(inserted, (std::vector<bool>{true, true, true, false}));

  auto all = reader().list_sla_alerts({.jurisdiction_id = "j1"}).value();
  EXPECT_EQ(all.total, 3);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(ids(all.items), (std::vector<std::string>{"s3", "s2", "s1"})) << "newest first";
  EXPECT_EQ(alert_fields(all.items[2]), alert_fields(warning));
  EXPECT_EQ(ids(reader().list_sla_alerts({.jurisdiction_id = "j1", .agency_id = "a_fire"}).value().items),
            std::vector<std::string>{"s3"});
  EXPECT_EQ(ids(reader().list_sla_alerts({.jurisdiction_id = "j1", .from = at(1), .to = at(86400)}).value().items),
            std::vector<std::string>{"s2"});
  EXPECT_TRUE(reader().list_sla_alerts({.jurisdiction_id = "j2"}).value().items.empty());

  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.resolve_sla_alert("j1", "s1", at(100)); })), "ok");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.resolve_sla_alert("j1", "s1", at(200)); })), "not_found")
      << "resolved once";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.resolve_sla_alert("j2", "s2", at(200)); })), "not_found")
      << "another jurisdiction's id";
  auto open = reader().list_sla_alerts({.jurisdiction_id = "j1", .open_only = true}).value();
  EXPECT_EQ(ids(open.items), (std::vector<std::string>{"s3", "s2"}));
  auto s1 = reader().list_sla_alerts({.jurisdiction_id = "j1", .to = at(1)}).value();
  ASSERT_EQ(s1.items.size(), 1u);
  EXPECT_EQ(us(s1.items[0].resolved_at), us(std::optional(at(100))));

  // Counted per local day at UTC+9 (Ambon): t0 + 1 day falls on the next local day.
  auto counts = reader().count_sla_alerts("j1", at(-86400), at(2 * 86400), 540).value();
  ASSERT_EQ(counts.size(), 3u);
  auto day0 = (us(at(0)) + 540LL * 60'000'000) / 86'400'000'000LL;
  EXPECT_EQ(counts[0].local_day, day0);
  EXPECT_EQ(counts[2].local_day, day0 + 1);
  EXPECT_EQ(counts[2].agency_id, "a_fire");
  EXPECT_EQ(counts[2].step, sla_step::acknowledge);
  for (const auto& n : counts) EXPECT_EQ(n.n, 1);
  EXPECT_TRUE(reader().count_sla_alerts("j2", at(-86400), at(2 * 86400), 540).value().empty());
}

TEST_P(store_channels_contract, conversations_messages_contacts_and_receipts_are_kept_and_replays_refused) {
  using domain::channel;
  domain::conversation talk{channel::whatsapp, "6281234567890", "j1", "+6281234567890", domain::dialogue_step::where,
                            "Rumah terbakar", std::nullopt, "", at(0), at(10)};
  auto r1 = make_report("j1", "r1", at(0));
  r1.reporter_phone = "+6281234567890";
  r1.incident_id = "i1";
  auto r2 = make_report("j1", "r2", at(5));
  r2.incident_id = "i1";
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_incident(make_incident("j1", "i1", "c_fire", at(0))));
              SIAGA_CHECK(t.insert_report(r1));
              SIAGA_CHECK(t.insert_report(r2));
              SIAGA_CHECK(t.upsert_conversation(talk));
              SIAGA_CHECK(t.insert_channel_message({channel::whatsapp, "wamid.1", "j1", "6281234567890",
                                                    domain::message_kind::text, at(1), std::nullopt}));
              SIAGA_CHECK(t.insert_channel_message({channel::whatsapp, "wamid.2", "j1", "6281234567890",
                                                    domain::message_kind::location, at(2), std::string("r1")}));
              SIAGA_CHECK(t.insert_channel_contact({"r1", "j1", channel::whatsapp, "6281234567890", "received"}));
              return t.insert_channel_contact({"r2", "j1", channel::telegram, "778899", "received"});
            })),
            "ok");

  // The conversation moves on: the whole row is replaced.
  talk.step = domain::dialogue_step::photo;
  talk.location = domain::geo_point{-3.7, 128.2};
  talk.address = "Jl. Pattimura";
  talk.updated_at = at(20);
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_conversation(talk); })), "ok");
  auto kept = reader().find_conversation(channel::whatsapp, "6281234567890").value();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->step, domain::dialogue_step::photo);
  EXPECT_EQ(geo(kept->location), geo(talk.location));
  EXPECT_EQ(kept->address, "Jl. Pattimura");
  EXPECT_EQ(kept->description, "Rumah terbakar");
  EXPECT_EQ(us(kept->started_at), us(at(0)));
  EXPECT_EQ(us(kept->updated_at), us(at(20)));
  EXPECT_FALSE(reader().find_conversation(channel::sms, "6281234567890").value()) << "per channel";
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.delete_conversation(channel::whatsapp, "6281234567890"); })),
            "ok");
  EXPECT_FALSE(reader().find_conversation(channel::whatsapp, "6281234567890").value());
  EXPECT_EQ(outcome(write([&](store_txn& t) { return t.delete_conversation(channel::whatsapp, "nobody"); })), "ok");

  // A message seen once: the replay is a conflict; the same id on another channel is not.
  auto seen = reader().find_channel_message(channel::whatsapp, "wamid.2").value();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->kind, domain::message_kind::location);
  EXPECT_EQ(seen->report_id, std::optional<std::string>("r1"));
  EXPECT_EQ(us(seen->received_at), us(at(2)));
  EXPECT_EQ(code_of(write([&](store_txn& t) {
              return t.insert_channel_message(
                  {channel::whatsapp, "wamid.1", "j1", "x", domain::message_kind::text, at(3), std::nullopt});
            })),
            "conflict");
  EXPECT_EQ(outcome(write([&](store_txn& t) {
              return t.insert_channel_message(
                  {channel::telegram, "wamid.1", "j1", "x", domain::message_kind::text, at(3), std::nullopt});
            })),
            "ok");
  EXPECT_FALSE(reader().find_channel_message(channel::sms, "wamid.1").value());

  // Contacts: one per report, in the order of the incident's reports; announced is updated.
  auto contacts = reader().channel_contacts_of_incident("i1").value();
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(contacts[0].report_id, "r1");
  EXPECT_EQ(contacts[1].source, channel::telegram);
  EXPECT_EQ(code_of(write([&](store_txn& t) {
              return t.insert_channel_contact({"r1", "j1", channel::sms, "+62811", "received"});
            })),
            "conflict");
  ASSERT_EQ(outcome(write([&](store_txn& t) {
              return t.update_channel_contact({"r1", "j1", channel::whatsapp, "6281234567890", "accepted"});
            })),
            "ok");
  EXPECT_EQ(reader().find_channel_contact("r1").value().value().announced, "accepted");
  EXPECT_EQ(code_of(write([&](store_txn& t) {
              return t.update_channel_contact({"r404", "j1", channel::whatsapp, "x", "accepted"});
            })),
            "not_found");
  EXPECT_FALSE(reader().find_channel_contact("r404").value());

  // New reports from one reporter: by phone, or by the channel address of their contact.
  EXPECT_EQ(reader().count_new_reports_from("j1", "+6281234567890", channel::telegram, "778899").value(), 2);
  EXPECT_EQ(reader().count_new_reports_from("j1", "+6281234567890", channel::whatsapp, "").value(), 1);
  EXPECT_EQ(reader().count_new_reports_from("j1", "", channel::telegram, "778899").value(), 1);
  EXPECT_EQ(reader().count_new_reports_from("j1", "", channel::whatsapp, "778899").value(), 0) << "per channel";
  EXPECT_EQ(reader().count_new_reports_from("j1", "", channel::telegram, "").value(), 0) << "'' matches none";
  EXPECT_EQ(reader().count_new_reports_from("j2", "+6281234567890", channel::telegram, "778899").value(), 0);

  // Receipts: oldest first, one per status, a repeat kept as it was.
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_channel_status({channel::whatsapp, "wamid.out", "delivered", "62812", at(5), at(6)}));
              SIAGA_CHECK(t.insert_channel_status({channel::whatsapp, "wamid.out", "sent", "62812", at(4), at(6)}));
              return t.insert_channel_status({channel::whatsapp, "wamid.out", "sent", "62812", at(9), at(9)});
            })),
            "ok");
  auto receipts = reader().channel_statuses(channel::whatsapp, "wamid.out").value();
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0].status, "sent");
  EXPECT_EQ(us(receipts[0].at), us(at(4)));
  EXPECT_EQ(receipts[1].status, "delivered");
  EXPECT_TRUE(reader().channel_statuses(channel::telegram, "wamid.out").value().empty());
}

// An incident the command created has the contacts of the reports the command linked to it,
// and none when it linked none (the SQLite writer then reads nothing).
TEST_P(store_channels_contract, a_new_incidents_contacts_are_those_of_the_reports_linked_to_it) {
  using domain::channel;
  auto r_old = make_report("j1", "r_old", at(0));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_report(r_old));
              return t.insert_channel_contact({"r_old", "j1", channel::whatsapp, "6281234567890", "received"});
            })),
            "ok");
  std::size_t inside_alone = 9, inside_linked = 9;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_incident(make_incident("j1", "i_alone", "c_fire", at(1))));
              SIAGA_CHECK(t.insert_incident(make_incident("j1", "i_linked", "c_fire", at(1))));
              auto linked = r_old;
              linked.incident_id = "i_linked";
              SIAGA_CHECK(t.update_report(linked));
              SIAGA_TRY(alone, t.channel_contacts_of_incident("i_alone"));
              SIAGA_TRY(with_report, t.channel_contacts_of_incident("i_linked"));
              inside_alone = alone.size();
              inside_linked = with_report.size();
              return {};
            })),
            "ok");
  EXPECT_EQ(inside_alone, 0u);
  EXPECT_EQ(inside_linked, 1u);
  EXPECT_TRUE(reader().channel_contacts_of_incident("i_alone").value().empty());
  auto after = reader().channel_contacts_of_incident("i_linked").value();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].report_id, "r_old");
}

TEST_P(store_channels_contract, open311_requests_and_lapor_imports_are_kept_once_per_report) {
  open311_record req{"r1",  "j1",         "pothole", "Jalan berlubang", R"({"depth":["20cm"]})", "https://x/p.jpg",
                     "a@b.id", "device-1", "acct-1", "k1",             at(1)};
  lapor_record imported{"j1", "LPR-001", "r2", "Lampu mati", "Lampu jalan mati sejak kemarin", "Infrastruktur",
                        R"(["https://lapor/1.jpg"])", true, at(-60), at(2)};
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.insert_report(make_report("j1", "r1", at(0))));
              SIAGA_CHECK(t.insert_report(make_report("j1", "r2", at(0))));
              SIAGA_CHECK(t.insert_report(make_report("j1", "r3", at(0))));
              SIAGA_CHECK(t.insert_open311_request(req));
              return t.insert_lapor_report(imported);
            })),
            "ok");
  auto o = reader().find_open311_request("r1").value();
  ASSERT_TRUE(o);
  EXPECT_EQ(std::tie(o->report_id, o->jurisdiction_id, o->service_code, o->description, o->attributes, o->media_url,
                     o->email, o->device_id, o->account_id, o->api_key_id),
            std::tie(req.report_id, req.jurisdiction_id, req.service_code, req.description, req.attributes,
                     req.media_url, req.email, req.device_id, req.account_id, req.api_key_id));
  EXPECT_EQ(us(o->created_at), us(at(1)));
  EXPECT_FALSE(reader().find_open311_request("r2").value());
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_open311_request(req); })), "conflict");
  auto bad_json = req;
  bad_json.report_id = "r3";
  bad_json.attributes = "{not json";
  EXPECT_NE(outcome(write([&](store_txn& t) { return t.insert_open311_request(bad_json); })), "ok");
  EXPECT_FALSE(reader().find_open311_request("r3").value()) << "refused whole";

  auto l = reader().find_lapor_report("j1", "LPR-001").value();
  ASSERT_TRUE(l);
  EXPECT_EQ(std::tie(l->report_id, l->title, l->content, l->category, l->attachments, l->anonymous),
            std::tie(imported.report_id, imported.title, imported.content, imported.category, imported.attachments,
                     imported.anonymous));
  EXPECT_EQ(us(l->submitted_at), us(at(-60)));
  EXPECT_EQ(us(l->imported_at), us(at(2)));
  EXPECT_EQ(reader().find_lapor_report_of("r2").value().value().lapor_id, "LPR-001");
  EXPECT_FALSE(reader().find_lapor_report("j2", "LPR-001").value()) << "per jurisdiction";
  auto again = imported;
  again.report_id = "r3";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_lapor_report(again); })), "conflict")
      << "a tracking id is imported once";
  EXPECT_FALSE(reader().find_lapor_report_of("r3").value());

  EXPECT_FALSE(reader().lapor_cursor("j1").value());
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.set_lapor_cursor("j1", "page-1", at(3)); })), "ok");
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.set_lapor_cursor("j1", "page-2", at(4)); })), "ok");
  EXPECT_EQ(reader().lapor_cursor("j1").value(), std::optional<std::string>("page-2"));
  EXPECT_FALSE(reader().lapor_cursor("j2").value());
}

// Idempotency-Keys (issue 13 item 4): claimed once per jurisdiction, kind and key; a second
// claim reports the replay and leaves the first row; a claim rolled back with its command is
// gone; the purge removes only the keys older than its cutoff.
TEST_P(store_channels_contract, idempotency_keys_are_claimed_once_per_jurisdiction_kind_and_key) {
  idempotency_record first{"j1", "incident", "key-1", "i1", std::string(64, 'a'), at(0)};
  EXPECT_FALSE(reader().find_idempotency_key("j1", "incident", "key-1").value());
  bool claimed = false;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(c, t.claim_idempotency_key(first));
              claimed = c;
              return {};
            })),
            "ok");
  EXPECT_TRUE(claimed);
  auto again = first;
  again.record_id = "i2";
  again.request_digest = std::string(64, 'b');
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(c, t.claim_idempotency_key(again));
              claimed = c;
              return {};
            })),
            "ok");
  EXPECT_FALSE(claimed) << "the key was there first: a replay";
  auto k = reader().find_idempotency_key("j1", "incident", "key-1").value();
  ASSERT_TRUE(k);
  EXPECT_EQ(std::tie(k->jurisdiction_id, k->kind, k->key, k->record_id, k->request_digest),
            std::tie(first.jurisdiction_id, first.kind, first.key, first.record_id, first.request_digest))
      << "the first row is left as it was";
  EXPECT_EQ(us(k->created_at), us(at(0)));

  auto other_kind = first;
  other_kind.kind = "report";
  auto other_jurisdiction = first;
  other_jurisdiction.jurisdiction_id = "j2";
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(a, t.claim_idempotency_key(other_kind));
              SIAGA_TRY(b, t.claim_idempotency_key(other_jurisdiction));
              claimed = a && b;
              return {};
            })),
            "ok");
  EXPECT_TRUE(claimed) << "keys are per kind and per jurisdiction";

  auto rolled_back = first;
  rolled_back.key = "key-2";
  EXPECT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              SIAGA_CHECK(t.claim_idempotency_key(rolled_back));
              return core::invalid("refused after the claim");
            })),
            "invalid_input");
  EXPECT_FALSE(reader().find_idempotency_key("j1", "incident", "key-2").value()) << "rolled back with its command";

  auto newer = first;
  newer.key = "key-3";
  newer.created_at = at(10);
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(c, t.claim_idempotency_key(newer));
              claimed = c;
              return {};
            })),
            "ok");
  std::int64_t purged = 0;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              SIAGA_TRY(n, t.purge_idempotency_keys(at(5)));
              purged = n;
              return {};
            })),
            "ok");
  EXPECT_EQ(purged, 3);
  EXPECT_FALSE(reader().find_idempotency_key("j1", "incident", "key-1").value());
  EXPECT_TRUE(reader().find_idempotency_key("j1", "incident", "key-3").value()) << "newer than the cutoff";
}

INSTANTIATE_TEST_SUITE_P(backends, store_channels_contract, every_backend(), backend_name);

}  // namespace
}  // namespace siaga::storage::contract
