// Contract tests of storage::store, written against the interface only (fixture and backends:
// store_test_fixture.hpp): migrations and every row kind round trip. Lists, commands, events
// and durability are in store_queries_test.cpp.
#include "storage/store_test_fixture.hpp"

#include <latch>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage::contract {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------
// Migrations.

TEST_P(store_contract, migrate_applies_everything_once_and_then_nothing) {
  auto location = GetParam().make_location();
  {
    auto fresh = GetParam().open(location).value();
    auto first = fresh->migrate();
    ASSERT_EQ(outcome(first), "ok");
    EXPECT_GT(*first, 0);
    EXPECT_EQ(fresh->migrate().value(), 0);
    fresh->close();
  }
  {
    auto again = GetParam().open(location).value();
    EXPECT_EQ(again->migrate().value(), 0);
    EXPECT_EQ(again->reader().list_jurisdictions().value().size(), 0u);
    again->close();
  }
  GetParam().destroy(location);
}

// ---------------------------------------------------------------------------------------
// Round trips, entity by entity.

TEST_P(store_contract, jurisdictions_round_trip_and_refuse_duplicates) {
  auto j3 = make_jurisdiction("j3", "81.01", "MLT");
  j3.timezone = "Asia/Jayapura";
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.insert_jurisdiction(j3); })), "ok");

  auto found = reader().find_jurisdiction("j3").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(j3));
  auto by_code = reader().find_jurisdiction_by_code("81.01").value();
  ASSERT_TRUE(by_code);
  EXPECT_EQ(fields(*by_code), fields(j3));
  EXPECT_FALSE(reader().find_jurisdiction("nope").value());
  EXPECT_FALSE(reader().find_jurisdiction_by_code("99.99").value());

  auto all = reader().list_jurisdictions().value();
  EXPECT_EQ(ids_of(all), (std::vector<std::string>{"j2", "j3", "j1"}));  // by code

  auto same_id = make_jurisdiction("j3", "81.02", "XXX");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_jurisdiction(same_id); })), "conflict");
  auto same_code = make_jurisdiction("j4", "81.01", "XXX");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_jurisdiction(same_code); })), "conflict");
}

// A reader is its thread's connection: another thread that uses it (a coroutine that kept it
// across a co_await and resumed elsewhere) is refused before it touches the connection, and the
// reader still serves its own thread; the other thread's own reader serves it.
TEST_P(store_contract, a_reader_used_from_another_thread_is_refused_and_still_serves_its_own) {
  auto& mine = reader();
  ASSERT_TRUE(mine.find_jurisdiction("j1").value());
  core::result<std::optional<domain::jurisdiction>> borrowed = std::nullopt;
  core::result<std::optional<domain::jurisdiction>> own = std::nullopt;
  std::thread([&] {
    borrowed = mine.find_jurisdiction("j1");
    own = reader().find_jurisdiction("j1");
  }).join();
  ASSERT_FALSE(borrowed);
  EXPECT_EQ(borrowed.error().code, core::errc::internal);
  EXPECT_NE(borrowed.error().message.find("another thread"), std::string::npos) << borrowed.error().message;
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_TRUE(*own);
  auto again = mine.find_jurisdiction("j1");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(*again);
}

TEST_P(store_contract, districts_round_trip_with_and_without_center) {
  auto with = make_district("j1", "d5", "81.71.05");
  with.center = domain::geo_point{-3.6954, 128.1814};
  with.boundary_geojson = R"({"type":"Polygon","coordinates":[]})";
  auto without = make_district("j1", "d6", "81.71.06");
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_district(with); !r) return r;
              return t.insert_district(without);
            })),
            "ok");

  auto found = reader().find_district("j1", "d5").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(with));
  found = reader().find_district("j1", "d6").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(without));
  EXPECT_FALSE(reader().find_district("j2", "d5").value()) << "scoped to its jurisdiction";

  EXPECT_EQ(ids_of(reader().list_districts("j1").value()), (std::vector<std::string>{"d1", "d2", "d5", "d6"}));
  EXPECT_EQ(ids_of(reader().list_districts("j2").value()), (std::vector<std::string>{"d9"}));

  auto same_code = make_district("j1", "d7", "81.71.05");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_district(same_code); })), "conflict");
  auto same_id = make_district("j1", "d5", "81.71.07");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_district(same_id); })), "conflict");
  auto same_code_elsewhere = make_district("j2", "d8", "81.71.05");
  EXPECT_EQ(outcome(write([&](store_txn& t) { return t.insert_district(same_code_elsewhere); })), "ok");
}

TEST_P(store_contract, agencies_upsert_inserts_then_replaces) {
  auto a = make_agency("j1", "a_pln", "PLN", domain::agency_kind::electricity);
  a.active = false;
  a.phone = "";
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_agency(a); })), "ok");
  auto found = reader().find_agency("j1", "a_pln").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(a));

  a.code = "PLN-UP3";
  a.name = "PLN UP3 Ambon";
  a.kind = domain::agency_kind::other;
  a.phone = "123";
  a.active = true;
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_agency(a); })), "ok");
  found = reader().find_agency("j1", "a_pln").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(a));
  EXPECT_EQ(ids_of(reader().list_agencies("j1").value()), (std::vector<std::string>{"a_fire", "a_pln", "a_health"}));
  EXPECT_FALSE(reader().find_agency("j2", "a_pln").value());

  auto taken_code = make_agency("j1", "a_new", "DAMKAR", domain::agency_kind::fire);
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.upsert_agency(taken_code); })), "conflict");
  auto other_jurisdiction = make_agency("j2", "a_pln", "PLN", domain::agency_kind::electricity);
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.upsert_agency(other_jurisdiction); })), "conflict");
  found = reader().find_agency("j1", "a_pln").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(a)) << "the refused upsert changed nothing";
}

// A command reads the directory as its transaction has it: its own writes at once, and nothing
// of a command rolled back before it in the same batch (the SQLite writer keeps the rows it read
// until its transaction ends).
TEST_P(store_contract, a_command_reads_the_directory_as_its_transaction_has_it) {
  auto name_of = [](store_txn& t, const std::string& id) -> std::string {
    auto a = t.find_agency("j1", id);
    return a && *a ? (*a)->name : "?";
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              EXPECT_EQ(name_of(t, "a_fire"), "Dinas DAMKAR");
              auto a = make_agency("j1", "a_fire", "DAMKAR", domain::agency_kind::fire);
              a.name = "Damkar Kota";
              if (auto r = t.upsert_agency(a); !r) return r;
              EXPECT_EQ(name_of(t, "a_fire"), "Damkar Kota") << "its own write, at once";
              auto cat = t.find_category("j1", "c_fire");
              if (!cat || !*cat) return core::not_found("c_fire");
              auto changed = **cat;
              changed.name_id = "Kebakaran besar";
              if (auto r = t.upsert_category(changed); !r) return r;
              cat = t.find_category("j1", "c_fire");
              EXPECT_TRUE(cat && *cat && (*cat)->name_id == "Kebakaran besar");
              return {};
            })),
            "ok");

  // One batch: a command that renames the agency, reads it and fails, then one that reads it.
  std::latch queued(1);
  std::latch finished(3);
  std::vector<std::string> seen;
  std::vector<std::string> outcomes(3);
  auto done = [&](int i) {
    return [&, i](result<void> r) {
      outcomes[static_cast<std::size_t>(i)] = code_of(r);
      finished.count_down();
    };
  };
  store_->submit(
      [&](store_txn&) -> result<void> {
        queued.wait();  // holds the writer until the two below wait behind it
        return {};
      },
      done(0));
  store_->submit(
      [&](store_txn& t) -> result<void> {
        EXPECT_EQ(name_of(t, "a_fire"), "Damkar Kota");
        auto a = make_agency("j1", "a_fire", "DAMKAR", domain::agency_kind::fire);
        a.name = "Nama yang dibatalkan";
        if (auto r = t.upsert_agency(a); !r) return r;
        EXPECT_EQ(name_of(t, "a_fire"), "Nama yang dibatalkan");
        return core::conflict("changed my mind");
      },
      done(1));
  store_->submit(
      [&](store_txn& t) -> result<void> {
        seen.push_back(name_of(t, "a_fire"));
        return {};
      },
      done(2));
  queued.count_down();
  finished.wait();
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "conflict", "ok"}));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "Damkar Kota") << "the failed command's write was undone, and so was what it read";
  EXPECT_EQ(reader().find_agency("j1", "a_fire").value()->name, "Damkar Kota");
}

TEST_P(store_contract, categories_keep_run_card_sop_and_sla) {
  auto c = make_category("j1", "c_tree", "fallen_tree");
  c.urgency_class = domain::urgency::urgent;
  c.run_card = {{"a_fire", domain::dispatch_role::primary}, {"a_health", domain::dispatch_role::supporting}};
  c.sop = {"Tanyakan lokasi pohon", "Apakah ada korban? \"ya\"/tidak", "Ruas jalan tertutup\n(ya/tidak)"};
  c.sla = {600, 120, 900, 86400};
  c.active = false;
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_category(c); })), "ok");
  auto found = reader().find_category("j1", "c_tree").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(c));

  c.run_card = {{"a_health", domain::dispatch_role::primary}};
  c.sop.clear();
  c.sla = {};
  c.name_en = "Fallen tree";
  c.active = true;
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_category(c); })), "ok");
  found = reader().find_category("j1", "c_tree").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(c));

  EXPECT_EQ(ids_of(reader().list_categories("j1").value()),
            (std::vector<std::string>{"c_tree", "c_fire", "c_medical"}));  // by code
  auto taken_code = make_category("j1", "c_new", "fire");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.upsert_category(taken_code); })), "conflict");
  auto other_jurisdiction = make_category("j2", "c_tree", "tree");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.upsert_category(other_jurisdiction); })), "conflict");
}

TEST_P(store_contract, the_directory_version_moves_with_the_jurisdiction_row_and_its_categories_only) {
  auto version = [&](const std::string& j) { return reader().directory_version(j).value(); };
  const auto j1 = version("j1"), j2 = version("j2");
  EXPECT_NE(j1, 0);
  EXPECT_EQ(version("nope"), 0);
  // Another jurisdiction's category, a district and a user of j1: j1's version stays.
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_category(make_category("j2", "c_oak", "tree")); })), "ok");
  EXPECT_NE(version("j2"), j2);
  EXPECT_EQ(version("j1"), j1);
  auto c = make_category("j1", "c_tree", "tree");
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_category(c); })), "ok");
  const auto after_insert = version("j1");
  EXPECT_NE(after_insert, j1);
  c.sla.dispatch_within_s = 60;
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.upsert_category(c); })), "ok");
  const auto after_update = version("j1");
  EXPECT_NE(after_update, after_insert);
  auto j = reader().find_jurisdiction("j1").value().value();
  j.holidays.push_back({"2026-12-25", "Natal"});
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_jurisdiction(j); })), "ok");
  EXPECT_NE(version("j1"), after_update);
  // A write that fails changes nothing.
  const auto before_conflict = version("j1");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.upsert_category(make_category("j1", "c_new", "fire")); })),
            "conflict");
  EXPECT_EQ(version("j1"), before_conflict);
}

TEST_P(store_contract, users_round_trip_update_and_unique_username) {
  domain::user op;
  op.id = "u2";
  op.jurisdiction_id = "j1";
  op.username = "budi.damkar";
  op.display_name = "Budi";
  op.user_role = domain::role::agency_operator;
  op.agency_id = "a_fire";
  op.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$abc";
  op.active = true;
  op.created_at = at(5);
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.insert_user(op); })), "ok");

  auto found = reader().find_user("u2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(op));
  auto by_name = reader().find_user_by_username("budi.damkar").value();
  ASSERT_TRUE(by_name);
  EXPECT_EQ(fields(*by_name), fields(op));
  EXPECT_FALSE(reader().find_user_by_username("BUDI.DAMKAR").value());
  EXPECT_EQ(ids_of(reader().list_users("j1").value()), (std::vector<std::string>{"u1", "u2"}));  // ani, budi
  EXPECT_TRUE(reader().list_users("j2").value().empty());

  op.display_name = "Budi Santoso";
  op.user_role = domain::role::supervisor;
  op.agency_id.reset();
  op.password_hash = "$argon2id$new";
  op.active = false;
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_user(op); })), "ok");
  found = reader().find_user("u2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(op));

  auto twin = op;
  twin.id = "u3";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_user(twin); })), "conflict");
  auto rename = op;
  rename.username = "ani";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_user(rename); })), "conflict");
  auto missing = op;
  missing.id = "u404";
  missing.username = "nobody";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_user(missing); })), "not_found");
  auto elsewhere = op;
  elsewhere.jurisdiction_id = "j2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_user(elsewhere); })), "not_found");
}

TEST_P(store_contract, sessions_insert_find_and_delete) {
  domain::session s{"sha256-of-token", "u1", at(10), at(10 + 8 * 3600)};
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.insert_session(s); })), "ok");
  auto found = reader().find_session("sha256-of-token").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(s));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_session(s); })), "conflict");

  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.delete_session("sha256-of-token"); })), "ok");
  EXPECT_FALSE(reader().find_session("sha256-of-token").value());
}

TEST_P(store_contract, sessions_of_a_user_and_expired_ones_are_deleted_together) {
  for (auto [hash, expiry] : {std::pair{"h-old", 20}, std::pair{"h-a", 10'000}, std::pair{"h-b", 10'000}}) {
    domain::session s{hash, "u1", at(10), at(expiry)};
    ASSERT_EQ(outcome(write([&](store_txn& t) { return t.insert_session(s); })), "ok");
  }
  std::int64_t purged = -1;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto n = t.delete_expired_sessions(at(100));
              if (!n) return n.error();
              purged = *n;
              return {};
            })),
            "ok");
  EXPECT_EQ(purged, 1);
  EXPECT_FALSE(reader().find_session("h-old").value());
  std::int64_t ended = -1;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto n = t.delete_sessions_of_user("u1", "h-b");
              if (!n) return n.error();
              ended = *n;
              return {};
            })),
            "ok");
  EXPECT_EQ(ended, 1);
  EXPECT_FALSE(reader().find_session("h-a").value());
  EXPECT_TRUE(reader().find_session("h-b").value()) << "the kept session stays";
}

TEST_P(store_contract, security_events_are_listed_newest_first_with_those_of_no_jurisdiction) {
  domain::security_event mine{"s1", "j1", "login.locked_account_address", "budi", "10.0.0.9", at(5), at(905), 5};
  domain::security_event nobody{"s2", std::nullopt, "login.locked_address", "", "10.0.0.7", at(6), at(306), 30};
  domain::security_event other{"s3", "j2", "login.backoff_account", "ani", "", at(7), at(67), 20};
  for (const auto* e : {&mine, &nobody, &other}) {
    ASSERT_EQ(outcome(write([&](store_txn& t) { return t.insert_security_event(*e); })), "ok");
  }
  auto list = reader().list_security_events("j1", 10).value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "s2");
  EXPECT_EQ(list[1].id, "s1");
  EXPECT_EQ(list[1].username, "budi");
  EXPECT_EQ(list[1].until, at(905));
  EXPECT_EQ(list[1].failures, 5);
  EXPECT_EQ(reader().list_security_events("j1", 1).value().size(), 1u);
}

TEST_P(store_contract, reports_round_trip_with_every_field_set_and_unset) {
  auto incident = make_incident("j1", "i1", "c_fire", at(0));
  auto full = make_report("j1", "r1", at(3));
  full.tracking_code = "K7M2QX9P";
  full.source = domain::channel::whatsapp;
  full.status = domain::report_status::rejected;
  full.reporter_name = "Siti";
  full.reporter_phone = "+6281234567890";
  full.description = "Asap tebal di pasar Mardika, ada api";
  full.category_id = "c_fire";
  full.location = domain::geo_point{-3.6954, 128.1814};
  full.address = "Jl. Pantai Mardika";
  full.district_id = "d1";
  full.incident_id = "i1";
  full.rejection = domain::reject_reason::duplicate;
  full.resolution_note = "sudah dilaporkan";
  full.updated_at = at(4);
  auto bare = make_report("j1", "r2", at(5));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(incident); !r) return r;
              if (auto r = t.insert_report(full); !r) return r;
              return t.insert_report(bare);
            })),
            "ok");

  auto found = reader().find_report("j1", "r1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(full));
  found = reader().find_report("j1", "r2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(bare));
  EXPECT_FALSE(reader().find_report("j2", "r1").value());
  EXPECT_EQ(ids_of(reader().reports_of_incident("i1").value()), (std::vector<std::string>{"r1"}));

  // Every field changes, including optionals from set to unset and back.
  auto changed = full;
  changed.tracking_code = "NEWCODE2";
  changed.source = domain::channel::call;
  changed.status = domain::report_status::answered;
  changed.reporter_name = "";
  changed.reporter_phone = "";
  changed.description = "informasi";
  changed.category_id.reset();
  changed.location.reset();
  changed.address = "";
  changed.district_id.reset();
  changed.incident_id.reset();
  changed.rejection.reset();
  changed.resolution_note = "nomor PDAM diberikan";
  changed.created_by = "u9";
  changed.created_at = at(1);
  changed.updated_at = at(9);
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_report(changed); })), "ok");
  found = reader().find_report("j1", "r1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(changed));
  EXPECT_TRUE(reader().reports_of_incident("i1").value().empty());

  auto filled = bare;
  filled.category_id = "c_medical";
  filled.location = domain::geo_point{0, 0};
  filled.district_id = "d2";
  filled.incident_id = "i1";
  filled.rejection = domain::reject_reason::prank;
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_report(filled); })), "ok");
  found = reader().find_report("j1", "r2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(filled));

  auto twin = make_report("j2", "r3", at(6));
  twin.tracking_code = "NEWCODE2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_report(twin); })), "conflict")
      << "tracking codes are unique across jurisdictions";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_report(bare); })), "conflict");
  auto missing = make_report("j1", "r404", at(7));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_report(missing); })), "not_found");
  auto elsewhere = filled;
  elsewhere.jurisdiction_id = "j2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_report(elsewhere); })), "not_found");
}

TEST_P(store_contract, incidents_round_trip_and_numbers_are_unique_per_jurisdiction) {
  auto full = make_incident("j1", "i1", "c_fire", at(10));
  full.urgency_class = domain::urgency::urgent;
  full.status = domain::incident_status::resolved;
  full.summary = "Kebakaran rumah";
  full.description = "Dua rumah terbakar";
  full.location = domain::geo_point{-3.7, 128.2};
  full.address = "Jl. Sultan Babullah";
  full.district_id = "d2";
  full.updated_at = at(20);
  full.first_dispatched_at = at(11);
  full.resolved_at = at(19);
  full.closed_at = at(20);
  auto bare = make_incident("j1", "i2", "c_medical", at(12));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(full); !r) return r;
              return t.insert_incident(bare);
            })),
            "ok");
  auto found = reader().find_incident("j1", "i1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(full));
  found = reader().find_incident("j1", "i2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(bare));
  EXPECT_FALSE(reader().find_incident("j2", "i1").value());

  auto changed = full;
  changed.number = "AMB-261122-9999";
  changed.category_id = "c_medical";
  changed.urgency_class = domain::urgency::emergency;
  changed.status = domain::incident_status::open;
  changed.summary = "s";
  changed.description = "d";
  changed.location.reset();
  changed.address = "";
  changed.district_id.reset();
  changed.created_by = "u2";
  changed.created_at = at(9);
  changed.updated_at = at(30);
  changed.first_dispatched_at.reset();
  changed.resolved_at.reset();
  changed.closed_at.reset();
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_incident(changed); })), "ok");
  found = reader().find_incident("j1", "i1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(changed));

  auto same_number = make_incident("j1", "i3", "c_fire", at(13));
  same_number.number = bare.number;
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_incident(same_number); })), "conflict");
  auto same_number_elsewhere = make_incident("j2", "i4", "c_other", at(13));
  same_number_elsewhere.number = bare.number;
  EXPECT_EQ(outcome(write([&](store_txn& t) { return t.insert_incident(same_number_elsewhere); })), "ok");
  auto missing = make_incident("j1", "i404", "c_fire", at(13));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_incident(missing); })), "not_found");
}

TEST_P(store_contract, references_must_exist_in_the_same_jurisdiction) {
  auto unknown_category = make_incident("j1", "i1", "c_nope", at(0));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_incident(unknown_category); })), "storage_failure");
  auto foreign_category = make_incident("j2", "i2", "c_fire", at(0));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_incident(foreign_category); })), "storage_failure");
  auto foreign_district = make_report("j2", "r1", at(0));
  foreign_district.district_id = "d1";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_report(foreign_district); })), "storage_failure");
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.insert_incident(make_incident("j1", "i9", "c_fire", at(0))); })),
            "ok");
  auto foreign_incident = make_report("j2", "r2", at(0));
  foreign_incident.incident_id = "i9";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_report(foreign_incident); })), "storage_failure");
  auto foreign_dispatch = make_dispatch("j2", "x1", "i9", "a_other", at(0));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_dispatch(foreign_dispatch); })), "storage_failure");
  auto unknown_agency = make_dispatch("j1", "x2", "i9", "a_nope", at(0));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_dispatch(unknown_agency); })), "storage_failure");
  domain::user foreign_operator;
  foreign_operator.id = "u7";
  foreign_operator.jurisdiction_id = "j2";
  foreign_operator.username = "op7";
  foreign_operator.user_role = domain::role::agency_operator;
  foreign_operator.agency_id = "a_fire";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_user(foreign_operator); })), "storage_failure");
  domain::session orphan{"token", "u404", at(0), at(1)};
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_session(orphan); })), "storage_failure");
  EXPECT_FALSE(reader().find_incident("j1", "i1").value());
  EXPECT_FALSE(reader().find_report("j2", "r1").value());
}

TEST_P(store_contract, dispatches_round_trip_and_an_agency_may_be_dispatched_again) {
  auto incident = make_incident("j1", "i1", "c_fire", at(0));
  auto declined = make_dispatch("j1", "x1", "i1", "a_fire", at(10));
  declined.role = domain::dispatch_role::supporting;
  declined.status = domain::dispatch_status::declined;
  declined.share_contact = true;
  declined.note = "catatan";
  declined.decline_reason = "unit sedang bertugas";
  declined.acknowledged_at = at(11);
  declined.en_route_at = at(12);
  declined.on_scene_at = at(13);
  declined.completed_at = at(14);
  declined.declined_at = at(15);
  declined.cancelled_at = at(16);
  declined.updated_at = at(16);
  auto again = make_dispatch("j1", "x2", "i1", "a_fire", at(20));
  auto health = make_dispatch("j1", "x3", "i1", "a_health", at(5));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(incident); !r) return r;
              if (auto r = t.insert_dispatch(declined); !r) return r;
              if (auto r = t.insert_dispatch(again); !r) return r;
              return t.insert_dispatch(health);
            })),
            "ok");
  auto found = reader().find_dispatch("j1", "x1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(declined));
  found = reader().find_dispatch("j1", "x2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(again));
  EXPECT_FALSE(reader().find_dispatch("j2", "x1").value());
  EXPECT_EQ(ids_of(reader().dispatches_of_incident("i1").value()),
            (std::vector<std::string>{"x3", "x1", "x2"}));  // by notified_at

  auto changed = again;
  changed.role = domain::dispatch_role::supporting;
  changed.status = domain::dispatch_status::completed;
  changed.share_contact = true;
  changed.note = "api padam";
  changed.acknowledged_at = at(21);
  changed.on_scene_at = at(25);
  changed.completed_at = at(40);
  changed.updated_at = at(40);
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_dispatch(changed); })), "ok");
  found = reader().find_dispatch("j1", "x2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(changed));

  auto cleared = declined;
  cleared.status = domain::dispatch_status::notified;
  cleared.share_contact = false;
  cleared.acknowledged_at.reset();
  cleared.en_route_at.reset();
  cleared.on_scene_at.reset();
  cleared.completed_at.reset();
  cleared.declined_at.reset();
  cleared.cancelled_at.reset();
  ASSERT_EQ(outcome(write([&](store_txn& t) { return t.update_dispatch(cleared); })), "ok");
  found = reader().find_dispatch("j1", "x1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(cleared));

  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_dispatch(health); })), "conflict");
  auto missing = make_dispatch("j1", "x404", "i1", "a_fire", at(0));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_dispatch(missing); })), "not_found");
}

TEST_P(store_media_contract, media_round_trip_with_their_bytes_and_stay_in_their_jurisdiction) {
  auto media_of = [](std::string id, std::string dispatch_id, std::string_view bytes, core::timestamp created) {
    domain::media m;
    m.id = std::move(id);
    m.jurisdiction_id = "j1";
    m.incident_id = "i1";
    m.dispatch_id = std::move(dispatch_id);
    m.content_type = "image/png";
    m.size = static_cast<std::int64_t>(bytes.size());
    m.sha256 = domain::sha256_hex(bytes);
    m.uploaded_by = "u1";
    m.created_at = created;
    return m;
  };
  auto fields_of = [](const domain::media& m) {
    return std::make_tuple(m.id, m.jurisdiction_id, m.incident_id, m.dispatch_id, m.content_type, m.size, m.sha256,
                           m.uploaded_by, core::to_micros(m.created_at));
  };
  // Every byte value, NUL included, comes back as it went in.
  std::string bytes(256, '\0');
  for (int i = 0; i < 256; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<char>(i);
  auto later = media_of("m2", "x1", bytes, at(20));
  auto first = media_of("m1", "x1", "\x89PNG", at(10));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(make_incident("j1", "i1", "c_fire", at(0))); !r) return r;
              if (auto r = t.insert_dispatch(make_dispatch("j1", "x1", "i1", "a_fire", at(1))); !r) return r;
              if (auto r = t.insert_media(later, bytes); !r) return r;
              return t.insert_media(first, "\x89PNG");
            })),
            "ok");

  auto found = reader().find_media("j1", "m2").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields_of(*found), fields_of(later));
  EXPECT_EQ(reader().media_bytes("j1", "m2").value(), std::optional<std::string>(bytes));
  EXPECT_EQ(reader().media_bytes("j1", "m1").value(), std::optional<std::string>("\x89PNG"));
  auto all = reader().media_of_incident("i1").value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "m1") << "oldest first";
  EXPECT_EQ(all[1].id, "m2");
  EXPECT_TRUE(reader().media_of_incident("i404").value().empty());

  // Another jurisdiction sees nothing.
  EXPECT_FALSE(reader().find_media("j2", "m2").value());
  EXPECT_FALSE(reader().media_bytes("j2", "m2").value());
  EXPECT_FALSE(reader().find_media("j1", "m404").value());

  // A duplicate id, a size that is not the bytes', a dispatch or incident that does not exist,
  // another jurisdiction's incident: refused, nothing stored.
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_media(first, "\x89PNG"); })), "conflict");
  auto wrong_size = media_of("m3", "x1", "abc", at(30));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_media(wrong_size, "abcd"); })), "storage_failure");
  auto no_dispatch = media_of("m4", "x404", "abc", at(30));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_media(no_dispatch, "abc"); })), "storage_failure");
  auto foreign = media_of("m5", "x1", "abc", at(30));
  foreign.jurisdiction_id = "j2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_media(foreign, "abc"); })), "storage_failure");
  EXPECT_EQ(reader().media_of_incident("i1").value().size(), 2u);

  reopen();
  EXPECT_EQ(reader().media_bytes("j1", "m2").value(), std::optional<std::string>(bytes));
}

TEST_P(store_contract, counters_count_per_jurisdiction_and_key_and_roll_back_with_their_command) {
  auto next = [&](std::string jurisdiction, std::string key) {
    std::int64_t value = -1;
    EXPECT_EQ(outcome(write([&](store_txn& t) -> result<void> {
                auto r = t.next_counter(jurisdiction, key);
                if (!r) return r.error();
                value = *r;
                return {};
              })),
              "ok");
    return value;
  };
  EXPECT_EQ(next("j1", "incident:2026-11-22"), 1);
  EXPECT_EQ(next("j1", "incident:2026-11-22"), 2);
  EXPECT_EQ(next("j1", "incident:2026-11-23"), 1);
  EXPECT_EQ(next("j2", "incident:2026-11-22"), 1);

  EXPECT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              auto first = t.next_counter("j1", "incident:2026-11-22");
              auto second = t.next_counter("j1", "incident:2026-11-22");
              EXPECT_EQ(first.value(), 3);
              EXPECT_EQ(second.value(), 4);
              return core::conflict("changed my mind");
            })),
            "conflict");
  EXPECT_EQ(next("j1", "incident:2026-11-22"), 3);
}

INSTANTIATE_TEST_SUITE_P(backends, store_contract, every_backend(), backend_name);
INSTANTIATE_TEST_SUITE_P(backends, store_media_contract, every_backend(), backend_name);
INSTANTIATE_TEST_SUITE_P(backends, store_areas_contract, every_backend(), backend_name);
INSTANTIATE_TEST_SUITE_P(backends, store_places_contract, every_backend(), backend_name);
INSTANTIATE_TEST_SUITE_P(backends, store_rollups_contract, every_backend(), backend_name);


}  // namespace
}  // namespace siaga::storage::contract
