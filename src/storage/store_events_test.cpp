// Contract tests of storage::store, continued: the event log, appended one by one and in bulk,
// its chain across threads and reopening, the commit listener, and its guards (append-only, the
// erasure of a version-2 payload). Split from store_queries_test.cpp.
#include "storage/bulk_writes.hpp"
#include "storage/store_test_fixture.hpp"

#include <latch>

// Filters are written with designated initializers naming only the fields a test sets; GCC 12
// warns about the others although every member has a default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace siaga::storage::contract {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------
// The event log.

// append_events (a bulk import's batch) gives the seqs, chain and hashes that append_event one
// by one gives, interleaved with it in one command and across two jurisdictions, and tells the
// commit listener of every event as stored; a taken id fails the command and appends none of them.
TEST_P(store_contract, events_appended_in_bulk_chain_as_those_appended_one_by_one) {
  std::vector<domain::event> heard;
  store_->set_commit_listener(
      [&](const committed_events& events) { heard.insert(heard.end(), events->begin(), events->end()); });
  std::vector<domain::event> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(make_event(i % 3 ? "j1" : "j2", "bulk" + std::to_string(i)));
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto first = t.append_event(make_event("j1", "single"));
              if (!first) return first.error();
              if (auto stored = append_events(t, batch); !stored) return stored.error();
              auto last = t.append_event(make_event("j2", "after"));
              if (!last) return last.error();
              return {};
            })),
            "ok");
  auto all = reader().events_after(0, 100000).value();
  ASSERT_EQ(all.size(), 302u);
  EXPECT_EQ(all.front().id, "single");
  EXPECT_EQ(all.back().id, "after");
  for (int i = 0; i < 300; ++i)
    EXPECT_EQ(all[static_cast<std::size_t>(i) + 1].id, batch[static_cast<std::size_t>(i)].id);
  EXPECT_TRUE(strictly_increasing(seqs_of(all)));
  EXPECT_EQ(all.back().seq, all.front().seq + 301);
  for (auto j : {"j1", "j2"}) {
    auto chain = reader().events_of_jurisdiction(j).value();
    EXPECT_EQ(chain.front().prev_hash, "");
    auto broken = domain::verify_chain(chain);
    EXPECT_FALSE(broken) << j << " breaks at " << broken->seq << ": " << broken->reason;
  }

  auto taken = outcome(write([&](store_txn& t) -> result<void> {
    auto stored = append_events(t, {make_event("j1", "fresh"), make_event("j1", "bulk7")});
    if (!stored) return stored.error();
    return {};
  }));
  EXPECT_TRUE(taken.starts_with("conflict")) << taken;
  EXPECT_EQ(reader().events_after(0, 100000).value().size(), 302u);
  ASSERT_EQ(outcome(write([&](store_txn& t) -> result<void> {
              auto e = append_events(t, {make_event("j1", "fresh")});
              if (!e) return e.error();
              return {};
            })),
            "ok");
  EXPECT_FALSE(domain::verify_chain(reader().events_of_jurisdiction("j1").value()));
  auto stored = reader().events_after(0, 100000).value();
  store_->close();
  ASSERT_EQ(heard.size(), 303u);
  // What the listener heard is what was stored, seqs, chain and hashes included.
  EXPECT_EQ(all_fields(stored), all_fields(heard));
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
  EXPECT_EQ(stored.payload_digest, domain::compute_payload_digest(stored)) << "new events are hash version 2";
  EXPECT_FALSE(stored.erased_at);
  EXPECT_EQ(stored.hash, domain::compute_event_hash(stored));
  e.seq = stored.seq;
  e.prev_hash = stored.prev_hash;
  e.hash = stored.hash;
  e.payload_digest = stored.payload_digest;
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
  store_->set_commit_listener([&](const committed_events& events) {
    std::lock_guard lock(heard_mutex);
    calls.push_back(*events);
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

// Appends n events (e0, e1, ...) to a jurisdiction's chain.
result<void> append_events(store_txn& t, const std::string& jurisdiction_id, int n) {
  for (int k = 0; k < n; ++k) {
    if (auto e = t.append_event(make_event(jurisdiction_id, "e" + std::to_string(k))); !e) return e.error();
  }
  return {};
}

TEST_P(store_contract, events_are_append_only_and_tampering_is_detectable) {
  ASSERT_EQ(outcome(write([&](store_txn& t) { return append_events(t, "j1", 3); })), "ok");
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

TEST_P(store_contract, only_the_payload_of_a_version_2_event_may_be_erased_and_the_chain_still_verifies) {
  ASSERT_EQ(outcome(write([&](store_txn& t) { return append_events(t, "j1", 3); })), "ok");
  auto chain = reader().events_of_jurisdiction("j1").value();
  ASSERT_EQ(chain.size(), 3u);
  auto middle = std::to_string(chain[1].seq);
  // Erasing more than the payload, or erasing it without saying when, is refused.
  EXPECT_EQ(code_of(GetParam().raw_sql(location_,
                                       "UPDATE events SET payload_json = '{\"erased\":true}', erased_at = "
                                       "5, kind = 'x' WHERE seq = " +
                                           middle)),
            "storage_failure");
  EXPECT_EQ(code_of(GetParam().raw_sql(location_,
                                       "UPDATE events SET payload_json = '{\"erased\":true}' WHERE seq = " + middle)),
            "storage_failure");
  EXPECT_EQ(code_of(GetParam().raw_sql(location_,
                                       "UPDATE events SET payload_json = '{\"other\":1}', erased_at = 5 "
                                       "WHERE seq = " +
                                           middle)),
            "storage_failure");
  EXPECT_EQ(all_fields(reader().events_of_jurisdiction("j1").value()), all_fields(chain));

  ASSERT_EQ(outcome(GetParam().raw_sql(location_,
                                       "UPDATE events SET payload_json = '{\"erased\":true}', erased_at = "
                                       "5 WHERE seq = " +
                                           middle)),
            "ok");
  auto erased = reader().events_of_jurisdiction("j1").value();
  ASSERT_EQ(erased.size(), 3u);
  EXPECT_EQ(erased[1].payload_json, domain::erased_payload);
  EXPECT_EQ(erased[1].erased_at, core::from_micros(5));
  EXPECT_EQ(erased[1].payload_digest, chain[1].payload_digest);
  EXPECT_FALSE(domain::verify_chain(erased)) << "an erased event is checked by its digest alone";
  EXPECT_EQ(code_of(GetParam().raw_sql(location_, "UPDATE events SET erased_at = 6 WHERE seq = " + middle)),
            "storage_failure")
      << "an erased event stays as it was erased";
}

}  // namespace
}  // namespace siaga::storage::contract
