// Contract tests of storage::store, continued: lists with their filters and pages, commands
// (savepoints, rollback, batches) and durability; the event log is in store_events_test.cpp.
#include "storage/store_test_fixture.hpp"

#include <latch>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage::contract {
namespace {

using namespace std::chrono_literals;

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

TEST_P(store_contract, keyset_pages_walk_a_list_in_order_through_equal_times_without_counting) {
  // Seven incidents share one time, so the id must break the tie across a page boundary.
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              for (int i = 0; i < 12; ++i) {
                auto id = "i" + std::to_string(10 + i);
                if (auto r = t.insert_incident(make_incident("j1", id, "c_fire", at(i < 7 ? 60 : i * 60))); !r)
                  return r;
              }
              return t.insert_incident(make_incident("j2", "i99", "c_other", at(60)));
            })),
            "ok");
  auto all = reader().list_incidents({.jurisdiction_id = "j1", .page = {.limit = 100}}).value();
  ASSERT_EQ(all.items.size(), 12u);
  std::vector<std::string> walked;
  std::optional<keyset> after;
  for (int pages = 0; pages < 10; ++pages) {
    auto p = reader()
                 .list_incidents(
                     {.jurisdiction_id = "j1", .page = {.limit = 5}, .walk = {.after = after, .count_total = false}})
                 .value();
    EXPECT_EQ(p.total, 0);
    for (const auto& i : p.items) walked.push_back(i.id);
    if (p.items.size() < 5) break;
    after = keyset{p.items.back().created_at, p.items.back().id};
  }
  EXPECT_EQ(walked, ids_of(all.items));
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

// What read gives for the incident the command created (i_new) and for an older one (i_old),
// inside the command.
template <class Read, class Rows>
result<void> read_new_and_old(Read read, Rows& new_rows, Rows& old_rows) {
  auto fresh = read("i_new");
  if (!fresh) return fresh.error();
  new_rows = *fresh;
  auto older = read("i_old");
  if (!older) return older.error();
  old_rows = *older;
  return {};
}

// The timeline of an incident the command itself created (the SQLite writer answers it from the
// events the command appended) is the one read after the commit; an older incident's is read.
TEST_P(store_contract, a_command_reads_the_timeline_of_an_incident_it_created) {
  auto fields = [](const std::vector<domain::event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      out.push_back(std::to_string(e.seq) + " " + e.id + " " + e.kind + " " + e.subject_id + " " + e.payload_json +
                    " " + std::to_string(core::to_micros(e.at)) + " " + e.prev_hash + " " + e.hash + " " +
                    e.payload_digest);
    }
    return out;
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(make_incident("j1", "i_old", "c_fire", at(0))); !r) return r;
              auto e = t.append_event(make_event("j1", "e_old", "i_old"));
              return e ? result<void>{} : result<void>(e.error());
            })),
            "ok");
  std::vector<domain::event> inside_new, inside_old;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.append_event(make_event("j1", "e_old2", "i_old")); !r) return r.error();
              if (auto r = t.insert_incident(make_incident("j1", "i_new", "c_fire", at(1))); !r) return r;
              for (const auto& id : {"e_new1", "e_other", "e_new2"}) {
                auto e = std::string(id) == "e_other" ? make_event("j1", id) : make_event("j1", id, "i_new");
                if (auto r = t.append_event(e); !r) return r.error();
              }
              return read_new_and_old([&](const std::string& id) { return t.events_of_incident(id); }, inside_new,
                                      inside_old);
            })),
            "ok");
  auto after_new = reader().events_of_incident("i_new").value();
  EXPECT_EQ(ids_of(after_new), (std::vector<std::string>{"e_new1", "e_new2"}));
  EXPECT_EQ(fields(inside_new), fields(after_new));
  auto after_old = reader().events_of_incident("i_old").value();
  ASSERT_EQ(after_old.size(), 2u);
  EXPECT_EQ(fields(inside_old), fields(after_old));
}

// Likewise the dispatches of an incident the command created: every column as stored, in the
// table's order, whether inserted or updated by the command; an older incident's are read.
TEST_P(store_contract, a_command_reads_the_dispatches_of_an_incident_it_created) {
  auto all = [](const std::vector<domain::dispatch>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) {
      out.push_back(d.id + " " + d.incident_id + " " + std::string(domain::to_string(d.status)) + " " + d.public_note +
                    " " + std::to_string(us(d.notified_at)) + " " + d.note + " " + d.agency_id);
    }
    return out;
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(make_incident("j1", "i_old", "c_fire", at(0))); !r) return r;
              return t.insert_dispatch(make_dispatch("j1", "d_old", "i_old", "a_fire", at(0)));
            })),
            "ok");
  std::vector<domain::dispatch> inside_new, inside_old;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(make_incident("j1", "i_new", "c_fire", at(1))); !r) return r;
              // Inserted out of their order; one updated afterwards, another moved from the old incident.
              auto later = make_dispatch("j1", "d_b", "i_new", "a_fire", at(3));
              auto sooner = make_dispatch("j1", "d_c", "i_new", "a_health", at(2));
              auto tie = make_dispatch("j1", "d_a", "i_new", "a_health", at(3));
              for (const auto& d : {later, sooner, tie}) {
                if (auto r = t.insert_dispatch(d); !r) return r;
              }
              later.status = domain::dispatch_status::acknowledged;
              later.acknowledged_at = at(4);
              later.public_note = "Petugas menuju lokasi";
              later.updated_at = at(4);
              if (auto r = t.update_dispatch(later); !r) return r;
              auto moved = make_dispatch("j1", "d_old", "i_new", "a_fire", at(0));
              moved.note = "dipindahkan";
              if (auto r = t.update_dispatch(moved); !r) return r;
              return read_new_and_old([&](const std::string& id) { return t.dispatches_of_incident(id); }, inside_new,
                                      inside_old);
            })),
            "ok");
  auto after_new = reader().dispatches_of_incident("i_new").value();
  EXPECT_EQ(ids_of(after_new), (std::vector<std::string>{"d_old", "d_c", "d_a", "d_b"}));
  EXPECT_EQ(all(inside_new), all(after_new));
  for (std::size_t i = 0; i < after_new.size() && i < inside_new.size(); ++i) {
    EXPECT_EQ(fields(inside_new[i]), fields(after_new[i])) << after_new[i].id;
  }
  EXPECT_TRUE(inside_old.empty());
  EXPECT_TRUE(reader().dispatches_of_incident("i_old").value().empty());
}

// An event whose row cannot be written (its id is taken) fails its command, whether the store
// writes it at once or as the command ends (the SQLite writer keeps a command's events back for
// one multi-row INSERT): in one batch, the commands before and after it commit with their events
// and a chain linked seq by seq, and each command reads its own events where it reads the log.
TEST_P(store_contract, an_event_that_cannot_be_written_fails_its_command_alone_in_its_batch) {
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto e = t.append_event(make_event("j1", "e_taken"));
              return e ? result<void>{} : result<void>(e.error());
            })),
            "ok");
  const auto last_seq = reader().events_of_jurisdiction("j1").value().back().seq;
  std::latch queued(1);
  std::latch finished(4);
  std::vector<std::string> outcomes(4);
  std::vector<std::vector<std::string>> read_inside(4);
  auto done = [&](int i) {
    return [&, i](result<void> r) {
      outcomes[static_cast<std::size_t>(i)] = code_of(r);
      finished.count_down();
    };
  };
  // Appends events with these ids, then reads what follows last_seq in the log.
  auto appending = [&](int i, std::vector<std::string> ids) {
    return [&, i, ids](store_txn& t) -> result<void> {
      for (const auto& id : ids) {
        if (auto e = t.append_event(make_event("j1", id)); !e) return e.error();
      }
      auto after = t.events_after(last_seq, 100);
      if (!after) return after.error();
      read_inside[static_cast<std::size_t>(i)] = ids_of(*after);
      return {};
    };
  };
  store_->submit(
      [&](store_txn&) -> result<void> {
        queued.wait();  // holds the writer until the three below wait behind it
        return {};
      },
      done(0));
  store_->submit(appending(1, {"e_a1", "e_a2"}), done(1));
  store_->submit(appending(2, {"e_b1", "e_taken", "e_b2"}), done(2));
  store_->submit(appending(3, {"e_c1"}), done(3));
  queued.count_down();
  finished.wait();
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "ok", "conflict", "ok"}));
  EXPECT_EQ(read_inside[1], (std::vector<std::string>{"e_a1", "e_a2"}));
  EXPECT_EQ(read_inside[3], (std::vector<std::string>{"e_a1", "e_a2", "e_c1"}));
  auto all = reader().events_of_jurisdiction("j1").value();
  EXPECT_EQ(ids_of(all), (std::vector<std::string>{"e_taken", "e_a1", "e_a2", "e_c1"}));
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq, all[i - 1].seq + 1) << all[i].id;
    EXPECT_EQ(all[i].prev_hash, all[i - 1].hash) << all[i].id;
  }
  // The next command's events go on from the chain as committed.
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto e = t.append_event(make_event("j1", "e_d1"));
              return e ? result<void>{} : result<void>(e.error());
            })),
            "ok");
  auto next = reader().events_of_jurisdiction("j1").value().back();
  EXPECT_EQ(next.id, "e_d1");
  EXPECT_EQ(next.seq, all.back().seq + 1);
  EXPECT_EQ(next.prev_hash, all.back().hash);
}

// An incident the command created, read in the command (the SQLite writer answers from the row
// it wrote): the row as stored, after an update too, in its jurisdiction only; and its reports
// and photos, none until the command writes one naming it. Each equals what is read after.
TEST_P(store_contract, a_command_reads_an_incident_it_created_with_its_reports_and_photos) {
  auto photo = [](std::string id, std::string incident_id) {
    auto m = make_photo(std::move(id), at(2));
    m.incident_id = std::move(incident_id);
    return m;
  };
  auto media_ids = [](const std::vector<domain::media>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.id + " " + m.incident_id);
    return out;
  };
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              if (auto r = t.insert_incident(make_incident("j1", "i_old", "c_fire", at(0))); !r) return r;
              auto rep = make_report("j1", "r_old", at(0));
              rep.incident_id = "i_old";
              if (auto r = t.insert_report(rep); !r) return r;
              return t.insert_media(photo("m_old", "i_old"), "\x89PNG");
            })),
            "ok");
  std::optional<domain::incident> as_inserted, as_updated, elsewhere;
  domain::incident inserted_row;
  std::vector<std::string> reports_before, reports_after, photos_before, photos_moved, photos_after, old_reports,
      old_photos;
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto fresh = make_incident("j1", "i_new", "c_fire", at(1));
              fresh.location = domain::geo_point{-3.6954123456789, 128.1814987654321};
              fresh.summary = "Kebakaran rumah";
              inserted_row = fresh;
              if (auto r = t.insert_incident(fresh); !r) return r;
              SIAGA_TRY(inserted, t.find_incident("j1", "i_new"));
              as_inserted = inserted;
              SIAGA_TRY(other, t.find_incident("j2", "i_new"));
              elsewhere = other;
              fresh.status = domain::incident_status::dispatched;
              fresh.first_dispatched_at = at(3);
              fresh.updated_at = at(3);
              if (auto r = t.update_incident(fresh); !r) return r;
              SIAGA_TRY(updated, t.find_incident("j1", "i_new"));
              as_updated = updated;
              SIAGA_TRY(no_reports, t.reports_of_incident("i_new"));
              reports_before = ids_of(no_reports);
              SIAGA_TRY(no_photos, t.media_of_incident("i_new"));
              photos_before = media_ids(no_photos);
              if (auto r = t.update_media(photo("m_old", "i_new")); !r) return r;  // moved to the new one
              SIAGA_TRY(moved, t.media_of_incident("i_new"));
              photos_moved = media_ids(moved);
              auto rep = make_report("j1", "r_new", at(2));
              rep.incident_id = "i_new";
              if (auto r = t.insert_report(rep); !r) return r;
              auto added = photo("m_new", "i_new");
              added.created_at = at(4);
              if (auto r = t.insert_media(added, "\x89PNG"); !r) return r;
              SIAGA_TRY(reports, t.reports_of_incident("i_new"));
              reports_after = ids_of(reports);
              SIAGA_TRY(photos, t.media_of_incident("i_new"));
              photos_after = media_ids(photos);
              SIAGA_TRY(older_reports, t.reports_of_incident("i_old"));
              old_reports = ids_of(older_reports);
              SIAGA_TRY(older_photos, t.media_of_incident("i_old"));
              old_photos = media_ids(older_photos);
              return {};
            })),
            "ok");
  auto stored = reader().find_incident("j1", "i_new").value();
  ASSERT_TRUE(stored && as_inserted && as_updated);
  EXPECT_EQ(fields(*as_updated), fields(*stored));
  EXPECT_EQ(as_inserted->status, domain::incident_status::open);
  EXPECT_EQ(fields(*as_inserted), fields(inserted_row));
  EXPECT_FALSE(elsewhere) << "another jurisdiction's id";
  EXPECT_TRUE(reports_before.empty());
  EXPECT_TRUE(photos_before.empty());
  EXPECT_EQ(photos_moved, (std::vector<std::string>{"m_old i_new"}));
  EXPECT_EQ(reports_after, ids_of(reader().reports_of_incident("i_new").value()));
  EXPECT_EQ(reports_after, (std::vector<std::string>{"r_new"}));
  EXPECT_EQ(photos_after, media_ids(reader().media_of_incident("i_new").value()));
  EXPECT_EQ(photos_after, (std::vector<std::string>{"m_old i_new", "m_new i_new"}));
  EXPECT_EQ(old_reports, (std::vector<std::string>{"r_old"}));
  EXPECT_TRUE(old_photos.empty()) << "its photo moved to the new incident";
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
  store_->set_commit_listener([&](const committed_events& events) {
    std::lock_guard lock(heard_mutex);
    heard.insert(heard.end(), events->begin(), events->end());
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
}  // namespace
}  // namespace siaga::storage::contract
