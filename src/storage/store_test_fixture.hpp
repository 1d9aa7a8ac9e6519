// The fixture of the store contract tests (store_test.cpp, store_queries_test.cpp,
// store_rollups_test.cpp): every backend runs the same suites; to add one, write a
// make_*_backend() here and list it in every_backend() or, while it lacks some facets, in the
// lists of the suites whose facets it has (the end of this file).
#pragma once

#include "storage/store.hpp"

#include "domain/lifecycle.hpp"
#include "domain/media.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
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

namespace siaga::storage::contract {

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

inline void PrintTo(const backend& b, std::ostream* os) {
  *os << b.name;
}

inline result<void> sqlite_raw_sql(const std::string& path, const std::string& sql) {
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

inline backend make_sqlite_backend() {
  backend b;
  b.name = "sqlite";
  b.make_location = [] {
    static std::atomic<int> serial{0};
    auto path = std::filesystem::temp_directory_path() /
                ("siaga-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".db");
    for (auto suffix : {"", "-wal", "-shm", "-counters"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
  };
  b.open = [](const std::string& path) { return open_sqlite({.path = path}); };
  b.destroy = [](const std::string& path) {
    for (auto suffix : {"", "-wal", "-shm", "-counters"}) std::filesystem::remove(path + suffix);
  };
  b.raw_sql = sqlite_raw_sql;
  b.drop_event_guards_sql = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;";
  b.batching = [](store& s) {
    auto stats = dynamic_cast<sqlite::sqlite_store&>(s).stats();
    return std::pair{stats.batches, stats.commands};
  };
  return b;
}

// The PostgreSQL server of the tests: a libpq keyword string in SIAGA_TEST_POSTGRES, or in the
// file SIAGA_TEST_POSTGRES_FILE names (ctest's pg_cluster fixture writes it: CMakeLists.txt,
// scripts/pg-test-cluster.sh). Each test gets a database of its own, dropped afterwards.
inline std::string postgres_test_server() {
  if (const char* direct = std::getenv("SIAGA_TEST_POSTGRES"); direct && *direct) return direct;
  if (const char* file = std::getenv("SIAGA_TEST_POSTGRES_FILE"); file && *file) {
    std::ifstream in(file);
    std::string line;
    if (std::getline(in, line) && !line.empty()) return line;
  }
  ADD_FAILURE() << "no PostgreSQL for the tests: run them through ctest (fixture pg_cluster), or set "
                   "SIAGA_TEST_POSTGRES to a libpq keyword string such as 'host=127.0.0.1 port=5432 user=siaga'";
  return "host=/nonexistent";
}

// Runs sql on the server's database named in conninfo (keywords later in the string win).
inline result<void> postgres_exec(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return core::make_error(core::errc::storage_failure, message);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  auto status = PQresultStatus(res);
  std::string message = PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return core::make_error(core::errc::storage_failure, message);
  }
  return {};
}

inline backend make_postgres_backend() {
  backend b;
  b.name = "postgres";
  b.make_location = [] {
    static std::atomic<int> serial{0};
    auto server = postgres_test_server();
    auto name = "siaga_test_" + std::to_string(::getpid()) + "_" + std::to_string(serial++);
    (void)postgres_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    auto made = postgres_exec(server, "CREATE DATABASE " + name);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return server + " dbname=" + name;
  };
  b.open = [](const std::string& conninfo) { return open_postgres({.conninfo = conninfo}); };
  b.destroy = [](const std::string& conninfo) {
    auto name = conninfo.substr(conninfo.rfind("dbname=") + 7);
    (void)postgres_exec(postgres_test_server(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  };
  b.raw_sql = postgres_exec;
  b.drop_event_guards_sql = "DROP TRIGGER events_no_update ON events; DROP TRIGGER events_no_delete ON events;";
  b.batching = [](store& s) {
    auto stats = dynamic_cast<postgres::postgres_store&>(s).stats();
    return std::pair{stats.batches, stats.commands};
  };
  return b;
}

// ---------------------------------------------------------------------------------------
// Values and comparisons.

inline const core::timestamp t0 = core::from_micros(1'795'000'000'000'000);  // late November 2026

inline core::timestamp at(std::int64_t seconds) {
  return t0 + std::chrono::seconds(seconds);
}

// "ok", or the error's code name: printable, so a failed expectation says what happened.
template <class T>
inline std::string outcome(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code)) + " (" + r.error().message + ")";
}

template <class T>
inline std::string code_of(const result<T>& r) {
  return r ? "ok" : std::string(core::to_string(r.error().code));
}

inline std::optional<std::pair<double, double>> geo(const std::optional<domain::geo_point>& p) {
  if (!p) return std::nullopt;
  return std::pair{p->lat, p->lon};
}

inline std::int64_t us(core::timestamp t) {
  return core::to_micros(t);
}

inline std::optional<std::int64_t> us(const std::optional<core::timestamp>& t) {
  if (!t) return std::nullopt;
  return core::to_micros(*t);
}

template <class E>
inline std::optional<std::string_view> name(const std::optional<E>& v) {
  if (!v) return std::nullopt;
  return domain::to_string(*v);
}

// Every field of a value as a printable tuple, so that one EXPECT_EQ compares all of them.
inline auto fields(const domain::jurisdiction& j) {
  return std::make_tuple(j.id, j.code, j.name, j.timezone, j.incident_prefix);
}

inline auto fields(const domain::district& d) {
  return std::make_tuple(d.id, d.jurisdiction_id, d.code, d.name, geo(d.center), d.boundary_geojson,
                         d.boundary_approximate);
}

inline auto fields(const domain::village& v) {
  return std::make_tuple(v.id, v.jurisdiction_id, v.district_id, v.code, v.name, geo(v.center), v.boundary_geojson,
                         v.boundary_approximate);
}

inline auto fields(const domain::agency& a) {
  return std::make_tuple(a.id, a.jurisdiction_id, a.code, a.name, domain::to_string(a.kind), a.phone, a.active);
}

inline auto fields(const domain::category& c) {
  std::vector<std::pair<std::string, std::string_view>> card;
  for (const auto& e : c.run_card) card.emplace_back(e.agency_id, domain::to_string(e.role));
  return std::make_tuple(c.id, c.jurisdiction_id, c.code, c.name_id, c.name_en, domain::to_string(c.urgency_class),
                         card, c.sop, c.sla.dispatch_within_s, c.sla.acknowledge_within_s, c.sla.on_scene_within_s,
                         c.sla.complete_within_s, c.active);
}

inline auto fields(const domain::user& u) {
  return std::make_tuple(u.id, u.jurisdiction_id, u.username, u.display_name, domain::to_string(u.user_role),
                         u.agency_id, u.password_hash, u.active, us(u.created_at));
}

inline auto fields(const domain::session& s) {
  return std::make_tuple(s.token_hash, s.user_id, us(s.created_at), us(s.expires_at));
}

inline auto fields(const domain::report& r) {
  return std::make_tuple(r.id, r.jurisdiction_id, r.tracking_code, domain::to_string(r.source),
                         domain::to_string(r.status), r.reporter_name, r.reporter_phone, r.description, r.category_id,
                         geo(r.location), r.address, r.district_id, r.incident_id, name(r.rejection), r.resolution_note,
                         r.created_by, us(r.created_at), us(r.updated_at), r.village_id);
}

inline auto fields(const domain::incident& i) {
  return std::make_tuple(i.id, i.jurisdiction_id, i.number, i.category_id, domain::to_string(i.urgency_class),
                         domain::to_string(i.status), i.summary, i.description, geo(i.location), i.address,
                         i.district_id, i.created_by, us(i.created_at), us(i.updated_at), us(i.first_dispatched_at),
                         us(i.resolved_at), us(i.closed_at), i.village_id);
}

inline auto fields(const domain::dispatch& d) {
  return std::make_tuple(d.id, d.jurisdiction_id, d.incident_id, d.agency_id, domain::to_string(d.role),
                         domain::to_string(d.status), d.share_contact, d.note, d.decline_reason, us(d.notified_at),
                         us(d.acknowledged_at), us(d.en_route_at), us(d.on_scene_at), us(d.completed_at),
                         us(d.declined_at), us(d.cancelled_at), us(d.updated_at));
}

inline auto fields(const domain::event& e) {
  return std::make_tuple(e.seq, e.id, e.jurisdiction_id, domain::to_string(e.subject), e.subject_id, e.incident_id,
                         e.agency_id, e.kind, e.actor_id, us(e.at), e.payload_json, e.prev_hash, e.hash,
                         e.payload_digest, us(e.erased_at));
}

template <class T>
inline auto all_fields(const std::vector<T>& values) {
  std::vector<decltype(fields(values.front()))> out;
  for (const auto& v : values) out.push_back(fields(v));
  return out;
}

template <class T>
inline std::vector<std::string> ids_of(const std::vector<T>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(v.id);
  return out;
}

inline std::vector<std::int64_t> seqs_of(const std::vector<domain::event>& events) {
  std::vector<std::int64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

inline bool strictly_increasing(const std::vector<std::int64_t>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](auto a, auto b) { return a >= b; }) == v.end();
}

inline domain::jurisdiction make_jurisdiction(std::string id, std::string code, std::string prefix) {
  return {std::move(id), std::move(code), "Kota " + prefix, "Asia/Jayapura", std::move(prefix)};
}

inline domain::district make_district(std::string jurisdiction_id, std::string id, std::string code) {
  domain::district d;
  d.id = std::move(id);
  d.jurisdiction_id = std::move(jurisdiction_id);
  d.code = std::move(code);
  d.name = "Kecamatan " + d.code;
  return d;
}

inline domain::agency make_agency(std::string jurisdiction_id, std::string id, std::string code,
                                  domain::agency_kind kind) {
  domain::agency a;
  a.id = std::move(id);
  a.jurisdiction_id = std::move(jurisdiction_id);
  a.code = std::move(code);
  a.name = "Dinas " + a.code;
  a.kind = kind;
  a.phone = "+62911312345";
  return a;
}

inline domain::category make_category(std::string jurisdiction_id, std::string id, std::string code) {
  domain::category c;
  c.id = std::move(id);
  c.jurisdiction_id = std::move(jurisdiction_id);
  c.code = std::move(code);
  c.name_id = "Kebakaran " + c.code;
  c.name_en = "Fire " + c.code;
  return c;
}

inline domain::report make_report(std::string jurisdiction_id, std::string id, core::timestamp created_at) {
  domain::report r;
  r.id = std::move(id);
  r.jurisdiction_id = std::move(jurisdiction_id);
  r.tracking_code = "T" + r.id;
  r.created_by = "u1";
  r.created_at = created_at;
  r.updated_at = created_at;
  return r;
}

inline domain::incident make_incident(std::string jurisdiction_id, std::string id, std::string category_id,
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

inline domain::dispatch make_dispatch(std::string jurisdiction_id, std::string id, std::string incident_id,
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

inline domain::event make_event(std::string jurisdiction_id, std::string id,
                                std::optional<std::string> incident_id = {}) {
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

// A 4-byte PNG photo of j1, uploaded by u1 at `created_at`; the caller names its incident or report.
inline domain::media make_photo(std::string id, core::timestamp created_at) {
  domain::media m;
  m.id = std::move(id);
  m.jurisdiction_id = "j1";
  m.content_type = "image/png";
  m.size = 4;
  m.sha256 = domain::sha256_hex("\x89PNG");
  m.uploaded_by = "u1";
  m.created_at = created_at;
  return m;
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

// The suites of the facets that not every backend has yet: the same fixture, each
// instantiated for the backends that have its facets. The PostgreSQL store is being built
// facet by facet (postgres/README.md); a suite joins every_backend() when it has them all.
class store_media_contract : public store_contract {};    // media
class store_areas_contract : public store_contract {};    // villages and boundaries
class store_places_contract : public store_contract {};   // places
class store_rollups_contract : public store_contract {};  // the statistics rollups

// Every backend, for the suites of the facets all of them have: the directory, reports,
// incidents and dispatches, events and counters, and the writer itself.
inline auto every_backend() {
  return ::testing::Values(make_sqlite_backend(), make_postgres_backend());
}

// The backends that have every facet.
inline auto complete_backends() {
  return ::testing::Values(make_sqlite_backend());
}

inline std::string backend_name(const ::testing::TestParamInfo<backend>& info) {
  return info.param.name;
}

}  // namespace siaga::storage::contract
