// Contract tests of storage::store, written against the interface only. Every backend runs
// the same suite: to add one, write a make_*_backend() below and list it in
// INSTANTIATE_TEST_SUITE_P at the end of the file.
#include "storage/store.hpp"

#include "domain/lifecycle.hpp"
#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <thread>
#include <tuple>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------
// Backends.

// A backend under test: how to make an empty database, open a store on it, and reach
// around the store where a test must (tampering with the audit log).
struct backend {
  std::string name;
  // A fresh, empty database; opening the same location twice opens the same database.
  std::function<std::string()> make_location;
  std::function<result<std::unique_ptr<store>>(const std::string& location)> open;
  std::function<void(const std::string& location)> destroy;
  // Runs SQL directly on the database, bypassing the store.
  std::function<result<void>(const std::string& location, const std::string& sql)> raw_sql;
  // SQL that removes the guards keeping events append-only, so that a test can tamper.
  std::string drop_event_guards_sql;
  // Commit batching so far: {transactions committed, commands committed}.
  std::function<std::pair<std::int64_t, std::int64_t>(store&)> batching;
};

void PrintTo(const backend& b, std::ostream* os) { *os << b.name; }

result<void> sqlite_raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return core::make_error(core::errc::storage_failure, message);
  }
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) return core::make_error(core::errc::storage_failure, message);
  return {};
}

backend make_sqlite_backend() {
  backend b;
  b.name = "sqlite";
  b.make_location = [] {
    static std::atomic<int> serial{0};
    auto path = std::filesystem::temp_directory_path() /
                ("siaga-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".db");
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
  };
  b.open = [](const std::string& path) { return open_sqlite({.path = path}); };
  b.destroy = [](const std::string& path) {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  };
  b.raw_sql = sqlite_raw_sql;
  b.drop_event_guards_sql = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;";
  b.batching = [](store& s) {
    auto stats = dynamic_cast<sqlite::sqlite_store&>(s).stats();
    return std::pair{stats.batches, stats.commands};
  };
  return b;
}

// ---------------------------------------------------------------------------------------
// Values and comparisons.

const core::timestamp t0 = core::from_micros(1'795'000'000'000'000);  // late November 2026

core::timestamp at(std::int64_t seconds) { return t0 + std::chrono::seconds(seconds); }

// "ok", or the error's code name: printable, so a failed expectation says what happened.
template <class T>
std::string outcome(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code)) + " (" + r.error().message + ")";
}

template <class T>
std::string code_of(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code));
}

std::optional<std::pair<double, double>> geo(const std::optional<domain::geo_point>& p) {
  if (!p) return std::nullopt;
  return std::pair{p->lat, p->lon};
}

std::int64_t us(core::timestamp t) { return core::to_micros(t); }

std::optional<std::int64_t> us(const std::optional<core::timestamp>& t) {
  if (!t) return std::nullopt;
  return core::to_micros(*t);
}

template <class E>
std::optional<std::string_view> name(const std::optional<E>& v) {
  if (!v) return std::nullopt;
  return domain::to_string(*v);
}

// Every field of a value as a printable tuple, so that one EXPECT_EQ compares all of them.
auto fields(const domain::jurisdiction& j) {
  return std::make_tuple(j.id, j.code, j.name, j.timezone, j.incident_prefix);
}

auto fields(const domain::district& d) {
  return std::make_tuple(d.id, d.jurisdiction_id, d.code, d.name, geo(d.center), d.boundary_geojson);
}

auto fields(const domain::agency& a) {
  return std::make_tuple(a.id, a.jurisdiction_id, a.code, a.name, domain::to_string(a.kind), a.phone, a.active);
}

auto fields(const domain::category& c) {
  std::vector<std::pair<std::string, std::string_view>> card;
  for (const auto& e : c.run_card) card.emplace_back(e.agency_id, domain::to_string(e.role));
  return std::make_tuple(c.id, c.jurisdiction_id, c.code, c.name_id, c.name_en, domain::to_string(c.urgency_class),
                         card, c.sop, c.sla.dispatch_within_s, c.sla.acknowledge_within_s, c.sla.on_scene_within_s,
                         c.sla.complete_within_s, c.active);
}

auto fields(const domain::user& u) {
  return std::make_tuple(u.id, u.jurisdiction_id, u.username, u.display_name, domain::to_string(u.user_role),
                         u.agency_id, u.password_hash, u.active, us(u.created_at));
}

auto fields(const domain::session& s) {
  return std::make_tuple(s.token_hash, s.user_id, us(s.created_at), us(s.expires_at));
}

auto fields(const domain::report& r) {
  return std::make_tuple(r.id, r.jurisdiction_id, r.tracking_code, domain::to_string(r.source),
                         domain::to_string(r.status), r.reporter_name, r.reporter_phone, r.description, r.category_id,
                         geo(r.location), r.address, r.district_id, r.incident_id, name(r.rejection), r.resolution_note,
                         r.created_by, us(r.created_at), us(r.updated_at));
}

auto fields(const domain::incident& i) {
  return std::make_tuple(i.id, i.jurisdiction_id, i.number, i.category_id, domain::to_string(i.urgency_class),
                         domain::to_string(i.status), i.summary, i.description, geo(i.location), i.address,
                         i.district_id, i.created_by, us(i.created_at), us(i.updated_at), us(i.first_dispatched_at),
                         us(i.resolved_at), us(i.closed_at));
}

auto fields(const domain::dispatch& d) {
  return std::make_tuple(d.id, d.jurisdiction_id, d.incident_id, d.agency_id, domain::to_string(d.role),
                         domain::to_string(d.status), d.share_contact, d.note, d.decline_reason, us(d.notified_at),
                         us(d.acknowledged_at), us(d.en_route_at), us(d.on_scene_at), us(d.completed_at),
                         us(d.declined_at), us(d.cancelled_at), us(d.updated_at));
}

auto fields(const domain::event& e) {
  return std::make_tuple(e.seq, e.id, e.jurisdiction_id, domain::to_string(e.subject), e.subject_id, e.incident_id,
                         e.agency_id, e.kind, e.actor_id, us(e.at), e.payload_json, e.prev_hash, e.hash);
}

template <class T>
auto all_fields(const std::vector<T>& values) {
  std::vector<decltype(fields(values.front()))> out;
  for (const auto& v : values) out.push_back(fields(v));
  return out;
}

template <class T>
std::vector<std::string> ids_of(const std::vector<T>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(v.id);
  return out;
}

std::vector<std::int64_t> seqs_of(const std::vector<domain::event>& events) {
  std::vector<std::int64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

bool strictly_increasing(const std::vector<std::int64_t>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](auto a, auto b) { return a >= b; }) == v.end();
}

domain::jurisdiction make_jurisdiction(std::string id, std::string code, std::string prefix) {
  return {std::move(id), std::move(code), "Kota " + prefix, "Asia/Jayapura", std::move(prefix)};
}

domain::district make_district(std::string jurisdiction_id, std::string id, std::string code) {
  domain::district d;
  d.id = std::move(id);
  d.jurisdiction_id = std::move(jurisdiction_id);
  d.code = std::move(code);
  d.name = "Kecamatan " + d.code;
  return d;
}

domain::agency make_agency(std::string jurisdiction_id, std::string id, std::string code, domain::agency_kind kind) {
  domain::agency a;
  a.id = std::move(id);
  a.jurisdiction_id = std::move(jurisdiction_id);
  a.code = std::move(code);
  a.name = "Dinas " + a.code;
  a.kind = kind;
  a.phone = "+62911312345";
  return a;
}

domain::category make_category(std::string jurisdiction_id, std::string id, std::string code) {
  domain::category c;
  c.id = std::move(id);
  c.jurisdiction_id = std::move(jurisdiction_id);
  c.code = std::move(code);
  c.name_id = "Kebakaran " + c.code;
  c.name_en = "Fire " + c.code;
  return c;
}

domain::report make_report(std::string jurisdiction_id, std::string id, core::timestamp created_at) {
  domain::report r;
  r.id = std::move(id);
  r.jurisdiction_id = std::move(jurisdiction_id);
  r.tracking_code = "T" + r.id;
  r.created_by = "u1";
  r.created_at = created_at;
  r.updated_at = created_at;
  return r;
}

domain::incident make_incident(std::string jurisdiction_id, std::string id, std::string category_id,
                               core::timestamp created_at) {
  domain::incident i;
  i.id = std::move(id);
  i.jurisdiction_id = std::move(jurisdiction_id);
  i.number = "AMB-261122-" + i.id;
  i.category_id = std::move(category_id);
  i.created_by = "u1";
  i.created_at = created_at;
  i.updated_at = created_at;
  return i;
}

domain::dispatch make_dispatch(std::string jurisdiction_id, std::string id, std::string incident_id,
                               std::string agency_id, core::timestamp notified_at) {
  domain::dispatch d;
  d.id = std::move(id);
  d.jurisdiction_id = std::move(jurisdiction_id);
  d.incident_id = std::move(incident_id);
  d.agency_id = std::move(agency_id);
  d.notified_at = notified_at;
  d.updated_at = notified_at;
  return d;
}

domain::event make_event(std::string jurisdiction_id, std::string id, std::optional<std::string> incident_id = {}) {
  domain::event e;
  e.id = std::move(id);
  e.jurisdiction_id = std::move(jurisdiction_id);
  e.subject = incident_id ? domain::subject_kind::incident : domain::subject_kind::jurisdiction;
  e.subject_id = incident_id.value_or(e.jurisdiction_id);
  e.incident_id = std::move(incident_id);
  e.kind = "test.happened";
  e.actor_id = "u1";
  e.at = at(1);
  e.payload_json = R"({"id":")" + e.id + R"("})";
  return e;
}

// ---------------------------------------------------------------------------------------
// The fixture: a fresh, migrated database with two jurisdictions and their reference data.
//   j1 (AMB): districts d1, d2; agencies a_fire, a_health; categories c_fire, c_medical; user u1.
//   j2 (BDG): district d9; agency a_other; category c_other.

class store_contract : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    location_ = GetParam().make_location();
    store_ = open_store();
    ASSERT_TRUE(store_);
    ASSERT_EQ(outcome(store_->migrate()), "ok");
    ASSERT_EQ(outcome(write([](store_txn& t) -> result<void> {
                for (auto j : {make_jurisdiction("j1", "81.71", "AMB"), make_jurisdiction("j2", "32.73", "BDG")}) {
                  if (auto r = t.insert_jurisdiction(j); !r) return r;
                }
                for (auto d : {make_district("j1", "d1", "81.71.01"), make_district("j1", "d2", "81.71.02"),
                               make_district("j2", "d9", "32.73.09")}) {
                  if (auto r = t.insert_district(d); !r) return r;
                }
                for (auto a : {make_agency("j1", "a_fire", "DAMKAR", domain::agency_kind::fire),
                               make_agency("j1", "a_health", "PSC119", domain::agency_kind::health),
                               make_agency("j2", "a_other", "DAMKAR", domain::agency_kind::fire)}) {
                  if (auto r = t.upsert_agency(a); !r) return r;
                }
                for (auto c : {make_category("j1", "c_fire", "fire"), make_category("j1", "c_medical", "medical"),
                               make_category("j2", "c_other", "fire")}) {
                  if (auto r = t.upsert_category(c); !r) return r;
                }
                domain::user u;
                u.id = "u1";
                u.jurisdiction_id = "j1";
                u.username = "ani";
                u.display_name = "Ani";
                u.password_hash = "$argon2id$x";
                u.created_at = t0;
                return t.insert_user(u);
              })),
              "ok");
  }

  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    GetParam().destroy(location_);
  }

  std::unique_ptr<store> open_store() {
    auto opened = GetParam().open(location_);
    EXPECT_EQ(outcome(opened), "ok");
    return opened ? std::move(*opened) : nullptr;
  }

  // Closes the store and opens a new one on the same database.
  void reopen() {
    store_->close();
    store_.reset();
    store_ = open_store();
    ASSERT_TRUE(store_);
    ASSERT_EQ(outcome(store_->migrate()), "ok");
  }

  result<void> write(write_command command) { return store_->write(std::move(command)); }

  store_reader& reader() { return store_->reader(); }

  std::string location_;
  std::unique_ptr<store> store_;
};

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

TEST_P(store_contract, media_round_trip_with_their_bytes_and_stay_in_their_jurisdiction) {
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

// ---------------------------------------------------------------------------------------
// Lists.

TEST_P(store_contract, list_reports_filters_orders_newest_first_and_pages) {
  std::vector<domain::report> reports;
  const domain::report_status statuses[] = {domain::report_status::new_, domain::report_status::accepted,
                                            domain::report_status::rejected, domain::report_status::answered};
  for (int i = 0; i < 30; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "r%02d", i);
    auto r = make_report("j1", id, at(i / 2 * 60));  // pairs share created_at: id breaks the tie
    r.status = statuses[i % 4];
    r.source = i % 3 == 0 ? domain::channel::web : domain::channel::call;
    if (i % 5 != 0) r.category_id = i % 2 ? "c_fire" : "c_medical";
    if (r.status == domain::report_status::accepted) r.incident_id = "i1";
    reports.push_back(r);
  }
  auto foreign = make_report("j2", "r99", at(60));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(make_incident("j1", "i1", "c_fire", at(0))); !r) return r;
              for (const auto& r : reports) {
                if (auto res = t.insert_report(r); !res) return res;
              }
              return t.insert_report(foreign);
            })),
            "ok");

  auto expected = [&](std::function<bool(const domain::report&)> keep) {
    std::vector<domain::report> out;
    std::copy_if(reports.begin(), reports.end(), std::back_inserter(out), keep);
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id); });
    return ids_of(out);
  };
  auto check = [&](report_filter f, std::function<bool(const domain::report&)> keep, const char* what) {
    SCOPED_TRACE(what);
    f.jurisdiction_id = "j1";
    f.page.limit = 500;
    auto got = reader().list_reports(f).value();
    auto want = expected(keep);
    EXPECT_EQ(ids_of(got.items), want);
    EXPECT_EQ(got.total, static_cast<std::int64_t>(want.size()));
  };
  check(
      {}, [](auto&) { return true; }, "no filter");
  check(
      {.status = domain::report_status::rejected}, [](auto& r) { return r.status == domain::report_status::rejected; },
      "status");
  check(
      {.source = domain::channel::web}, [](auto& r) { return r.source == domain::channel::web; }, "source");
  check(
      {.category_id = "c_fire"}, [](auto& r) { return r.category_id == "c_fire"; }, "category");
  check(
      {.incident_id = "i1"}, [](auto& r) { return r.incident_id == "i1"; }, "incident");
  check(
      {.from = at(300), .to = at(600)}, [](auto& r) { return r.created_at >= at(300) && r.created_at < at(600); },
      "time window: from inclusive, to exclusive");
  check(
      {.status = domain::report_status::new_, .source = domain::channel::call, .category_id = "c_medical"},
      [](auto& r) {
        return r.status == domain::report_status::new_ && r.source == domain::channel::call &&
               r.category_id == "c_medical";
      },
      "combined");
  check(
      {.category_id = "c_none"}, [](auto&) { return false; }, "nothing matches");

  // Pages of 7 cover everything exactly once, and every page reports the same total.
  std::vector<std::string> paged;
  for (int offset = 0; offset < 35; offset += 7) {
    auto got = reader().list_reports({.jurisdiction_id = "j1", .page = {.limit = 7, .offset = offset}}).value();
    EXPECT_EQ(got.total, 30);
    EXPECT_LE(got.items.size(), 7u);
    for (auto& id : ids_of(got.items)) paged.push_back(id);
  }
  EXPECT_EQ(paged, expected([](auto&) { return true; }));
  auto beyond = reader().list_reports({.jurisdiction_id = "j1", .page = {.limit = 10, .offset = 100}}).value();
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.total, 30);
}

TEST_P(store_contract, list_incidents_filters_by_status_category_district_agency_and_time) {
  std::vector<domain::incident> incidents;
  std::map<std::string, std::set<std::string>> agencies_of;
  std::vector<domain::dispatch> dispatches;
  const domain::incident_status statuses[] = {domain::incident_status::open,        domain::incident_status::dispatched,
                                              domain::incident_status::in_progress, domain::incident_status::resolved,
                                              domain::incident_status::closed,      domain::incident_status::cancelled};
  for (int i = 0; i < 24; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "i%02d", i);
    auto inc = make_incident("j1", id, i % 2 ? "c_fire" : "c_medical", at(i * 60));
    inc.status = statuses[i % 6];
    if (i % 3 == 1) inc.district_id = "d1";
    if (i % 3 == 2) inc.district_id = "d2";
    incidents.push_back(inc);
    if (i % 4 == 0) {
      dispatches.push_back(make_dispatch("j1", std::string("x") + id, id, "a_fire", at(i * 60 + 5)));
      dispatches.push_back(make_dispatch("j1", std::string("y") + id, id, "a_fire", at(i * 60 + 6)));  // again
      agencies_of[id].insert("a_fire");
    }
    if (i % 4 == 1) {
      dispatches.push_back(make_dispatch("j1", std::string("x") + id, id, "a_health", at(i * 60 + 5)));
      agencies_of[id].insert("a_health");
    }
  }
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (const auto& i : incidents) {
                if (auto r = t.insert_incident(i); !r) return r;
              }
              for (const auto& d : dispatches) {
                if (auto r = t.insert_dispatch(d); !r) return r;
              }
              return t.insert_incident(make_incident("j2", "i99", "c_other", at(60)));
            })),
            "ok");

  auto check = [&](incident_filter f, std::function<bool(const domain::incident&)> keep, const char* what) {
    SCOPED_TRACE(what);
    f.jurisdiction_id = "j1";
    std::vector<domain::incident> want;
    std::copy_if(incidents.begin(), incidents.end(), std::back_inserter(want), keep);
    std::reverse(want.begin(), want.end());  // created_at ascending by construction
    auto got = reader().list_incidents(f).value();
    EXPECT_EQ(ids_of(got.items), ids_of(want));
    EXPECT_EQ(got.total, static_cast<std::int64_t>(want.size()));
  };
  check(
      {}, [](auto&) { return true; }, "no filter");
  check(
      {.statuses = {domain::incident_status::open, domain::incident_status::dispatched, domain::incident_status::open}},
      [](auto& i) {
        return i.status == domain::incident_status::open || i.status == domain::incident_status::dispatched;
      },
      "statuses, with a duplicate");
  check(
      {.category_id = "c_fire"}, [](auto& i) { return i.category_id == "c_fire"; }, "category");
  check(
      {.district_id = "d2"}, [](auto& i) { return i.district_id == "d2"; }, "district");
  check(
      {.agency_id = "a_fire"}, [&](auto& i) { return agencies_of[i.id].contains("a_fire"); },
      "agency, listed once even when dispatched twice");
  check(
      {.from = at(120), .to = at(600)}, [](auto& i) { return i.created_at >= at(120) && i.created_at < at(600); },
      "time window");
  check(
      {.statuses = {domain::incident_status::open}, .category_id = "c_medical", .agency_id = "a_fire"},
      [&](auto& i) {
        return i.status == domain::incident_status::open && i.category_id == "c_medical" &&
               agencies_of[i.id].contains("a_fire");
      },
      "combined");

  auto first = reader().list_incidents({.jurisdiction_id = "j1", .page = {.limit = 5, .offset = 0}}).value();
  auto second = reader().list_incidents({.jurisdiction_id = "j1", .page = {.limit = 5, .offset = 5}}).value();
  EXPECT_EQ(ids_of(first.items), (std::vector<std::string>{"i23", "i22", "i21", "i20", "i19"}));
  EXPECT_EQ(ids_of(second.items), (std::vector<std::string>{"i18", "i17", "i16", "i15", "i14"}));
  EXPECT_EQ(first.total, 24);
  EXPECT_EQ(second.total, 24);
}

TEST_P(store_contract, list_dispatches_filters_by_agency_incident_and_status) {
  std::vector<domain::dispatch> dispatches;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (auto id : {"i1", "i2"}) {
                if (auto r = t.insert_incident(make_incident("j1", id, "c_fire", at(0))); !r) return r;
              }
              for (int k = 0; k < 12; ++k) {
                auto d = make_dispatch("j1", "x" + std::to_string(10 + k), k % 2 ? "i1" : "i2",
                                       k % 3 ? "a_fire" : "a_health", at(100 + k));
                d.status = k % 4 ? domain::dispatch_status::notified : domain::dispatch_status::completed;
                dispatches.push_back(d);
                if (auto r = t.insert_dispatch(d); !r) return r;
              }
              if (auto r = t.insert_incident(make_incident("j2", "i9", "c_other", at(0))); !r) return r;
              return t.insert_dispatch(make_dispatch("j2", "x99", "i9", "a_other", at(500)));
            })),
            "ok");
  auto check = [&](dispatch_filter f, std::function<bool(const domain::dispatch&)> keep, const char* what) {
    SCOPED_TRACE(what);
    f.jurisdiction_id = "j1";
    std::vector<domain::dispatch> want;
    std::copy_if(dispatches.begin(), dispatches.end(), std::back_inserter(want), keep);
    std::reverse(want.begin(), want.end());
    auto got = reader().list_dispatches(f).value();
    EXPECT_EQ(all_fields(got.items), all_fields(want));
    EXPECT_EQ(got.total, static_cast<std::int64_t>(want.size()));
  };
  check(
      {}, [](auto&) { return true; }, "no filter");
  check(
      {.agency_id = "a_health"}, [](auto& d) { return d.agency_id == "a_health"; }, "agency");
  check(
      {.incident_id = "i1"}, [](auto& d) { return d.incident_id == "i1"; }, "incident");
  check(
      {.statuses = {domain::dispatch_status::completed}},
      [](auto& d) { return d.status == domain::dispatch_status::completed; }, "status");
  check(
      {.agency_id = "a_fire", .incident_id = "i2", .statuses = {domain::dispatch_status::notified}},
      [](auto& d) {
        return d.agency_id == "a_fire" && d.incident_id == "i2" && d.status == domain::dispatch_status::notified;
      },
      "combined");
  auto paged = reader().list_dispatches({.jurisdiction_id = "j1", .page = {.limit = 3, .offset = 3}}).value();
  EXPECT_EQ(ids_of(paged.items), (std::vector<std::string>{"x18", "x17", "x16"}));
  EXPECT_EQ(paged.total, 12);
}

TEST_P(store_contract, page_limits_are_clamped_to_1_through_500) {
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (int i = 0; i < 510; ++i) {
                if (auto r = t.insert_report(make_report("j1", "r" + std::to_string(1000 + i), at(i))); !r) return r;
              }
              return {};
            })),
            "ok");
  auto huge = reader().list_reports({.jurisdiction_id = "j1", .page = {.limit = 100000}}).value();
  EXPECT_EQ(huge.items.size(), 500u);
  EXPECT_EQ(huge.total, 510);
  auto zero = reader().list_reports({.jurisdiction_id = "j1", .page = {.limit = 0, .offset = -3}}).value();
  EXPECT_EQ(ids_of(zero.items), (std::vector<std::string>{"r1509"}));
  EXPECT_EQ(zero.total, 510);
}

// ---------------------------------------------------------------------------------------
// Commands, batches and events.

TEST_P(store_contract, a_command_reads_its_own_writes) {
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_report(make_report("j1", "r1", at(0))); !r) return r;
              auto found = t.find_report("j1", "r1");
              EXPECT_TRUE(found && *found);
              auto listed = t.list_reports({.jurisdiction_id = "j1"});
              EXPECT_TRUE(listed && listed->total == 1);
              auto e = t.append_event(make_event("j1", "e1"));
              if (!e) return e.error();
              auto events = t.events_of_jurisdiction("j1");
              EXPECT_TRUE(events && events->size() == 1 && events->front().hash == e->hash);
              return {};
            })),
            "ok");
}

TEST_P(store_contract, a_failed_command_leaves_nothing_behind) {
  EXPECT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              EXPECT_EQ(outcome(t.insert_report(make_report("j1", "r1", at(0)))), "ok");
              EXPECT_EQ(outcome(t.append_event(make_event("j1", "e1"))), "ok");
              return t.insert_report(make_report("j1", "r1", at(0)));  // the same id again
            })),
            "conflict");
  EXPECT_FALSE(reader().find_report("j1", "r1").value());
  EXPECT_TRUE(reader().events_of_jurisdiction("j1").value().empty());

  // A command may also recover from a refused statement and still commit its other work.
  EXPECT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              EXPECT_EQ(outcome(t.insert_report(make_report("j1", "r2", at(0)))), "ok");
              EXPECT_EQ(code_of(t.insert_report(make_report("j1", "r2", at(0)))), "conflict");
              return {};
            })),
            "ok");
  EXPECT_TRUE(reader().find_report("j1", "r2").value());
}

TEST_P(store_contract, a_throwing_command_fails_alone_as_internal) {
  EXPECT_EQ(code_of(write([](store_txn& t) -> result<void> {
              (void)t.insert_report(make_report("j1", "r1", at(0)));
              throw std::runtime_error("bug");
            })),
            "internal");
  EXPECT_FALSE(reader().find_report("j1", "r1").value());
  EXPECT_EQ(outcome(write([](store_txn& t) { return t.insert_report(make_report("j1", "r1", at(0))); })), "ok");
}

// Many threads submit at once, so that commands share batches; every third command fails
// after writing. Each must be rolled back alone: its report and event are gone, the rest of
// its batch is there, and the listener hears only of committed events.
TEST_P(store_contract, failed_commands_roll_back_alone_while_their_batch_commits) {
  constexpr int threads = 4;
  constexpr int per_thread = 60;
  std::mutex heard_mutex;
  std::vector<domain::event> heard;
  store_->set_commit_listener([&](const std::vector<domain::event>& events) {
    std::lock_guard lock(heard_mutex);
    heard.insert(heard.end(), events.begin(), events.end());
  });
  std::vector<std::string> outcomes(threads * per_thread);
  std::latch finished(threads * per_thread);
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < per_thread; ++i) {
        int n = w * per_thread + i;
        auto id = "r" + std::to_string(n);
        store_->submit(
            [id, n](store_txn& t) -> result<void> {
              if (auto r = t.insert_report(make_report(n % 2 ? "j1" : "j2", id, at(n))); !r) return r;
              if (auto e = t.append_event(make_event(n % 2 ? "j1" : "j2", "e" + id)); !e) return e.error();
              if (n % 3 == 0) return core::conflict("refused on purpose");
              return {};
            },
            [&outcomes, &finished, n](result<void> r) {
              outcomes[n] = code_of(r);
              finished.count_down();
            });
      }
    });
  }
  for (auto& w : workers) w.join();
  finished.wait();

  int committed = 0;
  for (int n = 0; n < threads * per_thread; ++n) {
    auto id = "r" + std::to_string(n);
    auto found = reader().find_report(n % 2 ? "j1" : "j2", id).value();
    if (n % 3 == 0) {
      EXPECT_EQ(outcomes[n], "conflict") << id;
      EXPECT_FALSE(found) << id;
    } else {
      EXPECT_EQ(outcomes[n], "ok") << id;
      EXPECT_TRUE(found) << id;
      ++committed;
    }
  }
  auto events = reader().events_after(0, 100000).value();
  EXPECT_EQ(events.size(), static_cast<std::size_t>(committed));
  for (const auto& e : events) EXPECT_NE(std::stoi(e.id.substr(2)) % 3, 0) << e.id;
  for (auto j : {"j1", "j2"}) {
    auto chain = reader().events_of_jurisdiction(j).value();
    EXPECT_FALSE(domain::verify_chain(chain)) << j;
  }
  store_->close();  // the listener runs after the done callbacks; closing waits for it
  EXPECT_EQ(all_fields(heard), all_fields(events));
}

TEST_P(store_contract, events_get_increasing_seqs_and_an_unbroken_chain_across_threads_and_reopen) {
  constexpr int threads = 6;
  constexpr int per_thread = 40;
  auto run_wave = [&](const std::string& wave) {
    std::latch finished(threads * per_thread);
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
      workers.emplace_back([&, w] {
        for (int i = 0; i < per_thread; ++i) {
          auto id = wave + "-" + std::to_string(w) + "-" + std::to_string(i);
          auto jurisdiction = (w + i) % 3 ? "j1" : "j2";
          store_->submit(
              [id, jurisdiction](store_txn& t) -> result<void> {
                auto first = t.append_event(make_event(jurisdiction, id + "a"));
                if (!first) return first.error();
                auto second = t.append_event(make_event(jurisdiction, id + "b"));
                if (!second) return second.error();
                EXPECT_GT(second->seq, first->seq);
                EXPECT_EQ(second->prev_hash, first->hash);
                return {};
              },
              [&](result<void> r) {
                if (!r) failures++;
                finished.count_down();
              });
        }
      });
    }
    for (auto& w : workers) w.join();
    finished.wait();
    EXPECT_EQ(failures.load(), 0);
  };

  run_wave("w1");
  auto check_chains = [&](std::size_t expected_total) {
    auto all = reader().events_after(0, 1000000).value();
    EXPECT_EQ(all.size(), expected_total);
    EXPECT_TRUE(strictly_increasing(seqs_of(all)));
    std::size_t sum = 0;
    for (auto j : {"j1", "j2"}) {
      auto chain = reader().events_of_jurisdiction(j).value();
      sum += chain.size();
      EXPECT_TRUE(strictly_increasing(seqs_of(chain)));
      if (chain.empty()) {
        ADD_FAILURE() << "no events in " << j;
        continue;
      }
      EXPECT_EQ(chain.front().prev_hash, "");
      auto broken = domain::verify_chain(chain);
      EXPECT_FALSE(broken) << j << " breaks at " << broken->seq << ": " << broken->reason;
    }
    EXPECT_EQ(sum, expected_total);
    return all.back().seq;
  };
  auto last_seq = check_chains(2 * threads * per_thread);
  auto last_j1 = reader().events_of_jurisdiction("j1").value().back();

  reopen();
  auto appended = store_->reader().events_of_jurisdiction("j1").value().back();
  EXPECT_EQ(fields(appended), fields(last_j1)) << "the log survives reopening";
  domain::event next;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto e = t.append_event(make_event("j1", "after-reopen"));
              if (!e) return e.error();
              next = *e;
              return {};
            })),
            "ok");
  EXPECT_GT(next.seq, last_seq);
  EXPECT_EQ(next.prev_hash, last_j1.hash);
  run_wave("w2");
  check_chains(4 * threads * per_thread + 1);
}

TEST_P(store_contract, append_event_returns_what_is_stored) {
  domain::event e = make_event("j1", "e1", "i1");
  e.subject = domain::subject_kind::dispatch;
  e.subject_id = "x1";
  e.agency_id = "a_fire";
  e.kind = "dispatch.acknowledged";
  e.actor_id = "system";
  e.at = at(42);
  e.payload_json = R"({"note":"unit \"R1\" berangkat","n":[1,2]})";
  e.seq = 999999;                 // assigned by the store, whatever the caller says
  e.prev_hash = "not-the-chain";  // likewise
  domain::event stored;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto r = t.append_event(e);
              if (!r) return r.error();
              stored = *r;
              return {};
            })),
            "ok");
  EXPECT_NE(stored.seq, 999999);
  EXPECT_EQ(stored.prev_hash, "");
  EXPECT_EQ(stored.hash, domain::compute_event_hash(stored));
  e.seq = stored.seq;
  e.prev_hash = stored.prev_hash;
  e.hash = stored.hash;
  EXPECT_EQ(fields(stored), fields(e));
  auto read = reader().events_of_incident("i1").value();
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(fields(read[0]), fields(e));
  EXPECT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              auto again = t.append_event(e);
              if (!again) return again.error();
              return {};
            })),
            "conflict")
      << "event ids are unique";
}

TEST_P(store_contract, events_of_incident_and_events_after_page_in_seq_order) {
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (int k = 0; k < 10; ++k) {
                auto incident = k % 2 ? std::optional<std::string>("i1") : std::optional<std::string>("i2");
                if (k == 9) incident.reset();
                auto e = t.append_event(make_event(k % 4 == 3 ? "j2" : "j1", "e" + std::to_string(k), incident));
                if (!e) return e.error();
              }
              return {};
            })),
            "ok");
  auto all = reader().events_after(0, 100).value();
  ASSERT_EQ(all.size(), 10u);
  EXPECT_TRUE(strictly_increasing(seqs_of(all)));
  EXPECT_EQ(all_fields(reader().events_after(0, 4).value()), all_fields(std::vector(all.begin(), all.begin() + 4)));
  EXPECT_EQ(all_fields(reader().events_after(all[3].seq, 100).value()),
            all_fields(std::vector(all.begin() + 4, all.end())));
  EXPECT_TRUE(reader().events_after(all.back().seq, 10).value().empty());
  EXPECT_TRUE(reader().events_after(0, 0).value().empty());

  auto of_i1 = reader().events_of_incident("i1").value();
  std::vector<std::string> ids;
  for (auto& e : of_i1) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"e1", "e3", "e5", "e7"}));
  EXPECT_TRUE(strictly_increasing(seqs_of(of_i1)));
}

TEST_P(store_contract, the_commit_listener_hears_exactly_the_committed_events_in_seq_order) {
  std::mutex heard_mutex;
  std::vector<std::vector<domain::event>> calls;
  store_->set_commit_listener([&](const std::vector<domain::event>& events) {
    std::lock_guard lock(heard_mutex);
    calls.push_back(events);
  });
  constexpr int commands = 300;
  std::latch finished(commands);
  for (int n = 0; n < commands; ++n) {
    store_->submit(
        [n](store_txn& t) -> result<void> {
          if (n % 5 == 4) return {};  // commits, appends nothing
          for (int k = 0; k < 1 + n % 3; ++k) {
            auto e = t.append_event(make_event(n % 2 ? "j1" : "j2", "e" + std::to_string(n) + "-" + std::to_string(k)));
            if (!e) return e.error();
          }
          if (n % 7 == 0) return core::conflict("refused after appending");
          return {};
        },
        [&](result<void>) { finished.count_down(); });
  }
  finished.wait();
  auto stored = reader().events_after(0, 100000).value();
  store_->close();

  std::vector<domain::event> heard;
  for (const auto& call : calls) {
    EXPECT_FALSE(call.empty()) << "the listener is not called for batches without events";
    EXPECT_TRUE(strictly_increasing(seqs_of(call)));
    heard.insert(heard.end(), call.begin(), call.end());
  }
  EXPECT_EQ(all_fields(heard), all_fields(stored));
  for (const auto& e : heard) {
    int n = std::stoi(e.id.substr(1));
    EXPECT_NE(n % 7, 0) << "event of a refused command was published: " << e.id;
  }
}

TEST_P(store_contract, events_are_append_only_and_tampering_is_detectable) {
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (int k = 0; k < 3; ++k) {
                if (auto e = t.append_event(make_event("j1", "e" + std::to_string(k))); !e) return e.error();
              }
              return {};
            })),
            "ok");
  auto chain = reader().events_of_jurisdiction("j1").value();
  ASSERT_EQ(chain.size(), 3u);
  auto middle = std::to_string(chain[1].seq);
  EXPECT_EQ(code_of(GetParam().raw_sql(location_, "UPDATE events SET kind = 'x' WHERE seq = " + middle)),
            "storage_failure");
  EXPECT_EQ(code_of(GetParam().raw_sql(location_, "DELETE FROM events WHERE seq = " + middle)), "storage_failure");
  EXPECT_EQ(all_fields(reader().events_of_jurisdiction("j1").value()), all_fields(chain));

  ASSERT_EQ(outcome(GetParam().raw_sql(location_, GetParam().drop_event_guards_sql)), "ok");
  ASSERT_EQ(outcome(GetParam().raw_sql(location_,
                                       "UPDATE events SET payload_json = '{\"forged\":true}' WHERE seq = " + middle)),
            "ok");
  auto broken = domain::verify_chain(reader().events_of_jurisdiction("j1").value());
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->seq, chain[1].seq);
}

// ---------------------------------------------------------------------------------------
// Durability and shutdown.

TEST_P(store_contract, acknowledged_writes_survive_close_and_reopen) {
  auto r = make_report("j1", "r1", at(0));
  r.description = "durable";
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto res = t.insert_report(r); !res) return res;
              return t.append_event(make_event("j1", "e1")).has_value() ? result<void>{}
                                                                        : core::conflict("append failed");
            })),
            "ok");
  auto before = reader().events_of_jurisdiction("j1").value();
  reopen();
  auto found = store_->reader().find_report("j1", "r1").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(fields(*found), fields(r));
  EXPECT_EQ(all_fields(store_->reader().events_of_jurisdiction("j1").value()), all_fields(before));
  EXPECT_EQ(store_->reader().list_agencies("j1").value().size(), 2u);
}

TEST_P(store_contract, close_finishes_queued_commands_and_later_submits_are_unavailable) {
  constexpr int commands = 200;
  std::atomic<int> ok{0};
  for (int n = 0; n < commands; ++n) {
    store_->submit([n](store_txn& t) { return t.insert_report(make_report("j1", "r" + std::to_string(n), at(n))); },
                   [&](result<void> r) {
                     if (r) ok++;
                   });
  }
  store_->close();
  EXPECT_EQ(ok.load(), commands) << "every command queued before close() completes";

  std::optional<std::string> late;
  bool ran = false;
  store_->submit(
      [&](store_txn&) -> result<void> {
        ran = true;
        return {};
      },
      [&](result<void> r) { late = code_of(r); });
  EXPECT_EQ(late, "unavailable") << "done is called at once";
  EXPECT_FALSE(ran);
  EXPECT_EQ(code_of(store_->write([](store_txn&) -> result<void> { return {}; })), "unavailable");

  reopen();
  EXPECT_EQ(store_->reader().list_reports({.jurisdiction_id = "j1"}).value().total, commands);
}

TEST_P(store_contract, readers_on_many_threads_see_every_acknowledged_write) {
  constexpr int writers = 4;
  constexpr int per_writer = 50;
  std::atomic<bool> stop{false};
  std::atomic<int> read_errors{0};
  std::vector<std::thread> readers;
  for (int k = 0; k < 2; ++k) {
    readers.emplace_back([&] {
      while (!stop) {
        auto page = store_->reader().list_reports({.jurisdiction_id = "j1", .page = {.limit = 5}});
        if (!page || page->items.size() > 5) read_errors++;
      }
    });
  }
  std::atomic<int> missing{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < writers; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i) {
        auto id = "r" + std::to_string(w) + "-" + std::to_string(i);
        auto r = store_->write([&](store_txn& t) { return t.insert_report(make_report("j1", id, at(i))); });
        // Once write() has returned, this thread's reader must see the row.
        if (!r || !store_->reader().find_report("j1", id).value()) missing++;
      }
    });
  }
  for (auto& w : workers) w.join();
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_EQ(reader().list_reports({.jurisdiction_id = "j1"}).value().total, writers * per_writer);
}

// 2,000 incident creations from 8 threads, each the real sequence of a command: a daily
// counter for the number, the incident, its event. All complete, numbers are unique, and
// the writer committed them in far fewer transactions than commands (group commit).
TEST_P(store_contract, concurrent_submits_all_complete_in_batches) {
  constexpr int threads = 8;
  constexpr int per_thread = 250;
  auto [batches_before, commands_before] = GetParam().batching(*store_);
  std::latch finished(threads * per_thread);
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < per_thread; ++i) {
        auto id = "i" + std::to_string(w) + "-" + std::to_string(i);
        store_->submit(
            [id, i](store_txn& t) -> result<void> {
              auto seq = t.next_counter("j1", "incident:2026-11-22");
              if (!seq) return seq.error();
              auto incident = make_incident("j1", id, "c_fire", at(i));
              incident.number = "AMB-261122-" + std::to_string(*seq);
              if (auto r = t.insert_incident(incident); !r) return r;
              auto e = t.append_event(make_event("j1", "e" + id, id));
              if (!e) return e.error();
              return {};
            },
            [&](result<void> r) {
              if (!r) failures++;
              finished.count_down();
            });
      }
    });
  }
  for (auto& w : workers) w.join();
  finished.wait();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(reader().list_incidents({.jurisdiction_id = "j1"}).value().total, threads * per_thread);
  auto chain = reader().events_of_jurisdiction("j1").value();
  EXPECT_EQ(chain.size(), static_cast<std::size_t>(threads * per_thread));
  EXPECT_FALSE(domain::verify_chain(chain));

  auto [batches, commands] = GetParam().batching(*store_);
  batches -= batches_before;
  commands -= commands_before;
  EXPECT_EQ(commands, threads * per_thread);
  EXPECT_LT(batches, commands);
  EXPECT_GT(batches, 0);
}

INSTANTIATE_TEST_SUITE_P(backends, store_contract, ::testing::Values(make_sqlite_backend()),
                         [](const ::testing::TestParamInfo<backend>& info) { return info.param.name; });

}  // namespace
}  // namespace siaga::storage
