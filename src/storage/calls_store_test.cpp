// Contract tests of the store's call methods (storage/store.hpp, "Calls and callers"), against
// the interface only, on every backend (store_test_fixture.hpp: SQLite and PostgreSQL): calls,
// their events, lists, location records, api keys and the call rollups. The callers' counters
// and the callbacks are in callers_store_test.cpp.
#include "storage/bulk_reads.hpp"
#include "storage/bulk_writes.hpp"
#include "storage/calls_store_test_fixture.hpp"

#include <map>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage {
namespace {

using namespace std::chrono_literals;
using namespace calls_test;

TEST_P(calls_store, a_call_round_trips_with_every_field_set_and_unset) {
  auto bare = make_call("c1", "pbx-1", "", 0s);
  auto full = answered(make_call("c2", "pbx-2", "+6281234567890", 10s), domain::call_class::prank);
  full.state.queued_at = t0 + 11s;
  full.state.answered_by = "ext201";
  full.state.agent = "ext202";
  full.state.transfers = 1;
  full.state.reason = domain::end_reason::completed;
  full.state.digits = "55";
  full.state.silent_caller = true;
  full.state.silent = true;
  full.classified_by = "u1";
  full.classified_at = t0 + 2min;
  full.note = "iseng";
  full.location = domain::call_location{-3.69, 128.18, 25.0, t0 + 20s, "gnss", "aml_sms_v1"};
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_call(bare); !r) return r;
              return t.insert_call(full);
            })),
            "ok");
  auto got_bare = rd().find_call("j1", "c1");
  ASSERT_TRUE(got_bare && *got_bare);
  EXPECT_EQ((*got_bare)->external_id, "pbx-1");
  EXPECT_FALSE((*got_bare)->state.outcome);
  EXPECT_FALSE((*got_bare)->classification);
  EXPECT_FALSE((*got_bare)->location);
  EXPECT_FALSE((*got_bare)->report_id);

  auto got = rd().find_call_by_external("j1", "pbx-2");
  ASSERT_TRUE(got && *got);
  const auto& g = **got;
  EXPECT_EQ(g.id, "c2");
  EXPECT_EQ(g.state.caller, "+6281234567890");
  EXPECT_EQ(g.state.ring_at, t0 + 10s);
  EXPECT_EQ(g.state.queued_at, t0 + 11s);
  EXPECT_EQ(g.state.answered_at, t0 + 15s);
  EXPECT_EQ(g.state.ended_at, t0 + 70s);
  EXPECT_EQ(g.state.answered_by, "ext201");
  EXPECT_EQ(g.state.agent, "ext202");
  EXPECT_EQ(g.state.transfers, 1);
  EXPECT_EQ(g.state.reason, domain::end_reason::completed);
  EXPECT_EQ(g.state.outcome, domain::call_outcome::answered);
  EXPECT_EQ(g.state.digits, "55");
  EXPECT_TRUE(g.state.silent_caller);
  EXPECT_TRUE(g.state.silent);
  EXPECT_EQ(g.classification, domain::call_class::prank);
  EXPECT_EQ(g.classified_source, domain::classification_source::manual);
  EXPECT_EQ(g.classified_by, "u1");
  EXPECT_EQ(g.classified_at, t0 + 2min);
  EXPECT_EQ(g.note, "iseng");
  ASSERT_TRUE(g.location);
  EXPECT_DOUBLE_EQ(g.location->lat, -3.69);
  EXPECT_EQ(g.location->radius_m, 25.0);
  EXPECT_EQ(g.location->at, t0 + 20s);
  EXPECT_EQ(g.location->method, "gnss");
  EXPECT_EQ(g.location->format, "aml_sms_v1");

  // Scoped to the jurisdiction.
  auto other = rd().find_call("j2", "c2");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);

  // An update of a few columns (SQLite sets only those) keeps every other, and the reads through
  // the indexes over the changed columns see the change; an update that changes nothing is fine.
  EXPECT_EQ(rd().strike_times("j1", "+6281234567890", t0 - 1h)->size(), 1u);
  auto partly = g;
  partly.classification = domain::call_class::information;
  partly.note = "bukan iseng";
  partly.state.ended_at.reset();
  ASSERT_TRUE(partly.location);
  partly.location->lat = -3.69583;  // a new fix: its fractions kept (not bound as integers)
  partly.location->radius_m = 8.5;
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.update_call(partly); })), "ok");
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.update_call(partly); })), "ok");
  auto got_partly = rd().find_call("j1", "c2");
  ASSERT_TRUE(got_partly && *got_partly);
  EXPECT_EQ((*got_partly)->classification, domain::call_class::information);
  EXPECT_EQ((*got_partly)->note, "bukan iseng");
  EXPECT_FALSE((*got_partly)->state.ended_at);
  EXPECT_EQ((*got_partly)->state.agent, "ext202");
  EXPECT_EQ((*got_partly)->classified_by, "u1");
  ASSERT_TRUE((*got_partly)->location);
  EXPECT_EQ((*got_partly)->location->format, "aml_sms_v1");
  EXPECT_DOUBLE_EQ((*got_partly)->location->lat, -3.69583);
  EXPECT_EQ((*got_partly)->location->radius_m, std::optional<double>(8.5));
  EXPECT_TRUE(rd().strike_times("j1", "+6281234567890", t0 - 1h)->empty());
  call_filter live;
  live.jurisdiction_id = "j1";
  live.live = true;
  auto live_calls = rd().list_calls(live);
  ASSERT_TRUE(live_calls);
  EXPECT_EQ(live_calls->total, 2);

  full.note = "diubah";
  full.location.reset();
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.update_call(full); })), "ok");
  auto after = rd().find_call("j1", "c2");
  EXPECT_EQ((*after)->note, "diubah");
  EXPECT_FALSE((*after)->location);
  auto ghost = make_call("nope", "x", "", 0s);
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.update_call(ghost); })), "not_found");
}

TEST_P(calls_store, external_ids_and_event_ids_are_unique_per_jurisdiction) {
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.insert_call(make_call("c1", "pbx-1", "", 0s)); })), "ok");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_call(make_call("c2", "pbx-1", "", 0s)); })), "conflict");
  auto in_j2 = make_call("c3", "pbx-1", "", 0s);
  in_j2.jurisdiction_id = "j2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_call(in_j2); })), "ok");

  domain::stored_call_event e;
  e.jurisdiction_id = "j1";
  e.call_record_id = "c1";
  e.event.event_id = "ev-1";
  e.event.call_id = "pbx-1";
  e.event.kind = domain::call_event_kind::ended;
  e.event.at = t0 + 30s;
  e.event.reason = domain::end_reason::caller_hangup;
  e.event.silent = true;
  e.received_at = t0 + 31s;
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.insert_call_event(e); })), "ok");
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_call_event(e); })), "conflict");
  auto found = rd().find_call_event("j1", "ev-1");
  ASSERT_TRUE(found && *found);
  EXPECT_TRUE(domain::same_event((*found)->event, e.event));
  EXPECT_EQ((*found)->call_record_id, "c1");
  EXPECT_EQ((*found)->received_at, t0 + 31s);
  EXPECT_FALSE(*rd().find_call_event("j2", "ev-1"));
}

// The bulk forms (a CDR import's batch) write the rows the single-row forms write, across the
// SQLite store's chunks of 128 rows and its smaller remainders, and a duplicate in a batch
// fails the batch as the single-row form would.
TEST_P(calls_store, calls_and_call_events_written_in_bulk_equal_those_written_one_by_one) {
  std::vector<domain::call_record> calls;
  std::vector<domain::stored_call_event> events;
  for (int i = 0; i < 300; ++i) {
    auto n = std::to_string(i);
    auto c = make_call("c" + n, "pbx-" + n, i % 2 ? "0812" : "0813", std::chrono::seconds(i));
    if (i % 3 == 0) c = answered(c, domain::call_class::prank);
    calls.push_back(c);
    for (auto kind : {domain::call_event_kind::ringing, domain::call_event_kind::ended}) {
      domain::stored_call_event e;
      e.jurisdiction_id = "j1";
      e.call_record_id = c.id;
      e.event.event_id = "ev-" + n + "-" + std::string(domain::to_string(kind));
      e.event.call_id = c.external_id;
      e.event.kind = kind;
      e.event.at = *c.state.ring_at + (kind == domain::call_event_kind::ended ? 10s : 0s);
      e.event.caller = c.state.caller;
      e.received_at = t0;
      events.push_back(e);
    }
  }
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = insert_calls(t, calls); !r) return r;
              return insert_call_events(t, events);
            })),
            "ok");
  for (int i : {0, 127, 128, 255, 256, 299}) {
    auto found = rd().find_call("j1", calls[i].id);
    ASSERT_TRUE(found && *found) << i;
    EXPECT_EQ((*found)->external_id, calls[i].external_id);
    EXPECT_EQ((*found)->state.caller, calls[i].state.caller);
    EXPECT_EQ((*found)->classification, calls[i].classification);
    auto stored = rd().call_events_of(calls[i].id);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), 2u);
    EXPECT_EQ(stored->front().event_id, events[2 * i].event.event_id);
  }
  EXPECT_EQ(rd().caller_history_of("j1", "0812")->calls, 150);
  EXPECT_EQ(rd().caller_history_of("j1", "0813")->calls, 150);

  // A batch holding a call already stored fails whole: its new call is not written either.
  std::vector<domain::call_record> again{make_call("c-new", "pbx-new", "", 0s), calls[5]};
  EXPECT_EQ(code_of(write([&](store_txn& t) { return insert_calls(t, again); })), "conflict");
  EXPECT_FALSE(*rd().find_call("j1", "c-new"));
  EXPECT_EQ(code_of(write([&](store_txn& t) { return insert_call_events(t, {events[7]}); })), "conflict");

  // The bulk lookup of a telephony batch's event ids answers as find_call_event for each: across
  // chunks (203 ids: 128, 64, 8, 2, 1), with absent ids, an id asked twice (found once) and an id
  // of another jurisdiction (not found).
  std::vector<std::string> asked;
  for (int i = 0; i < 200; ++i) asked.push_back(i % 2 ? events[3 * i].event.event_id : "absent-" + std::to_string(i));
  asked.push_back(events[3].event.event_id);
  asked.push_back(events[599].event.event_id);
  asked.push_back("ev-x");
  auto other = make_call("c-j2", "pbx-j2", "", 0s);
  other.jurisdiction_id = "j2";
  domain::stored_call_event elsewhere = events[0];
  elsewhere.jurisdiction_id = "j2";
  elsewhere.call_record_id = other.id;
  elsewhere.event.event_id = "ev-x";
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_call(other); !r) return r;
              return t.insert_call_event(elsewhere);
            })),
            "ok");
  std::vector<domain::stored_call_event> found;
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              std::vector<std::string_view> ids(asked.begin(), asked.end());
              auto r = find_call_events(t, "j1", ids);
              if (!r) return r.error();
              found = std::move(*r);
              return {};
            })),
            "ok");
  std::map<std::string, domain::stored_call_event> by_id;
  for (auto& e : found) EXPECT_TRUE(by_id.emplace(e.event.event_id, e).second) << e.event.event_id << " twice";
  std::size_t expected = 0;
  for (const auto& id : asked) {
    auto one = rd().find_call_event("j1", id);
    ASSERT_TRUE(one) << id;
    auto it = by_id.find(id);
    if (!*one) {
      EXPECT_EQ(it, by_id.end()) << id;
      continue;
    }
    ASSERT_NE(it, by_id.end()) << id;
    EXPECT_TRUE(domain::same_event(it->second.event, (*one)->event)) << id;
    EXPECT_EQ(it->second.call_record_id, (*one)->call_record_id) << id;
    EXPECT_EQ(it->second.jurisdiction_id, "j1") << id;
    EXPECT_EQ(it->second.received_at, (*one)->received_at) << id;
  }
  for (int i = 1; i < 200; i += 2) ++expected;
  EXPECT_EQ(by_id.size(), expected + 1);  // the odd ones, and events[599]; events[3] is among them
}

TEST_P(calls_store, call_events_come_back_in_canonical_order) {
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.insert_call(make_call("c1", "pbx-1", "", 0s)); })), "ok");
  std::vector<std::tuple<std::string, domain::call_event_kind, std::chrono::seconds>> given = {
      {"z", domain::call_event_kind::ended, 5s},
      {"b", domain::call_event_kind::answered, 5s},
      {"a", domain::call_event_kind::answered, 5s},
      {"r", domain::call_event_kind::ringing, 0s}};
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              for (auto& [id, kind, at] : given) {
                domain::stored_call_event e;
                e.jurisdiction_id = "j1";
                e.call_record_id = "c1";
                e.event.event_id = id;
                e.event.call_id = "pbx-1";
                e.event.kind = kind;
                e.event.at = t0 + at;
                e.received_at = t0;
                if (auto r = t.insert_call_event(e); !r) return r;
              }
              return {};
            })),
            "ok");
  auto events = rd().call_events_of("c1");
  ASSERT_TRUE(events);
  std::vector<std::string> ids;
  for (const auto& e : *events) ids.push_back(e.event_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"r", "a", "b", "z"}));
}

TEST_P(calls_store, a_caller_has_history_strikes_and_a_latest_call) {
  const std::string n = "+6281234567890";
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              std::vector<domain::call_record> calls = {
                  answered(make_call("c1", "p1", n, 0s), domain::call_class::prank),
                  answered(make_call("c2", "p2", n, 1h), domain::call_class::ghost),
                  answered(make_call("c3", "p3", n, 2h), domain::call_class::valid),
                  answered(make_call("c4", "p4", n, 3h)),
                  make_call("c5", "p5", n, 4h),
                  make_call("c6", "p6", "+6289999999999", 5h)};
              calls[4].state.ended_at = t0 + 4h + 9s;
              calls[4].state.outcome = domain::call_outcome::abandoned;
              for (const auto& c : calls) {
                if (auto r = t.insert_call(c); !r) return r;
              }
              return {};
            })),
            "ok");
  auto h = rd().caller_history_of("j1", n);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->calls, 5);
  EXPECT_EQ(h->answered, 4);
  EXPECT_EQ(h->abandoned, 1);
  EXPECT_EQ(h->missed, 0);
  EXPECT_EQ(h->valid, 1);
  EXPECT_EQ(h->prank, 1);
  EXPECT_EQ(h->ghost, 1);
  EXPECT_EQ(h->first_call_at, t0);
  EXPECT_EQ(h->last_call_at, t0 + 4h);
  auto none = rd().caller_history_of("j1", "+6280000000000");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->calls, 0);
  EXPECT_FALSE(none->last_call_at);

  auto strikes = rd().strike_times("j1", n, t0 - 1s);
  ASSERT_TRUE(strikes);
  EXPECT_EQ(*strikes, (std::vector<core::timestamp>{t0, t0 + 1h}));
  EXPECT_EQ(rd().strike_times("j1", n, t0)->size(), 1u);

  auto latest = rd().latest_call_of("j1", n, t0 + 3h + 30min);
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id, "c4");
  EXPECT_FALSE(*rd().latest_call_of("j1", n, t0 - 1s));
  auto since = rd().calls_of_caller("j1", n, t0 + 2h);
  ASSERT_TRUE(since);
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ((*since)[0].id, "c3");

  // Counted up to a cap: the number's five calls, never more than asked, none elsewhere.
  EXPECT_EQ(*rd().count_calls_of_caller("j1", n, 6), 5);
  EXPECT_EQ(*rd().count_calls_of_caller("j1", n, 5), 5);
  EXPECT_EQ(*rd().count_calls_of_caller("j1", n, 2), 2);
  EXPECT_EQ(*rd().count_calls_of_caller("j1", "+6280000000000", 3), 0);
  EXPECT_EQ(*rd().count_calls_of_caller("j2", n, 3), 0);
  // Inside a command the count includes the command's own inserts.
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_call(make_call("c7", "p7", n, 6h)); !r) return r;
              auto counted = t.count_calls_of_caller("j1", n, 10);
              if (!counted) return counted.error();
              EXPECT_EQ(*counted, 6);
              return {};
            })),
            "ok");
}

TEST_P(calls_store, list_calls_filters_and_orders_newest_first) {
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              std::vector<domain::call_record> calls = {
                  answered(make_call("c1", "p1", "+6281111111111", 0s)),
                  answered(make_call("c2", "p2", "+6282222222222", 1h), domain::call_class::valid),
                  make_call("c3", "p3", "+6281111111111", 2h)};
              for (const auto& c : calls) {
                if (auto r = t.insert_call(c); !r) return r;
              }
              return {};
            })),
            "ok");
  auto ids = [&](const call_filter& f) {
    std::vector<std::string> out;
    auto p = rd().list_calls(f);
    EXPECT_TRUE(p);
    if (p) {
      for (const auto& c : p->items) out.push_back(c.id);
    }
    return out;
  };
  using v = std::vector<std::string>;
  EXPECT_EQ(ids({.jurisdiction_id = "j1"}), (v{"c3", "c2", "c1"}));
  EXPECT_EQ(ids({.jurisdiction_id = "j1", .live = true}), (v{"c3"}));
  EXPECT_EQ(ids({.jurisdiction_id = "j1", .unclassified = true}), (v{"c1"}));
  EXPECT_EQ(ids({.jurisdiction_id = "j1", .caller = std::string("+6281111111111")}), (v{"c3", "c1"}));
  EXPECT_EQ(ids({.jurisdiction_id = "j1", .outcome = domain::call_outcome::answered}), (v{"c2", "c1"}));
  EXPECT_EQ(ids({.jurisdiction_id = "j1", .from = t0 + 1h, .to = t0 + 2h}), (v{"c2"}));
  EXPECT_EQ(ids({.jurisdiction_id = "j2"}), v{});
  auto p = rd().list_calls({.jurisdiction_id = "j1", .page = {.limit = 1, .offset = 1}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->total, 3);
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_EQ(p->items[0].id, "c2");
}

TEST_P(calls_store, location_records_keep_accepted_fixes_and_refusals) {
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.insert_call(make_call("c1", "p1", "+6281234567890", 0s)); })),
            "ok");
  domain::location_record ok;
  ok.id = "l1";
  ok.jurisdiction_id = "j1";
  ok.call_id = "c1";
  ok.number = "+6281234567890";
  ok.accepted = true;
  ok.format = "aml_sms_v2";
  domain::location_fix f;
  f.format = "aml_sms_v2";
  f.lat = -3.7;
  f.lon = 128.2;
  f.radius_m = 12;
  f.fix_time = t0 + 5s;
  f.method = domain::location_method::wifi;
  f.confidence = 68;
  f.emergency_number = "112";
  f.network = "51010";
  f.language = "id-ID";
  f.call_started = t0;
  ok.fix = f;
  ok.raw = "A\"ML=2;...";
  ok.received_at = t0 + 6s;
  domain::location_record refused;
  refused.id = "l2";
  refused.jurisdiction_id = "j1";
  refused.number = "";
  refused.accepted = false;
  refused.rejection = "ml salah";
  refused.format = "aml_sms";
  refused.raw = "A\"ML=1;lt=1";
  refused.received_at = t0 + 7s;
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_location_record(ok); !r) return r;
              return t.insert_location_record(refused);
            })),
            "ok");
  auto all = rd().list_location_records({.jurisdiction_id = "j1"});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].id, "l2");
  EXPECT_FALSE(all->items[0].fix);
  EXPECT_EQ(all->items[0].rejection, "ml salah");
  const auto& g = all->items[1];
  ASSERT_TRUE(g.fix);
  EXPECT_EQ(g.call_id, "c1");
  EXPECT_DOUBLE_EQ(g.fix->lat, -3.7);
  EXPECT_EQ(g.fix->radius_m, 12.0);
  EXPECT_EQ(g.fix->fix_time, t0 + 5s);
  EXPECT_EQ(g.fix->method, domain::location_method::wifi);
  EXPECT_EQ(g.fix->confidence, 68);
  EXPECT_EQ(g.fix->emergency_number, "112");
  EXPECT_EQ(g.fix->language, "id-ID");
  EXPECT_EQ(g.fix->call_started, t0);
  auto of_call = rd().list_location_records({.jurisdiction_id = "j1", .call_id = std::string("c1")});
  EXPECT_EQ(of_call->total, 1);
  EXPECT_EQ(rd().list_location_records({.jurisdiction_id = "j1", .accepted = false})->total, 1);
  // An accepted record needs its fix, a refused one must not carry one.
  auto broken = refused;
  broken.id = "l3";
  broken.accepted = true;
  EXPECT_NE(code_of(write([&](store_txn& t) { return t.insert_location_record(broken); })), "ok");
}

TEST_P(calls_store, calls_between_marks_the_calls_whose_report_was_dispatched) {
  ASSERT_EQ(code_of(write([&](store_txn& t) -> result<void> {
              domain::category cat;
              cat.id = "cat";
              cat.jurisdiction_id = "j1";
              cat.code = "fire";
              cat.name_id = "Kebakaran";
              if (auto r = t.upsert_category(cat); !r) return r;
              domain::incident inc;
              inc.id = "i1";
              inc.jurisdiction_id = "j1";
              inc.number = "AMB-1";
              inc.category_id = "cat";
              inc.created_by = "u1";
              inc.created_at = t0;
              inc.updated_at = t0;
              inc.first_dispatched_at = t0 + 1min;
              if (auto r = t.insert_incident(inc); !r) return r;
              for (auto [id, incident] : {std::pair<std::string, std::optional<std::string>>{"r1", "i1"},
                                          std::pair<std::string, std::optional<std::string>>{"r2", std::nullopt}}) {
                domain::report rep;
                rep.id = id;
                rep.jurisdiction_id = "j1";
                rep.tracking_code = "TC" + id;
                rep.incident_id = incident;
                rep.created_by = "u1";
                rep.created_at = t0;
                rep.updated_at = t0;
                if (auto r = t.insert_report(rep); !r) return r;
              }
              auto a = answered(make_call("c1", "p1", "+6281111111111", 0s), domain::call_class::valid);
              a.report_id = "r1";
              a.state.answered_by = "ext1";
              auto b = answered(make_call("c2", "p2", "+6282222222222", 10min), domain::call_class::valid);
              b.report_id = "r2";
              auto c = make_call("c3", "p3", "+6283333333333", 2h);
              for (const auto& call : {a, b, c}) {
                if (auto r = t.insert_call(call); !r) return r;
              }
              return {};
            })),
            "ok");
  auto rows = rd().calls_between("j1", t0, t0 + 1h);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_TRUE((*rows)[0].dispatched);
  EXPECT_EQ((*rows)[0].agent, "ext1");
  EXPECT_EQ((*rows)[0].classification, domain::call_class::valid);
  EXPECT_FALSE((*rows)[1].dispatched);
  EXPECT_EQ(rd().calls_between("j1", t0, t0 + 3h)->size(), 3u);
  EXPECT_TRUE(rd().calls_between("j2", t0, t0 + 3h)->empty());
}

TEST_P(calls_store, api_keys_are_found_by_hash_and_revoked_by_update) {
  domain::api_key k{"k1", "j1", "PBX Asterisk", "hash-1", "sk112_ab", "u1", t0, std::nullopt};
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.insert_api_key(k); })), "ok");
  auto dup = k;
  dup.id = "k2";
  EXPECT_EQ(code_of(write([&](store_txn& t) { return t.insert_api_key(dup); })), "conflict");
  auto got = rd().find_api_key_by_hash("hash-1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->name, "PBX Asterisk");
  EXPECT_EQ((*got)->jurisdiction_id, "j1");
  EXPECT_FALSE((*got)->revoked_at);
  k.revoked_at = t0 + 1h;
  ASSERT_EQ(code_of(write([&](store_txn& t) { return t.update_api_key(k); })), "ok");
  EXPECT_EQ((*rd().find_api_key("j1", "k1"))->revoked_at, t0 + 1h);
  EXPECT_FALSE(*rd().find_api_key("j2", "k1"));
  EXPECT_EQ(rd().list_api_keys("j1")->size(), 1u);
  EXPECT_TRUE(rd().list_api_keys("j2")->empty());
  EXPECT_FALSE(*rd().find_api_key_by_hash("nope"));
}

// The call rollups (issue 10) follow every insert and update of a call, read the same on both
// stores, equal their recount, and a rollup changed behind the writer's back is found and
// corrected by the rebuild.
TEST_P(calls_store, call_rollups_follow_the_calls_and_a_rebuild_finds_a_tampered_row) {
  auto written = store_->write([](store_txn& t) -> result<void> {
    for (int k = 0; k < 6; ++k) {
      auto c = make_call("c" + std::to_string(k), "x" + std::to_string(k), "+628123", std::chrono::hours(k * 5));
      if (k % 3 != 2) c = answered(c, k == 0 ? std::optional(domain::call_class::prank) : std::nullopt);
      if (k % 3 != 2) c.state.answered_by = "u1";
      if (k % 3 == 2) c.state.outcome = domain::call_outcome::missed;
      if (auto r = t.insert_call(c); !r) return r;
    }
    // A call classified after it was written moves from "" to valid.
    auto later = answered(make_call("c1", "x1", "+628123", 5h), domain::call_class::valid);
    later.state.answered_by = "u1";
    return t.update_call(later);
  });
  ASSERT_EQ(code_of(written), "ok");
  auto sum_counts = [&](int grain) {
    std::map<std::string, std::int64_t> by;
    auto rows = rd().call_rollup_counts({"j1", grain, 0, 1'000'000});
    EXPECT_EQ(code_of(rows), "ok");
    for (const auto& r : rows ? *rows : std::vector<call_rollup_row>{}) {
      by["n"] += r.n;
      by[r.outcome + "/" + r.classification] += r.n;
      by["within_10"] += r.within_10;
    }
    return by;
  };
  for (int grain : {0, 1}) {
    auto by = sum_counts(grain);
    EXPECT_EQ(by["n"], 6) << grain;
    EXPECT_EQ(by["answered/prank"], 1) << grain;
    EXPECT_EQ(by["answered/valid"], 1) << grain;
    EXPECT_EQ(by["answered/"], 2) << grain;
    EXPECT_EQ(by["missed/"], 2) << grain;
    EXPECT_EQ(by["within_10"], 4) << grain;
  }
  auto answers = rd().call_answer_histograms({"j1", 0, 0, 1'000'000});
  ASSERT_EQ(code_of(answers), "ok");
  std::int64_t answered_n = 0;
  for (const auto& a : *answers) {
    EXPECT_EQ(a.agent, "u1");
    EXPECT_EQ(a.hist.count(), a.n);
    answered_n += a.n;
  }
  EXPECT_EQ(answered_n, 4);
  for (int grain : {0, 1}) {
    auto periods = rd().call_period_rollups({"j1", grain, 0, 1'000'000});
    ASSERT_EQ(code_of(periods), "ok");
    std::int64_t n = 0, answered_p = 0;
    for (const auto& p : *periods) {
      n += p.figures[0];
      answered_p += p.figures[1];
    }
    EXPECT_EQ(n, 6) << grain;
    EXPECT_EQ(answered_p, 4) << grain;
  }
  EXPECT_TRUE(rd().call_rollup_counts({"j2", 0, 0, 1'000'000})->empty());

  auto rebuilt = [&] {
    std::map<std::string, std::int64_t> differing;
    auto w = store_->write([&](store_txn& t) -> result<void> {
      auto checks = t.rebuild_call_rollups();
      if (!checks) return checks.error();
      for (const auto& c : *checks) differing[c.table] = c.differing;
      return {};
    });
    EXPECT_EQ(code_of(w), "ok");
    return differing;
  };
  auto first = rebuilt();
  for (auto table : {"roll_calls", "roll_call_answers", "roll_call_periods"}) EXPECT_EQ(first[table], 0) << table;
  ASSERT_EQ(code_of(GetParam().raw_sql(location_, "UPDATE roll_calls SET n = n + 3 WHERE grain = 0")), "ok");
  EXPECT_EQ(sum_counts(0)["n"],
            6 + 3 * static_cast<std::int64_t>(rd().call_rollup_counts({"j1", 0, 0, 1'000'000})->size()));
  auto second = rebuilt();
  EXPECT_GE(second["roll_calls"], 1);
  EXPECT_EQ(second["roll_call_periods"], 0);
  EXPECT_EQ(sum_counts(0)["n"], 6);
  EXPECT_EQ(rebuilt()["roll_calls"], 0);
}

INSTANTIATE_TEST_SUITE_P(backends, calls_store, contract::every_backend(), contract::backend_name);

}  // namespace
}  // namespace siaga::storage
